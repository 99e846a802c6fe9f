from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import ChildFormSet, DateInput, RecordForm, UserFormMixin
from biocampus.directory.forms import OrganizationField

from .models import Event


class EventForm(RecordForm):
    class Meta:
        model = Event
        fields = [
            "campus", "name", "name_zh", "short_name", "kind", "starts_on", "ends_on",
            "place", "city", "country", "website", "description",
        ]  # fmt: skip
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)


class ShowcaseForm(UserFormMixin, forms.Form):
    organization = OrganizationField(label=_("Exhibitor"))
    offering = forms.CharField(label=_("Offering"), max_length=300)
    booth_host = OrganizationField(label=_("Booth of"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("What came of it"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user
        self.fields["booth_host"].user = self.user


ShowcaseFormSet = forms.formset_factory(ShowcaseForm, formset=ChildFormSet, extra=2, can_delete=True, max_num=200)
