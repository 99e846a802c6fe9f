"""The dashboard page: the KPIs of compute_kpis as cards, charts and fallback tables; its filters, its
permission scoping and its answers to bad input."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biocampus.insight.kpis import compute_kpis

URL = "/insight/"
YEAR_2020 = {"from": "2020-01-01", "to": "2020-12-31"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _charts(response) -> dict[str, dict]:
    match = re.search(r'<script id="insight-charts" type="application/json">(.*?)</script>', response.content.decode())
    return {chart["id"]: chart for chart in json.loads(match.group(1))}


def _bucket_values(chart) -> dict[str, float]:
    return {bucket["key"]: bucket["value"] for bucket in chart["buckets"]}


def test_the_dashboard_shows_the_kpis_of_the_campus_as_cards_charts_and_tables(users, world, campus_a):
    world(2)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **YEAR_2020})
    assert response.status_code == 200
    body = response.content.decode()
    expected = compute_kpis(
        users.campus_admin, campus=campus_a, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)
    )
    signed = expected.get("residents_signed")
    # The card: value, label, description, linking to the records behind it.
    card = re.search(r'<article class="kpi-card" id="kpi-residents_signed".*?</article>', body, re.S).group(0)
    assert f'<span class="number">{signed.value}</span>' in card
    assert signed.label in card and signed.description in card
    assert f'href="{signed.url}"' in html.unescape(card)
    # The charts' data, the same numbers.
    charts = _charts(response)
    by_month = charts["chart-residents-signed-by-month"]
    assert _bucket_values(by_month) == {b.key: b.value for b in signed.breakdowns["by_month"]}
    assert "chart-residents-signed-by-year" not in charts  # one trend chart: a year is charted by month
    assert _bucket_values(charts["chart-agreements-by-type"]) == {
        b.key: b.value for b in expected.get("agreements").breakdowns["by_type"]
    }
    home_abroad = charts["chart-residents-signed-home-abroad"]
    assert home_abroad["type"] == "pie"
    assert all(bucket["url"].startswith("/") for bucket in by_month["buckets"])
    # The fallback table of each chart, readable without JavaScript.
    assert body.count('<details class="chart-numbers">') == len(charts)
    first = signed.breakdowns["by_month"][0]
    assert f'<td><a href="{first.url}">{first.label}</a></td><td class="value">{first.value}</td>' in body.replace(
        "&amp;", "&"
    )
    assert "vendor/echarts/echarts.min.js" in body and "insight/dashboard.js" in body


def test_shares_show_as_percentages_and_the_gauge_carries_its_counts(users, world, campus_a):
    world(2)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **YEAR_2020})
    kpi = compute_kpis(
        users.campus_admin, campus=campus_a, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31)
    ).get("service_requests_answered_in_time")
    gauge = _charts(response)["chart-service-requests-answered-in-time-counts"]
    assert gauge["type"] == "gauge"
    if kpi.value is None:
        assert gauge["value"] is None
    else:
        assert gauge["value"] == pytest.approx(float(kpi.value) * 100)
        assert gauge["display"].endswith("%")
    assert _bucket_values(gauge) == {b.key: b.value for b in kpi.breakdowns["counts"]}


def test_a_long_period_is_charted_by_year(users, world):
    world(1)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", "preset": "all_time"})
    charts = _charts(response)
    assert "chart-residents-signed-by-year" in charts
    assert "chart-residents-signed-by-month" not in charts


def test_the_first_visit_shows_the_current_campus_this_year(users, world, campus_a):
    world(1)
    response = _client(users.campus_admin).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    this_year = timezone.localdate().year
    assert f"Campus A · {this_year}-01-01 – {this_year}-12-31" in body
    assert '<option value="campus-a" selected>' in body


def test_the_whole_network_and_the_field_filter(users, world, fields):
    world(2)
    client = _client(users.superuser)
    network = client.get(URL, {"campus": "all", **YEAR_2020})
    assert "Whole network" in network.content.decode()
    campus_a = client.get(URL, {"campus": "campus-a", **YEAR_2020})
    total = _charts(network)["chart-residents-signed-by-month"]
    only_a = _charts(campus_a)["chart-residents-signed-by-month"]
    assert sum(_bucket_values(total).values()) > sum(_bucket_values(only_a).values())
    in_field = client.get(URL, {"campus": "all", "field": fields["parent"].slug, **YEAR_2020})
    assert in_field.status_code == 200
    in_field_total = sum(_bucket_values(_charts(in_field)["chart-residents-signed-by-month"]).values())
    assert in_field_total < sum(_bucket_values(total).values())


def test_as_of_a_past_date(users, world, campus_a):
    world(1)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **YEAR_2020, "as_of": "2020-06-30"})
    assert response.status_code == 200
    assert "as of 2020-06-30" in response.content.decode()
    assert "2020-01-01 – 2020-06-30" in response.content.decode()  # the period ends on that day


def test_presets(users, world):
    world(1)
    client = _client(users.campus_admin)
    last_year = timezone.localdate().year - 1
    body = client.get(URL, {"campus": "campus-a", "preset": "last_year"}).content.decode()
    assert f"{last_year}-01-01 – {last_year}-12-31" in body
    # Dates typed in win over the preset.
    body = client.get(URL, {"campus": "campus-a", "preset": "last_year", **YEAR_2020}).content.decode()
    assert "2020-01-01 – 2020-12-31" in body


def test_a_resident_member_sees_only_its_share(users, world, campus_a):
    world(2)
    admin_view = _charts(_client(users.campus_admin).get(URL, {"campus": "campus-a", "preset": "all_time"}))
    resident_response = _client(users.resident_member).get(URL, {"campus": "campus-a", "preset": "all_time"})
    assert resident_response.status_code == 200
    resident_view = _charts(resident_response)
    expected = compute_kpis(
        users.resident_member, campus=campus_a, start=datetime.date(1900, 1, 1), end=timezone.localdate()
    )
    assert _bucket_values(resident_view["chart-agreements-by-type"]) == {
        b.key: b.value for b in expected.get("agreements").breakdowns["by_type"]
    }
    admin_total = sum(_bucket_values(admin_view["chart-agreements-by-type"]).values())
    resident_total = sum(_bucket_values(resident_view["chart-agreements-by-type"]).values())
    assert resident_total < admin_total


def test_no_campus_of_someone_else(users, world):
    world(1)
    response = _client(users.resident_b).get(URL, {"campus": "campus-a", **YEAR_2020})
    assert response.status_code == 400
    assert "No such campus, or not one of yours: campus-a." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"campus": "atlantis"}, "No such campus, or not one of yours: atlantis."),
        ({"from": "2020-02-30"}, "Enter a valid date."),
        ({"from": "2020-12-31", "to": "2020-01-01"}, "The end of the period comes before its start."),
        ({**YEAR_2020, "as_of": "2019-01-01"}, "The &#x27;as of&#x27; date comes before the start of the period."),
        ({"field": "alchemy"}, "No such field: alchemy."),
        ({"preset": "forever"}, "Select a valid choice."),
        ({"from": "\x00"}, "Enter a valid date."),
    ],
)
def test_bad_filters_get_a_clear_message(users, params, message):
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **params})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Check the filters" in body
    assert 'id="insight-charts"' not in body


def test_login_is_required():
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_speaks_chinese(users, world):
    world(1)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **YEAR_2020}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_query_count_does_not_grow_with_the_records(users, world):
    client = _client(users.campus_admin)
    world(1)
    client.get(URL, {"campus": "campus-a", **YEAR_2020})
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"campus": "campus-a", **YEAR_2020})
    world(4)
    with CaptureQueriesContext(connection) as large:
        client.get(URL, {"campus": "campus-a", **YEAR_2020})
    # Currencies, not records, may add a query: the conversion reads each currency's rates once
    # (the bigger world has funding rounds in currencies the smaller one had not reached).
    assert len(large) <= len(small) + 3
    assert len(large) < 80


def test_text_from_the_records_is_escaped_in_tables_and_chart_data(users, campus_a):
    from tests.factories import FieldFactory, OrganizationFactory, ResidencyFactory

    field = FieldFactory(name="<script>alert(1)</script>")
    organization = OrganizationFactory(name="Escaped Bio")
    organization.fields.add(field)
    ResidencyFactory(organization=organization, campus=campus_a, signed_on=datetime.date(2020, 3, 3), moved_in_on=None)
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a", **YEAR_2020})
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the fallback table
    labels = [b["label"] for b in _charts(response)["chart-residents-signed-by-field"]["buckets"]]
    assert "<script>alert(1)</script>" in labels  # json_script escaped it in the page, JSON gives it back
