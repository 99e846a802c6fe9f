"""The campus's numbers, each defined once and computed from the records (never typed in).

The home page reads its headline from here; the dashboard, the reports and the KPI API read the KPIs
(compute_kpis, at the end of this module).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biocampus.accounts.permissions import visible
from biocampus.campuses.choices import ACTIVE_STATUSES, SIGNED_STATUSES
from biocampus.core.urls import record_url
from biocampus.insight import network_rollups


@dataclass
class YearSignings:
    year: int
    total: int
    home: int
    abroad: int
    unknown: int


@dataclass
class CampusHeadline:
    active_residents: int = 0
    signed_total: int = 0
    signed_by_year: list[YearSignings] = field(default_factory=list)
    agreements: int = 0
    agreements_by_type: list[tuple[str, int]] = field(default_factory=list)
    events: int = 0
    showcases: int = 0
    milestones: int = 0
    organizations_involved: int = 0


def campus_headline(user, campus) -> CampusHeadline:
    from biocampus.agreements.choices import AgreementType
    from biocampus.agreements.models import Agreement
    from biocampus.campuses.models import Residency
    from biocampus.events.models import Event, Showcase
    from biocampus.progress.models import Milestone

    residencies = visible(Residency.objects.filter(campus=campus), user)
    home = campus.organization.country
    signed = residencies.filter(status__in=SIGNED_STATUSES)
    by_year = (
        signed.exclude(signed_on__isnull=True)
        .annotate(year=ExtractYear("signed_on"))
        .values("year")
        .annotate(
            total=Count("id"),
            home=Count("id", filter=Q(organization__country=home) & ~Q(organization__country="")),
            abroad=Count("id", filter=~Q(organization__country=home) & ~Q(organization__country="")),
        )
        .order_by("-year")
    )
    agreements = visible(Agreement.objects.filter(campus=campus), user)
    type_labels = dict(AgreementType.choices)
    events = visible(Event.objects.filter(campus=campus), user)
    return CampusHeadline(
        active_residents=residencies.filter(status__in=ACTIVE_STATUSES).count(),
        signed_total=signed.count(),
        signed_by_year=[
            YearSignings(
                row["year"], row["total"], row["home"], row["abroad"], row["total"] - row["home"] - row["abroad"]
            )
            for row in by_year
        ],
        agreements=agreements.count(),
        agreements_by_type=[
            (str(type_labels.get(row["type"], row["type"])), row["n"])
            for row in agreements.values("type").annotate(n=Count("id")).order_by("-n", "type")
        ],
        events=events.count(),
        showcases=Showcase.objects.filter(event__in=events).count(),
        milestones=visible(Milestone.objects.filter(campus=campus), user).count(),
        organizations_involved=residencies.values("organization").distinct().count(),
    )


# --- Targets and programmes: how far along, and whether on track ----------------------------------------
#
# Observations are cumulative (people screened so far): the latest one on or before the day asked about
# is where the target stands. The expected value runs on a straight line from the baseline at the start
# (the target's start date, else its first observation, else the day it was recorded) to the goal on the
# due date. Goals below the baseline (cut waiting times to 10 days) work the same way: the fraction is
# always "of the way from baseline to goal".
#
# The status, in this order:
#   achieved     the latest value reached the goal (a fraction of 1 or more), whenever that was;
#   overdue      the due date has passed and the goal is not reached (observed or not);
#   not_started  nothing observed yet;
#   on_track     the latest value is at least the expected value for the day asked about;
#   behind       otherwise. A stale observation therefore drifts behind as the expected line climbs.

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class TargetProgress:
    as_of: datetime.date
    status: str  # progress.choices.TargetStatus
    latest_value: Decimal | None
    latest_on: datetime.date | None
    fraction: Decimal | None  # of the way from baseline to goal; None before any observation; may pass 1
    expected_value: Decimal
    expected_fraction: Decimal  # 0 before the start, 1 from the due date on
    starts_on: datetime.date
    due_on: datetime.date

    @property
    def percent(self) -> int:
        """The fraction as a whole percentage between 0 and 100, for a progress bar."""
        return _percent(self.fraction)

    @property
    def expected_percent(self) -> int:
        return _percent(self.expected_fraction)

    @property
    def status_label(self) -> str:
        from biocampus.progress.choices import TargetStatus

        return str(TargetStatus(self.status).label)


def _percent(fraction: Decimal | None) -> int:
    if fraction is None:
        return 0
    return int(max(Decimal(0), min(Decimal(1), fraction)) * 100)


def _observations_of(target) -> list:
    """The target's observations: the prefetched ones when a selector fetched them, else one query."""
    cached = getattr(target, "_prefetched_objects_cache", {}).get("observations")
    return list(cached) if cached is not None else list(target.observations.all())


def target_start(target, observations: Iterable) -> datetime.date:
    """Where the expected line starts: the start date, else the first observation, else the record date."""
    dates = [observation.observed_on for observation in observations] if not target.starts_on else []
    return target_start_from(target, min(dates) if dates else None)


def target_start_from(target, first_observed_on: datetime.date | None) -> datetime.date:
    """target_start, given the date of the target's first observation (None without any)."""
    if target.starts_on:
        return target.starts_on
    if first_observed_on is not None:
        return first_observed_on
    return timezone.localtime(target.created_at).date() if target.created_at else timezone.localdate()


def expected_fraction(starts_on: datetime.date, due_on: datetime.date, as_of: datetime.date) -> Decimal:
    """How far along the straight line from start to due date `as_of` is, between 0 and 1."""
    if as_of >= due_on:
        return Decimal(1)
    if as_of <= starts_on:
        return Decimal(0)
    return Decimal((as_of - starts_on).days) / Decimal((due_on - starts_on).days)


def target_progress(target, *, as_of: datetime.date | None = None, observations=None) -> TargetProgress:
    """Where `target` stands on `as_of` (today when not given). `observations` may be passed in by
    targets_progress(); otherwise the prefetched ones are used, or one query is made."""
    as_of = as_of or timezone.localdate()
    observations = _observations_of(target) if observations is None else list(observations)
    known = sorted((o for o in observations if o.observed_on <= as_of), key=lambda o: o.observed_on)
    latest = known[-1] if known else None
    return progress_from_latest(
        target,
        as_of=as_of,
        latest_value=latest.value if latest is not None else None,
        latest_on=latest.observed_on if latest is not None else None,
        starts_on=target_start(target, observations),
    )


def progress_from_latest(
    target,
    *,
    as_of: datetime.date,
    latest_value: Decimal | None,
    latest_on: datetime.date | None,
    starts_on: datetime.date,
) -> TargetProgress:
    """target_progress from what it needs of the observations: the latest one on or before `as_of` (value
    and date, None without one) and where the expected line starts (target_start)."""
    from biocampus.progress.choices import TargetStatus

    span = target.goal - target.baseline  # never 0: a constraint refuses goal == baseline
    fraction = (latest_value - target.baseline) / span if latest_value is not None else None
    expected = expected_fraction(starts_on, target.due_on, as_of)
    if fraction is not None and fraction >= 1:
        status = TargetStatus.ACHIEVED
    elif as_of > target.due_on:
        status = TargetStatus.OVERDUE
    elif fraction is None:
        status = TargetStatus.NOT_STARTED
    elif fraction >= expected:
        status = TargetStatus.ON_TRACK
    else:
        status = TargetStatus.BEHIND
    return TargetProgress(
        as_of=as_of,
        status=status.value,
        latest_value=latest_value,
        latest_on=latest_on,
        fraction=fraction.quantize(Decimal("0.0001")) if fraction is not None else None,
        expected_value=(target.baseline + span * expected).quantize(_CENT),
        expected_fraction=expected.quantize(Decimal("0.0001")),
        starts_on=starts_on,
        due_on=target.due_on,
    )


def targets_progress(targets: Iterable, *, as_of: datetime.date | None = None) -> dict[int, TargetProgress]:
    """target_progress for many targets, keyed by target pk, with at most one query for all their
    observations (none when a selector prefetched them)."""
    from biocampus.progress.models import Observation

    targets = list(targets)
    missing = {t.pk for t in targets if "observations" not in getattr(t, "_prefetched_objects_cache", {})}
    fetched: dict[int, list] = {}
    if missing:
        for observation in Observation.objects.filter(target_id__in=missing).only("target_id", "observed_on", "value"):
            fetched.setdefault(observation.target_id, []).append(observation)
    return {
        target.pk: target_progress(
            target, as_of=as_of, observations=fetched.get(target.pk, []) if target.pk in missing else None
        )
        for target in targets
    }


@dataclass(frozen=True)
class ProgrammeProgress:
    status: str | None  # the status of its furthest-behind target; None without targets
    fraction: Decimal | None  # the mean of its observed targets' fractions, each within 0..1
    expected_fraction: Decimal | None
    targets: list[tuple[object, TargetProgress]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return _percent(self.fraction)

    @property
    def status_label(self) -> str:
        from biocampus.progress.choices import TargetStatus

        return str(TargetStatus(self.status).label) if self.status else ""


def programme_progress(programme, *, as_of: datetime.date | None = None) -> ProgrammeProgress:
    """How a programme's targets stand: each one's progress, the worst status, the mean fraction."""
    from biocampus.progress.choices import STATUS_SEVERITY

    targets = list(programme.targets.all())
    progress = targets_progress(targets, as_of=as_of)
    pairs = [(target, progress[target.pk]) for target in targets]
    if not pairs:
        return ProgrammeProgress(status=None, fraction=None, expected_fraction=None)
    statuses = {p.status for _, p in pairs}
    status = next(s.value for s in STATUS_SEVERITY if s in statuses)
    observed = [max(Decimal(0), min(Decimal(1), p.fraction)) for _, p in pairs if p.fraction is not None]
    expected = [p.expected_fraction for _, p in pairs]
    return ProgrammeProgress(
        status=status,
        fraction=(sum(observed) / len(observed)).quantize(Decimal("0.0001")) if observed else None,
        expected_fraction=(sum(expected) / len(expected)).quantize(Decimal("0.0001")),
        targets=pairs,
    )


# ========================================================================================================
# The KPIs: what a campus reports to its city and its co-builders, each defined once and computed from the
# records (never from typed-in text). The dashboard, the reports and GET /api/v1/kpis/ all read
# compute_kpis(); docs/insight.md says each definition in words.
#
# Common rules:
# - Everything is permission-scoped through accounts.permissions.visible: a resident member counts only
#   the records it may read (its own share); another campus's records never count for a campus.
# - campus=None is the whole network the user can see; each record is compared with its own campus (home
#   or abroad is decided against the country of the record's campus).
# - The period is [start, end], both days included.
# - "Home": the organisation's country equals the country of the campus's own organisation; "abroad": it
#   differs; "unknown": either country is blank.
# - field: only records involving an organisation of that field or of any field below it in the taxonomy.
# - as_of: the figures as they stood at the end of that day, read from the change history
#   (django-simple-history); `end` is then clamped to as_of. The KPIs' own rows (residencies, agreements,
#   funding rounds, milestones, service requests) are read as they stood; the records they point to
#   (organisations and their countries and fields, events, agreement parties) as they are now. Records
#   deleted since are left out (the visibility check reads today's records). programme_progress uses the
#   observations made by then; showcases are read as they are now.
# ========================================================================================================


@dataclass
class Bucket:
    """One bar of a breakdown; `url` opens the list of the records behind the number."""

    key: str
    label: str
    value: int | float | Decimal | None
    url: str = ""


@dataclass
class Kpi:
    name: str
    label: str
    description: str
    value: int | float | Decimal | None
    unit: str = ""
    url: str = ""
    breakdowns: dict[str, list[Bucket]] = field(default_factory=dict)


@dataclass
class KpiReport:
    campus: object | None  # a Campus, or None for the whole network the user can see
    start: datetime.date
    end: datetime.date
    field: object | None  # a directory.Field, or None
    as_of: datetime.date | None
    kpis: list[Kpi] = field(default_factory=list)

    def values(self) -> dict[str, int | float | Decimal | None]:
        return {kpi.name: kpi.value for kpi in self.kpis}

    def get(self, name: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.name == name:
                return kpi
        raise KeyError(name)


@dataclass
class KpiScope:
    """What every KPI function is given: who asks, which campus, which period, which field, as of when."""

    user: object
    campus: object | None
    start: datetime.date
    end: datetime.date
    field_ids: frozenset[int] | None = None
    as_of: datetime.date | None = None
    # The system itself (insight.rollups computing a campus's buckets): every record, no permission filter.
    everything: bool = False
    use_rollups: bool = True  # False: always the live queries (the tests compare both)
    every_campus: bool = False  # set by _rollup_campus_ids: the rollups are read for every campus there is

    def visible(self, queryset):
        return queryset if self.everything else visible(queryset, self.user)

    @property
    def as_of_moment(self) -> datetime.datetime | None:
        if self.as_of is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.as_of, datetime.time.max))

    def records(self, model, campus_lookup: str = "campus_id", *, historical: bool = True):
        """The rows of `model` the user may read, of the campus (every campus when None): as they are now,
        or, with as_of (and `historical`), as they stood then."""
        current = self.visible(model.objects.all())
        if self.as_of is None or not historical:
            rows = current
        else:
            # History rows keep the record's primary key in `id`; keep those the user may read today.
            rows = model.history.as_of(self.as_of_moment).filter(id__in=current.values("pk"))
        if self.campus is not None:
            rows = rows.filter(**{campus_lookup: self.campus.pk})
        return rows.order_by()

    def in_field(self, rows, *paths: str):
        """The rows involving, through any of `paths`, an organisation of the field (all rows without one)."""
        if self.field_ids is None:
            return rows
        from biocampus.directory.models import Organization

        of_field = Organization.objects.filter(fields__in=self.field_ids).values("pk")
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__in": of_field})
        return rows.filter(condition)

    @cached_property
    def rollup_campus_ids(self) -> list[int] | None:
        """The campuses whose KPI rollups give the same answer as the live queries for this scope, or None
        when the live queries must answer: see _rollup_campus_ids."""
        return _rollup_campus_ids(self)

    @cached_property
    def reads_network(self) -> bool:
        """The rollups are read for every campus there is, and the network's own sums of them answer
        (insight.network_rollups): a few thousand rows instead of every campus's."""
        return self.rollup_campus_ids is not None and self.every_campus and network_rollups.is_current()

    @cached_property
    def _summed_rollups(self) -> dict[str, dict[tuple[datetime.date, str], int]]:
        """The summable metrics' buckets of the period over the scope's campuses, summed over campuses:
        {metric: {(month, key): value}}, in one query."""
        from biocampus.insight.models import KpiRollup

        if self.reads_network:
            return network_rollups.summed(SUMMED_ROLLUPS, self.start, self.end)
        rows = _rollup_rows(KpiRollup.objects.filter(metric__in=SUMMED_ROLLUPS), self)
        summed: dict[str, dict[tuple[datetime.date, str], int]] = {metric: {} for metric in SUMMED_ROLLUPS}
        for metric, month, key, value in (
            rows.values("metric", "month", "key")
            .annotate(total=Sum("value"))
            .values_list("metric", "month", "key", "total")
        ):
            summed[metric][(month, key)] = value
        return summed

    def rolled(self, metric: str) -> dict[tuple[datetime.date, str], int] | None:
        """The metric's rollup buckets for this scope ({(month, key): value}), or None: compute it live."""
        if self.rollup_campus_ids is None:
            return None
        return self._summed_rollups[metric]

    @cached_property
    def _running_totals(self) -> dict[str, dict[str, int]]:
        """The running metrics' buckets of every month up to the period's end (the ALWAYS month included),
        summed over months and campuses: {metric: {key: value}}, in one query."""
        from biocampus.insight.models import KpiRollup

        if self.reads_network:
            return network_rollups.running_totals(RUNNING_ROLLUPS, self.end)
        rows = _of_rollup_campuses(KpiRollup.objects.filter(metric__in=RUNNING_ROLLUPS, month__lte=self.end), self)
        totals: dict[str, dict[str, int]] = {metric: {} for metric in RUNNING_ROLLUPS}
        for metric, key, value in (
            rows.values("metric", "key").annotate(total=Sum("value")).values_list("metric", "key", "total")
        ):
            if value:  # what started and ended by the end cancels out
                totals[metric][key] = value
        return totals

    def running_total(self, metric: str) -> dict[str, int] | None:
        """A running metric's total at the period's end per key ({key: value}), or None: compute it live."""
        if self.rollup_campus_ids is None:
            return None
        return self._running_totals[metric]


# --- rollups ---------------------------------------------------------------------------------------------
#
# Some KPIs are also kept as monthly buckets per campus (insight.models.KpiRollup), recomputed from the
# records by the services in the same transaction as each write (insight.rollups.refresh), so that the
# dashboard over millions of rows sums a few hundred buckets instead of counting the rows. The buckets are
# computed by the very functions below that define each KPI (run by the system over one campus: the
# _rollup_* functions), so they cannot disagree with the live queries; they are read only when they give
# the same answer (_rollup_campus_ids), and the live queries answer everything else.

# Metrics whose buckets add up over the months of a period and over campuses. A running metric's buckets
# are changes (+1 when a residency starts, -1 when it ends), summed over every month up to the period's end:
# what stands at that end. international_strategic_partners keeps one bucket per partner and month (its
# value is a count of distinct organisations, which does not add up).
SUMMED_ROLLUPS = ("residents_signed", "agreements", "showcases", "milestones", "funding_raised")
RUNNING_ROLLUPS = ("active_residents",)
ROLLUP_METRICS = (*SUMMED_ROLLUPS, *RUNNING_ROLLUPS, "international_strategic_partners")
# Raise it whenever a metric is added or a bucket's definition changes: the campuses rebuilt under an older
# version are read live (right, slower) until `biocampus rebuild_rollups --stale` rebuilds them.
ROLLUP_VERSION = 3
# The month of a running bucket that counts at any period's end: a residency active with no start date.
ALWAYS = datetime.date(1, 1, 1)


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _last_of_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _rollup_campus_ids(scope: KpiScope) -> list[int] | None:
    """The campuses the rollups are read for, when they answer exactly what the live queries would: the
    reader sees every record of the campus (a campus-wide role, or a superuser) — or, over the network,
    of every campus it sees anything of (no resident member's share anywhere); no field filter; no as_of
    (the rollups hold today's records, not their history); a period of whole months; and every one of
    those campuses covered (rebuilt, by this ROLLUP_VERSION and into this reporting currency, since its last
    bulk write). None otherwise."""
    from biocampus.accounts.permissions import access_for
    from biocampus.campuses.models import Campus

    if not scope.use_rollups or scope.everything or scope.field_ids is not None or scope.as_of is not None:
        return None
    if scope.start != _first_of_month(scope.start) or scope.end != _last_of_month(scope.end):
        return None
    access = access_for(scope.user)
    if scope.campus is not None:
        if not (access.is_superuser or scope.campus.pk in access.reader_campuses):
            return None
        campuses = Campus.objects.filter(pk=scope.campus.pk)
    elif access.is_superuser:
        campuses = Campus.objects.all()
        scope.every_campus = True
    elif access.has_membership and access.resident_campuses <= access.reader_campuses:
        campuses = Campus.objects.filter(pk__in=access.reader_campuses)
    else:
        return None
    rows = campuses.order_by().values_list("pk", ExpressionWrapper(rollups_are_current(), BooleanField()))
    rows = list(rows)
    if not all(current for _pk, current in rows):  # None where a campus has no coverage at all
        return None
    return [pk for pk, _current in rows]


def rollups_current() -> tuple[int, str]:
    """What a campus's rollups must have been rebuilt with to be read: this ROLLUP_VERSION and the
    reporting currency the funding is converted into now (insight.models.KpiRollupCoverage)."""
    from biocampus.progress.currency import reporting_currency

    return ROLLUP_VERSION, reporting_currency()


def rollups_are_current() -> Q:
    """On campuses: their rollups are read (rebuilt with rollups_current()). The one definition the
    dashboard (_rollup_campus_ids) and `rebuild_rollups --stale` (rollups.stale_campus_ids) share."""
    version, currency = rollups_current()
    return Q(kpi_rollup_coverage__version=version, kpi_rollup_coverage__reporting_currency=currency)


def _rollup_rows(rows, scope: KpiScope):
    """Rollup rows of the scope's campuses and of the months of its period."""
    return _of_rollup_campuses(rows.filter(month__gte=scope.start, month__lte=scope.end), scope)


def _of_rollup_campuses(rows, scope: KpiScope):
    """Rollup rows of the scope's campuses: with no campus filter when that is every campus (a superuser
    over the network), so that the read runs along the covering (metric, month, key, value) index."""
    if not scope.every_campus:
        rows = rows.filter(campus_id__in=scope.rollup_campus_ids)
    return rows.order_by()


def _month_key(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def rollup_buckets(metric: str, scope: KpiScope) -> list[tuple[datetime.date, str, int]]:
    """The buckets (month, key, value) of `metric` over the scope (the system's, for one campus), computed
    from the records by the KPI's own definition; buckets of 0 are left out."""
    return [row for row in ROLLUP_COMPUTE[metric](scope) if row[2]]


def field_and_descendants(field_obj) -> frozenset[int] | None:
    """The field's id and those below it in the taxonomy; None when no field is asked for."""
    from biocampus.directory.selectors import field_and_descendants as of_field

    return None if field_obj is None else of_field(field_obj)


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _list_filters(scope: KpiScope, **extra) -> dict:
    """The list-page filters (core.list_filters) that select the rows a KPI counted: campus and period."""
    return {"campus": getattr(scope.campus, "slug", ""), "from": scope.start, "to": scope.end, **extra}


def _tally(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _period_buckets(counts: dict[str, int], url: str) -> list[Bucket]:
    """Buckets in date order (keys are "YYYY" or "YYYY-MM")."""
    return [Bucket(key, key, counts[key], url) for key in sorted(counts)]


def _home_abroad_counts() -> dict:
    """Aggregates counting rows (with organisation and campus) at home, abroad or of unknown country."""
    known = ~Q(organization__country="") & ~Q(campus__organization__country="")
    same = Q(organization__country=F("campus__organization__country"))
    return {
        "home": Count("id", filter=known & same),
        "abroad": Count("id", filter=known & ~same),
        "unknown": Count("id", filter=~known),
    }


def _home_abroad_buckets(counts: dict, url: str) -> list[Bucket]:
    return [
        Bucket("home", str(_("Home")), counts["home"], url),
        Bucket("abroad", str(_("Abroad")), counts["abroad"], url),
        Bucket("unknown", str(_("Country unknown")), counts["unknown"], url),
    ]


def _field_counts(rows, organization_path: str) -> dict[int, int]:
    """{field pk: rows of an organisation of that field} (one query)."""
    fields_path = f"{organization_path}__fields"
    return dict(
        rows.filter(**{f"{fields_path}__isnull": False})
        .values(fields_path)
        .annotate(n=Count("id", distinct=True))
        .values_list(fields_path, "n")
    )


def _field_buckets(counts: dict[int, int], url: str) -> list[Bucket]:
    """One bucket per field pk of `counts` (one query for their names)."""
    from biocampus.directory.models import Field

    if not counts:
        return []
    fields = {
        pk: (slug, name) for pk, slug, name in Field.objects.filter(pk__in=counts).values_list("pk", "slug", "name")
    }
    # A field deleted since a rollup was refreshed counts no more (as in the live query, whose rows went with it).
    buckets = [Bucket(fields[pk][0], fields[pk][1], n, url) for pk, n in counts.items() if pk in fields]
    return sorted(buckets, key=lambda bucket: (-bucket.value, bucket.label))


def _country_buckets(counts: dict[str, int], url: str) -> list[Bucket]:
    """One bucket per country code of `counts`; blank is "unknown"."""
    from django_countries import countries

    buckets = [
        Bucket(code or "unknown", str(countries.name(code)) if code else str(_("Country unknown")), n, url)
        for code, n in counts.items()
    ]
    return sorted(buckets, key=lambda bucket: (-bucket.value, bucket.label))


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


# --- residents -------------------------------------------------------------------------------------------


def signed_residencies(scope: KpiScope):
    """Residencies signed in the period: a status of SIGNED_STATUSES and a signing date within [start, end].
    The signing date is signed_on, else the first day of the event it was signed at (annotated signed_date);
    a residency with neither is in no period."""
    from biocampus.campuses.models import Residency

    rows = scope.in_field(scope.records(Residency), "organization")
    return (
        rows.filter(status__in=SIGNED_STATUSES)
        .annotate(signed_date=Coalesce("signed_on", "signed_at__starts_on"))
        .filter(signed_date__gte=scope.start, signed_date__lte=scope.end)
    )


def residents_signed(scope: KpiScope) -> Kpi:
    """Residents signed: residencies of the campus whose signing date (signed_on, else the first day of the
    event they were signed at) falls in the period and whose status is signed, resident, graduated or exited
    (a residency that has ended since still counts as signed then). Honours as_of.
    Breakdowns: home_abroad, by_month, by_year, by_country, by_field (an organisation in two fields counts
    in both, so by_field may add up to more than the total). Read from the rollups when they answer the
    same (see _rollup_campus_ids)."""
    rolled = scope.rolled("residents_signed")
    if rolled is None:
        rows = signed_residencies(scope)
        signed = list(rows.values_list("signed_date", "organization__country"))
        by_month = _tally(_month_key(day) for day, _c in signed)
        by_country = _tally(country for _d, country in signed)
        home_abroad = rows.aggregate(**_home_abroad_counts())
        by_field = _field_counts(rows, "organization")
    else:
        by_month, by_country, home_abroad, by_field = {}, {}, {"home": 0, "abroad": 0, "unknown": 0}, {}
        for (month, key), n in rolled.items():
            kind, _sep, value = key.partition(":")
            if kind == "country":
                by_country[value] = by_country.get(value, 0) + n
            elif kind == "field":
                by_field[int(value)] = by_field.get(int(value), 0) + n
            else:  # home, abroad, unknown: every residency is in exactly one of them
                home_abroad[kind] += n
                by_month[_month_key(month)] = by_month.get(_month_key(month), 0) + n
    by_year: dict[str, int] = {}
    for month, n in by_month.items():
        by_year[month[:4]] = by_year.get(month[:4], 0) + n
    base = {"campus": getattr(scope.campus, "slug", ""), "signed": "1"}
    url = _url("campuses:residency_list", **base, signed_from=scope.start, signed_to=scope.end)

    def period_url(key: str) -> str:
        """The residency list of one month ("YYYY-MM") or year ("YYYY") of the period."""
        first = datetime.date(int(key[:4]), int(key[5:7]) if len(key) > 4 else 1, 1)
        last = (
            (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            if len(key) > 4
            else datetime.date(first.year, 12, 31)
        )
        return _url(
            "campuses:residency_list", **base, signed_from=max(first, scope.start), signed_to=min(last, scope.end)
        )

    def linked(buckets: list[Bucket], url_of) -> list[Bucket]:
        for bucket in buckets:
            bucket.url = url_of(bucket.key)
        return buckets

    return Kpi(
        "residents_signed",
        "",
        "",
        sum(by_month.values()),
        unit=str(_("residencies")),
        url=url,
        breakdowns={
            "home_abroad": _home_abroad_buckets(home_abroad, url),
            "by_month": linked(_period_buckets(by_month, url), period_url),
            "by_year": linked(_period_buckets(by_year, url), period_url),
            "by_country": linked(_country_buckets(by_country, url), lambda key: f"{url}&country={key}"),
            "by_field": linked(_field_buckets(by_field, url), lambda key: f"{url}&field={key}"),
        },
    )


def _rollup_residents_signed(scope: KpiScope):
    rows = signed_residencies(scope).annotate(month=TruncMonth("signed_date"))
    for row in rows.values("month").annotate(**_home_abroad_counts()):
        for key in ("home", "abroad", "unknown"):
            yield row["month"], key, row[key]
    for month, country, n in (
        rows.values("month", "organization__country")
        .annotate(n=Count("id"))
        .values_list("month", "organization__country", "n")
    ):
        yield month, f"country:{country}", n
    fields = (
        rows.filter(organization__fields__isnull=False)
        .values("month", "organization__fields")
        .annotate(n=Count("id", distinct=True))
        .values_list("month", "organization__fields", "n")
    )
    for month, field_id, n in fields:
        yield month, f"field:{field_id}", n


def active_residencies(scope: KpiScope):
    """Residencies active on `end`. A residency is active on a day when it had been signed by then (signed_on,
    else moved_in_on, else the first day of the event it was signed at, on or before the day) and had not
    ended by then: its status is signed or resident (ACTIVE_STATUSES), or it is graduated or exited with an
    ended_on after the day. A signed or resident residency with none of these dates counts as active: it is
    active today and the record does not say since when."""
    from biocampus.campuses.choices import ResidencyStatus
    from biocampus.campuses.models import Residency

    rows = scope.in_field(scope.records(Residency), "organization").annotate(
        started_on=Coalesce("signed_on", "moved_in_on", "signed_at__starts_on")
    )
    day = scope.end
    started = Q(started_on__lte=day) | Q(started_on__isnull=True, status__in=ACTIVE_STATUSES)
    not_ended = Q(status__in=ACTIVE_STATUSES) | Q(
        status__in=(ResidencyStatus.GRADUATED, ResidencyStatus.EXITED), ended_on__gt=day
    )
    return rows.filter(started & not_ended)


def active_residents(scope: KpiScope) -> Kpi:
    """Active residents at the end of the period: residencies signed by then and not yet ended (graduated
    or exited) by then; see active_residencies for the exact rule. Honours as_of. Breakdowns: home_abroad,
    by_field (an organisation in two fields counts in both). Read from the rollups when they answer the
    same (the running total of starts and ends up to the period's end)."""
    totals = scope.running_total("active_residents")
    if totals is None:
        rows = active_residencies(scope)
        home_abroad = rows.aggregate(**_home_abroad_counts())
        by_field = _field_counts(rows, "organization")
    else:
        home_abroad = {key: totals.get(key, 0) for key in ("home", "abroad", "unknown")}
        by_field = {int(key[6:]): n for key, n in totals.items() if key.startswith("field:")}
    url = _url("campuses:residency_list")
    return Kpi(
        "active_residents",
        "",
        "",
        sum(home_abroad.values()),
        unit=str(_("residencies")),
        url=url,
        breakdowns={"home_abroad": _home_abroad_buckets(home_abroad, url), "by_field": _field_buckets(by_field, url)},
    )


def _rollup_active_residents(scope: KpiScope):
    """Running buckets: +1 in the month a residency becomes active (ALWAYS when an active one has no start
    date), -1 in the month it ends, per home/abroad/unknown and per field of its organisation. Summed over
    the months up to a month's last day, they give active_residencies on that day: a residency active from
    `started` (a day of month S) to `ended` (month E, not active that day) is active on the last day of
    every month from S up to the one before E — and on none when E <= S."""
    from biocampus.campuses.choices import ResidencyStatus
    from biocampus.campuses.models import Residency

    rows = scope.records(Residency).annotate(started_on=Coalesce("signed_on", "moved_in_on", "signed_at__starts_on"))
    ended = (ResidencyStatus.GRADUATED, ResidencyStatus.EXITED)
    rows = rows.filter(
        Q(status__in=ACTIVE_STATUSES) | Q(status__in=ended, started_on__isnull=False, ended_on__isnull=False)
    )
    if scope.start > ALWAYS:
        # A refresh of some months (insight.rollups): only the residencies that start or end in them count
        # there, so a write to a campus of thousands of residents reads a few of them, not all.
        period = {"gte": _first_of_month(scope.start), "lte": scope.end}
        rows = rows.filter(
            Q(**{f"started_on__{op}": day for op, day in period.items()})
            | Q(**{f"ended_on__{op}": day for op, day in period.items()})
        )
    home = scope.campus.organization.country
    fields_of: dict[int, list[int]] = {}
    for organization_id, field_id in (
        rows.filter(organization__fields__isnull=False)
        .values_list("organization_id", "organization__fields")
        .distinct()
    ):
        fields_of.setdefault(organization_id, []).append(field_id)
    totals: dict[tuple[datetime.date, str], int] = {}

    def add(month: datetime.date, organization_id: int, country: str, change: int) -> None:
        place = "unknown" if not country or not home else "home" if country == home else "abroad"
        for key in (place, *(f"field:{field_id}" for field_id in fields_of.get(organization_id, ()))):
            totals[(month, key)] = totals.get((month, key), 0) + change

    for status, started_on, ended_on, organization_id, country in rows.values_list(
        "status", "started_on", "ended_on", "organization_id", "organization__country"
    ):
        if status in ACTIVE_STATUSES:
            add(_first_of_month(started_on) if started_on else ALWAYS, organization_id, country, 1)
        elif _first_of_month(ended_on) > _first_of_month(started_on):
            add(_first_of_month(started_on), organization_id, country, 1)
            add(_first_of_month(ended_on), organization_id, country, -1)
    for (month, key), change in totals.items():
        yield month, key, change


# --- agreements --------------------------------------------------------------------------------------------


def signed_agreements(scope: KpiScope):
    """Agreements of the campus signed in the period: a signed status (signed, in force, completed,
    terminated, expired) and a signing date (signed_on, else the first day of the event they were signed
    at) within [start, end]. Agreements without either date are in no period. With a field: agreements
    with a party of that field."""
    from biocampus.agreements.choices import SIGNED_AGREEMENT_STATUSES
    from biocampus.agreements.models import Agreement

    rows = scope.records(Agreement)
    if scope.field_ids is not None:
        from biocampus.agreements.models import AgreementParty

        rows = rows.filter(id__in=scope.in_field(AgreementParty.objects.all(), "organization").values("agreement_id"))
    return (
        rows.filter(status__in=SIGNED_AGREEMENT_STATUSES)
        .annotate(signed_date=Coalesce("signed_on", "signed_at__starts_on"))
        .filter(signed_date__gte=scope.start, signed_date__lte=scope.end)
    )


def agreements(scope: KpiScope) -> Kpi:
    """Agreements signed: agreements of the campus with a signed status whose signing date (signed_on, else
    the first day of the event they were signed at) falls in the period. Honours as_of. Breakdowns: by_type
    (each linking to the agreements list filtered by type), by_month. Read from the rollups when they answer
    the same (see _rollup_campus_ids)."""
    from biocampus.agreements.choices import AgreementType

    rolled = scope.rolled("agreements")
    if rolled is None:
        signed = list(signed_agreements(scope).values_list("type", "signed_date"))
        by_type = _tally(kind for kind, _d in signed)
        by_month = _tally(_month_key(day) for _k, day in signed)
    else:
        by_type, by_month = {}, {}
        for (month, key), n in rolled.items():
            kind = key.removeprefix("type:")
            by_type[kind] = by_type.get(kind, 0) + n
            by_month[_month_key(month)] = by_month.get(_month_key(month), 0) + n
    exact = _list_filters(scope, signed="1")
    labels = dict(AgreementType.choices)
    type_buckets = [
        Bucket(kind, str(labels.get(kind, kind)), n, _url("agreements:agreement_list", **exact, type=kind))
        for kind, n in by_type.items()
    ]
    url = _url("agreements:agreement_list", **exact)
    return Kpi(
        "agreements",
        "",
        "",
        sum(by_type.values()),
        unit=str(_("agreements")),
        url=url,
        breakdowns={
            "by_type": sorted(type_buckets, key=lambda bucket: (-bucket.value, bucket.label)),
            "by_month": _period_buckets(by_month, url),
        },
    )


def _rollup_agreements(scope: KpiScope):
    rows = signed_agreements(scope).annotate(month=TruncMonth("signed_date"))
    for month, kind, n in rows.values("month", "type").annotate(n=Count("id")).values_list("month", "type", "n"):
        yield month, f"type:{kind}", n


# Agreement types that make a partner strategic: partnerships, not transactions (investment, licensing,
# procurement, residency) nor "other".
STRATEGIC_AGREEMENT_TYPES = frozenset(
    {"strategic_cooperation", "cooperation", "framework", "mou", "joint_development", "commercialisation"}
)


def international_strategic_partners(scope: KpiScope) -> Kpi:
    """International strategic partners: distinct organisations from another country than the campus's
    (the country of the campus's own organisation) that are a party to an agreement of the campus signed in
    the period (as for `agreements`: signed_on, else the day its signing event began) of a partnership type:
    strategic cooperation, cooperation, framework agreement, memorandum of understanding, joint development
    or commercialisation. The campus's own organisation and organisations of unknown country never count.
    Over the network an organisation partnering two campuses counts once. Honours as_of (the agreements;
    their parties as they are now). Breakdown: by_country. Read from the rollups when they answer the same
    (one bucket per partner and month: "<organisation pk>:<country>"). Counted in the database either way:
    an organisation has one country, so the distinct partners per country add up to the total."""
    if scope.rollup_campus_ids is None:
        parties = _strategic_partners(scope).values("organization__country")
        by_country = parties.annotate(n=Count("organization_id", distinct=True)).values_list(
            "organization__country", "n"
        )
    elif scope.reads_network:
        by_country = network_rollups.partners_by_country(scope.start, scope.end).items()
    else:
        from biocampus.insight.models import KpiRollup

        keys = _rollup_rows(KpiRollup.objects.filter(metric="international_strategic_partners"), scope)
        by_country = (
            keys.values(country=network_rollups.key_country())
            .annotate(n=Count("key", distinct=True))
            .values_list("country", "n")
        )
    counts = dict(by_country)
    url = _url("agreements:agreement_list", type="strategic_cooperation")
    return Kpi(
        "international_strategic_partners",
        "",
        "",
        sum(counts.values()),
        unit=str(_("organisations")),
        url=_url("agreements:agreement_list"),
        breakdowns={"by_country": _country_buckets(counts, url)},
    )


def _strategic_partners(scope: KpiScope):
    """The parties (AgreementParty rows) that make international strategic partners in the scope."""
    from biocampus.agreements.models import AgreementParty

    agreements_ = signed_agreements(scope).filter(type__in=STRATEGIC_AGREEMENT_TYPES)
    return (
        AgreementParty.objects.filter(agreement_id__in=agreements_.values("id"))
        .exclude(organization__country="")
        .exclude(agreement__campus__organization__country="")
        .exclude(organization__country=F("agreement__campus__organization__country"))
        .exclude(organization_id=F("agreement__campus__organization_id"))
        .order_by()
    )


def _rollup_international_strategic_partners(scope: KpiScope):
    parties = _strategic_partners(scope).annotate(
        month=TruncMonth(Coalesce("agreement__signed_on", "agreement__signed_at__starts_on"))
    )
    for month, organization_id, country in parties.values_list(
        "month", "organization_id", "organization__country"
    ).distinct():
        yield month, f"{organization_id}:{country}", 1


# --- funding -----------------------------------------------------------------------------------------------


def funding_raised(scope: KpiScope) -> Kpi:
    """Funding raised: the sum of the amounts of the campus's funding rounds announced in the period
    (announced_on within [start, end]; rounds without a date are in no period), each converted into the
    reporting currency (settings.BIOCAMPUS_REPORTING_CURRENCY) at the rate valid on its announcement date
    (progress.currency), to the cent. Rounds without an amount or whose currency has no rate are left out of
    the sum and counted. Honours as_of. Breakdowns: by_year (converted sums), rounds (all, converted, not
    converted). Read from the rollups when they answer the same: each month's converted cents and counts,
    converted when the rollup was refreshed (the exchange-rate services refresh it)."""
    from biocampus.progress.currency import reporting_currency

    rolled = scope.rolled("funding_raised")
    if rolled is None:
        months = _converted_by_month(_funding_rounds(scope))
    else:
        months = {}
        for (month, key), n in rolled.items():
            months.setdefault(month, [0, 0, 0])[FUNDING_KEYS.index(key)] += n
    cents_by_year: dict[str, int] = {}
    converted = left_out = 0
    for month, (cents, month_converted, month_left_out) in months.items():
        if month_converted:
            cents_by_year[str(month.year)] = cents_by_year.get(str(month.year), 0) + cents
        converted += month_converted
        left_out += month_left_out
    url = _url("progress:fundinground_list", **_list_filters(scope))
    in_currency = lambda cents: Decimal(cents).scaleb(-2)  # noqa: E731
    return Kpi(
        "funding_raised",
        "",
        "",
        in_currency(sum(cents_by_year.values())),
        unit=reporting_currency(),
        url=url,
        breakdowns={
            "by_year": [Bucket(year, year, in_currency(cents_by_year[year]), url) for year in sorted(cents_by_year)],
            "rounds": [
                Bucket("all", str(_("Rounds")), converted + left_out, url),
                Bucket("converted", str(_("Converted")), converted, url),
                Bucket("not_converted", str(_("Not converted (no amount or no rate)")), left_out, url),
            ],
        },
    )


# A month's funding buckets: the converted amounts in cents, the rounds converted, the rounds left out.
FUNDING_KEYS = ("cents", "converted", "left_out")


def _funding_rounds(scope: KpiScope):
    from biocampus.progress.models import FundingRound

    rows = scope.in_field(scope.records(FundingRound), "recipient")
    return rows.filter(announced_on__gte=scope.start, announced_on__lte=scope.end)


def _converted_by_month(rows) -> dict[datetime.date, list[int]]:
    """{first day of a month: [cents converted, rounds converted, rounds left out]} of funding rounds, each
    converted at the rate of its day (one query for the rounds, one for the rates)."""
    from biocampus.progress.currency import RateTable

    rounds = list(rows.values_list("amount", "currency", "announced_on"))
    table = RateTable.load({currency for _amount, currency, _day in rounds if currency})
    months: dict[datetime.date, list[int]] = {}
    for amount, currency, day in rounds:
        bucket = months.setdefault(_first_of_month(day), [0, 0, 0])
        converted = table.convert(amount, currency, on=day)  # to the cent
        if converted is None:
            bucket[2] += 1
        else:
            bucket[0] += int(converted * 100)
            bucket[1] += 1
    return months


def _rollup_funding_raised(scope: KpiScope):
    for month, values in _converted_by_month(_funding_rounds(scope)).items():
        for key, value in zip(FUNDING_KEYS, values, strict=True):
            yield month, key, value


# --- programmes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeTarget:
    """What the programme_progress KPI reads of a target (a row, not a model instance: there may be many)."""

    pk: int
    public_id: uuid.UUID
    programme_name: str
    metric: str
    baseline: Decimal
    goal: Decimal
    starts_on: datetime.date | None
    due_on: datetime.date
    created_at: datetime.datetime | None


def _running_targets(scope: KpiScope):
    """The targets of the campus's programmes that run in the period (due on or after its start, started by
    its end), each annotated with its latest observation by the period's end (value and day) and its first
    observation's day (subqueries: no observation row is loaded; a target has one observation a day at
    most, the observation_one_per_day constraint, so the latest is unambiguous). With as_of, only the
    observations recorded by then count. One row per target, in programme and metric order."""
    from biocampus.progress.models import Observation, Target

    targets = scope.in_field(scope.records(Target, historical=False), "organization", "programme__organizations")
    if scope.field_ids is not None:  # the field's join may repeat a target: keep each once
        targets = Target.objects.filter(pk__in=targets.values("pk"))
    observations = Observation.objects.filter(target_id=OuterRef("pk"))
    if scope.as_of_moment is not None:
        observations = observations.filter(created_at__lte=scope.as_of_moment)
    latest = observations.filter(observed_on__lte=scope.end).order_by("-observed_on")
    latest_value = Subquery(latest.values("value")[:1])
    latest_on = Subquery(latest.values("observed_on")[:1])
    first_observed_on = Subquery(observations.order_by("observed_on").values("observed_on")[:1])
    if scope.rollup_campus_ids is not None:
        # Where the rollups are read, the targets' observation summaries are current too (kept by the same
        # services, rebuilt by the same command): a target last observed by the period's end (every target,
        # for the current period) needs no subquery; one observed since still looks its value up.
        observed_since = Q(last_observation_on__gt=scope.end)
        latest_value = Case(When(observed_since, then=latest_value), default=F("last_observation_value"))
        latest_on = Case(When(observed_since, then=latest_on), default=F("last_observation_on"))
        first_observed_on = F("first_observation_on")
    return (
        targets.filter(programme__isnull=False, due_on__gte=scope.start)
        .exclude(starts_on__gt=scope.end)
        .annotate(latest_value=latest_value, latest_on=latest_on, first_observed_on=first_observed_on)
        .order_by("programme__name", "metric", "pk")
    )


def programme_targets_progress(
    scope: KpiScope, *, limit: int, pks: list[int] | None = None
) -> list[tuple[ProgrammeTarget, TargetProgress]]:
    """The first `limit` running targets (_running_targets), or those `pks` when the caller already knows
    them, each with its progress on the period's end (target_progress): (target, progress) pairs. The
    dashboard lists a few; the counts of every status come from _status_expression, in the database."""
    rows = _running_targets(scope)
    if pks is None:
        # The page's targets first, by the order alone: a database sorting whole rows would otherwise run the
        # observation subqueries of every running target before keeping `limit` of them.
        pks = list(rows.values_list("pk", flat=True)[:limit])
    rows = rows.filter(pk__in=pks)
    rows = rows.values_list(
        *("pk", "public_id", "programme__name", "metric", "baseline", "goal", "starts_on", "due_on"),
        *("created_at", "latest_value", "latest_on", "first_observed_on"),
    )
    pairs = []
    for *columns, latest_value, latest_on, first_observed_on in rows:
        target = ProgrammeTarget(*columns)
        progress = progress_from_latest(
            target,
            as_of=scope.end,
            latest_value=latest_value,
            latest_on=latest_on,
            starts_on=target_start_from(target, first_observed_on),
        )
        pairs.append((target, progress))
    return pairs


class _DaysBetween(Func):
    """later - earlier, in whole days, for two dates (PostgreSQL subtracts dates; SQLite counts Julian days)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _status_expression(scope: KpiScope) -> Case:
    """target_progress's status (progress_from_latest), as SQL over _running_targets' rows, judged on the
    period's end E. With span = goal - baseline (never 0), the fraction of the way is
    (latest - baseline) / span and the expected fraction d / T (d: days from the start to E; T: days from
    the start to the due date; 1 from the due date on, 0 up to the start). Both sides are multiplied by
    T * |span| > 0 so that the comparison needs no division:
      achieved     latest >= goal (a rising goal) or latest <= goal (a falling one);
      overdue      E after the due date;
      not_started  no observation by E;
      on_track     E not after the start: latest on the goal's side of the baseline; before the due date:
                   (latest - baseline) * T * sign(span) >= d * |span|;
      behind       otherwise (E on the due date, or below the line)."""
    from django.db.models.lookups import GreaterThanOrEqual

    from biocampus.progress.choices import TargetStatus

    end = Value(scope.end, output_field=DateField())
    start = Coalesce("starts_on", "first_observed_on", output_field=DateField())
    decimal = DecimalField(max_digits=40, decimal_places=6)
    zero = Value(0, output_field=decimal)
    # +1 for a rising goal, -1 for a falling one: each difference is oriented by one multiplication, so that
    # latest_value (a CASE holding the observation subquery where the summaries are read) is written into
    # the SQL four times rather than seven.
    direction = Case(When(goal__gt=F("baseline"), then=Value(1)), default=Value(-1), output_field=IntegerField())
    gained = ExpressionWrapper((F("latest_value") - F("baseline")) * direction, output_field=decimal)
    span = ExpressionWrapper((F("goal") - F("baseline")) * direction, output_field=decimal)
    beyond_goal = ExpressionWrapper((F("latest_value") - F("goal")) * direction, output_field=decimal)
    elapsed, total = _DaysBetween(end, start), _DaysBetween("due_on", start)
    on_the_line = GreaterThanOrEqual(
        ExpressionWrapper(gained * total, output_field=decimal), ExpressionWrapper(elapsed * span, output_field=decimal)
    )
    return Case(
        When(GreaterThanOrEqual(beyond_goal, zero), then=Value(TargetStatus.ACHIEVED.value)),
        When(due_on__lt=end, then=Value(TargetStatus.OVERDUE.value)),
        When(latest_value__isnull=True, then=Value(TargetStatus.NOT_STARTED.value)),
        When(due_on__lte=end, then=Value(TargetStatus.BEHIND.value)),
        When(
            GreaterThanOrEqual(start, end),
            then=Case(
                When(GreaterThanOrEqual(gained, zero), then=Value(TargetStatus.ON_TRACK.value)),
                default=Value(TargetStatus.BEHIND.value),
            ),
        ),
        When(on_the_line, then=Value(TargetStatus.ON_TRACK.value)),
        default=Value(TargetStatus.BEHIND.value),
        output_field=CharField(),
    )


def _target_status_counts(scope: KpiScope, *, listed: int) -> tuple[dict[str, int], list[int] | None]:
    """{status: running targets with it on the period's end}: each target's status judged in the database
    (one query), tallied here. A GROUP BY would make SQLite evaluate the CASE, and the observation
    subqueries inside it, twice per target.

    For one campus the same query also gives the ids of the first `listed` targets in the dashboard's order
    (sorting a campus's running targets costs little), sparing the list a second scan of the campus's
    targets (a third of the KPI's time at 1,000,000 organisations); network-wide, where tens of thousands
    of targets run, the ids are None and the list keeps its own query, which stops at `listed`."""
    rows = _running_targets(scope).annotate(status=_status_expression(scope))
    if scope.campus is None:
        return _tally(rows.order_by().values_list("status", flat=True).iterator(chunk_size=10_000)), None
    counts: dict[str, int] = {}
    first: list[int] = []
    # Not iterator(): on PostgreSQL that is a cursor, whose query is planned for its first rows
    # (cursor_tuple_fraction): 90 ms against 15 for the same 2,097 running targets of the busiest campus at
    # 1,000,000 organisations. A campus's running targets fit in memory; the network's above stream.
    for pk, status in rows.values_list("pk", "status"):
        counts[status] = counts.get(status, 0) + 1
        if len(first) < listed:
            first.append(pk)
    return counts, first


def programme_progress_kpi(scope: KpiScope) -> Kpi:
    """Programmes' progress: the targets of the campus's programmes that run in the period, each judged on
    the period's end (achieved, on track, behind, overdue, not started; see target_progress). The value is
    the share (0..1) of those targets achieved or on track; None without targets. Breakdowns: by_status,
    targets (each target with its fraction of the way from baseline to goal, None before any observation;
    the first LISTED_RECORDS by programme and metric: the programmes' pages list them all). The statuses
    are counted in the database (_status_expression), so no target is read one by one."""
    from biocampus.progress.choices import TargetStatus

    counts, first = _target_status_counts(scope, listed=LISTED_RECORDS)
    listed = programme_targets_progress(scope, limit=LISTED_RECORDS, pks=first) if counts else []
    url = _url("progress:programme_list")
    good = counts.get(TargetStatus.ACHIEVED.value, 0) + counts.get(TargetStatus.ON_TRACK.value, 0)
    return Kpi(
        "programme_progress",
        "",
        "",
        _share(good, sum(counts.values())),
        unit="share",
        url=url,
        breakdowns={
            "by_status": [
                Bucket(status.value, str(status.label), counts.get(status.value, 0), _url("progress:target_list"))
                for status in TargetStatus
            ],
            "targets": [
                Bucket(
                    str(target.public_id),
                    f"{target.programme_name}: {target.metric}",
                    progress.fraction,
                    record_url("progress:target_detail", target.public_id),
                )
                for target, progress in listed
            ],
        },
    )


# --- service requests ----------------------------------------------------------------------------------------


def service_requests_answered_in_time(scope: KpiScope) -> Kpi:
    """Service requests answered in time: among the campus's service requests opened in the period (the day
    of opened_at, in the site's time zone, within [start, end]) whose fate is known — answered, or past
    their due time unanswered — the share (0..1) first answered by their due time (servicedesk's one
    definition, ServiceRequest.objects.with_deadlines().answered_in_time, judged now, or at the end of the
    as_of day). None when no request's fate is known. Honours as_of. Breakdown: counts (in time, late or
    overdue, not yet due)."""
    from biocampus.servicedesk.models import ServiceRequest, answered_in_time_expression

    if scope.as_of is None:
        rows = ServiceRequest.objects.with_deadlines().filter(pk__in=scope.records(ServiceRequest).values("pk"))
    else:
        rows = scope.records(ServiceRequest).annotate(answered_in_time=answered_in_time_expression(scope.as_of_moment))
    rows = scope.in_field(rows, "organization").filter(opened_at__date__gte=scope.start, opened_at__date__lte=scope.end)
    counts = rows.order_by().aggregate(
        in_time=Count("id", filter=Q(answered_in_time=True)),
        late=Count("id", filter=Q(answered_in_time=False)),
        pending=Count("id", filter=Q(answered_in_time__isnull=True)),
    )
    url = _url("servicedesk:request_list")
    return Kpi(
        "service_requests_answered_in_time",
        "",
        "",
        _share(counts["in_time"], counts["in_time"] + counts["late"]),
        unit="share",
        url=url,
        breakdowns={
            "counts": [
                Bucket("in_time", str(_("Answered in time")), counts["in_time"], url),
                Bucket(
                    "late",
                    str(_("Answered late or overdue")),
                    counts["late"],
                    _url("servicedesk:request_list", overdue=1),
                ),
                Bucket("pending", str(_("Not yet due")), counts["pending"], url),
            ]
        },
    )


# --- milestones ----------------------------------------------------------------------------------------------


# The most records a KPI lists one by one (the milestones' figures, the market reach): the dashboard and
# the API show the leading ones, not the whole register (the milestones list pages hold every one; the
# annual report lists the year's milestones with its own query).
LISTED_RECORDS = 100


def milestones(scope: KpiScope) -> Kpi:
    """Milestones: the campus's milestones dated in the period (occurred_on, else the first day of their
    event, within [start, end]). Honours as_of. Breakdowns: by_kind (linking to the milestones list filtered
    by kind); values: the milestones of the period that carry a value (title, value, unit; the latest
    LISTED_RECORDS, in the milestones list's order), then each organisation's market reach as it stands at
    the period's end — its largest market_reach value dated on or before the end, or undated (a reach is a
    standing figure: undated means "as it stands"); market_reach: those reach figures alone, the largest
    first (the first LISTED_RECORDS). The counts are read from the rollups when they answer the same; the
    figures are read along indexes, so a few queries and a few hundred rows whatever the number of
    milestones."""
    from biocampus.progress.choices import MilestoneKind
    from biocampus.progress.models import Milestone

    rows = scope.in_field(scope.records(Milestone), "organization")
    rolled = scope.rolled("milestones")
    if rolled is None:
        in_period = rows.annotate(dated_on=Coalesce("occurred_on", "event__starts_on")).filter(
            dated_on__gte=scope.start, dated_on__lte=scope.end
        )
        counts = dict(in_period.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    else:
        counts = {}
        for (_month, key), n in rolled.items():
            counts[key[5:]] = counts.get(key[5:], 0) + n
    labels = dict(MilestoneKind.choices)
    by_kind = [
        Bucket(kind, str(labels.get(kind, kind)), n, _url("progress:milestone_list", **_list_filters(scope), kind=kind))
        for kind, n in counts.items()
    ]
    figures = _latest_figures(rows, scope)
    reach = _largest_reach(rows, scope)
    names = _organization_names({row[-1] for row in (*figures, *reach)})
    # One URL per kind, not per figure: reverse() and urlencode() for each of the 100 took 10 ms a dashboard.
    kind_urls = {kind: _url("progress:milestone_list", kind=kind) for kind in {row[1] for row in figures}}
    valued = [
        Bucket(str(pk), _figure_label(names.get(org, ""), title, unit), value, kind_urls[kind])
        for pk, kind, title, value, unit, org in figures
    ]
    reach_url = _url("progress:milestone_list", kind=MilestoneKind.MARKET_REACH.value)
    market_reach = [
        Bucket(str(pk), _figure_label(names.get(org, ""), title, unit), value, reach_url)
        for pk, title, value, unit, org in reach
    ]
    url = _url("progress:milestone_list", **_list_filters(scope))
    return Kpi(
        "milestones",
        "",
        "",
        sum(counts.values()),
        unit=str(_("milestones")),
        url=url,
        breakdowns={
            "by_kind": sorted(by_kind, key=lambda bucket: (-bucket.value, bucket.label)),
            "values": valued + market_reach,
            "market_reach": market_reach,
        },
    )


def _rollup_milestones(scope: KpiScope):
    from biocampus.progress.models import Milestone

    rows = scope.records(Milestone).annotate(month=TruncMonth(Coalesce("occurred_on", "event__starts_on")))
    rows = rows.filter(month__isnull=False, month__gte=_first_of_month(scope.start), month__lte=scope.end)
    for month, kind, n in rows.values("month", "kind").annotate(n=Count("id")).values_list("month", "kind", "n"):
        yield month, f"kind:{kind}", n


def _figure_label(organization: str, title: str, unit: str) -> str:
    return f"{organization}: {title} ({unit})" if unit else f"{organization}: {title}"


def _organization_names(ids: set[int]) -> dict[int, str]:
    """{organisation pk: name}, one query: the figures read their organisations apart, so that the walk
    along a milestone index is not turned into a join that reads every milestone first."""
    from biocampus.directory.models import Organization

    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _latest_figures(rows, scope: KpiScope) -> list[tuple]:
    """The latest LISTED_RECORDS milestones of the period that carry a value (market reach apart), in the
    milestones list's order (date descending, then title and id): (public_id, kind, title, value, unit,
    organisation pk) rows. Two walks along the list index, one for the milestones dated by their own
    day and one for those dated by their event's first day (few), merged."""
    own_day, event_day = figure_walks(rows, scope)
    merged = sorted([*own_day, *event_day], key=lambda row: (-row[0].toordinal(), row[4], row[1]))
    return [row[2:] for row in merged[:LISTED_RECORDS]]


def figure_walks(rows, scope: KpiScope):
    """The two queries of _latest_figures: (date, id, public_id, kind, title, value, unit, organisation pk)
    rows, the first along the milestone list index (tests/insight/test_kpi_plans.py checks the plan)."""
    from biocampus.progress.choices import MilestoneKind

    valued = rows.filter(value__isnull=False).exclude(kind=MilestoneKind.MARKET_REACH)
    columns = ("public_id", "kind", "title", "value", "unit", "organization_id")
    own_day = (
        valued.filter(occurred_on__gte=scope.start, occurred_on__lte=scope.end)
        .order_by("-occurred_on", "title", "id")
        .values_list("occurred_on", "id", *columns)[:LISTED_RECORDS]
    )
    event_day = (
        valued.filter(occurred_on__isnull=True, event__starts_on__gte=scope.start, event__starts_on__lte=scope.end)
        .order_by("-event__starts_on", "title", "id")
        .values_list("event__starts_on", "id", *columns)[:LISTED_RECORDS]
    )
    return own_day, event_day


def reach_rows(rows, scope: KpiScope):
    """The market-reach milestones with a value, dated by the period's end or undated."""
    from biocampus.progress.choices import MilestoneKind

    return (
        rows.filter(kind=MilestoneKind.MARKET_REACH, value__isnull=False)
        .annotate(dated_on=Coalesce("occurred_on", "event__starts_on"))
        .filter(Q(dated_on__lte=scope.end) | Q(dated_on__isnull=True))
    )


def _largest_reach(rows, scope: KpiScope) -> list[tuple]:
    """Each organisation's largest market reach dated by the period's end or undated (the first such row
    when two are as large), the largest first, at most LISTED_RECORDS: (public_id, title, value, unit,
    organisation pk) rows."""
    reach = reach_rows(rows, scope)
    columns = ("organization_id", "id", "public_id", "title", "value", "unit")
    largest: dict[int, tuple] = {}
    if scope.as_of is None:
        # Down the reach index (kind, value descending, id): an organisation's first row on the way is its
        # largest, so the walk stops at the LISTED_RECORDS-th organisation, in the order wanted.
        ordered = reach.order_by("-value", "id").values_list(*columns)
        batch, offset = 500, 0
        while len(largest) < LISTED_RECORDS:
            rows_read = list(ordered[offset : offset + batch])
            for row in rows_read:
                if row[0] not in largest and len(largest) < LISTED_RECORDS:
                    largest[row[0]] = row
            if len(rows_read) < batch:
                break
            offset, batch = offset + batch, batch * 4
        chosen = list(largest.values())
    else:
        # As of a day: the change history's rows, ranked here (the market-reach rows only).
        for row in reach.order_by("id").values_list(*columns):
            if row[0] not in largest or row[4] > largest[row[0]][4]:
                largest[row[0]] = row
        chosen = sorted(largest.values(), key=lambda row: (-row[4], row[1]))[:LISTED_RECORDS]
    return [(*row[2:], row[0]) for row in chosen]


# --- showcases -----------------------------------------------------------------------------------------------


def showcases(scope: KpiScope) -> Kpi:
    """Showcases: what organisations showed at the campus's events that began in the period (the event's
    starts_on within [start, end]). The value is the number of showcases. Breakdowns: outcome (with an
    outcome recorded, without), leads_by_status (the leads taken at those events, by status). Read as the
    records are now (as_of is not applied). Read from the rollups when they answer the same."""
    from biocampus.events.choices import LeadStatus

    rolled = scope.rolled("showcases")
    if rolled is None:
        shown, leads = _showcases_and_leads(scope)
        counts = shown.aggregate(total=Count("id"), with_outcome=Count("id", filter=~Q(outcome="")))
        lead_counts = dict(leads.values("status").annotate(n=Count("id")).values_list("status", "n"))
    else:
        counts, lead_counts = {"total": 0, "with_outcome": 0}, {}
        for (_month, key), n in rolled.items():
            if key.startswith("lead:"):
                lead_counts[key[5:]] = lead_counts.get(key[5:], 0) + n
            else:
                counts[key] += n
    url = _url("events:event_list")
    return Kpi(
        "showcases",
        "",
        "",
        counts["total"],
        unit=str(_("showcases")),
        url=url,
        breakdowns={
            "outcome": [
                Bucket("with_outcome", str(_("Outcome recorded")), counts["with_outcome"], url),
                Bucket("without_outcome", str(_("No outcome yet")), counts["total"] - counts["with_outcome"], url),
            ],
            "leads_by_status": [
                Bucket(
                    status.value,
                    str(status.label),
                    lead_counts.get(status.value, 0),
                    _url("events:lead_list", status=status.value),
                )
                for status in LeadStatus
            ],
        },
    )


def _showcases_and_leads(scope: KpiScope):
    """The showcases and the leads of the campus's events that began in the period."""
    from biocampus.events.models import Event, Lead, Showcase

    events = scope.records(Event, historical=False).filter(starts_on__gte=scope.start, starts_on__lte=scope.end)
    shown = scope.in_field(Showcase.objects.filter(event__in=events), "organization").order_by()
    leads = scope.in_field(scope.visible(Lead.objects.filter(event__in=events)), "organization", "taken_by")
    return shown, leads.order_by()


def _rollup_showcases(scope: KpiScope):
    shown, leads = _showcases_and_leads(scope)
    shown = shown.annotate(month=TruncMonth("event__starts_on")).values("month")
    for row in shown.annotate(total=Count("id"), with_outcome=Count("id", filter=~Q(outcome=""))):
        yield row["month"], "total", row["total"]
        yield row["month"], "with_outcome", row["with_outcome"]
    leads = leads.annotate(month=TruncMonth("event__starts_on")).values("month", "status").annotate(n=Count("id"))
    for month, status, n in leads.values_list("month", "status", "n"):
        yield month, f"lead:{status}", n


ROLLUP_COMPUTE = {
    "residents_signed": _rollup_residents_signed,
    "active_residents": _rollup_active_residents,
    "agreements": _rollup_agreements,
    "international_strategic_partners": _rollup_international_strategic_partners,
    "showcases": _rollup_showcases,
    "milestones": _rollup_milestones,
    "funding_raised": _rollup_funding_raised,
}


# --- the registry --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiDefinition:
    name: str
    label: object  # lazily translated
    description: object  # lazily translated
    compute: Callable[[KpiScope], Kpi]

    @property
    def function(self) -> Callable[[KpiScope], Kpi]:
        """The KPI's function (the contract's name for `compute`)."""
        return self.compute


def _definitions() -> list[KpiDefinition]:
    return [
        KpiDefinition(
            "residents_signed",
            gettext_lazy("Residents signed"),
            gettext_lazy(
                "Residencies signed in the period (signing date, else the day their signing event began), "
                "by home and abroad."
            ),
            residents_signed,
        ),
        KpiDefinition(
            "active_residents",
            gettext_lazy("Active residents"),
            gettext_lazy("Residencies signed by the end of the period and not ended (graduated or exited) by then."),
            active_residents,
        ),
        KpiDefinition(
            "international_strategic_partners",
            gettext_lazy("International strategic partners"),
            gettext_lazy(
                "Organisations from another country than the campus's that are party to a partnership agreement "
                "(strategic cooperation, cooperation, framework, MoU, joint development, commercialisation) "
                "signed in the period."
            ),
            international_strategic_partners,
        ),
        KpiDefinition(
            "agreements",
            gettext_lazy("Agreements signed"),
            gettext_lazy("Agreements signed in the period, by type."),
            agreements,
        ),
        KpiDefinition(
            "funding_raised",
            gettext_lazy("Funding raised"),
            gettext_lazy(
                "Funding rounds announced in the period, converted into the reporting currency at the rate of "
                "their date; rounds that cannot be converted are counted apart."
            ),
            funding_raised,
        ),
        KpiDefinition(
            "programme_progress",
            gettext_lazy("Programme targets on course"),
            gettext_lazy(
                "Share of the programmes' targets running in the period that are achieved or on track at its end."
            ),
            programme_progress_kpi,
        ),
        KpiDefinition(
            "service_requests_answered_in_time",
            gettext_lazy("Service requests answered in time"),
            gettext_lazy(
                "Share of the service requests opened in the period, answered or overdue, that were answered "
                "by their due time."
            ),
            service_requests_answered_in_time,
        ),
        KpiDefinition(
            "milestones",
            gettext_lazy("Milestones"),
            gettext_lazy("Milestones reached in the period, by kind, with their figures and the market reach."),
            milestones,
        ),
        KpiDefinition(
            "showcases",
            gettext_lazy("Showcases"),
            gettext_lazy("Showcases at the campus's events of the period, what came of them and the leads taken."),
            showcases,
        ),
    ]


KPIS: dict[str, KpiDefinition] = {definition.name: definition for definition in _definitions()}


def compute_kpis(
    user,
    *,
    campus=None,
    start: datetime.date,
    end: datetime.date,
    field=None,
    as_of: datetime.date | None = None,
    names: Iterable[str] | None = None,
    rollups: bool = True,
) -> KpiReport:
    """Every KPI (or those `names`) for the campus (None: the whole network the user can see), the period
    [start, end] and the field (with the fields below it), as the records stand now or on `as_of` (then
    `end` is clamped to as_of). Raises ValueError when start is after end. Some KPIs are read from their
    rollups when those give the same answer (see _rollup_campus_ids); rollups=False always counts live."""
    if as_of is not None and end > as_of:
        end = as_of
    if start > end:
        raise ValueError("start after end")
    scope = KpiScope(
        user=user,
        campus=campus,
        start=start,
        end=end,
        field_ids=field_and_descendants(field),
        as_of=as_of,
        use_rollups=rollups,
    )
    wanted = list(KPIS) if names is None else [name for name in KPIS if name in set(names)]
    kpis = []
    for name in wanted:
        definition = KPIS[name]
        kpi = definition.compute(scope)
        kpi.label = str(definition.label)
        kpi.description = str(definition.description)
        kpis.append(kpi)
    return KpiReport(campus=campus, start=start, end=end, field=field, as_of=as_of, kpis=kpis)
