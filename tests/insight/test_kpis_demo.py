"""The demo campus's 2020 figures computed by the KPIs agree with the seed story (the 3rd CIIE press release)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from biocampus.campuses.models import Campus
from biocampus.insight.kpis import compute_kpis
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR_2020 = {"start": datetime.date(2020, 1, 1), "end": datetime.date(2020, 12, 31)}


@pytest.fixture
def report_2020(db):
    call_command("load_demo", stdout=io.StringIO())
    superuser = UserFactory(is_superuser=True)
    return compute_kpis(superuser, campus=Campus.objects.get(slug="icampus-wuxi"), **YEAR_2020)


def test_at_least_twelve_residents_signed_in_2020(report_2020):
    signed = report_2020.get("residents_signed")
    assert signed.value >= 12
    by_month = {bucket.key: bucket.value for bucket in signed.breakdowns["by_month"]}
    assert by_month["2020-11"] >= 12  # the twelve newcomers signed at the 3rd CIIE


def test_bioventure_hub_is_an_international_strategic_partner(report_2020):
    partners = report_2020.get("international_strategic_partners")
    assert partners.value >= 1
    countries = {bucket.key: bucket.value for bucket in partners.breakdowns["by_country"]}
    assert countries.get("SE") == 1  # BioVenture Hub, Sweden


def test_chic_health_reaches_470_hospitals(report_2020):
    values = report_2020.get("milestones").breakdowns["values"]
    assert any(
        "CHIC Health" in bucket.label and bucket.value == 470 and "hospitals" in bucket.label for bucket in values
    )


def test_every_kpi_is_computed(report_2020):
    values = report_2020.values()
    assert values["agreements"] >= 5  # the story's agreements dated in 2020, by their own date or the CIIE's
    assert values["milestones"] >= 5
    assert values["showcases"] >= 5  # the residents showcased at AstraZeneca's 3rd CIIE booth
