"""A campus's service centres, the services each offers, and the requests its residents open.

Deadlines, in one place (`overdue_condition` and `answered_in_time_expression` below, used by every list,
badge, page, API answer and KPI through `ServiceRequest.objects.with_deadlines()`):

- A request is due for its **first answer** at `due_at` = `opened_at` + the service's target time to answer
  (or, when the service sets none, its centre's), in calendar hours.
- The first answer (`first_response_at`) is the first thing the staff do that the resident sees: a status
  change, or a comment that is not an internal note.
- A request is **overdue** while it is open (not done or declined), has no first answer yet, and `due_at`
  has passed. Once answered it is no longer overdue, however long the work then takes: BioCampus promises
  a time to answer, not a time to finish (there is no resolution horizon).
- It was **answered in time** when its first answer came at or before `due_at`; answered late when after,
  or when `due_at` passed without an answer; undecided (null) while it is unanswered and not yet due.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import (
    DEFAULT_TARGET_RESPONSE_HOURS,
    MAX_TARGET_RESPONSE_HOURS,
    OPEN_STATUSES,
    RequestPriority,
    RequestStatus,
)

TARGET_HOURS_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_TARGET_RESPONSE_HOURS)]


class ServiceCentre(RecordModel):
    """A centre residents turn to: a certification centre, a foreign-affairs office, a procurement desk."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="service_centres"
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    operator = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_centres_run",
        help_text=_("The organisation that runs the centre, when it is not the campus itself."),
    )
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    target_response_hours = models.PositiveIntegerField(
        _("time to answer (hours)"),
        default=DEFAULT_TARGET_RESPONSE_HOURS,
        validators=TARGET_HOURS_VALIDATORS,
        help_text=_("How soon the centre promises a first answer to a request, in calendar hours."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["campus_id", "name"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "name"],
                name="service_centre_name_unique_per_campus",
                violation_error_message=_("This campus already has a service centre of this name."),
            ),
            models.CheckConstraint(
                name="service_centre_name_not_blank",
                condition=~Q(name=""),
                violation_error_message=_("A service centre needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("servicedesk:centre_detail", self.public_id)


class Service(RecordModel):
    """One entry of a centre's catalogue: a GLP lab qualification, a work permit for foreign talent."""

    centre = models.ForeignKey(
        ServiceCentre, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    target_response_hours = models.PositiveIntegerField(
        _("time to answer (hours)"),
        null=True,
        blank=True,
        validators=TARGET_HOURS_VALIDATORS,
        help_text=_("Leave empty to use the centre's time to answer."),
    )
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Services no longer offered stay on past requests.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["centre_id", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "name"],
                name="service_name_unique_per_centre",
                violation_error_message=_("This centre already offers a service of this name."),
            ),
            models.CheckConstraint(
                name="service_name_not_blank",
                condition=~Q(name=""),
                violation_error_message=_("A service needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.centre.get_absolute_url() + f"#service-{self.public_id}"

    @property
    def effective_response_hours(self) -> int:
        """The time to answer a request for this service: its own, else its centre's."""
        return self.target_response_hours or self.centre.target_response_hours


# --------------------------------------------------------------------------------------------------
# Deadlines: the one definition of "overdue" and "answered in time" (see the module docstring).
# --------------------------------------------------------------------------------------------------


def overdue_condition(at: datetime.datetime | None = None) -> Q:
    """Requests that are overdue at `at` (now by default): open, unanswered, past their due time."""
    return Q(status__in=OPEN_STATUSES, first_response_at__isnull=True, due_at__lt=at or timezone.now())


def answered_in_time_expression(at: datetime.datetime | None = None) -> Case:
    """True: first answered by due_at; False: answered late, or due_at passed unanswered; null: not yet known."""
    return Case(
        When(first_response_at__isnull=False, first_response_at__lte=F("due_at"), then=Value(True)),
        When(first_response_at__isnull=False, then=Value(False)),
        When(due_at__lt=at or timezone.now(), then=Value(False)),
        default=Value(None),
        output_field=models.BooleanField(null=True),
    )


class ServiceRequestQuerySet(models.QuerySet):
    def with_deadlines(self, at: datetime.datetime | None = None) -> ServiceRequestQuerySet:
        """Each request with `is_overdue` and `answered_in_time` as of `at` (now by default)."""
        at = at or timezone.now()
        return self.annotate(
            is_overdue=ExpressionWrapper(overdue_condition(at), output_field=models.BooleanField()),
            answered_in_time=answered_in_time_expression(at),
        )

    def overdue(self, at: datetime.datetime | None = None) -> ServiceRequestQuerySet:
        return self.filter(overdue_condition(at))


class ServiceRequest(RecordModel):
    """A resident's request to a service centre, from opening to done (or declined)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="service_requests"
    )
    centre = models.ForeignKey(
        ServiceCentre, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="requests"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests_opened",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=RequestStatus.choices, default=RequestStatus.NEW, db_index=True
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=RequestPriority.choices, default=RequestPriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests_assigned",
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [models.Index(fields=["campus", "status"], name="service_request_campus_status")]
        constraints = [
            models.CheckConstraint(
                name="service_request_subject_not_blank",
                condition=~Q(subject=""),
                violation_error_message=_("A request needs a subject."),
            ),
            models.CheckConstraint(
                name="service_request_due_after_opening",
                condition=Q(due_at__gte=F("opened_at")),
                violation_error_message=_("A request cannot be due before it was opened."),
            ),
            models.CheckConstraint(
                name="service_request_answered_after_opening",
                condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=F("opened_at")),
                violation_error_message=_("A request cannot be answered before it was opened."),
            ),
            models.CheckConstraint(
                name="service_request_closed_after_opening",
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                violation_error_message=_("A request cannot be closed before it was opened."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.subject}"

    def get_absolute_url(self) -> str:
        return record_url("servicedesk:request_detail", self.public_id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ServiceRequestComment(RecordModel):
    """One message of a request's conversation; internal notes are the staff's alone."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("service request"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_request_comments",
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Seen by the campus team only, never by the resident.")
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                name="service_request_comment_not_blank",
                condition=~Q(body=""),
                violation_error_message=_("A comment needs a message."),
            )
        ]

    def __str__(self) -> str:
        author = self.author or _("system")
        return f"{author} · {timezone.localtime(self.posted_at):%Y-%m-%d %H:%M}"
