"""Agreements between any number of organisations, who signs them in which role, what they oblige, their files."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import AgreementStatus, AgreementType, ObligationStatus, PartyRole


class Agreement(RecordModel):
    """A strategic cooperation, framework, joint development, investment... signed by two or more parties."""

    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("The campus whose team records and follows this agreement."),
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=24, choices=AgreementType.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.SIGNED
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    signed_at = models.ForeignKey(
        "events.Event",
        verbose_name=_("signed at event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements_signed",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    organizations = models.ManyToManyField(
        "directory.Organization", through="AgreementParty", verbose_name=_("parties"), related_name="agreements"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "title", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            # The agreements list, newest first, a page at a time (ORDER BY signed_on DESC, title, id LIMIT 51):
            # read in index order and stopped after the page instead of sorting every agreement. The campus
            # variant serves a campus team's list (WHERE campus_id IN (...)), the plain one the network's.
            models.Index(fields=["-signed_on", "title", "id"], name="agreement_list_order"),
            models.Index(fields=["campus", "-signed_on", "title", "id"], name="agreement_campus_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                name="agreement_title_not_blank",
                condition=~models.Q(title=""),
                violation_error_message=_("An agreement needs a title."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("agreements:agreement_detail", self.public_id)


class AgreementParty(RecordModel):
    """One party to an agreement and its role in it."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices, default=PartyRole.PARTY)
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="agreement_party_once",
                violation_error_message=_("This organisation is already a party to this agreement."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class Obligation(RecordModel):
    """Something a party undertook in an agreement, with a due date to follow up."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="obligations"
    )
    party = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("owed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return self.description[:80]


class AgreementDocument(RecordModel):
    """A file or link that belongs to an agreement (the signed PDF, a press release)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="agreements/%Y/", blank=True)
    url = models.URLField(_("link"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "title"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        constraints = [
            models.CheckConstraint(
                name="agreement_document_file_or_link",
                condition=~models.Q(file="") | ~models.Q(url=""),
                violation_error_message=_("A document needs a file or a link."),
            )
        ]

    def __str__(self) -> str:
        return self.title
