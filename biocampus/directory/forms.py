"""Forms of the registry, and the organisation picker every other app uses."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from biocampus.accounts.permissions import visible
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Campus
from biocampus.core.forms import DateInput, RecordForm, UserFormMixin
from biocampus.core.text import clean_text

from .choices import OrganizationKind
from .models import Field, Organization, Person
from .search import SearchQuery

_PUBLIC_ID = re.compile(r"\[([0-9a-f-]{36})\]\s*$")


class OrganizationPicker(forms.TextInput):
    """A text box that suggests organisations as you type (htmx fills a datalist): scales to any registry."""

    template_name = "directory/widgets/organization_picker.html"

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        options_id = f"{attrs.get('id', name)}-options"
        attrs.update(
            {
                "list": options_id,
                "autocomplete": "off",
                "hx-get": str(reverse_lazy("directory:organization_suggest")),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{options_id}",
                "hx-swap": "innerHTML",
            }
        )
        return super().get_context(name, value, attrs)

    def format_value(self, value):
        if isinstance(value, Organization):
            return value.name
        if isinstance(value, int):
            organization = Organization.objects.filter(pk=value).only("name").first()
            return organization.name if organization else ""
        return super().format_value(value)


class OrganizationField(forms.Field):
    """Accepts an organisation's exact name (or "Name [public id]" when names repeat)."""

    widget = OrganizationPicker
    default_error_messages = {
        "unknown": _("No organisation called “%(name)s”. Add it to the directory first."),
        "ambiguous": _("Several organisations are called “%(name)s”: pick one from the suggestions."),
    }

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        if isinstance(value, Organization):
            return value
        if value in (None, ""):
            return None
        text = clean_text(str(value))
        organizations = visible(Organization.objects.all(), self.user)
        match = _PUBLIC_ID.search(text)
        if match:
            found = organizations.filter(public_id=match.group(1)).first()
            if found:
                return found
            text = text[: match.start()].strip()
        found = list(organizations.filter(name__iexact=text)[:2]) or list(organizations.filter(name_zh=text)[:2])
        if not found:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"name": text})
        if len(found) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"name": text})
        return found[0]


class OrganizationForm(RecordForm):
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: short forms, former names, other spellings."),
    )
    parent = OrganizationField(label=_("Parent organisation"), required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "name_zh",
            "aliases",
            "kind",
            "country",
            "city",
            "fields",
            "website",
            "founded_year",
            "parent",
            "steward",
            "description",
        ]
        widgets = {"fields": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].user = self.user
        from biocampus.accounts.permissions import campuses_editable_by

        stewards = campuses_editable_by(self.user)
        if stewards.exists():
            self.fields["steward"].queryset = stewards
        else:  # a resident member edits its profile, not which campus looks after it
            del self.fields["steward"]
        if self.instance.pk:
            self.initial["aliases"] = "\n".join(self.instance.aliases)
            self.initial["parent"] = self.instance.parent

    def clean_aliases(self):
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            raise ValidationError(_("An organisation cannot be its own parent."))
        return parent


class PersonForm(RecordForm):
    organization = OrganizationField(label=_("Organisation"), required=False)

    class Meta:
        model = Person
        fields = ["name", "name_zh", "organization", "title", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = self.user
        if self.instance.pk:
            self.initial["organization"] = self.instance.organization


def _countries() -> list[tuple[str, str]]:
    return list(countries)


class CountryCodesField(forms.MultipleChoiceField):
    """Country codes, checked against the set of codes: listing the countries sorts their names in the
    request's language (5 ms), which only a rendered widget needs."""

    codes = frozenset(code for code, _name in countries)

    def valid_value(self, value) -> bool:
        return value in self.codes


class DirectoryFilterForm(UserFormMixin, forms.Form):
    """The directory's search box and facets, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.MultipleChoiceField(label=_("Kind"), choices=OrganizationKind.choices, required=False)
    # Choices by a function: a list of 250 countries was deep-copied with each form (5 ms a directory page), and
    # named in the language of the process's start rather than the request's.
    country = CountryCodesField(label=_("Country"), choices=_countries, required=False)
    field = forms.ModelMultipleChoiceField(
        label=_("Field"), queryset=Field.objects.all(), to_field_name="slug", required=False
    )
    campus = forms.ModelMultipleChoiceField(
        label=_("Campus"), queryset=Campus.objects.select_related("organization"), to_field_name="slug", required=False
    )
    status = forms.MultipleChoiceField(label=_("Residency status"), choices=ResidencyStatus.choices, required=False)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the “as of” date as YYYY-MM-DD.")},
        help_text=_("Show the directory as it stood at the end of that day, from the change history."),
    )

    def clean_q(self):
        # A SearchQuery: the page's facets and list then ask the search index about it once between them.
        return SearchQuery(self.cleaned_data["q"].replace("\x00", "").strip())

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of is not None and as_of > timezone.localdate():
            raise ValidationError(_("The “as of” date cannot be in the future."), code="future")
        return as_of
