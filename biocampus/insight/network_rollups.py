"""The network's KPI rollups (insight.models.NetworkKpiRollup): the campuses' buckets summed over campuses,
kept current from the campus buckets as insight.rollups changes them, in the same transaction.

A superuser's network-wide dashboard reads these instead of every campus's buckets: at 1,000,000
organisations over 200 campuses, one metric's 250,000 campus buckets are 1,300 network ones.

International strategic partners are counted distinct over the network (an organisation partnering two
campuses, or in two months, counts once), so their buckets do not add up over campuses or months. The
network keeps them as three metrics:

- PARTNER_MONTHS: one row per partner ("<organisation pk>:<country>", the campus buckets' key) and month it is
  a strategic partner of any campus, with `value` the previous such month (yyyymm; 0 for its first).
- PARTNERS_FIRST: those rows that are a partner's first month, counted per month and country (key: country);
- PARTNERS_BY_PREVIOUS: the others counted per month, previous month and country (key "<yyyymm>:<country>").

A partner has a month in a period [start, end] exactly when one of its months in the period is its first or
has its previous month before `start` (the first of its months in the period): so the distinct partners of a
period are the sum of PARTNERS_FIRST over the period's months and of PARTNERS_BY_PREVIOUS over those whose
previous month is before `start` (none when the period starts with the network's first partner month or
before): a few thousand rows for any period, instead of a distinct count over millions.

The network rollups are read only while NetworkKpiRollupCoverage says they are complete. Changes too large to
follow bucket by bucket (a campus rebuilt after bulk writes, or deleted with that many buckets) mark them incomplete
instead, and so does an upgrade to a database whose campuses had buckets before these existed; a background
task (asked for on commit) or `biocampus rebuild_rollups` rebuilds them from the campus buckets.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import StrIndex, Substr

NETWORK_VERSION = 1
SINGLETON = 1
PARTNERS = "international_strategic_partners"
PARTNER_MONTHS = "partner_months"
PARTNERS_FIRST = "partners_first"
PARTNERS_BY_PREVIOUS = "partners_by_previous"
# A campus change of more buckets than this (a rebuild after bulk writes) marks the network incomplete rather
# than following it bucket by bucket: rebuilding the network once is cheaper than 200 such follow-ups.
LARGE_CHANGE = 10_000
_BATCH = 5_000
# Up to this many changed (month, previous month) pairs of partners are recounted one by one (tens of rows
# each); more (a large change) are recounted a whole month at a time.
FEW_PAIRS = 50

Buckets = dict[tuple[datetime.date, str], int]


def _yyyymm(month: datetime.date | None) -> int:
    return month.year * 100 + month.month if month else 0


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _country(key: str) -> str:
    return key.partition(":")[2]


def key_country():
    """The country of a key "<organisation pk or yyyymm>:<country>", in SQL: _country() for the database (the
    campus partner buckets' keys and PARTNER_MONTHS', grouped by country)."""
    return Substr("key", StrIndex("key", Value(":")) + 1)


def _coverage():
    from .models import NetworkKpiRollupCoverage

    return NetworkKpiRollupCoverage.objects.filter(pk=SINGLETON)


def _current_stamp() -> tuple[int, str]:
    from biocampus.progress.currency import reporting_currency

    return NETWORK_VERSION, reporting_currency()


def is_current() -> bool:
    """The network rollups answer for the network (the campus buckets still decide whether rollups are read)."""
    version, currency = _current_stamp()
    return _coverage().filter(version=version, reporting_currency=currency).exists()


def lock() -> bool:
    """Serialise the writers of rollups until the caller's transaction ends (insight.rollups takes this before
    a campus's own lock: one order everywhere, no deadlock), and say whether the network rollups are to be
    kept (complete and current). The coverage row is made on first use: complete while no campus has a
    bucket (an empty network is summed exactly), incomplete otherwise, until rebuilt."""
    from .models import KpiRollup, NetworkKpiRollupCoverage

    version, currency = _current_stamp()
    rows = list(_coverage().select_for_update().values_list("version", "reporting_currency"))
    if not rows:
        empty = not KpiRollup.objects.exists()
        NetworkKpiRollupCoverage.objects.bulk_create(
            [
                NetworkKpiRollupCoverage(
                    pk=SINGLETON, version=version if empty else 0, reporting_currency=currency if empty else ""
                )
            ],
            ignore_conflicts=True,  # another writer made it first: theirs is as good
        )
        if not empty:  # the first write since the upgrade that added them: have them built
            transaction.on_commit(_ask_for_rebuild)
        rows = list(_coverage().select_for_update().values_list("version", "reporting_currency"))
    return rows == [(version, currency)]


def invalidate() -> None:
    """The network rollups no longer answer: the network-wide dashboard sums the campus buckets until they
    are rebuilt, by a background task asked for when the write commits (`biocampus db_worker` runs it) or by
    `rebuild_rollups`."""
    if _coverage().exclude(version=0).update(version=0):
        transaction.on_commit(_ask_for_rebuild)


def _ask_for_rebuild() -> None:
    from .tasks import rebuild_network_rollups

    rebuild_network_rollups.enqueue()


def campus_deleting(sender, instance, **kwargs) -> None:
    """pre_delete of a Campus (connected in insight.apps): note its buckets, which the cascade then deletes
    without a service (and without signals)."""
    from .models import KpiRollup

    buckets: dict[str, Buckets] = {}
    for metric, month, key, value in KpiRollup.objects.filter(campus=instance).values_list(
        "metric", "month", "key", "value"
    ):
        buckets.setdefault(metric, {})[(month, key)] = value
    instance._rollup_buckets = buckets


def campus_deleted(sender, instance, **kwargs) -> None:
    """post_delete of a Campus, in the deletion's transaction, its buckets gone: follow their removal (or set
    the network rollups aside, if it is too large to follow)."""
    if not lock():
        return
    for metric, before in sorted(getattr(instance, "_rollup_buckets", {}).items()):
        if not follow(metric, before, {}):
            return


def follow(metric: str, before: Buckets, after: Buckets) -> bool:
    """Carry one campus's change of `metric` (its buckets before and after, of the months recomputed) into
    the network rollups. Call it under lock() when that said they are kept. False when the change was too
    large to follow and set them aside instead (the caller's later changes need not be followed either)."""
    changed = {bucket for bucket in before.keys() | after.keys() if before.get(bucket) != after.get(bucket)}
    if len(changed) > LARGE_CHANGE:
        invalidate()
        return False
    if metric == PARTNERS:
        _follow_partners(added=after.keys() - before.keys(), removed=before.keys() - after.keys())
    elif changed:
        _resum(metric, {month for month, _key in changed})
    return True


def _resum(metric: str, months: Iterable[datetime.date]) -> None:
    """Recompute the network buckets of a summed or running metric for `months` from the campus buckets."""
    from .models import KpiRollup, NetworkKpiRollup

    for chunk in _chunks(sorted(months), 500):  # SQLite's limit on a query's parameters
        NetworkKpiRollup.objects.filter(metric=metric, month__in=chunk).delete()
        sums = (
            KpiRollup.objects.filter(metric=metric, month__in=chunk)
            .order_by()
            .values("month", "key")
            .annotate(total=Sum("value"))
            .values_list("month", "key", "total")
        )
        NetworkKpiRollup.objects.bulk_create(
            NetworkKpiRollup(metric=metric, month=month, key=key, value=total) for month, key, total in sums if total
        )


def _follow_partners(*, added: set, removed: set) -> None:
    """A campus's partner buckets were added and removed: recompute the network months of those partners,
    then the counts of the (month, previous month) pairs whose rows changed."""
    from .models import KpiRollup, NetworkKpiRollup

    keys = sorted({key for _month, key in added | removed})
    if not keys:
        return
    still_there: set[tuple[datetime.date, str]] = set()
    if removed:
        # A month a partner left this campus in may still be a month of it at another campus.
        removed_keys = sorted({key for _month, key in removed})
        removed_months = sorted({month for month, _key in removed})
        for keys_chunk in _chunks(removed_keys, 400):
            for months_chunk in _chunks(removed_months, 400):  # SQLite's limit on a query's parameters
                rows = KpiRollup.objects.filter(metric=PARTNERS, key__in=keys_chunk, month__in=months_chunk)
                still_there |= set(rows.values_list("month", "key"))
    old_rows: dict[str, dict[datetime.date, tuple[int, int]]] = {key: {} for key in keys}  # month: (pk, previous)
    for keys_chunk in _chunks(keys, 900):
        rows = NetworkKpiRollup.objects.filter(metric=PARTNER_MONTHS, key__in=keys_chunk)
        for pk, month, key, previous in rows.values_list("pk", "month", "key", "value"):
            old_rows[key][month] = (pk, previous)
    months_of = {key: set(months) for key, months in old_rows.items()}
    for month, key in added:
        months_of[key].add(month)
    for month, key in removed:
        if (month, key) not in still_there:
            months_of[key].discard(month)
    pairs: set[tuple[datetime.date, int]] = set()
    stale: list[int] = []
    fresh: list = []
    for key in keys:
        new_rows = _with_previous(sorted(months_of[key]))
        for month, (pk, previous) in old_rows[key].items():
            if new_rows.get(month) != previous:
                stale.append(pk)
                pairs.add((month, previous))
        for month, previous in new_rows.items():
            if month not in old_rows[key] or old_rows[key][month][1] != previous:
                fresh.append(NetworkKpiRollup(metric=PARTNER_MONTHS, month=month, key=key, value=previous))
                pairs.add((month, previous))
    for pks in _chunks(stale, 900):
        NetworkKpiRollup.objects.filter(pk__in=pks).delete()
    NetworkKpiRollup.objects.bulk_create(fresh, batch_size=_BATCH)
    if len(pairs) <= FEW_PAIRS:
        for month, previous in sorted(pairs):
            _recount(month, previous)
    else:
        for month in sorted({month for month, _previous in pairs}):
            _recount(month)


def _with_previous(months: list[datetime.date]) -> dict[datetime.date, int]:
    """{month: the month before it in the list (yyyymm), 0 for the first}, for a sorted list of months."""
    return {month: _yyyymm(months[index - 1]) if index else 0 for index, month in enumerate(months)}


def _previous_key(previous: int, country: str) -> str:
    # Fixed width, so that the read's `key < "<yyyymm of the start>"` compares months.
    return f"{previous:06d}:{country}"


def _counted(month: datetime.date, previous: int, country: str, n: int):
    """The row that counts `n` partner months of `month` with this previous month (0: their first) and country."""
    from .models import NetworkKpiRollup

    if previous == 0:
        return NetworkKpiRollup(metric=PARTNERS_FIRST, month=month, key=country, value=n)
    return NetworkKpiRollup(metric=PARTNERS_BY_PREVIOUS, month=month, key=_previous_key(previous, country), value=n)


def _recount(month: datetime.date, previous: int | None = None) -> None:
    """Recompute the counts of one month's partner months (of those with one previous month, 0 for their
    first, or all), every country, from PARTNER_MONTHS."""
    from .models import NetworkKpiRollup

    partner_months = NetworkKpiRollup.objects.filter(metric=PARTNER_MONTHS, month=month)
    if previous is None:
        counted = NetworkKpiRollup.objects.filter(metric__in=(PARTNERS_FIRST, PARTNERS_BY_PREVIOUS), month=month)
    else:
        partner_months = partner_months.filter(value=previous)
        if previous == 0:
            counted = NetworkKpiRollup.objects.filter(metric=PARTNERS_FIRST, month=month)
        else:
            counted = NetworkKpiRollup.objects.filter(
                metric=PARTNERS_BY_PREVIOUS, month=month, key__startswith=_previous_key(previous, "")
            )
    counted.delete()
    counts = (
        partner_months.order_by()
        .values("value", country=key_country())
        .annotate(n=Count("pk"))
        .values_list("value", "country", "n")
    )
    NetworkKpiRollup.objects.bulk_create(_counted(month, value, country, n) for value, country, n in counts)


def rebuild(*, summed_metrics: Iterable[str], progress: Callable[[int], None] | None = None) -> None:
    """Recompute every network bucket from the campus buckets and mark the network rollups complete. Run in
    the caller's transaction (`rebuild_rollups` runs it in one), under lock(). `progress(n)` is told of each
    n campus buckets read."""
    from .models import KpiRollup, NetworkKpiRollup

    lock()
    NetworkKpiRollup.objects.all().delete()
    summed_metrics = list(summed_metrics)
    sums = (
        KpiRollup.objects.filter(metric__in=summed_metrics)
        .order_by()
        .values("metric", "month", "key")
        .annotate(total=Sum("value"), n=Count("pk"))
        .values_list("metric", "month", "key", "total", "n")
    )
    batch = []
    for metric, month, key, total, n in sums.iterator(chunk_size=_BATCH):
        if total:
            batch.append(NetworkKpiRollup(metric=metric, month=month, key=key, value=total))
        if progress:
            progress(n)
        if len(batch) >= _BATCH:
            NetworkKpiRollup.objects.bulk_create(batch)
            batch = []
    counts: Counter[tuple[datetime.date, int, str]] = Counter()
    partner_months = (
        KpiRollup.objects.filter(metric=PARTNERS)
        .order_by("key", "month")
        .values("key", "month")
        .annotate(n=Count("pk"))
        .values_list("key", "month", "n")
    )
    last_key, previous = None, 0
    for key, month, n in partner_months.iterator(chunk_size=_BATCH):
        if key != last_key:
            last_key, previous = key, 0
        batch.append(NetworkKpiRollup(metric=PARTNER_MONTHS, month=month, key=key, value=previous))
        counts[(month, previous, _country(key))] += 1
        previous = _yyyymm(month)
        if progress:
            progress(n)
        if len(batch) >= _BATCH:
            NetworkKpiRollup.objects.bulk_create(batch)
            batch = []
    batch.extend(_counted(month, previous, country, n) for (month, previous, country), n in counts.items())
    NetworkKpiRollup.objects.bulk_create(batch, batch_size=_BATCH)
    version, currency = _current_stamp()
    _coverage().update(version=version, reporting_currency=currency)


# --- reads -------------------------------------------------------------------------------------------------


def summed(metrics: Iterable[str], start: datetime.date, end: datetime.date) -> dict[str, Buckets]:
    """{metric: {(month, key): value}} of the network over the months of [start, end]."""
    from .models import NetworkKpiRollup

    result: dict[str, Buckets] = {metric: {} for metric in metrics}
    rows = NetworkKpiRollup.objects.filter(metric__in=list(result), month__gte=start, month__lte=end).order_by()
    for metric, month, key, value in rows.values_list("metric", "month", "key", "value"):
        result[metric][(month, key)] = value
    return result


def running_totals(metrics: Iterable[str], end: datetime.date) -> dict[str, dict[str, int]]:
    """{metric: {key: total}} of the running metrics over every month up to `end`, zero totals left out."""
    from .models import NetworkKpiRollup

    result: dict[str, dict[str, int]] = {metric: {} for metric in metrics}
    rows = (
        NetworkKpiRollup.objects.filter(metric__in=list(result), month__lte=end)
        .order_by()
        .values("metric", "key")
        .annotate(total=Sum("value"))
        .values_list("metric", "key", "total")
    )
    for metric, key, total in rows:
        if total:
            result[metric][key] = total
    return result


def partners_by_country(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The distinct international strategic partners of the network in the months of [start, end], by
    country: the partner months of the period that are a partner's first, or whose previous month is before
    the period."""
    from .models import NetworkKpiRollup

    def by_country(rows, country) -> list[tuple[str, int]]:
        return list(rows.order_by().values(country=country).annotate(n=Sum("value")).values_list("country", "n"))

    counts: Counter[str] = Counter()
    period = NetworkKpiRollup.objects.filter(month__gte=start, month__lte=end)
    counts.update(dict(by_country(period.filter(metric=PARTNERS_FIRST), F("key"))))
    first = NetworkKpiRollup.objects.filter(metric=PARTNERS_FIRST).order_by("month").values_list("month")[:1]
    if first and start > first[0][0]:  # else every previous month is at or after the start
        returning = period.filter(metric=PARTNERS_BY_PREVIOUS, key__lt=f"{_yyyymm(start):06d}")
        counts.update(dict(by_country(returning, key_country())))
    return {country: n for country, n in counts.items() if n}
