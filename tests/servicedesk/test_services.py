"""Service desk services: the catalogue, opening requests, assigning, statuses, the conversation, deadlines."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from biocampus.core import events
from biocampus.servicedesk import services
from biocampus.servicedesk.choices import RequestStatus
from biocampus.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """The names of the domain events published (delivered on commit) during the test."""
    seen: list[tuple[str, str]] = []

    def listener(event):
        seen.append((event.name, event.public_id))

    events.subscribe(listener)
    yield seen
    events._listeners.remove(listener)


# --- the catalogue ----------------------------------------------------------------------------------


def test_staff_create_and_change_a_centre_with_history(campus_a, users):
    centre = services.centre_create(
        actor=users.campus_staff, campus=campus_a, name="  Foreign Affairs Office ", target_response_hours=48
    )
    assert centre.name == "Foreign Affairs Office"
    services.centre_update(actor=users.campus_admin, centre=centre, target_response_hours=24, reason="faster now")
    history = list(centre.history.order_by("history_date"))
    assert [h.history_user for h in history] == [users.campus_staff, users.campus_admin]
    assert history[-1].target_response_hours == 24 and history[-1].history_change_reason == "faster now"


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_campus_team_creates_centres(campus_a, users, role, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.centre_create(actor=getattr(users, role), campus=campus_a, name="Shadow desk")
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Desk\x00"}, "name"),
        ({"name": "Desk", "target_response_hours": 0}, "target_response_hours"),
        ({"name": "Desk", "target_response_hours": 100_000}, "target_response_hours"),
        ({"name": "Desk", "contact_email": "not an address"}, "contact_email"),
        ({"name": "Certification Centre"}, "__all__"),
    ],
)
def test_a_bad_centre_is_refused_with_its_field_and_nothing_saved(centre, users, values, field, counts):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.centre_create(actor=users.campus_staff, campus=centre.campus, **values)
    assert field in refused.value.message_dict
    assert counts() == before


def test_a_centre_stays_at_its_campus(centre, campus_b):
    with pytest.raises(ValidationError) as refused:
        services.centre_update(actor=None, centre=centre, campus=campus_b)
    assert "campus" in refused.value.message_dict


def test_services_of_a_centre_and_their_time_to_answer(centre, users):
    service = services.service_create(actor=users.campus_staff, centre=centre, name="Registration testing")
    assert service.effective_response_hours == 72  # the centre's
    services.service_update(actor=users.campus_staff, service=service, target_response_hours=12, is_active=False)
    service.refresh_from_db()
    assert service.effective_response_hours == 12 and not service.is_active
    assert service.history.first().history_user == users.campus_staff
    with pytest.raises(PermissionDenied):
        services.service_update(actor=users.resident_member, service=service, name="Mine")
    with pytest.raises(PermissionDenied):
        services.service_create(actor=users.partner, centre=centre, name="Partner's own")
    with pytest.raises(ValidationError):
        services.service_create(actor=users.campus_staff, centre=centre, name="Device testing")  # taken


# --- opening ----------------------------------------------------------------------------------------


def test_a_resident_member_opens_a_request_for_its_organisation(open_request, users, resident_org, published):
    year = timezone.localtime().year
    with_capture = open_request(actor=users.resident_member, description="Before we apply.")
    request = ServiceRequest.objects.with_deadlines().get(pk=with_capture.pk)
    assert request.reference == f"SR-{year}-0001"
    assert request.requested_by == users.resident_member
    assert request.organization == resident_org
    assert request.status == RequestStatus.NEW
    assert request.due_at - request.opened_at == datetime.timedelta(hours=24)  # the service's own time
    assert not request.is_overdue and request.answered_in_time is None
    assert request.history.first().history_user == users.resident_member
    second = open_request(actor=users.resident_member, subject="Another one", service=None)
    assert second.reference == f"SR-{year}-0002"
    assert second.due_at - second.opened_at == datetime.timedelta(hours=72)  # the centre's


def test_opening_publishes_the_event(open_request, users, django_capture_on_commit_callbacks, published):
    with django_capture_on_commit_callbacks(execute=True):
        request = open_request(actor=users.resident_member)
    assert ("service_request.opened", str(request.public_id)) in published


def test_staff_open_a_request_for_any_resident_without_a_requester(open_request, users, neighbour_org):
    request = open_request(actor=users.campus_staff, organization=neighbour_org)
    assert request.requested_by is None and request.organization == neighbour_org


@pytest.mark.parametrize("role", ["partner", "government", "resident_b", "no_membership"])
def test_viewers_and_other_campuses_open_nothing(open_request, users, role, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        open_request(actor=getattr(users, role))
    assert counts() == before


def test_a_resident_member_opens_nothing_for_another_organisation(open_request, users, neighbour_org, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        open_request(actor=users.resident_member, organization=neighbour_org)
    assert counts() == before


def test_a_resident_member_cannot_backdate_a_request(open_request, users, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        open_request(actor=users.resident_member, days_ago=5)
    assert counts() == before


def test_only_residents_of_the_campus_may_request(open_request, users, partner_org, resident_org_b, counts):
    before = counts()
    for organization in (partner_org, resident_org_b):
        with pytest.raises(ValidationError) as refused:
            open_request(actor=users.campus_staff, organization=organization)
        assert "not a resident" in refused.value.message_dict["organization"][0]
    assert counts() == before


def test_a_former_resident_may_no_longer_request(open_request, users, neighbour_org):
    neighbour_org.residencies.update(status="exited")
    with pytest.raises(ValidationError) as refused:
        open_request(actor=users.campus_staff, organization=neighbour_org)
    assert "organization" in refused.value.message_dict


def test_the_service_must_belong_to_the_centre_and_the_centre_to_the_campus(
    open_request, users, centre_b, campus_a, resident_org, glp, counts
):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        open_request(actor=users.campus_staff, service=centre_b.services.get())
    assert "service" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.request_open(
            actor=users.campus_staff, campus=campus_a, centre=centre_b, organization=resident_org, subject="x"
        )
    assert "centre" in refused.value.message_dict
    type(glp).objects.filter(pk=glp.pk).update(is_active=False)
    glp.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        open_request(actor=users.resident_member)
    assert "no longer offered" in refused.value.message_dict["service"][0]
    assert counts() == before


@pytest.mark.parametrize(("subject", "message"), [("", "subject"), ("   ", "subject"), ("GLP\x00", "subject")])
def test_a_request_needs_a_clean_subject(open_request, users, subject, message, counts):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        open_request(actor=users.resident_member, subject=subject)
    assert message in refused.value.message_dict
    assert counts() == before


# --- handling ---------------------------------------------------------------------------------------


def test_staff_assign_to_someone_of_the_team_only(open_request, users):
    request = open_request(actor=users.resident_member)
    services.request_assign(actor=users.campus_staff, request=request, assignee=users.campus_admin)
    assert request.assignee == users.campus_admin
    assert request.history.first().history_user == users.campus_staff
    for outsider in (users.resident_member, users.partner, users.resident_b):
        with pytest.raises(ValidationError) as refused:
            services.request_assign(actor=users.campus_staff, request=request, assignee=outsider)
        assert "assignee" in refused.value.message_dict
    request.refresh_from_db()
    assert request.assignee == users.campus_admin
    with pytest.raises(PermissionDenied):
        services.request_assign(actor=users.resident_member, request=request, assignee=users.campus_staff)
    services.request_assign(actor=users.campus_staff, request=request, assignee=None)
    assert request.assignee is None


def test_the_life_of_a_request(open_request, users, django_capture_on_commit_callbacks, published):
    request = open_request(actor=users.resident_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.ACCEPTED)
    assert ("service_request.status_changed", str(request.public_id)) in published
    answered = request.first_response_at
    assert answered is not None
    services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.IN_PROGRESS)
    assert request.first_response_at == answered  # the first answer stays the first
    services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.DONE)
    assert request.closed_at is not None
    services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.IN_PROGRESS)
    assert request.closed_at is None  # reopened
    statuses = [h.status for h in request.history.order_by("history_date", "history_id")]
    assert statuses == ["new", "accepted", "in_progress", "done", "in_progress"]


def test_a_transition_outside_the_table_is_refused(open_request, users, counts):
    request = open_request(actor=users.resident_member)
    services.request_change_status(
        actor=users.campus_staff, request=request, status=RequestStatus.DECLINED, reason="Not ours."
    )
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.DONE)
    assert re.search("cannot go from Declined to Done", refused.value.message_dict["status"][0])
    assert counts() == before


def test_declining_needs_a_reason_that_the_resident_reads(open_request, users, counts):
    request = open_request(actor=users.resident_member)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.DECLINED)
    assert "reason" in refused.value.message_dict
    assert counts() == before
    request.refresh_from_db()
    services.request_change_status(
        actor=users.campus_staff, request=request, status=RequestStatus.DECLINED, reason="Outside our remit."
    )
    visible = [c.body for c in request.comments.filter(is_internal=False)]
    assert visible == ["Outside our remit."]
    assert request.history.first().history_change_reason == "Outside our remit."


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_team_changes_a_status(open_request, users, role, counts):
    request = open_request(actor=users.resident_member)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.request_change_status(actor=getattr(users, role), request=request, status=RequestStatus.ACCEPTED)
    assert counts() == before


# --- the conversation -------------------------------------------------------------------------------


def test_a_staff_answer_is_the_first_response_but_an_internal_note_is_not(open_request, users):
    request = open_request(actor=users.resident_member)
    services.request_comment(actor=users.campus_staff, request=request, body="Checking.", is_internal=True)
    assert request.first_response_at is None
    comment = services.request_comment(actor=users.campus_staff, request=request, body="We can visit Tuesday.")
    assert request.first_response_at == comment.posted_at
    assert comment.author == users.campus_staff
    assert comment.history.first().history_user == users.campus_staff


def test_the_residents_answer_puts_a_waiting_request_back_in_progress(open_request, users):
    request = open_request(actor=users.resident_member)
    services.request_change_status(actor=users.campus_staff, request=request, status=RequestStatus.WAITING_FOR_RESIDENT)
    services.request_comment(actor=users.resident_member, request=request, body="Here is the passport scan.")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.history.first().history_user == users.resident_member


def test_residents_write_no_internal_notes_and_viewers_do_not_write(open_request, users, counts):
    request = open_request(actor=users.resident_member)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.request_comment(actor=users.resident_member, request=request, body="psst", is_internal=True)
    for role in ("partner", "government", "resident_b", "no_membership"):
        with pytest.raises(PermissionDenied):
            services.request_comment(actor=getattr(users, role), request=request, body="Hello")
    assert counts() == before


@pytest.mark.parametrize("body", ["", "   ", "a\x00b"])
def test_an_empty_or_dirty_comment_is_refused(open_request, users, body, counts):
    request = open_request(actor=users.resident_member)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.request_comment(actor=users.resident_member, request=request, body=body)
    assert "body" in refused.value.message_dict
    assert counts() == before


# --- deadlines --------------------------------------------------------------------------------------


def deadlines(request):
    return ServiceRequest.objects.with_deadlines().get(pk=request.pk)


def test_unanswered_past_due_is_overdue_until_answered_late(open_request, users):
    request = open_request(actor=users.campus_staff, days_ago=3)  # due after 24 hours
    assert deadlines(request).is_overdue and deadlines(request).answered_in_time is False
    assert list(ServiceRequest.objects.overdue()) == [request]
    services.request_comment(actor=users.campus_staff, request=request, body="Sorry for the wait.")
    assert not deadlines(request).is_overdue
    assert deadlines(request).answered_in_time is False


def test_answered_in_time(open_request, users):
    request = open_request(actor=users.campus_staff, days_ago=3)
    services.request_change_status(
        actor=users.campus_staff,
        request=request,
        status=RequestStatus.ACCEPTED,
        at=request.opened_at + datetime.timedelta(hours=2),
    )
    assert deadlines(request).answered_in_time is True and not deadlines(request).is_overdue


def test_overdue_is_about_now_or_a_given_moment(open_request, users):
    request = open_request(actor=users.resident_member)
    assert not deadlines(request).is_overdue
    later = timezone.now() + datetime.timedelta(hours=25)
    assert list(ServiceRequest.objects.overdue(at=later)) == [request]
    assert ServiceRequest.objects.with_deadlines(at=later).get().answered_in_time is False
