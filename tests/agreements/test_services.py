"""Agreement services: parties, obligations, documents, permissions and history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.agreements.choices import AgreementType, PartyRole
from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.agreements.services import (
    agreement_create,
    agreement_delete,
    agreement_update,
    document_add,
    obligation_add,
)
from biocampus.core.choices import ProvenanceMethod
from tests.factories import AgreementFactory, OrganizationFactory


def _create(actor, campus, parties, **overrides):
    values = {"title": "Strategic cooperation on diagnostics", "type": AgreementType.STRATEGIC_COOPERATION}
    values.update(overrides)
    return agreement_create(actor=actor, campus=campus, parties=parties, **values)


def _parties(agreement) -> set[tuple]:
    return {(p.organization, p.role, p.signatory) for p in agreement.parties.all()}


@pytest.fixture
def agreement(campus_a, resident_org, partner_org):
    """A cooperation at campus A between the resident organisation and the pharma partner."""
    return AgreementFactory(
        campus=campus_a, title="Teddy x Pharma", parties=[resident_org, (partner_org, PartyRole.LEAD)]
    )


# --- agreement_create ------------------------------------------------------------------------------


def test_creating_an_agreement_records_provenance_and_history_by_the_actor(staff, campus_a, resident_org, partner_org):
    agreement = _create(staff, campus_a, [resident_org, partner_org])
    assert agreement.provenance.method == ProvenanceMethod.MANUAL
    assert agreement.provenance.entered_by == staff
    entry = agreement.history.get()
    assert (entry.history_type, entry.history_user) == ("+", staff)


def test_creating_an_agreement_records_its_parties_with_their_roles(staff, campus_a, resident_org, partner_org):
    agreement = _create(
        staff,
        campus_a,
        [(resident_org, PartyRole.RECIPIENT), {"organization": partner_org, "role": "investor", "signatory": "CEO"}],
    )
    assert _parties(agreement) == {(resident_org, "recipient", ""), (partner_org, "investor", "CEO")}


def test_parties_share_the_agreements_provenance_and_have_history_by_the_actor(
    staff, campus_a, resident_org, partner_org
):
    agreement = _create(staff, campus_a, [resident_org, partner_org])
    for party in agreement.parties.all():
        assert party.provenance_id == agreement.provenance_id
        assert party.history.get().history_user == staff


def test_an_agreement_with_one_party_is_refused_and_nothing_written(staff, campus_a, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, campus_a, [resident_org])
    assert refused.value.message_dict["parties"] == ["An agreement needs at least two parties."]
    assert db_rows() == before


def test_an_agreement_with_the_same_organisation_twice_is_refused_and_nothing_written(
    staff, campus_a, resident_org, db_rows
):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, campus_a, [resident_org, (resident_org, PartyRole.LEAD)])
    assert refused.value.message_dict["parties"] == ["Each organisation can be a party only once."]
    assert db_rows() == before


@pytest.mark.parametrize(("title", "message"), [("MoU\x00", "NUL"), ("MoU\x0b2021", "control characters"), ("  ", "")])
def test_a_bad_title_is_refused_and_nothing_written(
    staff, campus_a, resident_org, partner_org, db_rows, title, message
):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        _create(staff, campus_a, [resident_org, partner_org], title=title)
    assert message in " ".join(refused.value.message_dict["title"])
    assert db_rows() == before


def test_staff_may_not_create_an_agreement_at_another_campus(staff, campus_b, resident_org_b, partner_org, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        _create(staff, campus_b, [resident_org_b, partner_org])
    assert db_rows() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_non_editors_may_not_create_an_agreement(users, campus_a, resident_org, partner_org, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        _create(getattr(users, role), campus_a, [resident_org, partner_org])
    assert db_rows() == before


# --- agreement_update ------------------------------------------------------------------------------


def test_a_new_party_list_adds_removes_and_updates_parties(staff, agreement, resident_org, partner_org, neighbour_org):
    # Given Teddy Lab (party) and Pharma Partner (lead)
    # When the parties become Teddy Lab (now lead, with a signatory) and Neighbour Bio
    agreement_update(
        actor=staff,
        agreement=agreement,
        parties=[{"organization": resident_org, "role": PartyRole.LEAD, "signatory": "Dr Li"}, neighbour_org],
    )
    # Then the parties are exactly those
    assert _parties(agreement) == {(resident_org, "lead", "Dr Li"), (neighbour_org, "party", "")}


def test_updating_parties_keeps_a_history_of_each_change_by_the_actor(
    staff, agreement, resident_org, partner_org, neighbour_org
):
    kept = agreement.parties.get(organization=resident_org)
    removed = agreement.parties.get(organization=partner_org)
    agreement_update(
        actor=staff, agreement=agreement, parties=[(resident_org, PartyRole.LEAD), (neighbour_org, PartyRole.PARTNER)]
    )
    # The kept party's role change is recorded before/after
    entry = kept.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("role", "party", "lead")
    ]
    assert entry.history_user == staff
    # The removed party leaves a deletion entry, the new one a creation entry
    removal = AgreementParty.history.filter(id=removed.pk).first()
    assert (removal.history_type, removal.history_user) == ("-", staff)
    added = agreement.parties.get(organization=neighbour_org)
    assert (added.history.get().history_type, added.history.get().history_user) == ("+", staff)


def test_an_unchanged_party_list_adds_no_history(staff, agreement, resident_org, partner_org):
    before = AgreementParty.history.count()
    agreement_update(
        actor=staff, agreement=agreement, parties=[(partner_org, PartyRole.LEAD), (resident_org, PartyRole.PARTY)]
    )
    assert AgreementParty.history.count() == before


def test_an_update_without_a_party_list_leaves_the_parties(staff, agreement, resident_org, partner_org):
    agreement_update(actor=staff, agreement=agreement, summary="Joint diagnostics lab")
    assert _parties(agreement) == {(resident_org, "party", ""), (partner_org, "lead", "")}


def test_an_update_down_to_one_party_is_refused_and_nothing_written(staff, agreement, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError):
        agreement_update(actor=staff, agreement=agreement, summary="Solo", parties=[resident_org])
    assert db_rows() == before
    agreement.refresh_from_db()
    assert agreement.summary == ""


def test_an_update_records_before_and_after_by_the_actor(staff, agreement):
    agreement_update(actor=staff, agreement=agreement, title="Teddy x Pharma (renewed)", reason="renewal")
    entry = agreement.history.first()
    assert [(c.field, c.old, c.new) for c in entry.diff_against(entry.prev_record).changes] == [
        ("title", "Teddy x Pharma", "Teddy x Pharma (renewed)")
    ]
    assert (entry.history_user, entry.history_change_reason) == (staff, "renewal")


def test_an_update_without_change_adds_no_history(staff, agreement):
    agreement_update(actor=staff, agreement=agreement, title="Teddy x Pharma", signed_on=agreement.signed_on)
    assert agreement.history.count() == 1


def test_staff_may_not_move_an_agreement_to_another_campus(staff, agreement, campus_a, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        agreement_update(actor=staff, agreement=agreement, campus=campus_b)
    assert db_rows() == before
    assert Agreement.objects.get(pk=agreement.pk).campus == campus_a


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_readers_may_not_update_an_agreement_they_see(users, agreement, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        agreement_update(actor=getattr(users, role), agreement=agreement, summary="Edited")
    assert db_rows() == before


def test_deleting_an_agreement_leaves_a_history_entry_by_the_actor(staff, agreement):
    pk = agreement.pk
    agreement_delete(actor=staff, agreement=agreement)
    assert not Agreement.objects.filter(pk=pk).exists()
    entry = Agreement.history.filter(id=pk).first()
    assert (entry.history_type, entry.history_user) == ("-", staff)


def test_campus_b_staff_may_not_delete_a_campus_a_agreement(users, agreement, campus_b):
    from tests.factories import MembershipFactory

    user = MembershipFactory(campus=campus_b).user
    with pytest.raises(PermissionDenied):
        agreement_delete(actor=user, agreement=agreement)
    assert Agreement.objects.filter(pk=agreement.pk).exists()


# --- obligations and documents ---------------------------------------------------------------------


def test_an_obligation_owed_by_a_party_is_recorded(staff, agreement, partner_org):
    obligation = obligation_add(
        actor=staff,
        agreement=agreement,
        description="Fund two pilots",
        party=partner_org,
        due_on=datetime.date(2023, 1, 1),
    )
    assert obligation.party == partner_org
    assert obligation.history.get().history_user == staff


def test_an_obligation_owed_by_a_non_party_is_refused(staff, agreement, neighbour_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        obligation_add(actor=staff, agreement=agreement, description="Host a booth", party=neighbour_org)
    assert refused.value.message_dict["party"] == ["The obligation must be owed by a party to the agreement."]
    assert db_rows() == before


def test_a_resident_member_party_may_not_add_an_obligation(users, agreement):
    with pytest.raises(PermissionDenied):
        obligation_add(actor=users.resident_member, agreement=agreement, description="Self-declared")
    assert not agreement.obligations.exists()


def test_a_document_with_a_link_is_recorded(staff, agreement):
    document = document_add(actor=staff, agreement=agreement, title="Press release", url="https://example.org/pr")
    assert list(agreement.documents.all()) == [document]


def test_a_document_without_file_or_link_is_refused(staff, agreement, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        document_add(actor=staff, agreement=agreement, title="Signed PDF")
    assert "A document needs a file or a link." in refused.value.messages
    assert db_rows() == before


def test_a_new_party_may_be_any_organisation_of_the_registry(staff, agreement, resident_org):
    # Parties are not campus-scoped: a company resident nowhere can sign
    outsider = OrganizationFactory(name="Overseas Biotech", country="US")
    agreement_update(actor=staff, agreement=agreement, parties=[resident_org, outsider])
    assert {p.organization for p in agreement.parties.all()} == {resident_org, outsider}
