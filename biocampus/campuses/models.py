"""Campuses, who built and runs them, their sister campuses, and the residencies of organisations."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import ACTIVE_STATUSES, OperatorRole, ResidencyStatus


class Campus(RecordModel):
    """An innovation campus. Its identity (names, country, city) is its Organization of kind campus."""

    organization = models.OneToOneField(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="campus"
    )
    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    opened_on = models.DateField(_("opening ceremony"), null=True, blank=True)
    operational_on = models.DateField(_("fully operational"), null=True, blank=True)
    operators = models.ManyToManyField(
        "directory.Organization",
        through="CampusOperator",
        verbose_name=_("operators"),
        related_name="operated_campuses",
        blank=True,
    )
    sister_campuses = models.ManyToManyField("self", verbose_name=_("sister campuses"), blank=True, symmetrical=True)

    history = HistoricalRecords(m2m_fields=[sister_campuses])

    class Meta:
        ordering = ["slug"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        constraints = [
            models.CheckConstraint(
                name="campus_operational_after_opening",
                condition=models.Q(operational_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(operational_on__gte=models.F("opened_on")),
                violation_error_message=_("A campus cannot be fully operational before it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("campuses:campus_detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return self.organization.name

    @property
    def name_zh(self) -> str:
        return self.organization.name_zh

    @property
    def country(self):
        return self.organization.country


class CampusOperator(RecordModel):
    """An organisation that co-built or runs a campus (the city, the district, the pharma company)."""

    campus = models.ForeignKey(
        Campus, verbose_name=_("campus"), on_delete=models.CASCADE, related_name="operator_links"
    )
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=OperatorRole.choices, default=OperatorRole.CO_BUILDER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campus_id", "id"]
        verbose_name = _("campus operator")
        verbose_name_plural = _("campus operators")
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "organization"],
                name="campus_operator_unique",
                violation_error_message=_("This organisation is already an operator of this campus."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()} · {self.campus}"


class Residency(RecordModel):
    """An organisation's relationship with a campus, from prospect to graduate, with the date of each step."""

    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="residencies"
    )
    campus = models.ForeignKey(Campus, verbose_name=_("campus"), on_delete=models.CASCADE, related_name="residencies")
    status = models.CharField(
        _("status"), max_length=16, choices=ResidencyStatus.choices, default=ResidencyStatus.PROSPECT, db_index=True
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Graduated, exited or declined."))
    signed_at = models.ForeignKey(
        "events.Event",
        verbose_name=_("signed at event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residencies_signed",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campus_id", "organization__name"]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        indexes = [models.Index(fields=["campus", "status"], name="residency_campus_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campus"],
                name="residency_one_per_campus",
                violation_error_message=_("This organisation already has a residency at this campus."),
            ),
            models.CheckConstraint(
                name="residency_moved_in_after_signing",
                condition=models.Q(moved_in_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(moved_in_on__gte=models.F("signed_on")),
                violation_error_message=_("Move-in cannot come before signing."),
            ),
            models.CheckConstraint(
                name="residency_ended_after_signing",
                condition=models.Q(ended_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(ended_on__gte=models.F("signed_on")),
                violation_error_message=_("A residency cannot end before it was signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.campus} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return record_url("campuses:residency_detail", self.public_id)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_from_abroad(self) -> bool | None:
        """Home or abroad follows from the countries; unknown when either country is unknown."""
        home = self.campus.organization.country
        if not home or not self.organization.country:
            return None
        return self.organization.country != home
