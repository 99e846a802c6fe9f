"""Webhooks: URLs that hear about domain events, and the log of every delivery to them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.events import EVENT_TYPES
from biocampus.core.urls import record_url

from .choices import DeliveryStatus
from .targets import MAX_URL_LENGTH, validate_target_url


def validate_event_names(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one event."), code="required")
    unknown = [name for name in value if name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            _("Unknown events: %(names)s.") % {"names": ", ".join(map(str, unknown))}, code="unknown_event"
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each event can be chosen only once."), code="duplicate")


class Webhook(models.Model):
    """A URL that receives a signed POST for each chosen event of its campus (or of the whole network).

    The secret signs deliveries, so it is stored as it is; it is shown once, when created or rotated,
    and never again: not in pages, the API, the admin or the history (which excludes it).
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        help_text=_("Only events of this campus's records are sent. Empty: the whole network (superusers only)."),
    )
    url = models.CharField(
        _("URL"),
        max_length=MAX_URL_LENGTH,
        validators=[validate_target_url],
        error_messages={"blank": _("Enter the URL to deliver to.")},
        help_text=_("Where BioCampus POSTs each event: an https:// (or http://) URL without a user name or password."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        validators=[validate_event_names],
        error_messages={"blank": _("Choose at least one event.")},
        help_text=_("The events this URL hears about."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret set"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive webhooks receive nothing."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["campus_id", "url", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.CheckConstraint(
                name="webhook_url_http_or_https",
                condition=models.Q(url__startswith="https://") | models.Q(url__startswith="http://"),
                violation_error_message=_("Only http:// and https:// URLs can receive webhooks."),
            ),
            models.CheckConstraint(
                name="webhook_secret_not_blank",
                condition=~models.Q(secret=""),
                violation_error_message=_("A webhook needs a signing secret."),
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def get_absolute_url(self) -> str:
        return record_url("webhooks:webhook_detail", self.public_id)

    def wants(self, event_name: str) -> bool:
        return self.is_active and event_name in self.events


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook: its payload, where it stands, and its last answer.

    Every attempt is also kept, in WebhookAttempt.
    """

    public_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The delivery log of one webhook, newest first.
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log_idx"),
            # Deliveries that still need work (the "failing" filter and operators' queries).
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="webhook_delivery_succeeded_has_date",
                condition=(models.Q(status=DeliveryStatus.SUCCEEDED) & models.Q(delivered_at__isnull=False))
                | (~models.Q(status=DeliveryStatus.SUCCEEDED) & models.Q(delivered_at__isnull=True)),
                violation_error_message=_("A delivery has a delivery date exactly when it succeeded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return record_url("webhooks:delivery_detail", self.public_id)


class WebhookAttempt(models.Model):
    """One try at sending a delivery: when, how long, what the receiver answered or what went wrong."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"],
                name="webhook_attempt_once",
                violation_error_message=_("This attempt of the delivery is already recorded."),
            ),
            models.CheckConstraint(
                name="webhook_attempt_number_positive",
                condition=models.Q(number__gte=1),
                violation_error_message=_("Attempts are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        outcome = self.status_code if self.status_code is not None else (self.error[:60] or "—")
        return f"#{self.number} {outcome}"
