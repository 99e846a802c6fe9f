"""Insight's one model: a report asked for on the reports page, generated in the background."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    """A yearly report of a campus asked for by one user: queued, generated (by a `db_worker`, or by the
    page itself when no worker takes it), then kept for that user to download.

    The file is kept here, not on disk, so that any worker on any host can hand it to the web process.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", _("Spreadsheet (XLSX)")

    class Language(models.TextChoices):
        EN = "en", "English"
        ZH_HANS = "zh-hans", "简体中文"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.CASCADE, related_name="report_runs"
    )
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, related_name="report_runs"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.PDF)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=16, blank=True)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    content = models.BinaryField(_("file"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="report_run_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.campus_id} {self.year} {self.format} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("insight:report_run", kwargs={"public_id": self.public_id})

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
