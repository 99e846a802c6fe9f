from django import forms
from django.forms.formsets import TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import ChildFormSet, DateInput, RecordForm, UserFormMixin
from biocampus.directory.forms import OrganizationField

from .choices import ParticipationRole
from .models import Event, Lead


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


class ParticipationForm(UserFormMixin, forms.Form):
    organization = OrganizationField(label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user


class OptionalChildFormSet(ChildFormSet):
    """A formset that a POST may leave out altogether (a script or an older form that only knows the
    showcases): then its rows stay as they are (`rows()` is None) instead of the form being refused."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.left_out = data is not None and self.add_prefix(TOTAL_FORM_COUNT) not in data

    def is_valid(self):
        return True if self.left_out else super().is_valid()

    def rows(self):
        return None if self.left_out else super().rows()


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=OptionalChildFormSet, extra=3, can_delete=True, max_num=500
)


class LeadForm(RecordForm):
    """A lead at one event (the event is fixed by the page): what it became is picked among the records
    of the event's campus that the user may read."""

    organization = OrganizationField(label=_("Prospect (in the directory)"), required=False)
    taken_by = OrganizationField(label=_("Taken by"), required=False)

    class Meta:
        model = Lead
        fields = [
            "organization", "prospect_name", "taken_by", "contact_name", "contact_email", "interest",
            "status", "outcome", "follow_up_on", "agreement", "residency",
        ]  # fmt: skip
        widgets = {
            "follow_up_on": DateInput,
            "interest": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        from biocampus.agreements.selectors import agreements_for
        from biocampus.campuses.selectors import residencies_for

        event = event or self.instance.event
        self.fields["organization"].help_text = _("Or type the prospect's name below if it is not in the directory.")
        for name in ("organization", "taken_by"):
            self.fields[name].user = self.user
            if self.instance.pk:
                self.initial[name] = getattr(self.instance, name)
        self.fields["agreement"].queryset = agreements_for(self.user).filter(campus=event.campus)
        self.fields["residency"].queryset = residencies_for(self.user, campus=event.campus)
