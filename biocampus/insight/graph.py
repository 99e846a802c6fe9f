"""The ecosystem graph's data: organisations as nodes, their agreements, residencies and funding as edges.

Computed with a fixed number of queries whatever the size of the network (value lists, no per-row
queries), permission-scoped through `visible()`: only the agreements, residencies and funding rounds
the user may read become edges; organisations are registry records every member reads.

The browser cannot lay out thousands of nodes by force in reasonable time, so every node also gets a
position computed here: a sunflower spiral ordered by degree (the best-connected organisations in the
middle), which costs nothing and keeps the picture readable. Small graphs (a neighbourhood) are left to
the browser's force layout.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import visible
from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Field, Organization
from biocampus.directory.selectors import field_and_descendants
from biocampus.progress.models import FundingInvestment, FundingRound

AGREEMENTS, RESIDENCIES, FUNDING = "agreements", "residencies", "funding"
EDGE_TYPES = (AGREEMENTS, RESIDENCIES, FUNDING)
MAX_NODES = 5000
# Above this many nodes the browser gets the positions computed here instead of a force layout.
FORCE_LAYOUT_LIMIT = 300
# A residency becomes a tie once it is signed; prospects, applicants and declined ones are not (yet) one.
TIED_RESIDENCY_STATUSES = (
    ResidencyStatus.SIGNED,
    ResidencyStatus.RESIDENT,
    ResidencyStatus.GRADUATED,
    ResidencyStatus.EXITED,
)
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def edge_type_labels() -> dict[str, str]:
    return {AGREEMENTS: _("Agreements"), RESIDENCIES: _("Residencies"), FUNDING: _("Funding")}


@dataclass
class GraphFilters:
    campus: object | None = None  # Campus
    edge_types: tuple[str, ...] = EDGE_TYPES
    field: Field | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    center: Organization | None = None
    depth: int = 1
    max_nodes: int = MAX_NODES


@dataclass
class _Edges:
    # (source id, target id, type) -> how many records tie them
    counts: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, a: int, b: int, edge_type: str) -> None:
        if a == b:
            return
        if edge_type == AGREEMENTS and a > b:  # agreements have no direction: one edge per pair
            a, b = b, a
        self.counts[(a, b, edge_type)] += 1


def _in_period(queryset, date_field: str, start, end):
    if start:
        queryset = queryset.filter(**{f"{date_field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{date_field}__lte": end})
    return queryset


def _collect_edges(user, filters: GraphFilters) -> _Edges:
    edges = _Edges()
    if AGREEMENTS in filters.edge_types:
        agreements = visible(Agreement.objects.all(), user)
        if filters.campus is not None:
            agreements = agreements.filter(campus=filters.campus)
        agreements = _in_period(agreements, "signed_on", filters.start, filters.end)
        parties = defaultdict(list)
        rows = AgreementParty.objects.filter(agreement__in=agreements.values("pk")).values_list(
            "agreement_id", "organization_id"
        )
        for agreement_id, organization_id in rows:
            parties[agreement_id].append(organization_id)
        for members in parties.values():
            members = sorted(set(members))
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    edges.add(a, b, AGREEMENTS)
    if RESIDENCIES in filters.edge_types:
        residencies = visible(Residency.objects.filter(status__in=TIED_RESIDENCY_STATUSES), user)
        if filters.campus is not None:
            residencies = residencies.filter(campus=filters.campus)
        residencies = _in_period(residencies, "signed_on", filters.start, filters.end)
        for organization_id, campus_organization_id in residencies.values_list(
            "organization_id", "campus__organization_id"
        ):
            edges.add(organization_id, campus_organization_id, RESIDENCIES)
    if FUNDING in filters.edge_types:
        rounds = visible(FundingRound.objects.all(), user)
        if filters.campus is not None:
            rounds = rounds.filter(campus=filters.campus)
        rounds = _in_period(rounds, "announced_on", filters.start, filters.end)
        rows = FundingInvestment.objects.filter(funding_round__in=rounds.values("pk")).values_list(
            "investor_id", "funding_round__recipient_id"
        )
        for investor_id, recipient_id in rows:
            edges.add(investor_id, recipient_id, FUNDING)
    return edges


def _neighbourhood(edge_keys, center_id: int, depth: int) -> set[int]:
    adjacent = defaultdict(set)
    for a, b, _type in edge_keys:
        adjacent[a].add(b)
        adjacent[b].add(a)
    reached, frontier = {center_id}, {center_id}
    for _step in range(depth):
        frontier = {n for f in frontier for n in adjacent[f]} - reached
        reached |= frontier
    return reached


def build_graph(user, filters: GraphFilters) -> dict:
    """Nodes and edges for ECharts' graph series, with a note of how many were left out."""
    edges = _collect_edges(user, filters).counts
    if filters.field is not None:
        # Ties that involve at least one organisation of the field (so its campus and partners show).
        in_field = set(
            Organization.fields.through.objects.filter(field_id__in=field_and_descendants(filters.field)).values_list(
                "organization_id", flat=True
            )
        )
        edges = {key: n for key, n in edges.items() if key[0] in in_field or key[1] in in_field}
    if filters.center is not None:
        keep = _neighbourhood(edges.keys(), filters.center.pk, filters.depth)
        edges = {key: n for key, n in edges.items() if key[0] in keep and key[1] in keep}

    degree: dict[int, int] = defaultdict(int)
    for a, b, _type in edges:
        degree[a] += 1
        degree[b] += 1
    if filters.center is not None:
        degree.setdefault(filters.center.pk, 0)
    total_nodes = len(degree)
    ranked = sorted(degree, key=lambda pk: (-degree[pk], pk))
    if filters.center is not None:  # the organisation asked for stays whatever its degree
        ranked.remove(filters.center.pk)
        ranked.insert(0, filters.center.pk)
    shown = ranked[: filters.max_nodes]
    shown_set = set(shown)
    edges = {key: n for key, n in edges.items() if key[0] in shown_set and key[1] in shown_set}

    organizations = {
        row[0]: row
        for row in Organization.objects.filter(pk__in=shown).values_list(
            "pk", "public_id", "name", "name_zh", "kind", "country"
        )
    }
    kinds = [value for value, _label in OrganizationKind.choices]
    kind_index = {value: i for i, value in enumerate(kinds)}
    url_template = reverse(
        "directory:organization_detail", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"}
    )
    spacing = 12.0
    nodes = []
    for i, pk in enumerate(shown):
        _pk, public_id, name, name_zh, kind, country = organizations[pk]
        radius, angle = spacing * math.sqrt(i), i * GOLDEN_ANGLE
        nodes.append(
            {
                "id": str(pk),
                "name": name,
                "name_zh": name_zh,
                "public_id": str(public_id),
                "kind": kind,
                "country": str(country or ""),
                "category": kind_index.get(kind, len(kinds) - 1),
                "degree": degree[pk],
                "symbolSize": round(min(40.0, 5 + 3 * math.sqrt(degree[pk])), 1),
                "x": round(radius * math.cos(angle), 1),
                "y": round(radius * math.sin(angle), 1),
                "url": url_template.replace("00000000-0000-0000-0000-000000000000", str(public_id)),
                "center": filters.center is not None and pk == filters.center.pk,
            }
        )
    labels = edge_type_labels()
    links = [
        {"source": str(a), "target": str(b), "type": edge_type, "label": labels[edge_type], "value": count}
        for (a, b, edge_type), count in sorted(edges.items())
    ]
    return {
        "nodes": nodes,
        "links": links,
        "categories": [{"name": str(label)} for _value, label in OrganizationKind.choices],
        "total_nodes": total_nodes,
        "shown_nodes": len(nodes),
        "truncated": len(nodes) < total_nodes,
        "layout": "force" if len(nodes) <= FORCE_LAYOUT_LIMIT else "none",
    }
