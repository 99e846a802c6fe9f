"""Generating the reports page's reports: queue a run, claim it once, generate it, report each step.

As for the import page's runs (exchange.runs): a `biocampus db_worker` picks up the queued task; when none
does (a laptop, a demo), the run page asks the web process to generate it after a grace period. Both go
through `execute()`, which claims the run with one conditional UPDATE, so a report is made once.
Generating a report only reads, so its progress (the step it is at) is written to its row as it goes.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from biocampus.core import background
from biocampus.insight.models import ReportRun

from . import STEPS, build_report, campuses_reportable_by

logger = logging.getLogger(__name__)

Status = ReportRun.Status


def runs_of(user):
    """The runs a user may follow and download: its own, of campuses it may still have the report of."""
    return ReportRun.objects.filter(created_by=user, campus__in=campuses_reportable_by(user)).select_related(
        "campus__organization"
    )


def queue(*, user, campus, year: int, fmt: str, language: str) -> ReportRun:
    """Ask for a report; a worker (or the run page) generates it."""
    run = ReportRun.objects.create(
        created_by=user, campus=campus, year=year, format=fmt, language=language, steps_total=len(STEPS)
    )
    background.enqueue_on_commit("biocampus.insight.tasks.generate_report", run.pk, what="report run")
    return run


def claim(run_id: int) -> bool:
    """Take a queued run; False if someone else already did (a worker, another request)."""
    return background.claim(ReportRun, run_id)


def execute(run_id: int) -> ReportRun | None:
    """Generate a queued run's report, if it is still queued. Returns the run, or None if not claimed."""
    if not claim(run_id):
        return None
    run = ReportRun.objects.select_related("created_by", "campus__organization").get(pk=run_id)

    def progress(step: str) -> None:
        run.step = step
        run.steps_done = STEPS.index(step)
        ReportRun.objects.filter(pk=run.pk).update(step=run.step, steps_done=run.steps_done)

    try:
        # As the user who asked: the report holds what that user may see, checked again at this moment.
        if not campuses_reportable_by(run.created_by).filter(pk=run.campus_id).exists():
            raise PermissionError("the report of this campus is no longer yours to have")
        run.content = build_report(
            run.created_by, run.campus, run.year, run.format, language=run.language, progress=progress
        )
    except Exception as error:  # the run must end in a state the page can show, whatever happened
        logger.exception("report run %s failed", run.pk)
        run.status = Status.FAILED
        run.error = f"{type(error).__name__}: {error}"
    else:
        run.status = Status.DONE
        run.steps_done = run.steps_total
    run.finished_at = timezone.now()
    run.save()
    return run


def inline_delay() -> int:
    """Seconds the run page waits for a worker before generating the report itself."""
    return background.grace_seconds("BIOCAMPUS_REPORT_WORKER_GRACE_SECONDS", 2)
