from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import ChildFormSet, DateInput, RecordForm, UserFormMixin
from biocampus.directory.forms import OrganizationField

from .choices import OperatorRole
from .models import Campus, Residency


class CampusForm(RecordForm):
    class Meta:
        model = Campus
        fields = ["opened_on", "operational_on", "sister_campuses"]
        widgets = {
            "opened_on": DateInput,
            "operational_on": DateInput,
            "sister_campuses": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Campus.objects.select_related("organization")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["sister_campuses"].queryset = others


class CampusCreateForm(CampusForm):
    """A new campus: an organisation of kind campus already in the directory, and a short name for URLs."""

    organization = OrganizationField(label=_("Organisation"), help_text=_("An organisation of kind campus."))

    class Meta(CampusForm.Meta):
        fields = ["organization", "slug", "opened_on", "operational_on", "sister_campuses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user


class OperatorForm(UserFormMixin, forms.Form):
    organization = OrganizationField(label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=OperatorRole.choices, initial=OperatorRole.CO_BUILDER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user


OperatorFormSet = forms.formset_factory(OperatorForm, formset=ChildFormSet, extra=2, can_delete=True, max_num=20)


class ResidencyForm(RecordForm):
    organization = OrganizationField(label=_("Organisation"))

    class Meta:
        model = Residency
        fields = [
            "organization",
            "campus",
            "status",
            "applied_on",
            "signed_on",
            "moved_in_on",
            "ended_on",
            "signed_at",
            "notes",
        ]
        widgets = {
            "applied_on": DateInput,
            "signed_on": DateInput,
            "moved_in_on": DateInput,
            "ended_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from biocampus.events.selectors import events_for

        self.fields["organization"].user = self.user
        self.fields["campus"].queryset = campuses_editable_by(self.user)
        self.fields["signed_at"].queryset = events_for(self.user)
        if self.instance.pk:
            self.initial["organization"] = self.instance.organization
