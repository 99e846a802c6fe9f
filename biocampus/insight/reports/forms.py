"""The reports page's form: which campus, which year, which format, which language."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_reportable_by
from biocampus.insight.models import ReportRun


class ReportForm(forms.Form):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=None, to_field_name="slug")
    year = forms.IntegerField(label=_("Year"))
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices, initial=ReportRun.Format.PDF)
    language = forms.ChoiceField(label=_("Language"), choices=ReportRun.Language.choices)

    def __init__(self, *args, user, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        # A year with records to report: from 1900 to this one (a report of the year so far is allowed).
        self.fields["year"] = forms.IntegerField(
            label=_("Year"), min_value=1900, max_value=this_year, initial=this_year - 1
        )
        campuses = campuses_reportable_by(user)
        self.fields["campus"].queryset = campuses
        if len(campuses) == 1:
            self.fields["campus"].initial = campuses[0].slug
        self.fields["language"].initial = "zh-hans" if language.startswith("zh") else "en"
