"""Services of leads and of an event's participations (the set replaced as a whole, one taken away)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.core import events as domain_events
from biocampus.events.choices import LeadStatus, ParticipationRole
from biocampus.events.models import Lead, Participation
from biocampus.events.services import (
    event_create,
    event_set_participations,
    event_update,
    lead_create,
    lead_delete,
    lead_update,
    participation_remove,
)
from tests.factories import AgreementFactory, EventFactory, ParticipationFactory, ResidencyFactory

ORGANISER, EXHIBITOR, SPEAKER = ParticipationRole.ORGANISER, ParticipationRole.EXHIBITOR, ParticipationRole.SPEAKER


@pytest.fixture
def event(campus_a):
    return EventFactory(campus=campus_a, name="3rd CIIE")


@pytest.fixture
def lead(event, resident_org):
    return Lead.objects.create(
        event=event,
        prospect_name="Alpine Dx",
        taken_by=resident_org,
        provenance=event.provenance,
    )


# --- participations ----------------------------------------------------------------------------------


def test_setting_participations_adds_keeps_and_removes_with_history(staff, event, resident_org, partner_org):
    kept = ParticipationFactory(event=event, organization=partner_org, role=ORGANISER)
    dropped = ParticipationFactory(event=event, organization=resident_org, role=EXHIBITOR)
    event_set_participations(
        actor=staff,
        event=event,
        participations=[
            {"organization": partner_org, "role": ORGANISER},
            {"organization": resident_org, "role": SPEAKER},
        ],
    )
    assert set(event.participations.values_list("organization__name", "role")) == {
        ("Pharma Partner", "organiser"),
        ("Teddy Lab", "speaker"),
    }
    assert Participation.objects.filter(pk=kept.pk).exists()
    removal = Participation.history.filter(id=dropped.pk).first()
    assert (removal.history_type, removal.history_user) == ("-", staff)
    added = Participation.objects.get(event=event, role=SPEAKER)
    assert added.history.get().history_user == staff


def test_event_create_and_update_take_participations(staff, campus_a, resident_org, partner_org):
    event = event_create(
        actor=staff,
        campus=campus_a,
        name="Wuxi summit",
        participations=[{"organization": partner_org, "role": ORGANISER}],
    )
    assert list(event.participations.values_list("role", flat=True)) == ["organiser"]
    event_update(actor=staff, event=event, participations=[{"organization": resident_org, "role": SPEAKER}])
    assert list(event.participations.values_list("organization__name", "role")) == [("Teddy Lab", "speaker")]
    event_update(actor=staff, event=event, name="Wuxi summit 2021")  # participations not given: kept
    assert event.participations.count() == 1


def test_the_same_participation_twice_is_refused_and_nothing_written(staff, event, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        event_set_participations(
            actor=staff,
            event=event,
            participations=[{"organization": resident_org, "role": SPEAKER}] * 2,
        )
    assert "listed twice" in " ".join(refused.value.message_dict["participations"])
    assert db_rows() == before


def test_an_unknown_role_in_the_set_is_refused_under_participations(staff, event, resident_org, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        event_set_participations(
            actor=staff, event=event, participations=[{"organization": resident_org, "role": "sponsor"}]
        )
    assert "participations" in refused.value.message_dict
    assert db_rows() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_campus_team_sets_participations(users, event, resident_org, db_rows, role):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        event_set_participations(
            actor=getattr(users, role), event=event, participations=[{"organization": resident_org, "role": SPEAKER}]
        )
    assert db_rows() == before


def test_removing_one_participation_keeps_history(users, event, resident_org):
    participation = ParticipationFactory(event=event, organization=resident_org, role=SPEAKER)
    pk = participation.pk
    participation_remove(actor=users.campus_admin, participation=participation)
    assert not event.participations.exists()
    assert Participation.history.filter(id=pk, history_type="-").get().history_user == users.campus_admin


def test_a_partner_may_not_remove_a_participation(users, event, resident_org):
    participation = ParticipationFactory(event=event, organization=resident_org, role=SPEAKER)
    with pytest.raises(PermissionDenied):
        participation_remove(actor=users.partner, participation=participation)
    assert event.participations.count() == 1


# --- leads -------------------------------------------------------------------------------------------------


def test_a_lead_is_created_with_history_and_announced_after_commit(
    staff, event, resident_org, django_capture_on_commit_callbacks
):
    heard = []
    domain_events.subscribe(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lead = lead_create(
                actor=staff,
                event=event,
                prospect_name="Alpine Dx",
                taken_by=resident_org,
                contact_email="anna@alpine.example",
                interest="Companion diagnostics",
                follow_up_on=datetime.date(2020, 12, 1),
            )
            assert heard == []  # announced only once the write commits
    finally:
        domain_events._listeners.remove(heard.append)
    assert lead.status == LeadStatus.NEW
    assert lead.provenance.entered_by == staff
    assert lead.history.get().history_user == staff
    assert [(e.name, e.model, e.public_id) for e in heard] == [("lead.taken", "events.lead", str(lead.public_id))]


def test_a_lead_may_name_a_directory_organisation_instead_of_a_name(staff, event, partner_org):
    lead = lead_create(actor=staff, event=event, organization=partner_org)
    assert str(lead) == "Pharma Partner"


def test_a_lead_without_prospect_is_refused_and_nothing_written(staff, event, db_rows):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        lead_create(actor=staff, event=event, interest="Somebody")
    assert "A lead needs a prospect: an organisation of the directory or a name." in refused.value.messages
    assert db_rows() == before


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"prospect_name": "Alpine\x00 Dx"}, "prospect_name"),
        ({"prospect_name": "Alpine Dx", "contact_email": "not an address"}, "contact_email"),
        ({"prospect_name": "Alpine Dx", "status": "maybe"}, "status"),
        ({"prospect_name": "Alpine Dx", "interest": "bad\x00"}, "interest"),
    ],
)
def test_bad_lead_input_is_refused_with_its_field_and_nothing_written(staff, event, db_rows, attributes, field):
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        lead_create(actor=staff, event=event, **attributes)
    assert field in refused.value.message_dict
    assert db_rows() == before


def test_a_lead_may_become_an_agreement_and_a_residency_of_the_events_campus(staff, event, campus_a, resident_org):
    agreement = AgreementFactory(campus=campus_a)
    residency = resident_org.residencies.get(campus=campus_a)
    lead = lead_create(actor=staff, event=event, prospect_name="Alpine Dx")
    lead_update(actor=staff, lead=lead, status=LeadStatus.WON, agreement=agreement, residency=residency)
    lead.refresh_from_db()
    assert (lead.status, lead.agreement, lead.residency) == ("won", agreement, residency)
    entry = lead.history.first()
    assert {c.field for c in entry.diff_against(entry.prev_record).changes} == {"status", "agreement", "residency"}
    assert entry.history_user == staff


def test_what_a_lead_became_must_be_of_the_events_campus(staff, event, campus_b, resident_org_b, db_rows):
    other_agreement = AgreementFactory(campus=campus_b)
    other_residency = ResidencyFactory(campus=campus_b)
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        lead_create(
            actor=staff, event=event, prospect_name="Alpine Dx", agreement=other_agreement, residency=other_residency
        )
    assert set(refused.value.message_dict) == {"agreement", "residency"}
    assert db_rows() == before


def test_an_update_without_change_adds_no_history(staff, lead):
    before = lead.history.count()
    lead_update(actor=staff, lead=lead, prospect_name=" Alpine Dx ", status=LeadStatus.NEW)
    assert lead.history.count() == before


def test_deleting_a_lead_keeps_its_history(users, lead):
    pk = lead.pk
    lead_delete(actor=users.campus_admin, lead=lead)
    assert not Lead.objects.filter(pk=pk).exists()
    assert Lead.history.filter(id=pk, history_type="-").get().history_user == users.campus_admin


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "superuser"])
def test_the_campus_team_takes_leads(users, event, role):
    lead = lead_create(actor=getattr(users, role), event=event, prospect_name="Alpine Dx")
    assert Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_others_may_not_take_change_or_delete_leads(users, event, lead, db_rows, role):
    actor = getattr(users, role)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        lead_create(actor=actor, event=event, prospect_name="Other Dx")
    with pytest.raises(PermissionDenied):
        lead_update(actor=actor, lead=lead, status=LeadStatus.WON)
    with pytest.raises(PermissionDenied):
        lead_delete(actor=actor, lead=lead)
    assert db_rows() == before


def test_staff_may_not_move_a_lead_to_an_event_of_another_campus(staff, lead, campus_b, db_rows):
    other_event = EventFactory(campus=campus_b)
    before = db_rows()
    with pytest.raises(PermissionDenied):
        lead_update(actor=staff, lead=lead, event=other_event)
    assert db_rows() == before
