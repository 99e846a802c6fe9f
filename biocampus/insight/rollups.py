"""Keeping the KPI rollups (insight.models.KpiRollup) current.

The services call `refresh` (or one of the helpers below) after a write, inside the write's own
transaction: the affected buckets are recomputed from the records by the KPI's own definition
(kpis.rollup_buckets) and replaced — recompute the bucket, never +1/-1, so a refresh is correct by
construction and may run twice. A write that fails rolls its refresh back with it.

Only covered campuses (KpiRollupCoverage: rebuilt once since their last bulk write) are kept: the others
are read live by the KPIs anyway, and `rebuild` computes all their buckets at once. Bulk writers that bypass
the services (the synthetic generator, bulk imports, test factories) call `rebuild` at their end.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from . import kpis, network_rollups

ALL_METRICS = kpis.ROLLUP_METRICS
# What a change of an organisation (its country or fields) moves: the breakdowns by country and field, home
# or abroad, and who counts as an international partner.
ORGANIZATION_METRICS = ("residents_signed", "active_residents", "international_strategic_partners")
AGREEMENT_METRICS = ("agreements", "international_strategic_partners")
RESIDENCY_METRICS = ("residents_signed", "active_residents")
MILESTONE_METRICS = ("milestones",)
FUNDING_METRICS = ("funding_raised",)
_EARLIEST, _LATEST = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)


def month_of(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def _covered(campus_ids: Iterable[int]) -> set[int]:
    from .models import KpiRollupCoverage

    ids = {pk for pk in campus_ids if pk is not None}
    if not ids:
        return set()
    return set(KpiRollupCoverage.objects.filter(campus_id__in=ids).values_list("campus_id", flat=True))


@transaction.atomic
def refresh(*, campus, months: Iterable[datetime.date | None] | None = None, metrics: Iterable[str] | None = None):
    """Recompute `campus`'s buckets of `metrics` (all by default) for `months` (first days; None: every
    month), from the records, in the caller's transaction. A campus without coverage is skipped."""
    campus_id = getattr(campus, "pk", campus)
    network = _lock(campus_id)
    if campus_id not in _covered([campus_id]):
        return
    _recompute(campus_id, months, metrics, network=network)


def _lock(campus_id: int) -> bool:
    """Serialise the refreshes until the caller's transaction ends: of the network rollups first (one writer
    of them at a time; see network_rollups.lock, which also says whether they are kept: returned), then of
    the campus. Without the campus's lock, two writes
    to one campus at once on PostgreSQL would each delete the old buckets and insert their own (the
    second insert failing on the unique constraint, or its count missing the other's row); with it, the
    second waits, then recomputes from what the first committed. FOR NO KEY UPDATE does not block the
    inserts of other records that reference the campus (their foreign-key checks take KEY SHARE). On
    SQLite, writers are serialised anyway and this is a plain SELECT."""
    from biocampus.campuses.models import Campus

    network = network_rollups.lock()
    list(Campus.objects.select_for_update(no_key=True).filter(pk=campus_id).values_list("pk", flat=True))
    return network


def _recompute(campus_id: int, months, metrics, *, network: bool) -> None:
    from biocampus.campuses.models import Campus

    from .models import KpiRollup

    metrics = list(ALL_METRICS if metrics is None else metrics)
    if months is not None:
        months = {month_of(day) for day in months if day is not None}
        if not months:
            return
        start, end = min(months), kpis._last_of_month(max(months))
    else:
        start, end = _EARLIEST, _LATEST
    campus = Campus.objects.select_related("organization").get(pk=campus_id)
    scope = kpis.KpiScope(user=None, campus=campus, start=start, end=end, everything=True)
    for metric in metrics:
        buckets = [row for row in kpis.rollup_buckets(metric, scope) if months is None or row[0] in months]
        stale = KpiRollup.objects.filter(campus_id=campus_id, metric=metric)
        stale = stale.filter(month__in=months) if months is not None else stale
        before = {(month, key): value for month, key, value in stale.values_list("month", "key", "value")}
        stale.delete()
        KpiRollup.objects.bulk_create(
            KpiRollup(campus_id=campus_id, metric=metric, month=month, key=key, value=value)
            for month, key, value in buckets
        )
        if network:  # after the campus's buckets are replaced: the network's are recomputed from them
            after = {(month, key): value for month, key, value in buckets}
            network = network_rollups.follow(metric, before, after)


@transaction.atomic
def rebuild(campus) -> None:
    """Recompute every bucket of `campus` (and its targets' observation summaries) from its records and mark
    it covered (its rollups are read)."""
    from biocampus.progress.models import Target

    from .models import KpiRollupCoverage

    campus_id = getattr(campus, "pk", campus)
    network = _lock(campus_id)
    _recompute(campus_id, None, None, network=network)
    # The targets' first and last observations, which programme progress reads where the rollups are read:
    # after bulk writes (the generator, fixtures) they are as stale as the buckets.
    Target.objects.filter(campus_id=campus_id).refresh_observation_summary()
    version, currency = kpis.rollups_current()
    KpiRollupCoverage.objects.update_or_create(
        campus_id=campus_id, defaults={"version": version, "reporting_currency": currency}
    )


@transaction.atomic
def rebuild_network(progress=None) -> None:
    """Recompute the network's buckets (network_rollups) from every campus's and mark them complete: after
    `rebuild` of campuses filled in bulk, or an upgrade that changed them. `progress(n)`: n buckets read."""
    network_rollups.rebuild(summed_metrics=(*kpis.SUMMED_ROLLUPS, *kpis.RUNNING_ROLLUPS), progress=progress)


def stale_campus_ids() -> list[int]:
    """The campuses whose rollups are not read: never rebuilt (filled by bulk writes), rebuilt by an
    older ROLLUP_VERSION (before a metric was added or a bucket changed), or into another reporting
    currency than today's."""
    from biocampus.campuses.models import Campus

    current = Campus.objects.filter(kpis.rollups_are_current())
    return list(Campus.objects.exclude(pk__in=current.values("pk")).order_by("pk").values_list("pk", flat=True))


def refresh_buckets(buckets: Iterable[tuple[int, datetime.date | None]], *, metrics: Iterable[str] | None = None):
    """Refresh (campus id, month) buckets, as collected by buckets_of before and after a write."""
    by_campus: dict[int, set] = {}
    for campus_id, month in buckets:
        by_campus.setdefault(campus_id, set()).add(month)
    for campus_id, months in sorted(by_campus.items()):  # one order everywhere: no deadlock between writes
        refresh(campus=campus_id, months=months, metrics=metrics)


def buckets_of(record) -> set[tuple[int, datetime.date | None]]:
    """The (campus id, month) buckets the record counts in now: call it before a change and after it, and
    refresh both (a record moved to another month or campus leaves its old bucket too)."""
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.choices import ACTIVE_STATUSES
    from biocampus.campuses.models import Residency
    from biocampus.events.models import Event, Lead, Showcase
    from biocampus.progress.models import FundingRound, Milestone

    if record is None or record.pk is None:
        return set()
    event_day = record.signed_at.starts_on if getattr(record, "signed_at_id", None) else None
    if isinstance(record, Agreement):
        return {(record.campus_id, month_of(record.signed_on or event_day))}
    if isinstance(record, Residency):
        # The month it was signed (residents signed), and those it became active and ended in (active
        # residents; ALWAYS when it is active with no start date).
        started = record.signed_on or record.moved_in_on or event_day
        if started is None and record.status in ACTIVE_STATUSES:
            started = kpis.ALWAYS
        days = (record.signed_on or event_day, started, record.ended_on)
        return {(record.campus_id, month_of(day)) for day in days}
    if isinstance(record, FundingRound):
        return {(record.campus_id, month_of(record.announced_on))}
    if isinstance(record, Milestone):
        day = record.occurred_on or (record.event.starts_on if record.event_id else None)
        return {(record.campus_id, month_of(day))}
    if isinstance(record, Showcase | Lead):
        return buckets_of(record.event)
    if isinstance(record, Event):
        # What was signed or reached at the event without a date of its own is dated by the event's first day.
        buckets = {(record.campus_id, month_of(record.starts_on))}
        dated_here = [
            Residency.objects.filter(signed_at=record, signed_on__isnull=True),
            Agreement.objects.filter(signed_at=record, signed_on__isnull=True),
            Milestone.objects.filter(event=record, occurred_on__isnull=True),
        ]
        for rows in dated_here:
            buckets |= {
                (campus_id, month_of(record.starts_on)) for campus_id in rows.values_list("campus_id", flat=True)
            }
        return buckets
    raise TypeError(f"No rollup buckets for {type(record).__name__}")


def campuses_of_organizations(organization_ids: Iterable[int]) -> set[int]:
    """The campuses whose rollups involve these organisations: as a resident, a party to an
    agreement, a showcase or a lead at an event, a milestone, a funding round, or the campus's own organisation."""
    from biocampus.agreements.models import AgreementParty
    from biocampus.campuses.models import Campus, Residency
    from biocampus.events.models import Lead, Showcase
    from biocampus.progress.models import FundingRound, Milestone

    ids = [pk for pk in organization_ids if pk is not None]
    campus_ids = set(Residency.objects.filter(organization_id__in=ids).values_list("campus_id", flat=True))
    campus_ids |= set(
        AgreementParty.objects.filter(organization_id__in=ids).values_list("agreement__campus_id", flat=True)
    )
    campus_ids |= set(Showcase.objects.filter(organization_id__in=ids).values_list("event__campus_id", flat=True))
    leads = Lead.objects.filter(Q(organization_id__in=ids) | Q(taken_by_id__in=ids))
    campus_ids |= set(leads.values_list("event__campus_id", flat=True))
    campus_ids |= set(Campus.objects.filter(organization_id__in=ids).values_list("pk", flat=True))
    campus_ids |= set(Milestone.objects.filter(organization_id__in=ids).values_list("campus_id", flat=True))
    campus_ids |= set(FundingRound.objects.filter(recipient_id__in=ids).values_list("campus_id", flat=True))
    return campus_ids


def refresh_currencies(currencies: Iterable[str]) -> None:
    """After an exchange rate of these currencies changed: recompute the converted funding of every campus
    with rounds in them (every month: a rate applies from its date until the next one, and to earlier
    rounds when it is the earliest)."""
    from biocampus.progress.models import FundingRound

    rounds = FundingRound.objects.filter(currency__in=set(currencies)).order_by()
    refresh_campuses(rounds.values_list("campus_id", flat=True).distinct(), metrics=FUNDING_METRICS)


def refresh_campuses(campus_ids: Iterable[int], *, metrics: Iterable[str] | None = None) -> None:
    """Recompute every month of `metrics` (all by default) at these campuses (merges, deletions)."""
    for campus_id in sorted(set(campus_ids)):
        refresh(campus=campus_id, metrics=metrics)


def refresh_organizations(organization_ids: Iterable[int]) -> None:
    """After an organisation's country or fields changed: recompute the breakdowns that depend on them
    (home or abroad, by country, by field, international partners) at every covered campus involving it."""
    refresh_campuses(campuses_of_organizations(organization_ids), metrics=ORGANIZATION_METRICS)
