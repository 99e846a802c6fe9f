"""The permission rules of the campus-operations records, role by role, straight from accounts.permissions.

Rows are made with the ORM here on purpose: this checks the rule table itself, whatever the services do
on top (their own tests check that they ask it).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from biocampus.accounts.permissions import CHANGE, VIEW, can, can_add, editable, may_act_for, visible
from biocampus.events.models import Event, Lead
from biocampus.intake.models import Application, IntakeCriterion, Review
from biocampus.progress.models import ExchangeRate
from biocampus.servicedesk.models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment
from tests.factories import ProvenanceFactory


def _make(model, **values):
    return model.objects.create(provenance=ProvenanceFactory(), **values)


STAFF = ("campus_admin", "campus_staff")
ALL_ROLES = ("campus_admin", "campus_staff", "resident_member", "partner", "government", "resident_b",
             "superuser", "no_membership")  # fmt: skip


@pytest.fixture
def application(campus_a):
    return _make(Application,
        campus=campus_a, reference="APP-T-0001", company_name="Helix <b>Dx</b>", stage="idea",
        contact_name="Ana", contact_email="ana@example.org", summary="Assays",
    )  # fmt: skip


@pytest.fixture
def desk(campus_a, resident_org, neighbour_org):
    centre = _make(ServiceCentre, campus=campus_a, name="Certification centre")
    service = _make(Service, centre=centre, name="Device registration testing")
    due = timezone.now() + datetime.timedelta(hours=24)

    def request(organization, subject):
        return _make(ServiceRequest,
            reference=f"SR-T-{subject}", campus=campus_a, centre=centre, service=service,
            organization=organization, subject=subject, due_at=due,
        )  # fmt: skip

    own, neighbours = request(resident_org, "own"), request(neighbour_org, "theirs")
    public = _make(ServiceRequestComment, request=own, body="When can you start?", is_internal=False)
    internal = _make(ServiceRequestComment, request=own, body="Check their invoice first", is_internal=True)
    return {"centre": centre, "service": service, "own": own, "neighbours": neighbours,
            "public": public, "internal": internal}  # fmt: skip


def _who_sees(queryset, users, record) -> set[str]:
    return {name for name in ALL_ROLES if visible(queryset, getattr(users, name)).filter(pk=record.pk).exists()}


def test_applications_and_reviews_are_seen_and_handled_by_the_campus_team_only(users, application):
    review = _make(Review, application=application, reviewer=users.campus_staff, comment="Strong team")
    team = {*STAFF, "superuser"}
    assert _who_sees(Application.objects.all(), users, application) == team
    assert _who_sees(Review.objects.all(), users, review) == team
    assert {name for name in ALL_ROLES if can(getattr(users, name), CHANGE, application)} == team
    # Partner and government viewers read the campus's records, but not applicants' private data.
    assert not can(users.partner, VIEW, application)
    assert not can(users.government, VIEW, application)


def test_the_campus_catalogue_is_read_by_everyone_with_a_role_there(users, campus_a, desk):
    criterion = _make(IntakeCriterion, campus=campus_a, name="Scientific merit")
    readers = {*STAFF, "resident_member", "partner", "government", "superuser"}
    for model, record in ((ServiceCentre, desk["centre"]), (Service, desk["service"]), (IntakeCriterion, criterion)):
        assert _who_sees(model.objects.all(), users, record) == readers, model
        assert {name for name in ALL_ROLES if can(getattr(users, name), CHANGE, record)} == {*STAFF, "superuser"}
    # Another campus's resident member does not see campus A's catalogue.
    assert not visible(ServiceCentre.objects.all(), users.resident_b).exists()


def test_a_resident_member_reads_only_its_own_organisations_requests(users, desk):
    requests = ServiceRequest.objects.all()
    assert set(visible(requests, users.resident_member)) == {desk["own"]}
    assert set(visible(requests, users.campus_staff)) == {desk["own"], desk["neighbours"]}
    assert not visible(requests, users.resident_b).exists()
    assert not visible(requests, users.no_membership).exists()
    # Only staff change a request (assign it, move its status); the resident comments through the service.
    assert not editable(requests, users.resident_member).exists()
    assert set(editable(requests, users.campus_staff)) == {desk["own"], desk["neighbours"]}


def test_internal_notes_stay_with_the_staff(users, desk):
    comments = ServiceRequestComment.objects.all()
    assert set(visible(comments, users.resident_member)) == {desk["public"]}
    assert set(visible(comments, users.campus_staff)) == {desk["public"], desk["internal"]}
    assert set(visible(comments, users.campus_admin)) == {desk["public"], desk["internal"]}
    assert set(visible(comments, users.partner)) == {desk["public"]}
    assert set(visible(comments, users.government)) == {desk["public"]}


def test_resident_members_open_requests_at_their_campus_for_their_own_organisation(
    users, campus_a, campus_b, resident_org, neighbour_org
):
    assert can_add(users.resident_member, ServiceRequest, campus=campus_a)
    assert not can_add(users.resident_member, ServiceRequest, campus=campus_b)
    assert not can_add(users.partner, ServiceRequest, campus=campus_a)
    assert not can_add(users.government, ServiceRequest, campus=campus_a)
    assert can_add(users.campus_staff, ServiceRequest, campus=campus_a)
    assert may_act_for(users.resident_member, resident_org, campus=campus_a)
    assert not may_act_for(users.resident_member, neighbour_org, campus=campus_a)
    assert not may_act_for(users.resident_member, resident_org, campus=campus_b)
    assert may_act_for(users.campus_staff, neighbour_org, campus=campus_a)
    # Other campus records stay staff-only to add, as before.
    assert not can_add(users.resident_member, ServiceCentre, campus=campus_a)


def test_exchange_rates_are_read_by_members_and_kept_by_superusers(users):
    rate = _make(ExchangeRate, currency="CNY", rate=Decimal("0.14"), valid_from=datetime.date(2020, 1, 1))
    readers = {*STAFF, "resident_member", "partner", "government", "resident_b", "superuser"}
    assert _who_sees(ExchangeRate.objects.all(), users, rate) == readers
    assert {name for name in ALL_ROLES if can(getattr(users, name), CHANGE, rate)} == {"superuser"}
    assert {name for name in ALL_ROLES if can_add(getattr(users, name), ExchangeRate)} == {"superuser"}
    assert not can_add(users.campus_admin, ExchangeRate)


def test_leads_follow_their_event_and_involve_the_organisations_they_name(users, campus_a, resident_org, partner_org):
    event = _make(Event, campus=campus_a, name="Expo")
    taken_by_resident = _make(Lead, event=event, organization=partner_org, taken_by=resident_org)
    someone_elses = _make(Lead, event=event, prospect_name="Unnamed start-up")
    assert set(visible(Lead.objects.all(), users.resident_member)) == {taken_by_resident}
    assert set(visible(Lead.objects.all(), users.government)) == {taken_by_resident, someone_elses}
    assert can_add(users.campus_staff, Lead, campus=campus_a)
    assert not can_add(users.resident_member, Lead, campus=campus_a)
