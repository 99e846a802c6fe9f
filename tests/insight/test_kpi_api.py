"""GET /api/v1/kpis/: the KPIs as JSON, the same numbers as insight.kpis, refused input answered 422/404."""

from __future__ import annotations

import datetime

import pytest

from biocampus.insight.kpis import KPIS, compute_kpis
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2020-01-01", "to": "2020-12-31"}


@pytest.fixture
def built(world):
    world(4)


@pytest.mark.parametrize("path", ["/kpis/", "/kpis"])
def test_kpis_of_a_campus_by_slug(built, api, users, campus_a, path):
    response = api("campus_admin").get(path, campus=campus_a.slug, **PERIOD)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["campus"]["slug"] == "campus-a"
    assert body["from"] == "2020-01-01" and body["to"] == "2020-12-31" and body["as_of"] is None
    assert body["reporting_currency"] == "USD"
    assert list(body["values"]) == list(KPIS)
    assert isinstance(body["values"]["residents_signed"], int)
    expected = compute_kpis(
        users.superuser, campus=campus_a, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)
    )
    assert body["values"]["residents_signed"] == expected.get("residents_signed").value
    assert body["values"]["funding_raised"] == float(expected.get("funding_raised").value)
    signed = next(kpi for kpi in body["kpis"] if kpi["name"] == "residents_signed")
    assert signed["label"] and signed["description"] and signed["url"].startswith("/")
    assert {bucket["key"] for bucket in signed["breakdowns"]["home_abroad"]} == {"home", "abroad", "unknown"}
    assert set(signed["breakdowns"]["home_abroad"][0]) == {"key", "label", "value", "url"}


def test_kpis_by_public_id_and_for_the_network(built, api, campus_a):
    by_id = api("campus_admin").get("/kpis/", campus=str(campus_a.public_id), **PERIOD).json()
    network = api("campus_admin").get("/kpis/", **PERIOD).json()
    assert network["campus"] is None
    assert by_id["values"] == network["values"]  # the admin of campus A sees campus A only


def test_default_period_is_this_calendar_year(api):
    body = api("superuser").get("/kpis/").json()
    year = datetime.date.today().year
    assert (body["from"], body["to"]) == (f"{year}-01-01", f"{year}-12-31")


def test_as_of_clamps_the_end(built, api, campus_a):
    body = api("superuser").get("/kpis/", campus="campus-a", **PERIOD, as_of="2020-06-30").json()
    assert body["to"] == "2020-06-30" and body["as_of"] == "2020-06-30"


def test_a_resident_member_gets_its_share(built, api, campus_a):
    body = api("resident_member").get("/kpis/", campus="campus-a", **PERIOD).json()
    assert body["values"]["residents_signed"] == 1


def test_field_filter(built, api, fields):
    assert api("superuser").get("/kpis/", field="kpi-oncology", **PERIOD).status_code == 200
    assert_error(api("superuser").get("/kpis/", field="no-such-field", **PERIOD), 422)


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2020-12-31", "to": "2020-01-01"},
        {"from": "2020-13-01"},
        {"to": "yesterday"},
        {"from": "2020-03-01", "to": "2020-12-31", "as_of": "2020-01-01"},
    ],
)
def test_bad_periods_are_refused(api, query):
    assert_error(api("superuser").get("/kpis/", **query), 422, "validation_error")


def test_unknown_campus_is_404(api, campus_b):
    assert_error(api("superuser").get("/kpis/", campus="nowhere", **PERIOD), 404)
    assert_error(api("campus_admin").get("/kpis/", campus="00000000-0000-0000-0000-000000000000"), 404)


def test_needs_credentials(api):
    assert api(None).get("/kpis/").status_code == 401
