from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import ChildFormSet, DateInput, RecordForm, UserFormMixin
from biocampus.directory.forms import OrganizationField

from .models import ExchangeRate, FundingRound, Milestone, Programme, Target


class CampusScopedForm(RecordForm):
    """The campus can only be one the user edits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)
        for name, field in self.fields.items():
            if isinstance(field, OrganizationField):
                field.user = self.user
                if self.instance.pk:
                    self.initial[name] = getattr(self.instance, name)


class MilestoneForm(CampusScopedForm):
    organization = OrganizationField(label=_("Organisation"))

    class Meta:
        model = Milestone
        fields = [
            "campus",
            "organization",
            "kind",
            "title",
            "occurred_on",
            "date_precision",
            "value",
            "unit",
            "event",
            "description",
        ]
        widgets = {"occurred_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from biocampus.events.selectors import events_for

        self.fields["event"].queryset = events_for(self.user)


class ProgrammeForm(CampusScopedForm):
    class Meta:
        model = Programme
        fields = ["campus", "name", "name_zh", "agreement", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from biocampus.agreements.selectors import agreements_for

        self.fields["agreement"].queryset = agreements_for(self.user)


class RunByForm(UserFormMixin, forms.Form):
    organization = OrganizationField(label=_("Run by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user


RunByFormSet = forms.formset_factory(RunByForm, formset=ChildFormSet, extra=2, can_delete=True, max_num=50)


class TargetForm(CampusScopedForm):
    organization = OrganizationField(label=_("Organisation"), required=False)

    class Meta:
        model = Target
        fields = ["campus", "programme", "organization", "metric", "unit", "baseline", "goal", "starts_on", "due_on"]
        widgets = {"starts_on": DateInput, "due_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import programmes_for

        self.fields["programme"].queryset = programmes_for(self.user)


class ObservationForm(UserFormMixin, forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


ObservationFormSet = forms.formset_factory(
    ObservationForm, formset=ChildFormSet, extra=1, can_delete=False, max_num=1000
)


class FundingRoundForm(CampusScopedForm):
    recipient = OrganizationField(label=_("Recipient"))

    class Meta:
        model = FundingRound
        fields = [
            "campus",
            "recipient",
            "round_type",
            "amount",
            "currency",
            "announced_on",
            "date_precision",
            "description",
        ]
        widgets = {"announced_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class InvestorForm(UserFormMixin, forms.Form):
    investor = OrganizationField(label=_("Investor"))
    is_lead = forms.BooleanField(label=_("Lead"), required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=2, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investor"].user = self.user


InvestorFormSet = forms.formset_factory(InvestorForm, formset=ChildFormSet, extra=2, can_delete=True, max_num=100)


class EvidenceForm(UserFormMixin, forms.Form):
    """A document or a link for a milestone; the service checks the file and that one of the two is given."""

    title = forms.CharField(label=_("Title"), max_length=300, required=False, help_text=_("The file name if empty."))
    file = forms.FileField(label=_("File"), required=False, max_length=255)
    url = forms.URLField(label=_("or a link"), max_length=1000, required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ExchangeRateForm(RecordForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate", "valid_from", "source"]
        widgets = {"valid_from": DateInput}

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()
