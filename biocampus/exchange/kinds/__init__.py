"""Every kind of record an import or export file can carry, by name."""

from __future__ import annotations

from django.db import models

from .base import ImportContext, Kind, RowProblems, RowResult
from .organizations import OrganizationsKind
from .records import (
    AgreementsKind,
    CampusesKind,
    EventsKind,
    FieldsKind,
    FundingRoundsKind,
    MilestonesKind,
    PeopleKind,
    ProgrammesKind,
    ResidenciesKind,
    TargetsKind,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        OrganizationsKind(),
        PeopleKind(),
        ResidenciesKind(),
        AgreementsKind(),
        MilestonesKind(),
        FundingRoundsKind(),
        CampusesKind(),
        EventsKind(),
        ProgrammesKind(),
        TargetsKind(),
        FieldsKind(),
    )
}

# The kinds the import page offers first: what campus teams bring in spreadsheets.
EVERYDAY_KINDS = ("organizations", "people", "residencies", "agreements", "milestones", "funding_rounds")

_SPELLINGS = {"organisations": "organizations", "funding": "funding_rounds", "fundingrounds": "funding_rounds"}


def kind_named(name: str) -> Kind:
    """`organizations`, `organisations`, `funding-rounds`... -> the kind; KeyError when there is none."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return KINDS[_SPELLINGS.get(key, key)]


def kind_for_model(model: type[models.Model]) -> Kind | None:
    return next((kind for kind in KINDS.values() if kind.model is model), None)


__all__ = [
    "EVERYDAY_KINDS",
    "KINDS",
    "ImportContext",
    "Kind",
    "RowProblems",
    "RowResult",
    "kind_for_model",
    "kind_named",
]
