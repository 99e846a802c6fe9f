"""Fixtures of the KPI tests: generated records over two campuses, and the API client of tests/api.

`world(n)` builds, deterministically, `n` rounds of records at campus A and campus B (tests/conftest.py):
organisations from several countries (and of unknown country), residencies in every status with dates
spread over 2019-2021 (some dated only by the event they were signed at, some ended), agreements of
several types and statuses with foreign and home parties, funding rounds in several currencies (one
without any rate), milestones, service requests answered in time, late or not yet, showcases and leads.
Calling it again adds `n` more rounds (the query-count tests grow the data).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from biocampus.agreements.choices import AgreementStatus, AgreementType
from biocampus.campuses.choices import ResidencyStatus
from biocampus.events.choices import LeadStatus
from biocampus.events.models import Lead
from biocampus.progress.choices import MilestoneKind
from biocampus.progress.models import ExchangeRate
from biocampus.servicedesk.models import ServiceCentre, ServiceRequest
from tests.api.conftest import api  # noqa: F401  (the API client fixture, shared)
from tests.factories import (
    AgreementFactory,
    EventFactory,
    FieldFactory,
    FundingRoundFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProvenanceFactory,
    ResidencyFactory,
    ShowcaseFactory,
)

COUNTRIES = ["CN", "CN", "US", "SE", "DE", "", "GB"]
STATUSES = list(ResidencyStatus.values)
AGREEMENT_TYPES = [
    AgreementType.STRATEGIC_COOPERATION,
    AgreementType.FRAMEWORK,
    AgreementType.JOINT_DEVELOPMENT,
    AgreementType.LICENSING,
    AgreementType.INVESTMENT,
    AgreementType.MOU,
]
AGREEMENT_STATUSES = [AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.DRAFT, AgreementStatus.EXPIRED]


def _day(rng: random.Random) -> datetime.date:
    return datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))


@pytest.fixture
def fields(db):
    """A parent field with a child field, and an unrelated one."""
    parent = FieldFactory(slug="kpi-oncology", name="Oncology (KPI tests)")
    child = FieldFactory(slug="kpi-oncology-dx", name="Oncology diagnostics (KPI tests)", parent=parent)
    other = FieldFactory(slug="kpi-devices", name="Devices (KPI tests)")
    return {"parent": parent, "child": child, "other": other}


@pytest.fixture
def world(campus_a, campus_b, users, fields):
    campus_b.organization.country = "DE"
    campus_b.organization.save()
    make = lambda model, **values: model.objects.create(provenance=ProvenanceFactory(), **values)  # noqa: E731
    make(ExchangeRate, currency="CNY", rate=Decimal("0.14"), valid_from=datetime.date(2019, 6, 1))
    make(ExchangeRate, currency="CNY", rate=Decimal("0.15"), valid_from=datetime.date(2020, 6, 1))
    make(ExchangeRate, currency="EUR", rate=Decimal("1.10"), valid_from=datetime.date(2020, 1, 1))
    centres = {campus.pk: make(ServiceCentre, campus=campus, name="Lab services") for campus in (campus_a, campus_b)}
    field_choices = [[fields["parent"]], [fields["child"]], [fields["other"]], [fields["child"], fields["other"]], []]
    rounds = {"n": 0}

    def build(n: int, seed: int = 7):
        rng = random.Random(seed + rounds["n"])
        rounds["n"] += 1
        for i in range(n):
            for campus in (campus_a, campus_b):
                tag = f"{rounds['n']}-{i}-{campus.slug}"
                day = _day(rng)
                event = EventFactory(campus=campus, starts_on=day, ends_on=day)
                org = OrganizationFactory(
                    name=f"Org {tag}", country=rng.choice(COUNTRIES), fields=rng.choice(field_choices)
                )
                status = rng.choice(STATUSES)
                signed = _day(rng) if rng.random() < 0.7 else None
                signed_at = event if signed is None and rng.random() < 0.5 else None
                ended = (
                    signed + datetime.timedelta(days=rng.randrange(400))
                    if signed and status in ("graduated", "exited")
                    else None
                )
                moved = signed + datetime.timedelta(days=30) if signed and rng.random() < 0.5 else None
                ResidencyFactory(
                    organization=org, campus=campus, status=status, signed_on=signed, moved_in_on=moved,
                    ended_on=ended, signed_at=signed_at,
                )  # fmt: skip
                partner = OrganizationFactory(name=f"Partner {tag}", country=rng.choice(COUNTRIES))
                parties = [org, partner] + ([campus.organization] if rng.random() < 0.5 else [])
                AgreementFactory(
                    campus=campus, type=rng.choice(AGREEMENT_TYPES), status=rng.choice(AGREEMENT_STATUSES),
                    signed_on=_day(rng) if rng.random() < 0.8 else None,
                    signed_at=event if rng.random() < 0.5 else None, parties=parties,
                )  # fmt: skip
                FundingRoundFactory(
                    campus=campus, recipient=org, amount=Decimal(rng.randrange(1, 500)) * 10000,
                    currency=rng.choice(["CNY", "USD", "EUR", "XYZ"]), announced_on=_day(rng) if rng.random() < 0.9 else None,
                )  # fmt: skip
                MilestoneFactory(
                    campus=campus, organization=org, kind=rng.choice(MilestoneKind.values),
                    occurred_on=_day(rng) if rng.random() < 0.7 else None, event=event if rng.random() < 0.5 else None,
                    value=Decimal(rng.randrange(1, 900)) if rng.random() < 0.5 else None,
                )  # fmt: skip
                opened = timezone.make_aware(datetime.datetime.combine(_day(rng), datetime.time(12)))
                due = opened + datetime.timedelta(days=2)
                answer = rng.choice([None, opened + datetime.timedelta(days=1), opened + datetime.timedelta(days=5)])
                make(ServiceRequest, reference=f"SR-{tag}", campus=campus, centre=centres[campus.pk], organization=org,
                     subject="Help", opened_at=opened, due_at=due, first_response_at=answer)  # fmt: skip
                ShowcaseFactory(event=event, organization=org, outcome=rng.choice(["", "Two leads"]))
                make(Lead, event=event, organization=partner, prospect_name="", status=rng.choice(LeadStatus.values))

    return build
