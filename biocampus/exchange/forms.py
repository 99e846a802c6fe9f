"""Forms of the import, duplicates and merge pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import UserFormMixin
from biocampus.directory.forms import OrganizationField

from . import formats
from .kinds import EVERYDAY_KINDS, KINDS
from .kinds.organizations import NEW
from .report import Report


def kind_choices() -> list[tuple[str, str]]:
    everyday = [(name, KINDS[name].title) for name in EVERYDAY_KINDS]
    others = [(name, kind.title) for name, kind in KINDS.items() if name not in EVERYDAY_KINDS]
    return everyday + others


class UploadForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=kind_choices)
    campus = forms.ModelChoiceField(
        label=_("Campus"),
        queryset=None,
        required=False,
        help_text=_("For rows that name no campus (residencies, agreements, milestones, funding rounds)."),
    )
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8), XLSX or JSON."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            formats.check_size(upload.size)  # before a byte of it is read
            formats.format_of(upload.name)
        except formats.FileRefused as refusal:
            raise ValidationError(refusal.message) from refusal
        return upload


class ConfirmForm(forms.Form):
    """The choices made on the preview: what to do with each probable duplicate, and with invalid rows."""

    skip_invalid = forms.BooleanField(label=_("Skip the rows that cannot be imported"), required=False)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        for duplicate in report.duplicates:
            choices = [
                (
                    candidate.public_id,
                    _("Same as %(name)s (%(reason)s, score %(score).2f): update it") % vars(candidate),
                )
                for candidate in duplicate.candidates
            ]
            choices += [(NEW, _("A different organisation: create it")), ("skip", _("Skip this row"))]
            self.fields[f"line_{duplicate.line}"] = forms.ChoiceField(
                label=_("Line %(line)s: %(name)s") % {"line": duplicate.line, "name": duplicate.name},
                choices=choices,
                initial=duplicate.candidates[0].public_id if duplicate.candidates else NEW,
                widget=forms.RadioSelect,
            )

    def decisions(self) -> dict[str, str]:
        return {
            name.removeprefix("line_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value != "skip"
        }

    def clean(self):
        cleaned = super().clean()
        skipped = self.report.counts["invalid"] + sum(
            1 for name, value in cleaned.items() if name.startswith("line_") and value == "skip"
        )
        if skipped and not cleaned.get("skip_invalid"):
            raise ValidationError(
                _(
                    "%(n)s rows would not be imported: tick “Skip the rows that cannot be imported” to go on without them."
                )
                % {"n": skipped}
            )
        return cleaned


class MergeForm(UserFormMixin, forms.Form):
    keep = OrganizationField(label=_("Keep"), help_text=_("The organisation that stays."))
    merge = OrganizationField(label=_("Merge into it and delete"), help_text=_("Its links move to the kept one."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].user = self.fields["merge"].user = self.user

    def clean(self):
        cleaned = super().clean()
        keep, merge = cleaned.get("keep"), cleaned.get("merge")
        if keep is not None and merge is not None and keep.pk == merge.pk:
            raise ValidationError(_("Pick two different organisations."))
        return cleaned
