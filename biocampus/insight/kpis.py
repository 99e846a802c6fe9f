"""The campus's numbers, each defined once and computed from the records (never typed in).

The home page reads its headline from here; the dashboard and the KPI API will too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

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
