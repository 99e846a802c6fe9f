"""Forms of the intelligence pages: paste a release, upload files, correct a proposed fact."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import DateInput, UserFormMixin
from biocampus.directory.choices import OrganizationKind
from biocampus.progress.choices import MilestoneKind

from .models import FactKind
from .readers import EXTENSIONS, max_ingest_bytes
from .services import RELATION_TYPES, parse_fact_date


class _CampusFormMixin(UserFormMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)
        self.fields["campus"].empty_label = _("— my campus —")


class PasteForm(_CampusFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    url = forms.URLField(label=_("Address"), max_length=1000, required=False, assume_scheme="https")
    published_on = forms.DateField(label=_("Published on"), required=False, widget=DateInput())
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=None, required=False)
    text = forms.CharField(label=_("Text of the release"), widget=forms.Textarea(attrs={"rows": 14}), strip=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(f".{e}" for e in sorted(EXTENSIONS))}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class UploadForm(_CampusFormMixin, forms.Form):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=None, required=False)
    files = MultipleFileField(
        label=_("Files"), help_text=_("Text, web pages (HTML), PDF or Word (.docx); several at once.")
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        limit = max_ingest_bytes()
        for upload in uploads:
            if upload.size > limit:  # before a byte of it is read
                raise ValidationError(
                    _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
                    % {"name": upload.name, "size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
                )
        return uploads


def _date_field():
    return forms.CharField(label=_("Date"), required=False, max_length=10, help_text=_("YYYY-MM-DD or YYYY-MM"))


class _FactForm(forms.Form):
    def clean_date(self):
        value = self.cleaned_data.get("date", "").strip()
        try:
            parse_fact_date(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["date"]) from error
        return value or None


class OrganizationFactForm(_FactForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    country = forms.CharField(label=_("Country (two letters)"), max_length=2, required=False)
    aliases = forms.CharField(label=_("Other names (comma-separated)"), required=False)

    def payload(self) -> dict:
        data = self.cleaned_data
        aliases = [alias.strip() for alias in data["aliases"].split(",") if alias.strip()]
        return {"name": data["name"], "kind": data["kind"], "country": data["country"].upper() or None,
                "aliases": aliases}  # fmt: skip

    @staticmethod
    def initial_from(values: dict) -> dict:
        return {**values, "aliases": ", ".join(values.get("aliases") or []), "country": values.get("country") or ""}


class RelationFactForm(_FactForm):
    type = forms.ChoiceField(label=_("Type"), choices=[(t, t.replace("_", " ")) for t in RELATION_TYPES])
    parties = forms.CharField(
        label=_("Parties (one per line)"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For joining a campus: the newcomer first, the campus second. For an investment: the investor "
                    "first."),
    )  # fmt: skip
    date = _date_field()

    def clean_parties(self):
        parties = [line.strip() for line in self.cleaned_data["parties"].splitlines() if line.strip()]
        if len(parties) < 2:
            raise ValidationError(_("A relation needs at least two parties."))
        return parties

    def payload(self) -> dict:
        data = self.cleaned_data
        return {"type": data["type"], "parties": data["parties"], "date": data["date"]}

    @staticmethod
    def initial_from(values: dict) -> dict:
        return {**values, "parties": "\n".join(values.get("parties") or [])}


class MilestoneFactForm(_FactForm):
    org = forms.CharField(label=_("Organisation"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices)
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=20, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    date = _date_field()

    def payload(self) -> dict:
        data = self.cleaned_data
        value = data["value"]
        return {"org": data["org"], "kind": data["kind"], "value": float(value) if value is not None else None,
                "unit": data["unit"] or None, "date": data["date"]}  # fmt: skip

    @staticmethod
    def initial_from(values: dict) -> dict:
        return dict(values)


class EventFactForm(_FactForm):
    name = forms.CharField(label=_("Name"), max_length=300)
    date = _date_field()
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def payload(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "date": data["date"], "place": data["place"] or None}

    @staticmethod
    def initial_from(values: dict) -> dict:
        return dict(values)


FACT_FORMS = {
    FactKind.ORGANIZATION: OrganizationFactForm,
    FactKind.RELATION: RelationFactForm,
    FactKind.MILESTONE: MilestoneFactForm,
    FactKind.EVENT: EventFactForm,
}


def fact_form(fact, data=None):
    form_class = FACT_FORMS[fact.kind]
    return form_class(data, initial=form_class.initial_from(fact.values), prefix=f"fact-{fact.public_id}")
