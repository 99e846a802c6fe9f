"""organization_merge: every link of the merged organisation moves to the kept one, with history on every
moved row; who may merge; what is refused (and then nothing changes)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from biocampus.accounts.choices import Role
from biocampus.accounts.models import Membership
from biocampus.agreements.choices import PartyRole
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.dedupe import merge_preview
from biocampus.directory.models import Organization
from biocampus.directory.services import links_to_organizations, organization_merge
from biocampus.events.choices import ParticipationRole
from biocampus.events.models import Lead
from biocampus.intake.models import Application, Decision
from biocampus.intelligence import services as intelligence_services
from biocampus.intelligence.models import FactKind, ProposedFact
from biocampus.progress.models import FundingInvestment
from biocampus.servicedesk.models import ServiceCentre, ServiceRequest
from tests.factories import (
    AgreementFactory,
    CampusFactory,
    CampusOperatorFactory,
    EventFactory,
    FieldFactory,
    FundingRoundFactory,
    MembershipFactory,
    MilestoneFactory,
    ObligationFactory,
    OrganizationFactory,
    OrganizationIdentifierFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProvenanceFactory,
    ResidencyFactory,
    ShowcaseFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _operations_links(campus, event, merge) -> dict:
    """Links of the campus-operations records: leads, an application and its decision, a service centre run
    by the organisation and a request of it."""

    def make(model, **values):
        return model.objects.create(provenance=ProvenanceFactory(), **values)

    application = make(Application, campus=campus, reference="APP-MERGE-1", company_name="Teddy", stage="idea",
                       contact_name="Ana", contact_email="ana@example.org", summary="Assays", organization=merge)  # fmt: skip
    centre = make(ServiceCentre, campus=campus, name="Certification centre", operator=merge)
    document = intelligence_services.ingest_text(
        actor=None, text="Teddy Lab Co., Ltd. joined the campus.", title="News", campus=campus, extract=False
    ).document
    return {
        "proposed_fact": make(
            ProposedFact,
            document=document,
            kind=FactKind.ORGANIZATION,
            organization=merge,
            payload={"name": merge.name},
        ),  # fmt: skip
        "lead": make(Lead, event=event, organization=merge),
        "lead_taken": make(Lead, event=event, prospect_name="Prospect", taken_by=merge),
        "application": application,
        "decision": make(
            Decision,
            application=application,
            outcome="accept",
            reasons="Fits",
            organization=merge,
            decided_at=timezone.now(),
        ),  # fmt: skip
        "centre": centre,
        "service_request": make(
            ServiceRequest,
            reference="SR-MERGE-1",
            campus=campus,
            centre=centre,
            organization=merge,
            subject="Help",
            due_at=timezone.now() + datetime.timedelta(days=1),
        ),  # fmt: skip
    }


@pytest.fixture
def pair(users, campus_a, resident_org, partner_org):
    """`keep` (Teddy Lab Services) and `merge` (Teddy Lab Co., Ltd.), linked to everything, both at campus A."""
    keep = OrganizationFactory(name="Teddy Lab Services", city="", name_zh="", aliases=["TLS"], steward=campus_a)
    ResidencyFactory(organization=keep, campus=campus_a, status=ResidencyStatus.SIGNED, moved_in_on=None, notes="")
    merge = OrganizationFactory(
        name="Teddy Lab Co., Ltd.",
        name_zh="泰迪实验室",
        aliases=["Teddy"],
        city="Wuxi",
        website="https://teddy.example.org",
        steward=campus_a,
    )
    field_a, field_b = FieldFactory(), FieldFactory()
    keep.fields.set([field_a])
    merge.fields.set([field_a, field_b])
    event = EventFactory(campus=campus_a)
    shared_agreement = AgreementFactory(campus=campus_a, parties=[keep, merge, partner_org])
    shared_round = FundingRoundFactory(
        campus=campus_a, recipient=partner_org, investors=[keep, {"investor": merge, "is_lead": True}]
    )
    links = SimpleNamespace(
        combined_residency=ResidencyFactory(organization=merge, campus=campus_a, notes="Moved in early."),
        party=AgreementFactory(campus=campus_a, parties=[merge, partner_org]).parties.get(organization=merge),
        shared_party=shared_agreement.parties.get(organization=merge),
        obligation=ObligationFactory(agreement=shared_agreement, party=merge),
        participation=ParticipationFactory(event=event, organization=merge, role=ParticipationRole.SIGNER),
        showcase=ShowcaseFactory(event=event, organization=merge),
        hosted_showcase=ShowcaseFactory(event=event, organization=partner_org, booth_host=merge),
        milestone=MilestoneFactory(campus=campus_a, organization=merge),
        target=TargetFactory(campus=campus_a, organization=merge),
        programme=ProgrammeFactory(campus=campus_a, organizations=[merge, partner_org]),
        funding_round=FundingRoundFactory(campus=campus_a, recipient=merge),
        investment=FundingRoundFactory(campus=campus_a, recipient=partner_org, investors=[merge]).investments.get(),
        shared_investment=shared_round.investments.get(investor=merge),
        person=PersonFactory(organization=merge),
        identifier=OrganizationIdentifierFactory(organization=merge),
        unit=OrganizationFactory(name="Teddy Lab Wuxi Unit", parent=merge),
        operator=CampusOperatorFactory(campus=campus_a, organization=merge),
        membership=MembershipFactory(
            user=UserFactory(username="teddy_member"), campus=campus_a, role=Role.RESIDENT_MEMBER, organization=merge
        ),
        **_operations_links(campus_a, event, merge),
    )
    return SimpleNamespace(keep=keep, merge=merge, links=links, event=event, fields=(field_a, field_b))


def test_every_link_moves_to_the_kept_organisation_with_history(pair, users, partner_org):
    keep, merge, links = pair.keep, pair.merge, pair.links
    reason = f"merged Teddy Lab Co., Ltd. ({merge.public_id}) into Teddy Lab Services ({keep.public_id})"

    organization_merge(actor=users.campus_admin, keep=keep, merge=merge)

    moved = [links.party, links.obligation, links.participation, links.showcase, links.milestone, links.target,
             links.funding_round, links.person, links.identifier, links.unit, links.operator]  # fmt: skip
    for row in moved:
        row.refresh_from_db()
        latest = row.history.first()
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
            "~",
            users.campus_admin,
            reason,
        ), row
    assert links.party.organization == keep and links.obligation.party == keep
    assert links.participation.organization == keep and links.showcase.organization == keep
    assert links.milestone.organization == keep and links.target.organization == keep
    assert links.funding_round.recipient == keep and links.person.organization == keep
    assert links.identifier.organization == keep and links.unit.parent == keep
    assert links.operator.organization == keep
    links.hosted_showcase.refresh_from_db()
    assert links.hosted_showcase.booth_host == keep
    links.investment.refresh_from_db()
    assert links.investment.investor == keep
    links.membership.refresh_from_db()
    assert links.membership.organization == keep
    for row, name in ((links.lead, "organization"), (links.lead_taken, "taken_by"), (links.application, "organization"),
                      (links.decision, "organization"), (links.centre, "operator"),
                      (links.service_request, "organization")):  # fmt: skip
        row.refresh_from_db()
        assert getattr(row, name) == keep, row
        assert row.history.first().history_change_reason == reason, row
    assert list(links.programme.organizations.order_by("name")) == [partner_org, keep]
    assert links.programme.history.first().history_user == users.campus_admin
    assert set(keep.fields.all()) == set(pair.fields)
    assert not Organization.objects.filter(pk=merge.pk).exists()
    deleted = Organization.history.filter(id=merge.pk).first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", reason)


def test_rows_that_would_collide_are_combined(pair, users, campus_a):
    keep, links = pair.keep, pair.links

    organization_merge(actor=users.campus_admin, keep=keep, merge=pair.merge)

    residency = Residency.objects.get(organization=keep, campus=campus_a)
    assert residency.status == ResidencyStatus.SIGNED  # the kept organisation's own values win
    assert residency.notes == "Moved in early."  # blanks are filled from the merged one
    assert residency.history.first().history_change_reason.startswith("merged")
    assert Residency.history.filter(id=links.combined_residency.pk, history_type="-").exists()
    assert links.shared_party.agreement.parties.filter(organization=keep).count() == 1
    kept_investment = FundingInvestment.objects.get(funding_round=links.shared_investment.funding_round, investor=keep)
    assert kept_investment.is_lead  # the merged one led the round
    assert not FundingInvestment.objects.filter(pk=links.shared_investment.pk).exists()


def test_names_become_aliases_and_blank_fields_are_filled(pair, users):
    keep = organization_merge(actor=users.campus_admin, keep=pair.keep, merge=pair.merge)

    keep.refresh_from_db()
    assert keep.name == "Teddy Lab Services"
    assert keep.aliases == ["TLS", "Teddy Lab Co., Ltd.", "Teddy"]
    assert (keep.name_zh, keep.city, keep.website) == ("泰迪实验室", "Wuxi", "https://teddy.example.org")
    assert "teddy lab co., ltd." in keep.search_text
    assert keep.history.first().history_change_reason.startswith("merged Teddy Lab Co., Ltd.")


def test_the_preview_tells_what_moves(pair):
    moves = {move.label: (move.moved, move.combined) for move in merge_preview(keep=pair.keep, merge=pair.merge)}

    assert moves["residencies"] == (0, 1)
    assert moves["agreement parties"] == (1, 1)
    assert moves["showcases (booth of)"] == (1, 0)
    assert moves["investments (investor)"] == (1, 1)
    assert moves["programmes"] == (1, 0)
    assert moves["fields"] == (1, 0)


def test_the_fixture_covers_every_link_to_an_organisation(pair):
    """A relation added to the domain must be looked at by organization_merge: this fails until it is."""
    linked = {
        f"{link.model._meta.label}.{link.name}"
        for link in links_to_organizations()
        if link.model._default_manager.filter(**{link.name: pair.merge}).exists()
    }
    every = {f"{link.model._meta.label}.{link.name}" for link in links_to_organizations()}
    assert every - linked == {"campuses.Campus.organization"}  # a campus is merged only into a campus: below


def test_a_campus_organisation_moves_with_its_campus(users):
    keep = OrganizationFactory(name="North Campus", kind=OrganizationKind.CAMPUS)
    campus = CampusFactory(organization__name="North Campus Park")
    merge = campus.organization

    organization_merge(actor=users.superuser, keep=keep, merge=merge)

    campus.refresh_from_db()
    assert campus.organization == keep
    assert campus.history.first().history_change_reason.startswith("merged North Campus Park")


class TestWhoMayMerge:
    def test_a_campus_admin_of_every_campus_involved(self, pair, users):
        organization_merge(actor=users.campus_admin, keep=pair.keep, merge=pair.merge)

    @pytest.mark.parametrize("role", ["campus_staff", "resident_member", "partner", "government", "no_membership"])
    def test_others_are_refused(self, pair, users, role, db_rows):
        before = db_rows()
        with pytest.raises(PermissionDenied):
            organization_merge(actor=getattr(users, role), keep=pair.keep, merge=pair.merge)
        assert db_rows() == before

    def test_not_an_admin_of_a_campus_the_merged_one_is_involved_with(self, pair, users, campus_b, db_rows):
        ResidencyFactory(organization=pair.merge, campus=campus_b)
        before = db_rows()
        with pytest.raises(PermissionDenied):
            organization_merge(actor=users.campus_admin, keep=pair.keep, merge=pair.merge)
        assert db_rows() == before

    def test_superusers_may(self, pair, users, campus_b):
        ResidencyFactory(organization=pair.merge, campus=campus_b)
        organization_merge(actor=users.superuser, keep=pair.keep, merge=pair.merge)

    def test_organisations_no_campus_looks_after_need_a_superuser(self, users):
        keep, merge = OrganizationFactory(), OrganizationFactory()
        with pytest.raises(PermissionDenied):
            organization_merge(actor=users.campus_admin, keep=keep, merge=merge)
        organization_merge(actor=users.superuser, keep=keep, merge=merge)


class TestRefused:
    def refuse(self, users, keep, merge, message, db_rows):
        before = db_rows()
        with pytest.raises(ValidationError, match=message):
            organization_merge(actor=users.superuser, keep=keep, merge=merge)
        assert db_rows() == before

    def test_one_organisation_with_itself(self, users, resident_org, db_rows):
        self.refuse(users, resident_org, resident_org, "two different", db_rows)

    def test_two_campuses(self, users, campus_a, campus_b, db_rows):
        self.refuse(users, campus_a.organization, campus_b.organization, "is a campus", db_rows)

    def test_an_investor_into_its_own_round(self, users, campus_a, db_rows):
        keep, merge = OrganizationFactory(), OrganizationFactory(kind=OrganizationKind.INVESTOR)
        FundingRoundFactory(campus=campus_a, recipient=keep, investors=[merge])
        self.refuse(users, keep, merge, "invest in itself", db_rows)

    def test_the_only_two_parties_of_an_agreement(self, users, campus_a, db_rows):
        keep, merge = OrganizationFactory(), OrganizationFactory()
        AgreementFactory(campus=campus_a, parties=[(keep, PartyRole.LEAD), merge])
        self.refuse(users, keep, merge, "would have one party", db_rows)


def test_a_membership_both_had_is_kept_once(users, campus_a):
    keep, merge = OrganizationFactory(steward=campus_a), OrganizationFactory(steward=campus_a)
    member = UserFactory(username="both")
    MembershipFactory(user=member, campus=campus_a, role=Role.RESIDENT_MEMBER, organization=keep)
    MembershipFactory(user=member, campus=campus_a, role=Role.RESIDENT_MEMBER, organization=merge)

    organization_merge(actor=users.campus_admin, keep=keep, merge=merge)

    assert list(Membership.objects.filter(user=member).values_list("organization", flat=True)) == [keep.pk]


def test_a_linked_row_whose_id_happens_to_equal_the_kept_organisation_s_moves_too(users):
    """Regression: rows were once skipped by comparing their primary key with the kept organisation's."""
    keep, merge = OrganizationFactory(), OrganizationFactory()
    person = PersonFactory(id=keep.pk + 10_000, organization=merge)
    keep_twin = OrganizationFactory(id=person.pk)  # an organisation with the person's id: the kept one below

    organization_merge(actor=users.superuser, keep=keep_twin, merge=merge)

    person.refresh_from_db()
    assert person.organization == keep_twin
