"""Events (expos, conferences, ceremonies), who took part in which role, what was shown at the booth, and the
leads taken there."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import EventKind, LeadStatus, ParticipationRole


class Event(RecordModel):
    """A gathering the campus takes part in or hosts: the 3rd CIIE, a summit, an opening ceremony."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="events"
    )
    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.OTHER)
    starts_on = models.DateField(_("starts on"), null=True, blank=True, db_index=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="event_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message=_("An event needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return record_url("events:event_detail", self.public_id)


class Participation(RecordModel):
    """An organisation's part in an event: organiser, exhibitor, speaker, signer, visitor."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipationRole.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_id", "role", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization", "role"],
                name="participation_once_per_role",
                violation_error_message=_("This organisation already has this role at this event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()} · {self.event}"


class Showcase(RecordModel):
    """What an organisation showed at an event, and at whose booth (residents at AstraZeneca's CIIE booth)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="showcases")
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("exhibitor"), on_delete=models.PROTECT, related_name="showcases"
    )
    booth_host = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("booth of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booths_hosted",
    )
    offering = models.CharField(_("offering"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    outcome = models.TextField(_("what came of it"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_id", "organization__name"]
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization", "offering"],
                name="showcase_once_per_offering",
                violation_error_message=_("This offering is already shown by this organisation at this event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.offering}"


class Lead(RecordModel):
    """A prospect met at an event (at whose booth), what it was interested in, and what it became."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="leads")
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("prospect"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        help_text=_("The organisation met, if it is in the directory."),
    )
    prospect_name = models.CharField(
        _("prospect name"),
        max_length=300,
        blank=True,
        help_text=_("Who was met, when the organisation is not (yet) in the directory."),
    )
    taken_by = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads_taken",
        help_text=_("The resident or campus whose booth took the lead."),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    interest = models.TextField(_("interest"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW, db_index=True
    )
    outcome = models.TextField(_("outcome note"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, db_index=True)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("became agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    residency = models.ForeignKey(
        "campuses.Residency",
        verbose_name=_("became residency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.CheckConstraint(
                name="lead_names_a_prospect",
                condition=models.Q(organization__isnull=False) | ~models.Q(prospect_name=""),
                violation_error_message=_("A lead needs a prospect: an organisation of the directory or a name."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organization) if self.organization_id else self.prospect_name

    def get_absolute_url(self) -> str:
        return record_url("events:lead_detail", self.public_id)
