from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import ChildFormSet, DateInput, RecordForm, UserFormMixin
from biocampus.directory.forms import OrganizationField

from .choices import PartyRole
from .models import Agreement


class AgreementForm(RecordForm):
    class Meta:
        model = Agreement
        fields = ["campus", "title", "title_zh", "type", "status", "signed_on", "signed_at", "place", "summary"]
        widgets = {"signed_on": DateInput, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from biocampus.events.selectors import events_for

        self.fields["campus"].queryset = campuses_editable_by(self.user)
        self.fields["signed_at"].queryset = events_for(self.user)


class PartyForm(UserFormMixin, forms.Form):
    organization = OrganizationField(label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, initial=PartyRole.PARTY)
    signatory = forms.CharField(label=_("Signed by"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user


PartyFormSet = forms.formset_factory(PartyForm, formset=ChildFormSet, extra=2, can_delete=True, max_num=50)
