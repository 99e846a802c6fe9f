"""Bad input never gets a 500: every refusal has the one error shape and says what to fix."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from .conftest import API, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(api):
    return api("campus_staff")


def _organization(**overrides) -> dict:
    return {"name": "Broken Input Bio", "kind": "company", **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Teddy\x00Lab"}, "name"),  # PostgreSQL cannot store NUL; SQLite would, silently
        ({"description": "fine\x00not"}, "description"),
        ({"name": "two\nlines"}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"description": "x" * 20_001}, "description"),
        ({"kind": "spaceship"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"country": "cn"}, "country"),
        ({"founded_year": 1066}, "founded_year"),
        ({"founded_year": "nineteen"}, "founded_year"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"fields": ["no-such-field"]}, "fields"),
        ({"parent": str(uuid.uuid4())}, "parent"),
        ({"parent": "not-a-uuid"}, "parent"),
        ({"aliases": "one string"}, "aliases"),
        ({"colour": "blue"}, "colour"),  # unknown fields are refused, not ignored
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),  # blank after trimming: the service's rule
    ],
)
def test_invalid_organisations_are_422_naming_the_field(staff_client, db_rows, overrides, field):
    before = db_rows()
    error = assert_error(staff_client.post("/organizations", _organization(**overrides)), 422, "validation_error")
    assert field in error["fields"], error
    assert all(message.strip() for messages in error["fields"].values() for message in messages)
    assert db_rows() == before


def test_messages_explain_patterns_in_words(staff_client):
    error = assert_error(staff_client.post("/organizations", _organization(name="a\x00b")), 422)
    assert error["fields"]["name"] == ["One line of text, without NUL bytes, line breaks or other control characters."]
    assert error["message"].startswith("name: One line of text")


@pytest.mark.parametrize("date", ["2021-02-30", "0", "1700000000", "yesterday", "2021-1-5", "", "20210105"])
def test_wrong_dates_are_refused_in_bodies_and_filters(staff_client, campus_a, resident_org, date):
    body = {
        "campus": str(campus_a.public_id),
        "organization": str(resident_org.public_id),
        "kind": "other",
        "title": "A milestone",
        "occurred_on": date,
    }
    assert "occurred_on" in assert_error(staff_client.post("/milestones", body), 422)["fields"]
    assert "occurred_from" in assert_error(staff_client.get("/milestones", occurred_from=date), 422)["fields"]


def test_a_date_range_the_wrong_way_round_is_the_services_422(staff_client, campus_a):
    body = {"campus": str(campus_a.public_id), "name": "Expo", "starts_on": "2020-11-10", "ends_on": "2020-11-05"}
    error = assert_error(staff_client.post("/events", body), 422)
    assert "cannot end before it starts" in error["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"name": "x", "kind": ', 400),
        (b"{'name': 'x'}", 400),
        (b'{"name": "x", "kind": "company", "founded_year": NaN}', 400),
        (b"\xff\xfe\x00garbage", 400),
        (b"[]", 422),
        (b'"just a string"', 422),
        (b"null", 422),
        (b'{"name": "\\ud800", "kind": "company"}', 422),  # a lone surrogate cannot be stored
    ],
)
def test_malformed_json_is_refused_with_the_error_shape(staff_client, body, status):
    error = assert_error(staff_client.post("/organizations", body), status)
    if status == 400:
        assert "JSON" in error["message"]


def test_a_body_over_the_upload_limit_is_413(staff_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    error = assert_error(staff_client.post("/organizations", _organization(description="x" * 20_000)), 413)
    assert "MB" in error["message"]


def test_huge_and_hostile_query_strings_are_refused_or_harmless(staff_client):
    assert_error(staff_client.get("/organizations", search="x" * 201), 422)
    assert_error(staff_client.get("/organizations", search="a\x00b"), 422)
    assert_error(staff_client.get("/organizations", kind="spaceship"), 422)
    assert_error(staff_client.get("/organizations", limit=201), 422)
    assert_error(staff_client.get("/organizations", limit=0), 422)
    assert_error(staff_client.get("/organizations", limit="many"), 422)
    assert staff_client.get("/organizations", search=" ".join(["bio"] * 50)).status_code == 200
    assert staff_client.get("/organizations", search="%_'\"\\;--").status_code == 200


def test_unknown_ids_are_404_in_paths_and_422_in_bodies(staff_client, campus_a):
    missing = uuid.uuid4()
    for kind in ("organizations", "people", "campuses", "residencies", "agreements", "events", "milestones"):
        assert_error(staff_client.get(f"/{kind}/{missing}"), 404, "not_found")
        assert "public_id" in assert_error(staff_client.get(f"/{kind}/12345"), 422)["fields"]
    assert_error(staff_client.patch(f"/agreements/{missing}", {"title": "x"}), 404)
    assert_error(staff_client.delete(f"/milestones/{missing}"), 404)

    body = {
        "campus": str(campus_a.public_id),
        "title": "Phantom agreement",
        "type": "mou",
        "parties": [{"organization": str(uuid.uuid4())}, {"organization": str(uuid.uuid4())}],
    }
    error = assert_error(staff_client.post("/agreements", body), 422)
    assert set(error["fields"]) == {"parties.0.organization", "parties.1.organization"}


def test_nested_rows_report_where_the_problem_is(staff_client, campus_a, resident_org):
    body = {
        "campus": str(campus_a.public_id),
        "title": "Licence",
        "type": "licensing",
        "parties": [{"organization": str(resident_org.public_id), "role": "overlord"}, {"organization": "nope"}],
    }
    error = assert_error(staff_client.post("/agreements", body), 422)
    assert {"parties.0.role", "parties.1.organization"} <= set(error["fields"])


def test_business_rules_of_the_services_come_back_as_field_errors(staff_client, campus_a, resident_org, partner_org):
    one_party = {
        "campus": str(campus_a.public_id),
        "title": "Alone",
        "type": "mou",
        "parties": [{"organization": str(resident_org.public_id)}, {"organization": str(resident_org.public_id)}],
    }
    assert "parties" in assert_error(staff_client.post("/agreements", one_party), 422)["fields"]

    self_investment = {
        "campus": str(campus_a.public_id),
        "recipient": str(resident_org.public_id),
        "round_type": "seed",
        "investors": [{"investor": str(resident_org.public_id)}],
    }
    assert "investors" in assert_error(staff_client.post("/funding-rounds", self_investment), 422)["fields"]

    amount_without_currency = {**self_investment, "investors": [], "amount": "1000"}
    error = assert_error(staff_client.post("/funding-rounds", amount_without_currency), 422)
    assert "currency" in error["message"]


def test_deleting_an_organisation_others_point_at_is_a_409(staff_client, campus_a, resident_org, partner_org):
    from tests.factories import AgreementFactory

    AgreementFactory(campus=campus_a, parties=[resident_org, partner_org])
    error = assert_error(staff_client.delete(f"/organizations/{resident_org.public_id}"), 409, "conflict")
    assert "remove it from those first" in error["message"]


def test_methods_a_path_lacks_are_405_with_allow(staff_client, resident_org):
    response = staff_client._send("put", f"/organizations/{resident_org.public_id}", {}, None)
    assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH", "DELETE"}


def test_unknown_api_paths_are_404_json(staff_client):
    for path in ("/nothing-here", "/organizations/a/b/c", "//"):
        assert_error(Client().get(API + path), 404)
    index = Client().get(API + "/").json()
    assert index["openapi"].endswith("/api/v1/openapi.json") and index["docs"].endswith("/api/v1/docs")


def test_no_500_for_a_sample_of_hostile_values_on_every_collection(api, campus_a):
    client = api("superuser")
    hostile = ["\x00", "\ud7ff" * 10, "🧬" * 100, "' OR 1=1 --", "<script>alert(1)</script>", "9" * 400, "-1", "null"]
    collections = ("organizations", "people", "campuses", "residencies", "agreements", "events", "milestones")
    collections += ("programmes", "targets", "funding-rounds")
    for collection in collections:
        for value in hostile:
            for parameter in ("search", "campus", "limit", "cursor"):
                response = client.get(f"/{collection}", **{parameter: value})
                assert response.status_code < 500, (collection, parameter, value, response.content[:200])
            response = client.post(f"/{collection}", {"name": value, "title": value, "campus": value})
            assert response.status_code < 500, (collection, value, response.content[:200])
