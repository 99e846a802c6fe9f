"""A KPI's number links to exactly the records behind it: the residency list, filtered the same way."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command

from biocampus.campuses.models import Campus
from biocampus.insight.kpis import compute_kpis

pytestmark = pytest.mark.django_db


def _rows_listed(client, url: str) -> int:
    page = client.get(url).content.decode()
    return int(re.search(r"(\d+) records?", page).group(1))


def test_residents_signed_and_its_breakdowns_link_to_lists_of_as_many_rows(client, django_user_model):
    call_command("load_demo", stdout=io.StringIO())
    campus, demo = Campus.objects.get(slug="icampus-wuxi"), django_user_model.objects.get(username="demo")
    report = compute_kpis(demo, campus=campus, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    kpi = report.get("residents_signed")
    client.force_login(demo)

    assert kpi.value >= 12
    assert _rows_listed(client, kpi.url) == kpi.value
    for key in ("by_month", "by_country", "by_field"):
        for bucket in kpi.breakdowns[key]:
            assert _rows_listed(client, bucket.url) == bucket.value, (key, bucket)


def test_agreements_and_milestones_link_to_lists_of_as_many_rows(client, django_user_model):
    call_command("load_demo", stdout=io.StringIO())
    campus, demo = Campus.objects.get(slug="icampus-wuxi"), django_user_model.objects.get(username="demo")
    report = compute_kpis(demo, campus=campus, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    client.force_login(demo)

    for name in ("agreements", "milestones", "funding_raised"):
        kpi = report.get(name)
        counted = kpi.breakdowns["rounds"][0].value if name == "funding_raised" else kpi.value
        assert _rows_listed(client, kpi.url) == counted, name
    for bucket in report.get("agreements").breakdowns["by_type"] + report.get("milestones").breakdowns["by_kind"]:
        assert _rows_listed(client, bucket.url) == bucket.value, bucket
    # A period with nothing in it lists nothing.
    empty = compute_kpis(demo, campus=campus, start=datetime.date(2001, 1, 1), end=datetime.date(2001, 12, 31))
    assert _rows_listed(client, empty.get("agreements").url) == 0


def test_malformed_list_filters_filter_nothing_and_break_nothing(client, users, resident_org, campus_a):
    from tests.factories import FundingRoundFactory

    FundingRoundFactory(campus=campus_a, recipient=resident_org, announced_on=datetime.date(2020, 5, 1))
    client.force_login(users.campus_staff)
    for path in ("/funding/", "/agreements/", "/milestones/", "/residencies/"):
        for query in ("from=2020-13-45&to=yesterday", "signed_from=%00&signed_to=x", "campus=%3Cb%3E"):
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)
    assert _rows_listed(client, "/funding/?from=2020-01-01&to=2020-12-31") == 1
    assert _rows_listed(client, "/funding/?from=2021-01-01") == 0
    assert _rows_listed(client, "/funding/?from=not-a-date") == 1
