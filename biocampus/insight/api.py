"""API of the KPIs: the campus's numbers (or the whole network's) for a period, computed by insight.kpis —
the same code the dashboard and the reports read."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api.operations import reads
from biocampus.api.schemas import CampusRef, Date, Line
from biocampus.progress.currency import reporting_currency

from .kpis import compute_kpis

router = Router(tags=["Insight"])

Number = int | float | None


class KpiFilters(Schema):
    campus: Line(64) = Field(
        "", description="The campus: its public id (UUID) or short name (slug). Empty: the whole network you can see."
    )
    start: Date | None = Field(
        None, alias="from", description="First day of the period (default: 1 January this year)."
    )
    end: Date | None = Field(None, alias="to", description="Last day of the period (default: 31 December this year).")
    field: Line(64) = Field("", description="A field's code: only organisations of that field or of fields below it.")
    as_of: Date | None = Field(
        None, description="The figures as they stood at the end of that day, from the history; `to` is clamped to it."
    )


class BucketOut(Schema):
    key: str
    label: str
    value: Number
    url: str


class KpiOut(Schema):
    name: str
    label: str
    description: str
    value: Number
    unit: str
    url: str
    breakdowns: dict[str, list[BucketOut]]


class KpisOut(Schema):
    campus: CampusRef | None
    start: Date = Field(alias="from")
    end: Date = Field(alias="to")
    as_of: Date | None
    reporting_currency: str
    values: dict[str, Number] = Field(description="Each KPI's name and value.")
    kpis: list[KpiOut]


def _number(value):
    """Counts as integers, shares and amounts as numbers (a Decimal is not a JSON number)."""
    return float(value) if isinstance(value, Decimal) else value


def _campus(user, reference: str):
    from biocampus.campuses.models import Campus
    from biocampus.campuses.selectors import campuses_for

    if not reference:
        return None
    campuses = campuses_for(user)
    try:
        campus = campuses.filter(public_id=UUID(reference)).first()
    except ValueError:
        campus = campuses.filter(slug=reference).first()
    if campus is None:
        raise Http404(
            _("No %(kind)s %(ref)s, or you may not see it.") % {"kind": Campus._meta.verbose_name, "ref": reference}
        )
    return campus


def _field(code: str):
    from biocampus.directory.models import Field as TaxonomyField

    if not code:
        return None
    found = TaxonomyField.objects.filter(slug=code).first()
    if found is None:
        raise ValidationError({"field": _("No field with the code %(code)s.") % {"code": code}})
    return found


def kpis_answer(user, filters: KpiFilters) -> dict:
    year = timezone.localdate().year
    start = filters.start or datetime.date(year, 1, 1)
    end = filters.end or datetime.date(year, 12, 31)
    if start > end:
        raise ValidationError({"to": _("The end of the period cannot come before its start.")})
    if filters.as_of is not None and filters.as_of < start:
        raise ValidationError({"as_of": _("The as-of date cannot come before the start of the period.")})
    campus = _campus(user, filters.campus)
    report = compute_kpis(user, campus=campus, start=start, end=end, field=_field(filters.field), as_of=filters.as_of)
    return {
        "campus": report.campus,
        "from": report.start,
        "to": report.end,
        "as_of": report.as_of,
        "reporting_currency": reporting_currency(),
        "values": {name: _number(value) for name, value in report.values().items()},
        "kpis": [
            {
                "name": kpi.name,
                "label": kpi.label,
                "description": kpi.description,
                "value": _number(kpi.value),
                "unit": kpi.unit,
                "url": kpi.url,
                "breakdowns": {
                    key: [{"key": b.key, "label": b.label, "value": _number(b.value), "url": b.url} for b in buckets]
                    for key, buckets in kpi.breakdowns.items()
                },
            }
            for kpi in report.kpis
        ],
    }


@router.get("/kpis/", **reads(KpisOut, versioned=False), by_alias=True)
def get_kpis(request, filters: Query[KpiFilters]):
    """The KPIs of a campus (or of the whole network you can see) for a period: a name → value map and
    each KPI with its label, description, unit and breakdowns, every number counting only the records you
    may read. See docs/insight.md for each definition."""
    return kpis_answer(request.auth, filters)


# The same without the trailing slash, so that /api/v1/kpis answers too (not a second documented operation).
@router.get("/kpis", **reads(KpisOut, versioned=False), by_alias=True, include_in_schema=False)
def get_kpis_without_slash(request, filters: Query[KpiFilters]):
    return kpis_answer(request.auth, filters)
