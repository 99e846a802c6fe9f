"""Background runs (imports, reports, ingestion): the part every kind of run shares.

A run is a row. It is handed to the task worker once its transaction commits, and whoever starts it first, a
`biocampus db_worker` or the run's own page (when no worker took it within a grace period: a laptop, a demo),
claims it with one conditional UPDATE. So a run never runs twice, even with several workers and pollers.
What a run does and how it shows progress stays with its app (exchange.runs, insight.reports.runs,
intelligence.services)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_path: str, run_id: int, *, what: str) -> None:
    """Queue the task (by dotted path: tasks modules import their runs) once the run's row is committed."""
    transaction.on_commit(lambda: _enqueue(task_path, run_id, what))


def _enqueue(task_path: str, run_id: int, what: str) -> None:
    try:
        import_string(task_path).enqueue(run_id)
    except Exception:  # no task backend or queue table: the run's page runs it itself after the grace period
        logger.exception("could not queue %s %s; its page will run it", what, run_id)


def claim(model, run_id: int) -> bool:
    """Take a queued run (QUEUED -> RUNNING); False if a worker or another request already did."""
    queued = model.objects.filter(pk=run_id, status=model.Status.QUEUED)
    return bool(queued.update(status=model.Status.RUNNING, started_at=timezone.now()))


def grace_seconds(setting: str, default: int) -> int:
    """Seconds a run's page waits for a worker before running the run itself."""
    return int(getattr(settings, setting, default))
