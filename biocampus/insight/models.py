"""Insight's one model: a report asked for on the reports page, generated in the background."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biocampus.core.urls import record_url


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
        return record_url("insight:report_run", self.public_id)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RollupBucket(models.Model):
    """One count of a KPI for one metric, month and key: what the campus and the network rollups share."""

    metric = models.CharField(_("metric"), max_length=48)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    key = models.CharField(_("key"), max_length=64)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        abstract = True


class KpiRollup(RollupBucket):
    """One bucket of a KPI, kept current by the services (insight.rollups.refresh, in the write's own
    transaction): a campus's count for one metric, one month and one key (a type, a kind, a country, a
    field, "home"...). The dashboard sums the buckets of the months of its period instead of counting
    millions of rows. Never edited by hand: `biocampus rebuild_rollups` recomputes them from the records.
    """

    # No index of its own: the unique (campus, metric, month, key) leads with it and serves the foreign key.
    # With both, PostgreSQL read a campus's dashboard buckets through the campus index, every one of its
    # 300,000 buckets (nearly all partner months) for the 331 of five metrics in a year: 27 ms against
    # 0.75 ms along the unique index, at 1,000,000 organisations (its estimate misses the metrics' skew).
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.CASCADE,
        related_name="kpi_rollups",
        db_index=False,
    )

    class Meta:
        verbose_name = _("KPI rollup")
        verbose_name_plural = _("KPI rollups")
        constraints = [
            # Serves the dashboard's read: WHERE campus_id IN (...) AND metric IN (...) AND month BETWEEN
            # ... (the leading columns), and a refresh's DELETE of one campus's metric over some months.
            models.UniqueConstraint(fields=["campus", "metric", "month", "key"], name="kpi_rollup_bucket_unique")
        ]
        indexes = [
            # Serves the network-wide read of a superuser (no campus filter): SELECT metric, month, key,
            # SUM(value) WHERE metric IN (...) AND month BETWEEN ... GROUP BY metric, month, key, over every
            # campus. It covers the query (value included): read in the index's order, no table row, no sort.
            models.Index(fields=["metric", "month", "key", "value"], name="kpi_rollup_network_read")
        ]

    def __str__(self) -> str:
        return f"{self.campus_id} {self.metric} {self.month:%Y-%m} {self.key}={self.value}"


class RollupStamp(models.Model):
    """When and by what rollups were last rebuilt: what the campus and the network coverage share."""

    rebuilt_at = models.DateTimeField(_("rebuilt at"), auto_now=True)
    # The version of the rollups they were rebuilt by (insight.kpis.ROLLUP_VERSION for a campus's,
    # network_rollups.NETWORK_VERSION for the network's): rebuilt by an older one, they are not read.
    version = models.PositiveSmallIntegerField(_("version"), default=0)
    # The reporting currency the funding buckets were converted into (settings.BIOCAMPUS_REPORTING_CURRENCY):
    # after a change of the setting, they are not read until rebuilt.
    reporting_currency = models.CharField(_("reporting currency"), max_length=3, blank=True)

    class Meta:
        abstract = True


class KpiRollupCoverage(RollupStamp):
    """The campuses whose rollups are complete: rebuilt once from the records (`rebuild_rollups`, or by
    campus_create for a new, empty campus) and kept current by the services since. The KPIs read the
    rollups of a campus only when it is covered; a campus filled by bulk writes (the generator, fixtures)
    is read live until it is rebuilt, and so is a campus rebuilt before the rollups changed (version)."""

    campus = models.OneToOneField(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, related_name="kpi_rollup_coverage"
    )

    class Meta:
        verbose_name = _("KPI rollup coverage")
        verbose_name_plural = _("KPI rollup coverage")

    def __str__(self) -> str:
        return f"{self.campus_id} rebuilt {self.rebuilt_at:%Y-%m-%d %H:%M} (version {self.version})"


class NetworkKpiRollup(RollupBucket):
    """One bucket of a KPI over the whole network: what a superuser's network-wide dashboard reads instead of
    summing the buckets of every campus (200 campuses: 250,000 rows of one metric → 1,300). Kept by
    insight.network_rollups from the campus buckets (KpiRollup) as they change, in the same transaction.

    For the summed and running metrics a row is the sum of the campuses' buckets of its (metric, month, key).
    International strategic partners are counted distinct over the network, so they do not add up; they are
    kept as three metrics of their own (see network_rollups): one row per partner and month it partners any
    campus, with the previous such month in `value`, and those rows counted per (month, country) for first
    months and per (month, previous month, country) for the others, which a period's distinct count sums.
    """

    class Meta:
        verbose_name = _("network KPI rollup")
        verbose_name_plural = _("network KPI rollups")
        constraints = [
            # Serves the dashboard's read (WHERE metric IN (...) AND month BETWEEN ...) and the refresh of a
            # metric's months (DELETE ... WHERE metric = ... AND month IN (...)).
            models.UniqueConstraint(fields=["metric", "month", "key"], name="network_rollup_bucket_unique")
        ]
        indexes = [
            # Serves network_rollups' read of one partner's months: WHERE metric = 'partner_months' AND key IN (...).
            models.Index(fields=["metric", "key"], name="network_rollup_key_idx"),
            # Serves the recount of one (month, previous month) of the partners: WHERE metric = 'partner_months'
            # AND month = ... AND value = ... (the rows of a month are thousands; those of a pair, tens).
            models.Index(fields=["metric", "month", "value"], name="network_rollup_previous_idx"),
        ]

    def __str__(self) -> str:
        return f"network {self.metric} {self.month:%Y-%m} {self.key}={self.value}"


class NetworkKpiRollupCoverage(RollupStamp):
    """One row (network_rollups.SINGLETON), made on first use: with the current version and reporting
    currency, the network rollups are complete and kept current since; with version 0 (after a change too
    large to follow, or an upgrade to a database that had campus buckets) the network-wide
    dashboard sums the campus buckets as before, until they are rebuilt. Every writer of rollups locks it
    first (network_rollups.lock)."""

    class Meta:
        verbose_name = _("network KPI rollup coverage")
        verbose_name_plural = _("network KPI rollup coverage")

    def __str__(self) -> str:
        return f"network rebuilt {self.rebuilt_at:%Y-%m-%d %H:%M} (version {self.version})"
