"""The intake's API operations: shape, statuses, each role, bad input."""

from __future__ import annotations

import pytest

from biocampus.intake.models import Application, Decision, IntakeCriterion, Review
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def _new_application(campus_a, **overrides):
    return {
        "campus": str(campus_a.public_id),
        "company_name": "Rhine Diagnostics GmbH",
        "country": "DE",
        "stage": "preclinical",
        "founders": ["Jonas Weber"],
        "contact_name": "Jonas Weber",
        "contact_email": "jonas@rhine.example.org",
        "summary": "Point-of-care sepsis test.",
        "needs": ["lab_space", "funding"],
        "notify": False,
        **overrides,
    }


def test_staff_enter_list_read_review_and_decide(api, campus_a, criteria, application):
    staff = api("campus_staff")
    created = staff.post("/applications", _new_application(campus_a))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("APP-") and body["status"] == "submitted"
    assert body["founders"] == ["Jonas Weber"] and body["campus"]["slug"] == "campus-a"
    assert "submitted_ip_hash" not in body
    assert created["Location"].endswith(body["id"]) and created["ETag"]

    listed = staff.get("/applications", campus=str(campus_a.public_id), status="submitted").json()
    assert {row["reference"] for row in listed["results"]} == {application.reference, body["reference"]}
    assert [r["reference"] for r in staff.get("/applications", search="rhine").json()["results"]] == [body["reference"]]

    scores = [
        {"criterion": str(criteria[0].public_id), "score": 5},
        {"criterion": str(criteria[1].public_id), "score": 1},
    ]
    reviewed = staff.post(f"/applications/{body['id']}/reviews", {"scores": scores, "comment": "Promising"})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "in_review" and reviewed.json()["score"] == 4.0
    assert reviewed.json()["reviews"][0]["reviewer"] == "staff_a"

    decided = staff.post(
        f"/applications/{body['id']}/decisions", {"outcome": "accept", "reasons": "Good fit", "notify": False}
    )
    assert decided.status_code == 200, decided.content
    result = decided.json()
    assert result["status"] == "accepted" and result["organization"]["name"] == "Rhine Diagnostics GmbH"
    assert result["residency"]["id"] and result["decisions"][0]["outcome"] == "accept"
    assert staff.get(f"/applications/{body['id']}").json()["status"] == "accepted"


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_others_see_no_application_and_change_nothing(api, campus_a, criteria, application, role):
    client = api(role)
    assert client.get("/applications").json()["results"] == []
    assert_error(client.get(f"/applications/{application.public_id}"), 404)
    assert_error(
        client.post(f"/applications/{application.public_id}/decisions", {"outcome": "accept", "reasons": "x"}), 404
    )
    assert_error(client.post(f"/applications/{application.public_id}/reviews", {"comment": "x"}), 404)
    assert client.post("/applications", _new_application(campus_a)).status_code == 422  # the campus is not theirs
    assert Application.objects.count() == 1 and Review.objects.count() == 0 and Decision.objects.count() == 0


def test_no_credentials_is_401(api):
    assert_error(api(None).get("/applications"), 401)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"company_name": ""}, "company_name"),
        ({"company_name": "Bad\u0000"}, "company_name"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"needs": ["castle"]}, "needs.0"),
        ({"stage": "unicorn"}, "stage"),
        ({"fields": ["no-such-field"]}, "fields"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_with_its_field_and_nothing_saved(api, campus_a, overrides, field):
    error = assert_error(api("campus_staff").post("/applications", _new_application(campus_a, **overrides)), 422)
    assert field in error["fields"], error
    assert Application.objects.count() == 0


def test_a_review_with_a_foreign_criterion_or_a_bad_score_is_422(api, application, campus_b, criteria):
    from biocampus.intake import services

    elsewhere = services.criterion_create(actor=None, campus=campus_b, name="Elsewhere")
    staff = api("campus_staff")
    url = f"/applications/{application.public_id}/reviews"
    error = assert_error(staff.post(url, {"scores": [{"criterion": str(elsewhere.public_id), "score": 3}]}), 422)
    assert "scores.0.criterion" in error["fields"]
    assert_error(staff.post(url, {"scores": [{"criterion": str(criteria[0].public_id), "score": 6}]}), 422)
    assert Review.objects.count() == 0


def test_a_decision_without_reasons_is_422(api, application):
    error = assert_error(
        api("campus_staff").post(
            f"/applications/{application.public_id}/decisions", {"outcome": "decline", "reasons": ""}
        ),
        422,
    )
    assert "reasons" in error["fields"]
    assert Decision.objects.count() == 0


def test_criteria_api(api, campus_a, campus_b):
    staff = api("campus_staff")
    created = staff.post("/intake-criteria", {"campus": str(campus_a.public_id), "name": "Team", "weight": 3})
    assert created.status_code == 201, created.content
    criterion_id = created.json()["id"]
    patched = staff.patch(f"/intake-criteria/{criterion_id}", {"weight": 5})
    assert patched.status_code == 200 and patched.json()["weight"] == 5
    assert [c["name"] for c in api("resident_member").get("/intake-criteria").json()["results"]] == ["Team"]
    assert api("campus_staff").get("/intake-criteria", search="nothing like it").json()["results"] == []
    assert api("resident_b").get("/intake-criteria").json()["results"] == []
    assert_error(api("resident_member").patch(f"/intake-criteria/{criterion_id}", {"weight": 1}), 403)
    assert_error(staff.post("/intake-criteria", {"campus": str(campus_b.public_id), "name": "X"}), 422)
    assert_error(staff.post("/intake-criteria", {"campus": str(campus_a.public_id), "name": "Team2", "weight": 0}), 422)
    assert IntakeCriterion.objects.get().weight == 5
