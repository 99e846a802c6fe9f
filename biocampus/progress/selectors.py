from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import visible
from biocampus.campuses.selectors import campus_with_its_organization

from .models import (
    ExchangeRate,
    FundingInvestment,
    FundingRound,
    Milestone,
    MilestoneEvidence,
    Observation,
    Programme,
    Target,
)


def _observations_by_date() -> Prefetch:
    return Prefetch("observations", queryset=Observation.objects.order_by("observed_on"))


def milestones_for(user, *, campus=None, kind: str = "", organization=None) -> QuerySet[Milestone]:
    # The organisation and campus by second queries, not joins: with only LEFT JOINs SQLite reads milestones in
    # the order of their list index and stops after a page, where INNER JOINs made it sort them all (see
    # agreements.selectors.agreements_for).
    milestones = visible(
        Milestone.objects.select_related("event").prefetch_related("organization", campus_with_its_organization()), user
    )
    if campus is not None:
        milestones = milestones.filter(campus=campus)
    if kind:
        milestones = milestones.filter(kind=kind)
    if organization is not None:
        milestones = milestones.filter(organization=organization)
    return milestones.prefetch_related("evidence")


def evidence_for(user) -> QuerySet[MilestoneEvidence]:
    """Evidence of the milestones the user may read."""
    return visible(MilestoneEvidence.objects.select_related("milestone"), user)


def programmes_for(user, *, campus=None) -> QuerySet[Programme]:
    programmes = visible(Programme.objects.select_related("campus__organization", "agreement"), user)
    if campus is not None:
        programmes = programmes.filter(campus=campus)
    targets = Target.objects.select_related("organization").prefetch_related(_observations_by_date())
    return programmes.prefetch_related("organizations", Prefetch("targets", queryset=targets))


def targets_for(user, *, campus=None) -> QuerySet[Target]:
    targets = visible(Target.objects.select_related("campus__organization", "programme", "organization"), user)
    if campus is not None:
        targets = targets.filter(campus=campus)
    return targets.prefetch_related(_observations_by_date())


def funding_rounds_for(user, *, campus=None, organization=None) -> QuerySet[FundingRound]:
    # As for milestones: the recipient and campus by second queries, so that the list index serves the page.
    rounds = visible(FundingRound.objects.prefetch_related("recipient", campus_with_its_organization()), user)
    if campus is not None:
        rounds = rounds.filter(campus=campus)
    if organization is not None:
        rounds = rounds.filter(recipient=organization)
    return rounds.prefetch_related(
        Prefetch("investments", queryset=FundingInvestment.objects.select_related("investor"))
    )


def exchange_rates_for(user, *, currency: str = "") -> QuerySet[ExchangeRate]:
    """The network's exchange rates: every member reads them."""
    rates = visible(ExchangeRate.objects.all(), user)
    if currency:
        rates = rates.filter(currency=currency)
    return rates
