"""KPIs on small, hand-made cases whose answer is known: programme targets, market reach, funding by year,
and the edges of the definitions (undated records, the campus's own organisation, unknown countries)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from biocampus.agreements.choices import AgreementStatus, AgreementType
from biocampus.insight.kpis import compute_kpis
from biocampus.progress.choices import MilestoneKind
from biocampus.progress.models import ExchangeRate
from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingRoundFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    ProgrammeFactory,
    ProvenanceFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

YEAR = {"start": datetime.date(2020, 1, 1), "end": datetime.date(2020, 12, 31)}


def buckets(kpi, breakdown):
    return {bucket.key: bucket.value for bucket in kpi.breakdowns[breakdown]}


def test_programme_progress_judges_each_target_at_the_period_end(users, campus_a):
    programme = ProgrammeFactory(campus=campus_a)
    common = {"campus": campus_a, "programme": programme, "organization": None, "goal": Decimal(100)}
    achieved = TargetFactory(
        **common, metric="achieved", starts_on=datetime.date(2020, 1, 1), due_on=datetime.date(2020, 12, 31)
    )
    ObservationFactory(target=achieved, observed_on=datetime.date(2020, 6, 1), value=Decimal(100))
    behind = TargetFactory(
        **common, metric="behind", starts_on=datetime.date(2020, 1, 1), due_on=datetime.date(2021, 12, 31)
    )
    ObservationFactory(target=behind, observed_on=datetime.date(2020, 6, 1), value=Decimal(1))
    TargetFactory(
        **common, metric="not started", starts_on=datetime.date(2020, 6, 1), due_on=datetime.date(2021, 12, 31)
    )
    TargetFactory(**common, metric="finished before", due_on=datetime.date(2019, 12, 31))  # not in the period
    TargetFactory(campus=campus_a, metric="no programme", due_on=datetime.date(2020, 12, 31))  # not a programme's
    kpi = compute_kpis(users.campus_admin, campus=campus_a, **YEAR).get("programme_progress")
    statuses = buckets(kpi, "by_status")
    assert (statuses["achieved"], statuses["behind"], statuses["not_started"]) == (1, 1, 1)
    assert sum(statuses.values()) == 3
    assert kpi.value == Decimal("0.3333")
    assert buckets(kpi, "targets")[str(achieved.public_id)] == Decimal(1)


def test_market_reach_stands_at_the_period_end(users, campus_a):
    reacher = OrganizationFactory(name="CHIC")
    MilestoneFactory(campus=campus_a, organization=reacher, occurred_on=None, value=Decimal(470), title="Hospitals")
    MilestoneFactory(campus=campus_a, organization=reacher, occurred_on=datetime.date(2019, 3, 1), value=Decimal(200))
    MilestoneFactory(campus=campus_a, organization=reacher, occurred_on=datetime.date(2021, 3, 1), value=Decimal(900))
    MilestoneFactory(
        campus=campus_a, kind=MilestoneKind.FUNDING, occurred_on=datetime.date(2020, 5, 1), value=Decimal(3), unit="M"
    )
    kpi = compute_kpis(users.campus_admin, campus=campus_a, **YEAR).get("milestones")
    assert kpi.value == 1  # only the funding milestone is dated in 2020
    reach = kpi.breakdowns["market_reach"]
    assert [bucket.value for bucket in reach] == [Decimal(470)]  # the 2021 figure is not known at the end of 2020
    assert "CHIC" in reach[0].label and "hospitals" in reach[0].label
    assert {bucket.value for bucket in kpi.breakdowns["values"]} == {Decimal(3), Decimal(470)}


def test_partners_exclude_home_unknown_and_the_campus_itself(users, campus_a):
    event = EventFactory(campus=campus_a, starts_on=datetime.date(2020, 11, 4), ends_on=datetime.date(2020, 11, 10))
    swedish = OrganizationFactory(country="SE")
    british = OrganizationFactory(country="GB")
    common = {"campus": campus_a, "type": AgreementType.STRATEGIC_COOPERATION}
    # Dated only by the event it was signed at (the seed's BioVenture Hub agreement).
    AgreementFactory(**common, signed_on=None, signed_at=event, parties=[campus_a.organization, swedish])
    AgreementFactory(**common, parties=[swedish, OrganizationFactory(country=""), OrganizationFactory(country="CN")],
                     signed_on=datetime.date(2020, 3, 1))  # fmt: skip
    AgreementFactory(
        campus=campus_a, type=AgreementType.LICENSING, signed_on=datetime.date(2020, 3, 1), parties=[british]
    )
    AgreementFactory(**common, status=AgreementStatus.DRAFT, signed_on=datetime.date(2020, 3, 1), parties=[british])
    AgreementFactory(**common, signed_on=None, parties=[british])  # undated: in no period
    kpi = compute_kpis(users.campus_admin, campus=campus_a, **YEAR).get("international_strategic_partners")
    assert kpi.value == 1
    assert buckets(kpi, "by_country") == {"SE": 1}


def test_funding_by_year_and_rounds_left_out(users, campus_a):
    ExchangeRate.objects.create(
        currency="EUR", rate=Decimal("1.20"), valid_from=datetime.date(2020, 1, 1), provenance=ProvenanceFactory()
    )
    FundingRoundFactory(campus=campus_a, amount=Decimal(1000), currency="EUR", announced_on=datetime.date(2020, 2, 1))
    FundingRoundFactory(campus=campus_a, amount=Decimal(500), currency="USD", announced_on=datetime.date(2021, 2, 1))
    FundingRoundFactory(campus=campus_a, amount=Decimal(500), currency="XYZ", announced_on=datetime.date(2021, 2, 1))
    FundingRoundFactory(campus=campus_a, amount=None, currency="", announced_on=datetime.date(2021, 3, 1))
    report = compute_kpis(
        users.campus_admin, campus=campus_a, start=datetime.date(2020, 1, 1), end=datetime.date(2021, 12, 31)
    )
    kpi = report.get("funding_raised")
    assert kpi.value == Decimal("1700.00") and kpi.unit == "USD"
    assert buckets(kpi, "by_year") == {"2020": Decimal("1200.00"), "2021": Decimal("500.00")}
    assert buckets(kpi, "rounds") == {"all": 4, "converted": 2, "not_converted": 2}
