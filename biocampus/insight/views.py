"""The dashboard and the ecosystem graph: thin views over `kpis.compute_kpis` and `graph.build_graph`.

Both pages take their filters from the query string (so a view can be bookmarked and shared) and
answer bad input with the form's messages (status 400), never a server error.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biocampus.campuses.selectors import campuses_of_user, current_campus_for
from biocampus.core.forms import DateInput
from biocampus.directory.models import Field, Organization

from . import graph as ecosystem
from . import kpis

WHOLE_NETWORK = "all"
THIS_YEAR, LAST_YEAR, ALL_TIME = "this_year", "last_year", "all_time"
# "All time" starts here: older than anything a campus records, and a date every database handles.
ALL_TIME_START = datetime.date(1900, 1, 1)
# Periods longer than this are charted by year rather than by month.
MONTHLY_CHART_LIMIT_DAYS = 3 * 366


class InsightFilterForm(forms.Form):
    """Campus, period and field, shared by the dashboard and the graph. `from` and `to` are Python
    keywords, hence the fields added in __init__ (the URL speaks the API's language: ?from=&to=)."""

    campus = forms.ChoiceField(
        label=gettext_lazy("Campus"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("No such campus, or not one of yours: %(value)s.")},
    )
    preset = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[
            ("", gettext_lazy("The dates below")),
            (THIS_YEAR, gettext_lazy("This year")),
            (LAST_YEAR, gettext_lazy("Last year")),
            (ALL_TIME, gettext_lazy("All time")),
        ],
    )
    field = forms.ChoiceField(
        label=gettext_lazy("Field"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("No such field: %(value)s.")},
    )

    def __init__(self, data, *, user, default_campus, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.campuses = {c.slug: c for c in campuses_of_user(user)}
        self.fields["campus"].choices = [(WHOLE_NETWORK, _("Whole network"))] + [
            (slug, campus.name) for slug, campus in self.campuses.items()
        ]
        self.fields["campus"].initial = default_campus.slug if default_campus else WHOLE_NETWORK
        self.field_objects = {f.slug: f for f in Field.objects.all()}
        self.fields["field"].choices = [("", _("All fields"))] + [
            (f.slug, str(f)) for f in sorted(self.field_objects.values(), key=str)
        ]
        self.default_campus = default_campus

    def clean_campus(self):
        slug = self.cleaned_data["campus"]
        if not slug:
            return self.default_campus
        if slug == WHOLE_NETWORK:
            return None
        return self.campuses[slug]  # ChoiceField already refused anything else

    def clean_field(self):
        slug = self.cleaned_data["field"]
        return self.field_objects.get(slug) if slug else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end of the period comes before its start."))
        return cleaned

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        preset = self.cleaned_data.get("preset")
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if start or end:  # dates typed in win over the preset
            return start or ALL_TIME_START, end or today
        if preset == LAST_YEAR:
            return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
        if preset == ALL_TIME:
            return ALL_TIME_START, today
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


class DashboardFilterForm(InsightFilterForm):
    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["as_of"] = forms.DateField(
            label=_("As of"),
            required=False,
            widget=DateInput(),
            help_text=_("The records as they stood on this date, from the history."),
        )


class GraphFilterForm(InsightFilterForm):
    def __init__(self, data, **kwargs):
        # Unset filters mean every kind of tie over all time (a bound form ignores `initial`).
        data = data.copy()
        if not data.getlist("types"):
            data.setlist("types", list(ecosystem.EDGE_TYPES))
        if not (data.get("preset") or data.get("from") or data.get("to")):
            data["preset"] = ALL_TIME
        super().__init__(data, **kwargs)
        labels = ecosystem.edge_type_labels()
        self.fields["types"] = forms.MultipleChoiceField(
            label=_("Ties"),
            required=False,
            choices=[(t, labels[t]) for t in ecosystem.EDGE_TYPES],
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["center"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        self.fields["depth"] = forms.TypedChoiceField(
            label=_("Depth"), required=False, coerce=int, empty_value=1, choices=[(1, "1"), (2, "2")]
        )

    def clean_center(self):
        public_id = self.cleaned_data["center"]
        if public_id is None:
            return None
        organization = Organization.objects.filter(public_id=public_id).first()
        if organization is None:
            raise forms.ValidationError(_("No such organisation."))
        return organization

    def filters(self) -> ecosystem.GraphFilters:
        data = self.cleaned_data
        start = end = None
        if data.get("preset") in (THIS_YEAR, LAST_YEAR) or data.get("from") or data.get("to"):
            start, end = self.period(timezone.localdate())
        return ecosystem.GraphFilters(
            campus=data.get("campus"),
            edge_types=tuple(data.get("types") or ecosystem.EDGE_TYPES),
            field=data.get("field"),
            start=start,
            end=end,
            center=data.get("center"),
            depth=data.get("depth") or 1,
        )


def _number(value, unit: str = "") -> float | int | None:
    """A KPI value as a JSON number; shares (0..1) as percentages."""
    if value is None:
        return None
    if unit == SHARE:
        value = Decimal(value) * 100
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else round(float(value), 2)
    return value


def _display(value, unit: str = "") -> str:
    """A KPI value as people read it: 1,234 · 87% · 12,500,000 CNY. Units that are words ("residencies")
    are said by the label already."""
    number = _number(value, unit)
    if number is None:
        return "–"
    decimals = 0 if number == int(number) else 1
    shown = formats.number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if unit == SHARE:
        return f"{shown}%"
    if len(unit) == 3 and unit.isupper():  # a currency code
        return f"{shown} {unit}"
    return shown


SHARE = "share"

# (KPI name, breakdown, chart type, title). Titles are lazy: translated when the page is drawn.
CHARTS = [
    ("residents_signed", "by_month", "bar", gettext_lazy("Residents signed by month")),
    ("residents_signed", "by_year", "bar", gettext_lazy("Residents signed by year")),
    ("residents_signed", "home_abroad", "pie", gettext_lazy("Residents signed: home and abroad")),
    ("residents_signed", "by_country", "bar", gettext_lazy("Residents signed by country")),
    ("residents_signed", "by_field", "bar", gettext_lazy("Residents signed by field")),
    ("international_strategic_partners", "by_country", "bar", gettext_lazy("International partners by country")),
    ("agreements", "by_type", "bar", gettext_lazy("Agreements by type")),
    ("milestones", "by_kind", "bar", gettext_lazy("Milestones by kind")),
    ("milestones", "market_reach", "bar", gettext_lazy("Market reach")),
    ("programme_progress", "by_status", "bar", gettext_lazy("Programme targets by status")),
    ("service_requests_answered_in_time", "counts", "gauge", gettext_lazy("Service requests answered in time")),
    ("funding_raised", "by_year", "bar", gettext_lazy("Funding raised by year")),
    ("showcases", "outcome", "pie", gettext_lazy("Showcases: what came of them")),
]


def dashboard_charts(report, *, long_period: bool) -> list[dict]:
    """What each chart draws, as plain data for json_script and the fallback tables."""
    charts = []
    for name, breakdown, chart_type, title in CHARTS:
        if name == "residents_signed" and breakdown == ("by_month" if long_period else "by_year"):
            continue  # one trend chart: by month for short periods, by year for long ones
        try:
            kpi = report.get(name)
        except KeyError:
            continue
        buckets = kpi.breakdowns.get(breakdown)
        if buckets is None:
            continue
        chart = {
            "id": f"chart-{name}-{breakdown}".replace("_", "-"),
            "title": str(title),
            "type": chart_type,
            "buckets": [_bucket(b, "" if chart_type == "gauge" else kpi.unit) for b in buckets],
        }
        if chart_type == "gauge":  # the share itself, with its counts in the table
            chart.update(value=_number(kpi.value, kpi.unit), display=_display(kpi.value, kpi.unit), url=kpi.url)
        charts.append(chart)
    return charts


def _bucket(bucket, unit: str) -> dict:
    return {
        "key": str(bucket.key),
        "label": str(bucket.label),
        # Breakdowns of a share count records (targets by status): only the headline is a share.
        "value": _number(bucket.value, "" if unit == SHARE else unit),
        "display": _display(bucket.value, "" if unit == SHARE else unit),
        "url": bucket.url,
    }


def dashboard(request):
    choice = current_campus_for(request)
    data = request.GET if request.GET else None
    form = DashboardFilterForm(data, user=request.user, default_campus=choice.current)
    context = {"form": form, "report": None, "cards": [], "charts": []}
    if data is None:
        # The first visit: the current campus, this year.
        form = DashboardFilterForm(
            {"campus": form.fields["campus"].initial, "preset": THIS_YEAR},
            user=request.user,
            default_campus=choice.current,
        )
        context["form"] = form
    if not form.is_valid():
        return render(request, "insight/dashboard.html", context, status=400)
    start, end = form.period(timezone.localdate())
    as_of = form.cleaned_data.get("as_of")
    if as_of and as_of < start:
        form.add_error("as_of", _("The 'as of' date comes before the start of the period."))
        return render(request, "insight/dashboard.html", context, status=400)
    report = kpis.compute_kpis(
        request.user,
        campus=form.cleaned_data["campus"],
        start=start,
        end=end,
        field=form.cleaned_data["field"],
        as_of=as_of,
    )
    context.update(
        report=report,
        start=report.start,
        end=report.end,
        cards=[{"kpi": kpi, "display": _display(kpi.value, kpi.unit)} for kpi in report.kpis],
        charts=dashboard_charts(report, long_period=(end - start).days > MONTHLY_CHART_LIMIT_DAYS),
    )
    return render(request, "insight/dashboard.html", context)


def _graph_form(request) -> GraphFilterForm:
    choice = current_campus_for(request)
    # An organisation's neighbourhood spans the network unless a campus is asked for.
    default = None if request.GET.get("center") else choice.current
    return GraphFilterForm(request.GET, user=request.user, default_campus=default)


def graph_page(request):
    form = _graph_form(request)
    valid = form.is_valid()
    context = {
        "form": form,
        "data_url": f"{reverse('insight:graph_data')}?{request.GET.urlencode()}",
        "center": form.cleaned_data.get("center") if valid else None,
    }
    return render(request, "insight/graph.html", context, status=200 if valid else 400)


def graph_data(request):
    form = _graph_form(request)
    if not form.is_valid():
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        return JsonResponse({"detail": _("Check the filters."), "errors": errors}, status=400)
    data = ecosystem.build_graph(request.user, form.filters())
    data["note"] = (
        _("Showing %(shown)s of %(total)s organisations: the best connected.")
        % {"shown": data["shown_nodes"], "total": data["total_nodes"]}
        if data["truncated"]
        else _("%(total)s organisations.") % {"total": data["total_nodes"]}
    )
    return JsonResponse(data)
