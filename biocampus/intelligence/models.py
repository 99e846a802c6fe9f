"""Source documents (press releases, articles), the runs that ingest them and the facts proposed from them.

A document is stored verbatim so that every accepted fact can cite its sentence. Extraction proposes
facts (`ProposedFact`); a campus team member accepts, edits or rejects each one, and accepting writes
the record through the owning app's services with a provenance naming the document and the sentence.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel


class DocumentStatus(models.TextChoices):
    NEW = "new", _("New")
    EXTRACTED = "extracted", _("To review")
    REVIEWED = "reviewed", _("Reviewed")
    FAILED = "failed", _("Failed")


class SourceDocument(models.Model):
    """A press release or article, stored verbatim so that every extracted fact can cite its sentence.

    Not a RecordModel: it is what a Provenance cites, so it cannot itself hang off one.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=500, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_documents",
        help_text=_("The campus whose team reviews it. Without one, only superusers review it."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.NEW, db_index=True
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    run = models.ForeignKey(
        "intelligence.IngestRun",
        verbose_name=_("ingest run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    extraction = models.JSONField(_("extraction result"), null=True, blank=True, editable=False)
    extractor = models.CharField(_("extractor"), max_length=60, blank=True)
    extractor_version = models.CharField(_("extractor version"), max_length=40, blank=True)
    extracted_at = models.DateTimeField(_("extracted at"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    history = HistoricalRecords(excluded_fields=["text", "extraction"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        indexes = [models.Index(fields=["campus", "-created_at", "-id"], name="document_campus_inbox_idx")]

    def __str__(self) -> str:
        return self.title or self.url or self.file_name or f"document {self.sha256[:8]}"


class IngestRun(RecordModel):
    """A batch of documents ingested together (a folder from the command, several uploads): read at
    once, stored and extracted by the background worker, with progress for the page and the command."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="ingest_runs",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # What is still to store: [{"name", "title", "text", "url", "published_on"}], emptied when done.
    pending = models.JSONField(_("documents to ingest"), default=list, blank=True, editable=False)
    # One line per document: [{"name", "outcome": new|existing|failed, "reason", "document_id"}].
    results = models.JSONField(_("results"), default=list, blank=True, editable=False)
    progress_done = models.PositiveIntegerField(_("documents done"), default=0)
    progress_total = models.PositiveIntegerField(_("documents"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["pending", "results"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ingest run")
        verbose_name_plural = _("ingest runs")

    def __str__(self) -> str:
        return _("Ingest of %(count)s documents") % {"count": self.progress_total}

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class FactKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organisation")
    RELATION = "relation", _("Relation")
    MILESTONE = "milestone", _("Milestone")
    EVENT = "event", _("Event")


class FactStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProposedFact(RecordModel):
    """One thing a document says, as the extractor read it, waiting for a person's decision.

    `payload` is the extractor's item (the shape of extraction.extract's organizations / relations /
    milestones / events); `edited_payload` is what the reviewer changed before accepting. The record it
    became is one of the nullable links below (an organisation fact may link to an existing one).
    """

    document = models.ForeignKey(
        SourceDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="facts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FactKind.choices, db_index=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    payload = models.JSONField(_("as extracted"), default=dict)
    edited_payload = models.JSONField(_("as edited"), null=True, blank=True)
    evidence = models.TextField(_("sentence"), blank=True)
    evidence_start = models.PositiveIntegerField(_("sentence starts at"), default=0)
    evidence_end = models.PositiveIntegerField(_("sentence ends at"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=FactStatus.choices, default=FactStatus.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposed_facts",
    )  # fmt: skip
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    residency = models.ForeignKey(
        "campuses.Residency", verbose_name=_("residency"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    milestone = models.ForeignKey(
        "progress.Milestone", verbose_name=_("milestone"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    funding_round = models.ForeignKey(
        "progress.FundingRound", verbose_name=_("funding round"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "position", "id"]
        verbose_name = _("proposed fact")
        verbose_name_plural = _("proposed facts")
        constraints = [
            models.CheckConstraint(
                name="fact_evidence_in_order",
                condition=models.Q(evidence_end__gte=models.F("evidence_start")),
                violation_error_message=_("The sentence cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def campus_id(self) -> int | None:
        """The campus of its document (domain events and webhooks are filed by campus)."""
        return self.document.campus_id

    @property
    def values(self) -> dict:
        """What the fact says now: the reviewer's edit if any, else the extractor's reading."""
        return self.edited_payload if self.edited_payload is not None else self.payload

    @property
    def label(self) -> str:
        values = self.values
        if self.kind == FactKind.RELATION:
            return f"{str(values.get('type', '')).replace('_', ' ')}: {' + '.join(values.get('parties') or [])}"
        if self.kind == FactKind.MILESTONE:
            amount = f" {values.get('value')} {values.get('unit') or ''}".rstrip() if values.get("value") else ""
            return f"{values.get('org', '')} — {values.get('kind', '')}{amount}"
        return str(values.get("name", ""))

    @property
    def records(self) -> list:
        """The records accepting this fact wrote or linked (for links on the review page)."""
        names = ("organization", "agreement", "residency", "milestone", "funding_round", "event")
        return [getattr(self, name) for name in names if getattr(self, f"{name}_id")]
