from django import forms
from django.utils.translation import gettext_lazy as _

from biocampus.accounts.permissions import campuses_editable_by
from biocampus.core.forms import RecordForm, UserFormMixin
from biocampus.core.text import clean_text
from biocampus.directory.forms import OrganizationField

from .choices import REQUEST_TRANSITIONS, RequestPriority, RequestStatus
from .models import Service, ServiceCentre, ServiceRequestComment
from .selectors import catalogue_for, requesting_organizations, team_of


class CleanTextMixin:
    """Clean text like the services do (NUL bytes refused, blanks trimmed), so errors show on the field."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    cleaned[name] = clean_text(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class CentreForm(RecordForm):
    operator = OrganizationField(
        label=_("Run by"), required=False, help_text=_("The organisation that runs the centre, if not the campus.")
    )

    class Meta:
        model = ServiceCentre
        fields = ["campus", "name", "name_zh", "operator", "description", "contact_email", "target_response_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = campuses_editable_by(self.user)
        self.fields["operator"].user = self.user
        if self.instance.pk:
            self.fields["campus"].disabled = True  # a centre stays at its campus


class ServiceForm(RecordForm):
    class Meta:
        model = Service
        fields = ["name", "name_zh", "description", "target_response_hours", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RequestForm(CleanTextMixin, UserFormMixin, forms.Form):
    """A new request, at the campus chosen in the session."""

    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=ServiceCentre.objects.none(), required=False)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Something else (describe it below)"),
    )
    organization = forms.ModelChoiceField(label=_("For"), queryset=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What do you need?"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=RequestPriority.choices, initial=RequestPriority.NORMAL)

    def __init__(self, *args, campus=None, **kwargs):
        super().__init__(*args, **kwargs)
        centres = catalogue_for(self.user, campus=campus)
        self.fields["centre"].queryset = centres
        services = Service.objects.filter(centre__in=centres, is_active=True).select_related("centre")
        self.fields["service"].queryset = services.order_by("centre__name", "name")
        self.fields["service"].label_from_instance = lambda service: f"{service.centre} — {service}"
        organizations = requesting_organizations(self.user, campus) if campus else None
        self.fields["organization"].queryset = organizations
        if organizations is not None and len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]
            self.fields["organization"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        service = cleaned.get("service")
        if service is not None and not cleaned.get("centre"):
            cleaned["centre"] = service.centre
        if not cleaned.get("centre") and "centre" not in self.errors:
            self.add_error("centre", _("Choose the service centre, or one of its services."))
        return cleaned


class StatusForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to decline; the resident reads it in the conversation."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = REQUEST_TRANSITIONS.get(request.status, frozenset()) if request is not None else frozenset()
        self.fields["status"].choices = [(value, label) for value, label in RequestStatus.choices if value in allowed]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody"))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = team_of(request.campus)
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class CommentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    is_internal = forms.BooleanField(
        label=_("Internal note (campus team only)"),
        required=False,
        help_text=ServiceRequestComment._meta.get_field("is_internal").help_text,
    )

    def __init__(self, *args, may_write_internal=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_write_internal:
            del self.fields["is_internal"]
