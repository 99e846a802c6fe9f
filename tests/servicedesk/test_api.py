"""The service desk's API: catalogue and requests, for each role, with the one error shape."""

from __future__ import annotations

import pytest

from biocampus.servicedesk import services
from biocampus.servicedesk.models import ServiceRequest
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_request_body(campus_a, centre, glp, resident_org):
    return {
        "campus": str(campus_a.public_id),
        "centre": str(centre.public_id),
        "service": str(glp.public_id),
        "organization": str(resident_org.public_id),
        "subject": "GLP pre-assessment",
        "description": "Before we apply.",
    }


# --- the catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_lists_centres_with_their_services(api, centre):
    page = api("resident_member").get("/service-centres").json()
    assert [c["name"] for c in page["results"]] == ["Certification Centre"]
    services_listed = {s["name"]: s["effective_response_hours"] for s in page["results"][0]["services"]}
    assert services_listed == {"Device testing": 72, "GLP lab qualification": 24}
    assert api("resident_b").get("/service-centres").json()["results"] == []
    one = api("partner").get(f"/service-centres/{centre.public_id}")
    assert one.status_code == 200 and one["ETag"]
    assert_error(api("resident_b").get(f"/service-centres/{centre.public_id}"), 404)


def test_staff_create_and_change_centres_and_services(api, campus_a, users, counts):
    created = api("campus_staff").post(
        "/service-centres", {"campus": str(campus_a.public_id), "name": "Talent Office", "target_response_hours": 36}
    )
    assert created.status_code == 201, created.content
    centre = created.json()
    assert created["Location"].endswith(centre["id"])
    added = api("campus_staff").post(f"/service-centres/{centre['id']}/services", {"name": "Work permits"})
    assert added.status_code == 200 and added.json()["services"][0]["effective_response_hours"] == 36
    service_id = added.json()["services"][0]["id"]
    etag = api("campus_staff").get(f"/services/{service_id}")["ETag"]
    changed = api("campus_admin").patch(f"/services/{service_id}", {"is_active": False}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert changed.json()["centre"]["name"] == "Talent Office"
    stale = api("campus_admin").patch(f"/services/{service_id}", {"name": "x"}, headers={"If-Match": etag})
    assert_error(stale, 412)
    patched = api("campus_staff").patch(f"/service-centres/{centre['id']}", {"contact_email": "talent@example.org"})
    assert patched.json()["contact_email"] == "talent@example.org"
    before = counts()
    for role in ("resident_member", "partner", "government"):
        assert_error(api(role).post("/service-centres", {"campus": str(campus_a.public_id), "name": "Mine"}), 403)
        assert_error(api(role).post(f"/service-centres/{centre['id']}/services", {"name": "Mine"}), 403)
        assert_error(api(role).patch(f"/services/{service_id}", {"name": "Mine"}), 403)
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "Desk\u0000"},
        {"name": "Desk", "target_response_hours": 0},
        {"name": "Desk", "contact_email": "no at sign"},
        {"name": "Desk", "colour": "red"},
        {"name": "Certification Centre"},
    ],
)
def test_a_bad_centre_is_refused_with_422(api, campus_a, centre, body, counts):
    before = counts()
    error = assert_error(api("campus_staff").post("/service-centres", {"campus": str(campus_a.public_id), **body}), 422)
    assert error["fields"] or error["message"]
    assert counts() == before


# --- requests ---------------------------------------------------------------------------------------


def test_a_resident_opens_a_request_and_reads_it_with_its_conversation(api, new_request_body, users):
    created = api("resident_member").post("/service-requests", new_request_body)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("SR-") and body["status"] == "new"
    assert body["requested_by"]["username"] == "resident_a"
    assert body["is_overdue"] is False and body["answered_in_time"] is None
    request = ServiceRequest.objects.get(public_id=body["id"])
    services.request_comment(actor=users.campus_staff, request=request, body="On it.")
    services.request_comment(actor=users.campus_staff, request=request, body="Note", is_internal=True)
    as_resident = api("resident_member").get(f"/service-requests/{body['id']}").json()
    assert [c["body"] for c in as_resident["comments"]] == ["On it."]
    as_staff = api("campus_staff").get(f"/service-requests/{body['id']}").json()
    assert [c["is_internal"] for c in as_staff["comments"]] == [False, True]
    assert as_staff["answered_in_time"] is True


def test_a_resident_may_not_open_for_another_organisation(api, new_request_body, neighbour_org, counts):
    before = counts()
    body = {**new_request_body, "organization": str(neighbour_org.public_id)}
    assert_error(api("resident_member").post("/service-requests", body), 403)
    for role in ("partner", "government"):
        assert_error(api(role).post("/service-requests", new_request_body), 403)
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "a\u0000b"}, "subject"),
        ({"priority": "whenever"}, "priority"),
        ({"centre": "00000000-0000-0000-0000-000000000000"}, "centre"),
        ({"service": "00000000-0000-0000-0000-000000000000"}, "service"),
    ],
)
def test_a_bad_request_is_refused_with_422_and_nothing_saved(api, new_request_body, change, field, counts):
    before = counts()
    error = assert_error(api("resident_member").post("/service-requests", {**new_request_body, **change}), 422)
    assert any(field in key for key in error["fields"]), error
    assert counts() == before


def test_a_non_resident_organisation_is_refused(api, new_request_body, partner_org, counts):
    before = counts()
    body = {**new_request_body, "organization": str(partner_org.public_id)}
    error = assert_error(api("campus_staff").post("/service-requests", body), 422)
    assert "not a resident" in error["fields"]["organization"][0]
    assert counts() == before


def test_the_list_filters_and_pages(api, open_request, users, neighbour_org, centre):
    open_request(actor=users.resident_member, subject="Fresh")
    open_request(actor=users.campus_staff, organization=neighbour_org, subject="Old", days_ago=5)
    staff = api("campus_staff")
    assert {r["subject"] for r in staff.get("/service-requests").json()["results"]} == {"Fresh", "Old"}
    assert [r["subject"] for r in staff.get("/service-requests", overdue="true").json()["results"]] == ["Old"]
    assert [r["subject"] for r in staff.get("/service-requests", search="fresh").json()["results"]] == ["Fresh"]
    assert len(staff.get("/service-requests", status="done").json()["results"]) == 0
    assert len(staff.get("/service-requests", centre=str(centre.public_id)).json()["results"]) == 2
    first = staff.get("/service-requests", limit=1).json()
    second = staff.get("/service-requests", limit=1, cursor=first["next_cursor"]).json()
    assert first["results"][0]["id"] != second["results"][0]["id"] and second["next_cursor"] is None
    assert [r["subject"] for r in api("resident_member").get("/service-requests").json()["results"]] == ["Fresh"]
    assert api("resident_b").get("/service-requests").json()["results"] == []
    assert_error(staff.get("/service-requests", status="lost"), 422)


def test_staff_patch_assign_status_and_priority(api, open_request, users):
    request = open_request(actor=users.resident_member)
    url = f"/service-requests/{request.public_id}"
    etag = api("campus_staff").get(url)["ETag"]
    answer = api("campus_staff").patch(
        url, {"assignee": "staff_a", "status": "accepted", "priority": "urgent"}, headers={"If-Match": etag}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["assignee"]["username"] == "staff_a" and body["status"] == "accepted" and body["priority"] == "urgent"
    assert body["first_response_at"] is not None
    assert_error(api("campus_staff").patch(url, {"status": "new"}, headers={"If-Match": etag}), 412)
    refused = assert_error(api("campus_staff").patch(url, {"status": "declined"}), 422)
    assert "reason" in refused["fields"]
    assert_error(api("campus_staff").patch(url, {"assignee": "resident_a"}), 422)
    assert_error(api("campus_staff").patch(url, {"assignee": "nobody-at-all"}), 422)
    assert_error(api("campus_staff").patch(url, {"status": None}), 422)
    declined = api("campus_staff").patch(url, {"status": "declined", "reason": "Not ours."}).json()
    assert declined["status"] == "declined" and declined["closed_at"] is not None
    assert declined["comments"][-1]["body"] == "Not ours."
    assert api("campus_staff").patch(url, {"assignee": None}).json()["assignee"] is None


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_only_the_team_patches_requests(api, open_request, users, role, counts):
    request = open_request(actor=users.resident_member)
    before = counts()
    assert_error(api(role).patch(f"/service-requests/{request.public_id}", {"status": "accepted"}), 403)
    assert_error(api("resident_b").patch(f"/service-requests/{request.public_id}", {"status": "accepted"}), 404)
    assert counts() == before


def test_comments_through_the_api(api, open_request, users, counts):
    request = open_request(actor=users.resident_member)
    url = f"/service-requests/{request.public_id}/comments"
    services.request_change_status(actor=users.campus_staff, request=request, status="waiting_for_resident")
    answered = api("resident_member").post(url, {"body": "Here you are."})
    assert answered.status_code == 200 and answered.json()["status"] == "in_progress"
    note = api("campus_staff").post(url, {"body": "Internal", "is_internal": True}).json()
    assert note["comments"][-1]["is_internal"] is True
    before = counts()
    assert_error(api("resident_member").post(url, {"body": "psst", "is_internal": True}), 403)
    assert_error(api("partner").post(url, {"body": "hello"}), 403)
    assert_error(api("resident_member").post(url, {"body": ""}), 422)
    assert_error(api("resident_b").post(url, {"body": "hello"}), 404)
    assert counts() == before
    as_resident = api("resident_member").get(f"/service-requests/{request.public_id}").json()
    assert [c["body"] for c in as_resident["comments"]] == ["Here you are."]


def test_anonymous_callers_are_refused(api, centre):
    assert_error(api(None).get("/service-requests"), 401)
    assert_error(api(None).get("/service-centres"), 401)
