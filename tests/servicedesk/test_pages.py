"""The service desk's pages for each role: catalogue, request list, forms, the request's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from biocampus.servicedesk import services
from biocampus.servicedesk.choices import RequestStatus
from biocampus.servicedesk.models import ServiceCentre, ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(users):
    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(getattr(users, role))
        return client

    return client_for


def text(response) -> str:
    return response.content.decode()


# --- the catalogue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "may_request", "may_manage"),
    [
        ("campus_admin", True, True),
        ("campus_staff", True, True),
        ("resident_member", True, False),
        ("partner", False, False),
        ("government", False, False),
    ],
)
def test_the_catalogue_shows_centres_services_and_times(centre, as_user, role, may_request, may_manage):
    page = as_user(role).get(reverse("servicedesk:catalogue"))
    assert page.status_code == 200
    body = text(page)
    assert "Certification Centre" in body and "GLP lab qualification" in body
    assert "1 day" in body and "3 days" in body  # the service's own time, the centre's
    assert ("Request this service" in body) is may_request
    assert ("Add a service centre" in body) is may_manage


def test_another_campus_sees_none_of_it(centre, as_user):
    page = as_user("resident_b").get(reverse("servicedesk:catalogue"))
    assert page.status_code == 200 and "Certification Centre" not in text(page)
    assert as_user("resident_b").get(centre.get_absolute_url()).status_code == 404


def test_names_are_escaped(campus_a, users, as_user):
    services.centre_create(actor=None, campus=campus_a, name="<script>alert(1)</script>")
    body = text(as_user("resident_member").get(reverse("servicedesk:catalogue")))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_staff_add_a_centre_and_a_service_through_the_forms(campus_a, as_user, users):
    client = as_user("campus_staff")
    response = client.post(
        reverse("servicedesk:centre_create"),
        {"campus": campus_a.pk, "name": "Talent Office", "target_response_hours": 48, "contact_email": ""},
    )
    centre = ServiceCentre.objects.get(name="Talent Office")
    assert response.status_code == 302 and response["Location"] == centre.get_absolute_url()
    response = client.post(
        reverse("servicedesk:service_create", args=[centre.public_id]),
        {"name": "Work permits", "target_response_hours": "", "is_active": "on"},
    )
    assert response.status_code == 302
    detail = client.get(centre.get_absolute_url())
    assert "Work permits" in text(detail) and 'id="history"' in text(detail)
    assert centre.services.get().history.first().history_user == users.campus_staff


def test_a_bad_centre_form_says_why_and_saves_nothing(campus_a, as_user, counts):
    before = counts()
    response = as_user("campus_staff").post(
        reverse("servicedesk:centre_create"),
        {"campus": campus_a.pk, "name": "Desk\x00", "target_response_hours": 0},
    )
    assert response.status_code == 200
    assert "errorlist" in text(response)
    assert counts() == before


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_only_the_team_opens_the_catalogue_forms(centre, as_user, role):
    client = as_user(role)
    assert client.get(reverse("servicedesk:centre_create")).status_code == 403
    assert client.get(reverse("servicedesk:service_create", args=[centre.public_id])).status_code == 403
    assert client.get(reverse("servicedesk:centre_update", args=[centre.public_id])).status_code == 403


# --- opening a request ------------------------------------------------------------------------------


def test_a_resident_opens_a_request_from_the_catalogue(glp, centre, as_user, users, resident_org):
    client = as_user("resident_member")
    form = client.get(reverse("servicedesk:request_create") + f"?service={glp.public_id}")
    assert form.status_code == 200
    assert f'value="{glp.pk}" selected' in text(form)
    response = client.post(
        reverse("servicedesk:request_create"),
        {"centre": centre.pk, "service": glp.pk, "organization": resident_org.pk, "subject": "Pre-assessment",
         "description": "Before we apply.", "priority": "normal"},
    )  # fmt: skip
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.requested_by == users.resident_member and request.organization == resident_org
    page = client.get(request.get_absolute_url(), follow=True)
    assert request.reference in text(page) and "is open" in text(page)


def test_a_resident_cannot_pick_another_organisation(centre, as_user, neighbour_org, counts):
    before = counts()
    response = as_user("resident_member").post(
        reverse("servicedesk:request_create"),
        {"centre": centre.pk, "organization": neighbour_org.pk, "subject": "Theirs", "priority": "normal"},
    )
    assert response.status_code == 200 and "Select a valid choice" in text(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"subject": ""}, "This field is required."),
        ({"subject": "GLP\x00"}, "Null characters are not allowed."),
        ({"centre": "", "service": ""}, "Choose the service centre, or one of its services."),
        ({"priority": "whenever"}, "Select a valid choice"),
    ],
)
def test_a_bad_request_form_says_why_and_saves_nothing(centre, glp, as_user, resident_org, values, message, counts):
    before = counts()
    data = {"centre": centre.pk, "service": glp.pk, "organization": resident_org.pk, "subject": "GLP",
            "priority": "normal", **values}  # fmt: skip
    response = as_user("resident_member").post(reverse("servicedesk:request_create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert counts() == before


@pytest.mark.parametrize("role", ["partner", "government"])
def test_viewers_open_no_requests(centre, as_user, role):
    assert as_user(role).get(reverse("servicedesk:request_create")).status_code == 403


# --- the list ---------------------------------------------------------------------------------------


@pytest.fixture
def two_requests(open_request, users, neighbour_org):
    ours = open_request(actor=users.resident_member, subject="Our fresh request")
    theirs = open_request(actor=users.campus_staff, organization=neighbour_org, subject="Old neighbour", days_ago=4)
    return ours, theirs


def test_staff_see_every_request_with_overdue_ones_standing_out(two_requests, as_user):
    page = as_user("campus_staff").get(reverse("servicedesk:request_list"))
    body = text(page)
    assert "Our fresh request" in body and "Old neighbour" in body
    assert body.count('class="request overdue"') == 1
    assert 'id="overdue-count"' in body and "1 overdue" in body
    assert 'data-status="new">New <strong>2</strong>' in body
    overdue_only = text(as_user("campus_staff").get(reverse("servicedesk:request_list"), {"overdue": "1"}))
    assert "Old neighbour" in overdue_only and "Our fresh request" not in overdue_only


def test_staff_filter_by_status_centre_and_assignee(two_requests, as_user, users, centre):
    ours, _theirs = two_requests
    services.request_assign(actor=users.campus_staff, request=ours, assignee=users.campus_staff)
    client = as_user("campus_staff")
    mine = text(client.get(reverse("servicedesk:request_list"), {"assignee": "me"}))
    assert "Our fresh request" in mine and "Old neighbour" not in mine
    nobody = text(client.get(reverse("servicedesk:request_list"), {"assignee": "none"}))
    assert "Our fresh request" not in nobody and "Old neighbour" in nobody
    done = text(client.get(reverse("servicedesk:request_list"), {"status": "done"}))
    assert "Our fresh request" not in done and "No requests match." in done
    by_centre = text(client.get(reverse("servicedesk:request_list"), {"centre": str(centre.public_id)}))
    assert "Our fresh request" in by_centre
    garbage = client.get(reverse("servicedesk:request_list"), {"centre": "nonsense", "status": "x\x00", "q": "a\x00"})
    assert garbage.status_code == 200


def test_a_resident_sees_only_its_own(two_requests, as_user):
    body = text(as_user("resident_member").get(reverse("servicedesk:request_list")))
    assert "Our fresh request" in body and "Old neighbour" not in body
    _ours, theirs = two_requests
    assert as_user("resident_member").get(theirs.get_absolute_url()).status_code == 404


# --- the request's page -----------------------------------------------------------------------------


@pytest.fixture
def request_with_notes(open_request, users):
    request = open_request(actor=users.resident_member, subject="Work permit")
    services.request_comment(actor=users.campus_staff, request=request, body="Visible answer")
    services.request_comment(actor=users.campus_staff, request=request, body="Secret note", is_internal=True)
    return request


def test_the_resident_reads_the_conversation_without_internal_notes(request_with_notes, as_user):
    body = text(as_user("resident_member").get(request_with_notes.get_absolute_url()))
    assert "Visible answer" in body and "Secret note" not in body
    assert "Change status" not in body and "Assign to me" not in body
    assert 'id="comment-form"' in body and "Internal note" not in body


def test_staff_see_notes_marked_and_the_handling_forms(request_with_notes, as_user):
    body = text(as_user("campus_staff").get(request_with_notes.get_absolute_url()))
    assert "Secret note" in body and "Internal note: not shown to the resident" in body
    assert "Change status" in body and "Assign to me" in body and 'id="history"' in body


def test_viewers_read_but_do_not_write(request_with_notes, as_user):
    body = text(as_user("government").get(request_with_notes.get_absolute_url()))
    assert "Visible answer" in body and 'id="comment-form"' not in body and "Change status" not in body
    url = reverse("servicedesk:request_comment", args=[request_with_notes.public_id])
    assert as_user("government").post(url, {"body": "hi"}).status_code == 403


def test_staff_assign_accept_ask_and_the_resident_answers(request_with_notes, as_user, users):
    staff, resident = as_user("campus_staff"), as_user("resident_member")
    key = request_with_notes.public_id
    staff.post(reverse("servicedesk:request_assign", args=[key]), {"assignee": users.campus_staff.pk})
    staff.post(reverse("servicedesk:request_status", args=[key]), {"status": "accepted"})
    staff.post(reverse("servicedesk:request_status", args=[key]), {"status": "waiting_for_resident"})
    page = text(resident.get(request_with_notes.get_absolute_url()))
    assert "The centre is waiting for your answer." in page
    response = resident.post(reverse("servicedesk:request_comment", args=[key]), {"body": "Scan sent."}, follow=True)
    assert "back in progress" in text(response)
    request_with_notes.refresh_from_db()
    assert request_with_notes.status == RequestStatus.IN_PROGRESS
    assert request_with_notes.assignee == users.campus_staff


def test_the_resident_may_not_handle_the_request(request_with_notes, as_user, users, counts):
    before = counts()
    resident, key = as_user("resident_member"), request_with_notes.public_id
    assert resident.post(reverse("servicedesk:request_status", args=[key]), {"status": "done"}).status_code == 403
    assert resident.post(reverse("servicedesk:request_assign", args=[key]), {"assignee": ""}).status_code == 403
    internal = resident.post(reverse("servicedesk:request_comment", args=[key]), {"body": "x", "is_internal": "on"})
    assert internal.status_code == 302  # the box is not offered to residents: the message is posted as a normal one
    assert request_with_notes.comments.filter(is_internal=True).count() == 1
    assert counts()["ServiceRequest"] == before["ServiceRequest"]


def test_declining_without_a_reason_says_so_and_changes_nothing(request_with_notes, as_user, counts):
    before = counts()
    response = as_user("campus_staff").post(
        reverse("servicedesk:request_status", args=[request_with_notes.public_id]), {"status": "declined"}
    )
    assert response.status_code == 200 and "Say why the request is declined" in text(response)
    assert counts() == before
    request_with_notes.refresh_from_db()
    assert request_with_notes.status == RequestStatus.NEW


def test_an_empty_comment_says_so(request_with_notes, as_user, counts):
    before = counts()
    response = as_user("resident_member").post(
        reverse("servicedesk:request_comment", args=[request_with_notes.public_id]), {"body": "  "}
    )
    assert response.status_code == 200 and "This field is required." in text(response)
    assert counts() == before


def test_the_top_bar_badge_counts_overdue_requests_of_the_current_campus(two_requests, users, rf):
    from django.template import Context, Template

    from biocampus.campuses.selectors import CampusChoice

    template = Template("{% load servicedesk_tags %}{% overdue_request_count as n %}{{ n }}")
    for role, expected in (("campus_staff", "1"), ("resident_member", "0"), ("resident_b", "0")):
        request = rf.get("/")
        request.user = getattr(users, role)
        campus = two_requests[0].campus
        context = Context({"request": request, "campus_choice": CampusChoice(current=campus, available=[campus])})
        assert template.render(context) == expected, role
