"""The one model of import and export: a run of the import page, from upload to result."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biocampus.core.urls import record_url


class ImportRun(models.Model):
    """A file uploaded on the import page: checked first (the preview stage), then imported once confirmed.

    Each stage is queued, then run by a `db_worker` or, when none picks it up, by the page itself; the
    status moves queued -> running -> done (or failed) once per stage, claimed atomically so it runs once.
    The file is kept here, not on disk, so that any worker on any host can read it.
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("Check")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("default campus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.PREVIEW)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    decisions = models.JSONField(_("duplicate decisions"), default=dict, blank=True)
    preview = models.JSONField(_("preview report"), null=True, blank=True)
    result = models.JSONField(_("import report"), null=True, blank=True)
    log = models.TextField(_("log"), blank=True)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_run_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.kind}, {self.get_stage_display()}: {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return record_url("exchange:import_run", self.public_id)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
