from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import RecordForm, UserFormMixin
from biocampus.core.text import clean_text
from biocampus.directory.forms import OrganizationField
from biocampus.directory.models import Field

from .choices import MAX_ATTACHMENTS, SCORE_MAX, SCORE_MIN, Need, Outcome
from .models import Application, IntakeCriterion


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (core.files.validate_attachment)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(file, initial) for file in files]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Send at most %(count)d files.") % {"count": MAX_ATTACHMENTS})
        return files


class CleanTextMixin:
    """Text is refused with a message when it holds NUL bytes or control characters, as the services do."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    cleaned[name] = clean_text(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class ApplicationForm(CleanTextMixin, forms.ModelForm):
    """What an applicant fills in, on the public form (and staff, for an application received otherwise)."""

    fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    needs = forms.MultipleChoiceField(
        label=_("What do you need from the campus?"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files: pitch deck, business plan… (PDF, Office documents, images, text)."),
    )

    class Meta:
        model = Application
        fields = [
            "company_name", "company_name_zh", "website", "country", "city", "fields", "stage", "founded_year",
            "founders", "contact_name", "contact_email", "contact_phone", "summary", "needs", "needs_detail",
        ]  # fmt: skip
        widgets = {
            "founders": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "needs_detail": forms.Textarea(attrs={"rows": 3}),
        }


class PublicApplicationForm(ApplicationForm):
    # The honeypot: hidden from people (and from screen readers), filled in by bots that fill in everything.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))


class StaffApplicationForm(UserFormMixin, ApplicationForm):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=None)
    language = forms.ChoiceField(
        label=_("Language of the emails"), choices=Application._meta.get_field("language").choices
    )

    field_order = ["campus", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)


class CriterionForm(RecordForm):
    class Meta:
        model = IntakeCriterion
        fields = ["campus", "name", "name_zh", "description", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class ReviewForm(CleanTextMixin, forms.Form):
    """My review: one score per criterion of the campus (a criterion left at — is not judged)."""

    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=[("", "—"), *Outcome.choices], required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scored = {}
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            scored[name] = forms.TypedChoiceField(
                label=criterion.display_name,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("weight %(weight)d") % {"weight": criterion.weight},
            )
        self.fields = {**scored, **self.fields}

    def scores(self) -> dict:
        return {criterion: self.cleaned_data.get(f"score_{criterion.pk}") for criterion in self.criteria}


NEW = "new"


class DecisionForm(UserFormMixin, CleanTextMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant receives them by email."),
    )
    match = forms.ChoiceField(label=_("Organisation (when accepting)"), required=False, widget=forms.RadioSelect)
    organization = OrganizationField(
        label=_("…or another organisation of the directory"),
        required=False,
        help_text=_("Type to search the directory."),
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {str(p.organization.public_id): p for p in proposals}
        choices = [
            (public_id, f"{p.organization.display_name} — {p.reason} ({p.score:.0%})")
            for public_id, p in self.proposals.items()
        ]
        choices.append((NEW, _("A new organisation in the directory")))
        self.fields["match"].choices = choices
        self.fields["match"].initial = choices[0][0] if self.proposals else NEW
        self.fields["organization"].user = self.user

    def chosen(self) -> tuple:
        """(organisation or None, whether a new one is confirmed)."""
        organization = self.cleaned_data.get("organization")
        if organization is not None:
            return organization, False
        match = self.cleaned_data.get("match") or NEW
        if match in self.proposals:
            return self.proposals[match].organization, False
        return None, True
