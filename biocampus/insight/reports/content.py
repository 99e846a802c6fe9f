"""What goes into a campus's yearly report: gathered once, then drawn as PDF or XLSX (or shown on a page).

Everything here is read through accounts.permissions.visible for the user who asks; the command runs as
the system (SYSTEM_READER), which reads the whole campus. Labels are translated while gathering, in the
report's language, so the writers only lay out text they are given.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from biocampus.accounts.models import User
from biocampus.accounts.permissions import Access, visible
from biocampus.agreements.choices import SIGNED_AGREEMENT_STATUSES
from biocampus.agreements.models import Agreement
from biocampus.campuses.choices import SIGNED_STATUSES
from biocampus.campuses.models import Campus, Residency
from biocampus.core.choices import DatePrecision
from biocampus.insight.kpis import compute_kpis
from biocampus.progress.models import Milestone

LANGUAGES = ("en", "zh-hans")

# The steps a report goes through, for progress bars (the command's tqdm, the page's <progress>).
STEPS = ("kpis", "residents", "agreements", "milestones", "charts", "write")


def system_reader() -> User:
    """A user that reads everything, for the command (which runs as the system). Never saved."""
    user = User(username="system", is_superuser=True, is_active=True)
    user._biocampus_access = Access(is_superuser=True, has_membership=True)
    return user


def find_campus(value: str) -> Campus | None:
    """A campus by its slug or its public id."""
    campuses = Campus.objects.select_related("organization")
    campus = campuses.filter(slug=value).first()
    if campus is None:
        try:
            campus = campuses.filter(public_id=value).first()
        except Exception:  # not a UUID
            campus = None
    return campus


@dataclass
class KpiRow:
    label: str
    value: str  # as shown: the figure with its unit
    description: str
    figure: int | float | Decimal | None = None  # the figure alone, for spreadsheets
    unit: str = ""


@dataclass
class Chart:
    title: str
    kind: str  # "bar" or "pie"
    buckets: list[tuple[str, float]]


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[list]  # cells: str, int, Decimal or datetime.date
    empty: str = ""
    weights: tuple[float, ...] = ()  # relative column widths on paper (equal when empty)


@dataclass
class ReportContent:
    campus: Campus
    year: int
    language: str
    generated_on: datetime.date
    title: str
    subtitle: str
    campus_name: str
    campus_name_zh: str
    labels: dict[str, str]
    kpis: list[KpiRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    residents: Table | None = None
    agreements: Table | None = None
    milestones: Table | None = None

    @property
    def tables(self) -> list[Table]:
        return [table for table in (self.residents, self.agreements, self.milestones) if table is not None]


def format_value(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "share":  # a fraction of one, shown as a percentage
        return f"{float(value) * 100:.0f} %"
    if isinstance(value, float):
        text = f"{value:,.1f}"
    elif isinstance(value, Decimal):
        text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip() if unit else text


def precise_date(day: datetime.date | None, precision: str) -> str:
    """A date as precisely as its source states it (as the milestone pages show it)."""
    if day is None:
        return _("date unknown")
    if precision == DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    if precision == DatePrecision.YEAR:
        return day.strftime("%Y")
    return day.isoformat()


def gather(
    user, campus: Campus, year: int, *, language: str = "en", progress: Callable[[str], None] | None = None
) -> ReportContent:
    """The content of `campus`'s report for `year`, as `user` may see it, labelled in `language`."""
    step = progress or (lambda name: None)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    with translation.override(language):
        content = ReportContent(
            campus=campus,
            year=year,
            language=language,
            generated_on=timezone.localdate(),
            title=_("Annual report %(year)s") % {"year": year},
            subtitle=_("Key figures, new residents, agreements and milestones of %(year)s") % {"year": year},
            campus_name=campus.name,
            campus_name_zh=campus.name_zh,
            labels={
                "generated": _("Generated on"),
                "year": _("Year"),
                "kpis": _("Key figures"),
                "indicator": _("Indicator"),
                "value": _("Value"),
                "unit": _("Unit"),
                "description": _("Description"),
                "charts": _("Charts"),
                "page": _("Page"),
                "kpis_missing": _("No key figure for this campus and year."),
            },
        )
        step("kpis")
        content.kpis = _kpi_rows(user, campus, start, end)
        step("residents")
        residencies = _residents_signed(user, campus, start, end)
        content.residents = Table(
            title=_("Residents signed in %(year)s") % {"year": year},
            headings=[
                _("Organisation"),
                _("Chinese name"),
                _("Country"),
                _("Home or abroad"),
                _("Signed on"),
                _("Fields"),
            ],
            rows=[_resident_row(residency) for residency in residencies],
            empty=_("No resident signed in this year."),
            weights=(3, 2, 1.6, 1.3, 1.4, 2.2),
        )
        step("agreements")
        agreements = _agreements_signed(user, campus, start, end)
        content.agreements = Table(
            title=_("Agreements signed in %(year)s") % {"year": year},
            headings=[_("Title"), _("Type"), _("Parties"), _("Signed on"), _("Place")],
            rows=[_agreement_row(agreement) for agreement in agreements],
            empty=_("No agreement signed in this year."),
            weights=(3.5, 1.6, 2.8, 1.3, 1.3),
        )
        step("milestones")
        milestones = _milestones(user, campus, start, end)
        content.milestones = Table(
            title=_("Milestones of %(year)s") % {"year": year},
            headings=[_("Organisation"), _("Title"), _("Kind"), _("Value"), _("Unit"), _("Date")],
            rows=[_milestone_row(milestone) for milestone in milestones],
            empty=_("No milestone in this year."),
            weights=(2.2, 3, 1.7, 1.1, 1.1, 1.2),
        )
        step("charts")
        content.charts = _charts(residencies, agreements)
    return content


def _kpi_rows(user, campus, start, end) -> list[KpiRow]:
    # The KPI module is the one definition of each figure: the report shows them as the dashboard does.
    report = compute_kpis(user, campus=campus, start=start, end=end)
    return [
        KpiRow(
            label=str(kpi.label),
            value=format_value(kpi.value, kpi.unit),
            description=str(kpi.description),
            figure=kpi.value,
            unit=kpi.unit,
        )
        for kpi in report.kpis
    ]


# The lists follow the KPIs' definitions (insight.kpis), so that each list adds up to its figure: a record
# is of the year by its own date, else the first day of the event it was signed at (or reached at).


def _residents_signed(user, campus, start, end) -> list[Residency]:
    residencies = visible(Residency.objects.filter(campus=campus, status__in=SIGNED_STATUSES), user)
    return list(
        residencies.annotate(signed_date=Coalesce("signed_on", "signed_at__starts_on"))
        .filter(signed_date__gte=start, signed_date__lte=end)
        .select_related("organization", "campus__organization")
        .prefetch_related("organization__fields")
        .order_by("signed_date", "organization__name")
    )


def _resident_row(residency: Residency) -> list:
    organization = residency.organization
    abroad = residency.is_from_abroad
    where = _("unknown") if abroad is None else (_("abroad") if abroad else _("home"))
    fields = ", ".join(field.name for field in organization.fields.all())
    country = organization.country.name if organization.country else ""
    return [organization.name, organization.name_zh, str(country), where, residency.signed_date, fields]


def _agreements_signed(user, campus, start, end) -> list[Agreement]:
    agreements = visible(Agreement.objects.filter(campus=campus, status__in=SIGNED_AGREEMENT_STATUSES), user)
    return list(
        agreements.annotate(signed_date=Coalesce("signed_on", "signed_at__starts_on"))
        .filter(signed_date__gte=start, signed_date__lte=end)
        .prefetch_related("parties__organization")
        .order_by("signed_date", "title")
    )


def _agreement_row(agreement: Agreement) -> list:
    parties = ", ".join(party.organization.name for party in agreement.parties.all())
    return [agreement.title, agreement.get_type_display(), parties, agreement.signed_date, agreement.place]


def _milestones(user, campus, start, end) -> list[Milestone]:
    milestones = visible(Milestone.objects.filter(campus=campus), user)
    return list(
        milestones.annotate(dated_on=Coalesce("occurred_on", "event__starts_on"))
        .filter(dated_on__gte=start, dated_on__lte=end)
        .select_related("organization")
        .order_by("dated_on", "title")
    )


def _milestone_row(milestone: Milestone) -> list:
    return [
        milestone.organization.name,
        milestone.title,
        milestone.get_kind_display(),
        milestone.value,
        milestone.unit,
        precise_date(milestone.occurred_on, milestone.date_precision)
        if milestone.occurred_on
        else precise_date(milestone.dated_on, DatePrecision.DAY),
    ]


def _charts(residencies: list[Residency], agreements: list[Agreement]) -> list[Chart]:
    by_month = Counter(residency.signed_date.month for residency in residencies)
    months = [(datetime.date(2000, month, 1).strftime("%m"), float(by_month.get(month, 0))) for month in range(1, 13)]
    where = Counter(residency.is_from_abroad for residency in residencies)
    home_abroad = [(_("home"), float(where.get(False, 0))), (_("abroad"), float(where.get(True, 0)))]
    if where.get(None):
        home_abroad.append((_("unknown"), float(where[None])))
    by_type = Counter(agreement.get_type_display() for agreement in agreements)
    return [
        Chart(_("Residents signed by month"), "bar", months),
        Chart(_("Residents signed: home and abroad"), "pie", [b for b in home_abroad if b[1]]),
        Chart(_("Agreements by type"), "bar", sorted(by_type.items(), key=lambda item: (-item[1], item[0]))),
    ]
