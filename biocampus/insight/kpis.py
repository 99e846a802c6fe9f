"""The campus's numbers, each defined once and computed from the records (never typed in).

The home page reads its headline from here; the dashboard and the KPI API will too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from biocampus.accounts.permissions import visible
from biocampus.campuses.choices import ACTIVE_STATUSES, SIGNED_STATUSES


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
    if target.starts_on:
        return target.starts_on
    dates = [observation.observed_on for observation in observations]
    if dates:
        return min(dates)
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
    from biocampus.progress.choices import TargetStatus

    as_of = as_of or timezone.localdate()
    observations = _observations_of(target) if observations is None else list(observations)
    starts_on = target_start(target, observations)
    known = sorted((o for o in observations if o.observed_on <= as_of), key=lambda o: o.observed_on)
    latest = known[-1] if known else None
    span = target.goal - target.baseline  # never 0: a constraint refuses goal == baseline
    fraction = (latest.value - target.baseline) / span if latest is not None else None
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
        latest_value=latest.value if latest is not None else None,
        latest_on=latest.observed_on if latest is not None else None,
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
