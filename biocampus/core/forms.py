"""Form building blocks shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from .text import clean_text


class UserFormMixin:
    """Forms receive the signed-in user so that their choices show only what the user may pick."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class RecordForm(UserFormMixin, forms.ModelForm):
    """A model form whose text is cleaned like the services clean it (NUL bytes refused, trimmed)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    cleaned[name] = clean_text(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class ChildFormSet(forms.BaseFormSet):
    """A formset of child rows (parties, showcases, investors) whose forms also get the user."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["user"] = self.user
        return kwargs

    def rows(self) -> list[dict]:
        """The cleaned rows that are filled in and not marked for deletion."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
