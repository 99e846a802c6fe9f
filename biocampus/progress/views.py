from django.utils.translation import gettext_lazy as _

from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .forms import (
    FundingRoundForm,
    InvestorFormSet,
    MilestoneForm,
    ObservationFormSet,
    ProgrammeForm,
    RunByFormSet,
    TargetForm,
)
from .models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target
from .selectors import funding_rounds_for, milestones_for, programmes_for, targets_for


def _value(record):
    return f"{record.value:,.0f} {record.unit}" if record.value is not None else ""


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
    ]

    def selector(self, user):
        return milestones_for(user, kind=self.request.GET.get("kind", ""))


class MilestoneDetailView(RecordDetailView):
    model = Milestone
    template_name = "progress/milestone_detail.html"

    def selector(self, user):
        return milestones_for(user)


class MilestoneFormView(RecordFormView):
    model = Milestone
    form_class = MilestoneForm

    def selector(self, user):
        return milestones_for(user)

    def perform(self, form, formsets):
        if self.object is None:
            return services.milestone_create(actor=self.request.user, **form.cleaned_data)
        return services.milestone_update(actor=self.request.user, milestone=self.object, **form.cleaned_data)


class ProgrammeListView(RecordListView):
    model = Programme
    title = _("Programmes")
    create_url_name = "progress:programme_create"
    columns = [
        Column(_("Programme"), "name", link=True),
        Column(_("Run by"), lambda p: ", ".join(o.name for o in p.organizations.all())),
        Column(_("Starts"), "starts_on"),
        Column(_("Ends"), "ends_on"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        return programmes_for(user)


class ProgrammeDetailView(RecordDetailView):
    model = Programme
    template_name = "progress/programme_detail.html"

    def selector(self, user):
        return programmes_for(user)


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


class TargetListView(RecordListView):
    model = Target
    title = _("Targets")
    create_url_name = "progress:target_create"
    columns = [
        Column(_("Metric"), "metric", link=True),
        Column(_("Programme"), "programme"),
        Column(_("Organisation"), "organization"),
        Column(_("Goal"), lambda t: f"{t.goal:,.0f} {t.unit}"),
        Column(_("Due"), "due_on"),
    ]

    def selector(self, user):
        return targets_for(user)


class TargetDetailView(RecordDetailView):
    model = Target
    template_name = "progress/target_detail.html"
    history_children = ((Observation, "target"),)

    def selector(self, user):
        return targets_for(user)


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


class FundingRoundListView(RecordListView):
    model = FundingRound
    title = _("Funding rounds")
    create_url_name = "progress:fundinground_create"
    columns = [
        Column(_("Round"), str, link=True),
        Column(_("Investors"), lambda r: ", ".join(str(i) for i in r.investments.all())),
        Column(_("Date"), "announced_on"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        return funding_rounds_for(user)


class FundingRoundDetailView(RecordDetailView):
    model = FundingRound
    template_name = "progress/fundinground_detail.html"
    history_children = ((FundingInvestment, "funding_round"),)

    def selector(self, user):
        return funding_rounds_for(user)


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
