from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from biocampus.accounts import permissions
from biocampus.core.files import serve_attached_file
from biocampus.core.list_filters import campus_and_period
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView
from biocampus.insight.kpis import programme_progress, target_progress, targets_progress

from . import services
from .chart import target_chart
from .currency import conversion_of, conversions_of, converted_total, reporting_currency
from .forms import (
    EvidenceForm,
    ExchangeRateForm,
    FundingRoundForm,
    InvestorFormSet,
    MilestoneForm,
    ObservationForm,
    ObservationFormSet,
    ProgrammeForm,
    RunByFormSet,
    TargetForm,
)
from .models import (
    ExchangeRate,
    FundingInvestment,
    FundingRound,
    Milestone,
    MilestoneEvidence,
    Observation,
    Programme,
    Target,
)
from .selectors import (
    evidence_for,
    exchange_rates_for,
    funding_rounds_for,
    milestones_for,
    programmes_for,
    targets_for,
)

# Badge colours by status: green when done or on track, amber behind, red overdue, grey not started.
STATUS_COLOURS = {
    "achieved": "#0b7a5a",
    "on_track": "#0b7a5a",
    "behind": "#8a6d00",
    "overdue": "#b00020",
    "not_started": "#777",
}


def progress_cell(progress):
    """A progress bar and a status badge, for list cells (escaped by format_html)."""
    if progress is None or progress.status is None:
        return ""
    return format_html(
        '<progress value="{}" max="100" aria-label="{}"></progress> '
        '<span class="badge status-{}" style="background:{}">{}</span>',
        progress.percent,
        _gettext("%(percent)s%% of the way") % {"percent": progress.percent},
        progress.status,
        STATUS_COLOURS.get(progress.status, "#777"),
        progress.status_label,
    )


class AttachProgressMixin:
    """Computes each listed record's progress once for the page, with no query per row."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = list(object_list)
        self.attach(page.object_list)
        return paginator, page, page.object_list, is_paginated

    def attach(self, records):
        raise NotImplementedError


class DeleteConfirmView(View):
    """GET: the confirmation page; POST: delete through the service and go back to the list."""

    model = None
    service = None
    record_argument = ""
    list_url_name = ""
    consequence = ""

    def selector(self, user):
        raise NotImplementedError

    def get_object(self, request, public_id):
        record = self.selector(request.user).filter(public_id=public_id).first()
        if record is None:
            raise Http404(_("No such record, or you may not see it."))
        if not permissions.can(request.user, permissions.DELETE, record):
            raise PermissionDenied(_("You may not delete this record."))
        return record

    def get(self, request, public_id):
        record = self.get_object(request, public_id)
        context = {"object": record, "consequence": self.describe(record), "kind": self.model._meta.verbose_name}
        return render(request, "progress/confirm_delete.html", context)

    def post(self, request, public_id):
        record = self.get_object(request, public_id)
        self.service(actor=request.user, **{self.record_argument: record})
        messages.success(request, _("Deleted: %(record)s") % {"record": record})
        return redirect(self.list_url_name)

    def describe(self, record) -> str:
        return ""


def _value(record):
    return f"{record.value:,.0f} {record.unit}" if record.value is not None else ""


# --- milestones and their evidence ---------------------------------------------------------------------


class MilestoneListView(RecordListView):
    model = Milestone
    title = _("Milestones")
    create_url_name = "progress:milestone_create"
    columns = [
        Column(_("Milestone"), "title", link=True),
        Column(_("Organisation"), "organization"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Date"), "occurred_on"),
        Column(_("Value"), _value),
        Column(_("Evidence"), lambda m: len(m.evidence.all()) or ""),
    ]

    def selector(self, user):
        milestones = milestones_for(user, kind=self.request.GET.get("kind", ""))
        return campus_and_period(milestones, self.request.GET, dates=("occurred_on", "event__starts_on"))


class MilestoneDetailView(RecordDetailView):
    model = Milestone
    template_name = "progress/milestone_detail.html"
    history_children = ((MilestoneEvidence, "milestone"),)

    def selector(self, user):
        return milestones_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("evidence_form", EvidenceForm(user=self.request.user))
        return context


@require_POST
def evidence_add(request, public_id):
    milestone = get_object_or_404(milestones_for(request.user), public_id=public_id)
    form = EvidenceForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            services.evidence_add(actor=request.user, milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, _("Evidence added."))
            return redirect(milestone)
    view = MilestoneDetailView()
    view.setup(request, public_id=public_id)
    view.object = milestone
    context = view.get_context_data(object=milestone, evidence_form=form)
    return render(request, view.template_name, context, status=422)


@require_POST
def evidence_remove(request, public_id, evidence_id):
    evidence = get_object_or_404(evidence_for(request.user), milestone__public_id=public_id, public_id=evidence_id)
    services.evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("Evidence removed."))
    return redirect(evidence.milestone)


@require_GET
def evidence_download(request, public_id, evidence_id):
    """The evidence file, only to users who may read its milestone."""
    evidence = get_object_or_404(evidence_for(request.user), milestone__public_id=public_id, public_id=evidence_id)
    return serve_attached_file(evidence.file)


class MilestoneFormView(RecordFormView):
    model = Milestone
    form_class = MilestoneForm

    def selector(self, user):
        return milestones_for(user)

    def perform(self, form, formsets):
        if self.object is None:
            return services.milestone_create(actor=self.request.user, **form.cleaned_data)
        return services.milestone_update(actor=self.request.user, milestone=self.object, **form.cleaned_data)


# --- programmes ----------------------------------------------------------------------------------------


class ProgrammeListView(AttachProgressMixin, RecordListView):
    model = Programme
    title = _("Programmes")
    create_url_name = "progress:programme_create"
    columns = [
        Column(_("Programme"), "name", link=True),
        Column(_("Run by"), lambda p: ", ".join(o.name for o in p.organizations.all())),
        Column(_("Progress"), lambda p: progress_cell(p.progress)),
        Column(_("Starts"), "starts_on"),
        Column(_("Ends"), "ends_on"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        return programmes_for(user)

    def attach(self, records):
        for programme in records:
            programme.progress = programme_progress(programme)


class ProgrammeDetailView(RecordDetailView):
    model = Programme
    template_name = "progress/programme_detail.html"

    def selector(self, user):
        return programmes_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = programme_progress(self.object)
        context["can_delete"] = permissions.can(self.request.user, permissions.DELETE, self.object)
        context["status_colours"] = STATUS_COLOURS
        return context


class ProgrammeFormView(RecordFormView):
    model = Programme
    form_class = ProgrammeForm
    formset_classes = {"organizations": RunByFormSet}

    def selector(self, user):
        return programmes_for(user)

    def formset_initial(self, name):
        return [{"organization": o} for o in self.object.organizations.all()] if self.object else []

    def perform(self, form, formsets):
        organizations = [row["organization"] for row in formsets["organizations"].rows()]
        if self.object is None:
            return services.programme_create(actor=self.request.user, organizations=organizations, **form.cleaned_data)
        return services.programme_update(
            actor=self.request.user, programme=self.object, organizations=organizations, **form.cleaned_data
        )


class ProgrammeDeleteView(DeleteConfirmView):
    model = Programme
    service = staticmethod(services.programme_delete)
    record_argument = "programme"
    list_url_name = "progress:programme_list"

    def selector(self, user):
        return programmes_for(user)

    def describe(self, record):
        count = len(record.targets.all())
        if not count:
            return ""
        return _("Its %(count)s target(s) and their observations are deleted with it.") % {"count": count}


# --- targets and their observations --------------------------------------------------------------------


class TargetListView(AttachProgressMixin, RecordListView):
    model = Target
    title = _("Targets")
    create_url_name = "progress:target_create"
    columns = [
        Column(_("Metric"), "metric", link=True),
        Column(_("Programme"), "programme"),
        Column(_("Organisation"), "organization"),
        Column(_("Goal"), lambda t: f"{t.goal:,.0f} {t.unit}"),
        Column(_("Latest"), lambda t: f"{t.progress.latest_value:,.0f}" if t.progress.latest_value is not None else ""),
        Column(_("Progress"), lambda t: progress_cell(t.progress)),
        Column(_("Due"), "due_on"),
    ]

    def selector(self, user):
        return targets_for(user)

    def attach(self, records):
        progress = targets_progress(records)
        for target in records:
            target.progress = progress[target.pk]


class TargetDetailView(RecordDetailView):
    model = Target
    template_name = "progress/target_detail.html"
    history_children = ((Observation, "target"),)

    def selector(self, user):
        return targets_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        observations = list(self.object.observations.all())
        progress = target_progress(self.object, observations=observations)
        context.update(
            observations=observations,
            progress=progress,
            chart=target_chart(self.object, observations, progress),
            status_colour=STATUS_COLOURS.get(progress.status, "#777"),
            can_delete=permissions.can(self.request.user, permissions.DELETE, self.object),
        )
        context.setdefault("observation_form", ObservationForm(user=self.request.user))
        return context


@require_POST
def observation_add(request, public_id):
    """Record a value of the target's metric from its page (staff)."""
    target = get_object_or_404(targets_for(request.user), public_id=public_id)
    form = ObservationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.observation_record(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, _("Observation recorded."))
            return redirect(target)
    view = TargetDetailView()
    view.setup(request, public_id=public_id)
    view.object = target
    return render(request, view.template_name, view.get_context_data(object=target, observation_form=form), status=422)


class TargetFormView(RecordFormView):
    model = Target
    form_class = TargetForm
    formset_classes = {"observations": ObservationFormSet}

    def selector(self, user):
        return targets_for(user)

    def formset_initial(self, name):
        return []  # existing observations stay; rows here add or correct by date

    def perform(self, form, formsets):
        observations = formsets["observations"].rows()
        if self.object is None:
            return services.target_create(actor=self.request.user, observations=observations, **form.cleaned_data)
        return services.target_update(
            actor=self.request.user, target=self.object, observations=observations, **form.cleaned_data
        )


class TargetDeleteView(DeleteConfirmView):
    model = Target
    service = staticmethod(services.target_delete)
    record_argument = "target"
    list_url_name = "progress:target_list"

    def selector(self, user):
        return targets_for(user)

    def describe(self, record):
        count = len(record.observations.all())
        if not count:
            return ""
        return _("Its %(count)s observation(s) are deleted with it.") % {"count": count}


# --- funding rounds ------------------------------------------------------------------------------------


def _converted(funding_round):
    conversion = funding_round.conversion
    if conversion is None:
        return _("not converted") if funding_round.amount is not None else ""
    approximately = "≈ " if conversion.rate_valid_from is not None else ""  # not in the reporting currency
    return f"{approximately}{conversion.amount:,.0f} {conversion.currency}"


def _amount(funding_round):
    if funding_round.amount is None:
        return ""
    return f"{funding_round.amount:,.0f} {funding_round.currency}"


class FundingRoundListView(AttachProgressMixin, RecordListView):
    model = FundingRound
    title = _("Funding rounds")
    create_url_name = "progress:fundinground_create"
    template_name = "progress/fundinground_list.html"
    partial_template_name = "progress/partials/fundinground_table.html"
    columns = [
        Column(_("Round"), str, link=True),
        Column(_("Investors"), lambda r: ", ".join(str(i) for i in r.investments.all())),
        Column(_("Amount"), _amount),
        Column(_("Converted"), _converted),
        Column(_("Date"), "announced_on"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        rounds = funding_rounds_for(user)
        query = self.request.GET.get("q", "").replace("\x00", "").strip()
        for term in query.split():
            rounds = rounds.filter(recipient__name__icontains=term)
        return campus_and_period(rounds, self.request.GET, dates=("announced_on",))

    def attach(self, records):
        conversions = conversions_of(records)
        for funding_round in records:
            funding_round.conversion = conversions[funding_round.pk]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.object_list.prefetch_related(None).order_by().values_list("amount", "currency", "announced_on")
        context["total"] = converted_total(rows)
        return context


class FundingRoundDetailView(RecordDetailView):
    model = FundingRound
    template_name = "progress/fundinground_detail.html"
    history_children = ((FundingInvestment, "funding_round"),)

    def selector(self, user):
        return funding_rounds_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conversion"] = conversion_of(self.object)
        context["reporting_currency"] = reporting_currency()
        return context


class FundingRoundFormView(RecordFormView):
    model = FundingRound
    form_class = FundingRoundForm
    formset_classes = {"investors": InvestorFormSet}

    def selector(self, user):
        return funding_rounds_for(user)

    def formset_initial(self, name):
        if self.object is None:
            return []
        return [
            {"investor": i.investor, "is_lead": i.is_lead, "amount": i.amount} for i in self.object.investments.all()
        ]

    def perform(self, form, formsets):
        investors = formsets["investors"].rows()
        if self.object is None:
            return services.funding_round_create(actor=self.request.user, investors=investors, **form.cleaned_data)
        return services.funding_round_update(
            actor=self.request.user, funding_round=self.object, investors=investors, **form.cleaned_data
        )


# --- exchange rates ------------------------------------------------------------------------------------


@require_GET
def exchange_rate_list(request):
    """The network's rates: every member reads them; superusers keep them."""
    rates = list(exchange_rates_for(request.user, currency=request.GET.get("currency", "").strip().upper()[:3]))
    context = {
        "rates": rates,
        "reporting_currency": reporting_currency(),
        "can_add": permissions.can_add(request.user, ExchangeRate),
        "can_edit": permissions.can_add(request.user, ExchangeRate),  # superusers only, for every rate alike
    }
    return render(request, "progress/exchangerate_list.html", context)


class ExchangeRateFormView(RecordFormView):
    model = ExchangeRate
    form_class = ExchangeRateForm
    title = _("New exchange rate")

    def selector(self, user):
        return exchange_rates_for(user)

    def perform(self, form, formsets):
        return services.exchange_rate_set(actor=self.request.user, exchange_rate=self.object, **form.cleaned_data)


class ExchangeRateDeleteView(DeleteConfirmView):
    model = ExchangeRate
    service = staticmethod(services.exchange_rate_delete)
    record_argument = "exchange_rate"
    list_url_name = "progress:exchangerate_list"

    def selector(self, user):
        return exchange_rates_for(user)
