from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import access_for
from biocampus.core.events import EVENT_TYPES
from biocampus.core.forms import RecordForm

from .models import Webhook
from .selectors import webhook_campuses_for


def event_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} — {meaning}") for name, meaning in EVENT_TYPES.items()]


class WebhookForm(RecordForm):
    """Create (with a campus) or edit (URL, events, description, active) a webhook."""

    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = Webhook
        fields = ["campus", "url", "events", "description", "is_active"]
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://example.org/biocampus-hook"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["campus"]  # a webhook stays with its campus; make a new one for another
            return
        campus = self.fields["campus"]
        campus.queryset = webhook_campuses_for(self.user)
        if access_for(self.user).is_superuser:
            campus.required = False
            campus.empty_label = _("The whole network (every campus)")
        else:
            campus.required = True
            campus.empty_label = None
