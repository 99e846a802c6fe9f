"""The progress part of the demo campus (issue 4, campus operations): how the screening programme went,
the exchange rates funding amounts are converted with, and evidence for a milestone.

The press release reports no screening figures and no rates: the observations below are illustrative
and say so in their note; the rates are plausible round values noted "demo rates". Nothing is loaded
twice: observations are keyed by target and date, rates by currency and date, evidence by title.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models

from biocampus.progress.currency import reporting_currency
from biocampus.progress.models import ExchangeRate, Milestone, MilestoneEvidence, Observation, Programme, Target
from biocampus.progress.services import evidence_add, exchange_rate_set, observation_record

# Models whose rows a demo load writes here, for the load's report and its idempotency test.
COUNTED_MODELS: list[type[models.Model]] = [ExchangeRate, MilestoneEvidence]

ILLUSTRATIVE_NOTE = "illustrative demo figures, not from the press release"

# People screened so far (cumulative), towards one million by 2021-11-06. Short of the goal on purpose:
# the programme shows as overdue until someone records the last figures.
SCREENED = [
    (datetime.date(2021, 1, 31), 60_000),
    (datetime.date(2021, 3, 31), 180_000),
    (datetime.date(2021, 5, 31), 330_000),
    (datetime.date(2021, 7, 31), 500_000),
    (datetime.date(2021, 9, 30), 690_000),
    (datetime.date(2021, 10, 31), 870_000),
]

# US dollars for one unit, from 2020-01-01 and from 2025-01-01: plausible, rounded, not quotations.
DEMO_RATES_SOURCE = "demo rates (plausible values, not quotations)"
USD_RATES = {
    "CNY": ("0.1436", "0.1370"),
    "EUR": ("1.1213", "1.0350"),
    "GBP": ("1.3250", "1.2530"),
    "CHF": ("1.0330", "1.1030"),
    "SEK": ("0.1070", "0.0905"),
    "JPY": ("0.0092", "0.0064"),
}
RATE_DATES = (datetime.date(2020, 1, 1), datetime.date(2025, 1, 1))

EVIDENCE_MILESTONE = ("Teddy Lab Services", "Qualified medical testing laboratory")
EVIDENCE_TITLE = "Press release on I·Campus at the 3rd CIIE (China State Council Information Office)"
EVIDENCE_URL = "http://english.scio.gov.cn/"
EVIDENCE_NOTE = (
    "The publisher named by the press release; the demo does not record the article's own address. "
    "The release says Teddy Lab Services became a qualified medical testing laboratory in early August 2020."
)


def load(ctx) -> None:
    """Create whatever of this part is missing. `ctx` is demo.seed._Context (actor, provenance, fields,
    orgs by the names in demo/seed.py, campuses by slug, events by name, agreements by title); the demo users exist."""
    _screening_observations(ctx)
    _exchange_rates(ctx)
    _evidence(ctx)


def _screening_observations(ctx) -> None:
    from .seed import PROGRAMME

    programme = Programme.objects.filter(campus=ctx.campuses["icampus-wuxi"], name=PROGRAMME).order_by("id").first()
    target = Target.objects.filter(programme=programme, metric="people screened").order_by("id").first()
    if target is None:
        return
    observed = set(Observation.objects.filter(target=target).values_list("observed_on", flat=True))
    for observed_on, value in SCREENED:
        if observed_on not in observed:
            observation_record(
                actor=ctx.actor,
                provenance=ctx.provenance,
                target=target,
                observed_on=observed_on,
                value=Decimal(value),
                note=ILLUSTRATIVE_NOTE,
            )


def _exchange_rates(ctx) -> None:
    if reporting_currency() != "USD":
        return  # the demo rates are in US dollars; another reporting currency needs its own table
    existing = set(ExchangeRate.objects.values_list("currency", "valid_from"))
    for currency, rates in USD_RATES.items():
        for valid_from, rate in zip(RATE_DATES, rates, strict=True):
            if (currency, valid_from) not in existing:
                exchange_rate_set(
                    actor=ctx.actor,
                    provenance=ctx.provenance,
                    currency=currency,
                    valid_from=valid_from,
                    rate=Decimal(rate),
                    source=DEMO_RATES_SOURCE,
                )


def _evidence(ctx) -> None:
    organization, title = EVIDENCE_MILESTONE
    milestone = (
        Milestone.objects.filter(organization=ctx.orgs[organization], title=title, campus=ctx.campuses["icampus-wuxi"])
        .order_by("id")
        .first()
    )
    if milestone is None or milestone.evidence.filter(title=EVIDENCE_TITLE).exists():
        return
    evidence_add(
        actor=ctx.actor,
        provenance=ctx.provenance,
        milestone=milestone,
        title=EVIDENCE_TITLE,
        url=EVIDENCE_URL,
        note=EVIDENCE_NOTE,
    )
