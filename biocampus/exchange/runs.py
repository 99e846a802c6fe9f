"""Running the import page's imports: queue a stage, claim it once, run it, report progress while it runs.

Who runs a stage: a `biocampus db_worker` picks up the queued task; when none does (a laptop, a demo), the
run page asks the web process to run it after a grace period (at once for small files). Both go through
`execute()`, which claims the run with one conditional UPDATE, so a stage never runs twice.

Progress while a stage runs cannot go through the database: the import holds one write transaction from
its first row to its last, and on SQLite that lock keeps any other connection from writing, even to the
run's own row. So the running import writes its progress to a small JSON file (atomically replaced, at
most a few times a second) and the page's poller reads it; status, log and reports are in the database.
The file lives in BIOCAMPUS_IMPORT_PROGRESS_DIR, on the host that runs the import (a deployment whose web
and worker processes run on several hosts should point that at a shared folder).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from biocampus.core import background

from .importer import ImportOptions, import_bytes
from .kinds import kind_named
from .models import ImportRun
from .report import Report

logger = logging.getLogger(__name__)

Status = ImportRun.Status


def progress_dir() -> Path:
    default = Path(tempfile.gettempdir()) / "biocampus-import-progress"
    return Path(getattr(settings, "BIOCAMPUS_IMPORT_PROGRESS_DIR", default))


class RunProgress:
    """Called by the importer after each row; writes `{"done": n, "total": m, "stage": key or null}` for the
    page to poll (stage: what a bulk import does after its last row, bulk.STAGE_LABELS)."""

    interval = 0.25  # seconds between writes: the page polls every second

    def __init__(self, run: ImportRun):
        self.path = progress_dir() / f"{run.public_id}.json"
        self._written_at = 0.0

    def __call__(self, done: int, total: int, stage: str | None = None) -> None:
        now = time.monotonic()
        if done < total and stage is None and now - self._written_at < self.interval:
            return
        self._written_at = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps({"done": done, "total": total, "stage": stage}), encoding="utf-8")
        os.replace(scratch, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def progress_of(run: ImportRun) -> tuple[int, int, str | None]:
    """(rows done, rows, stage) of a running stage, from its progress file; else what the run last recorded.
    The stage is a key of bulk.STAGE_LABELS once a bulk import has read its last row, else None."""
    if run.status == Status.RUNNING:
        try:
            data = json.loads(RunProgress(run).path.read_text(encoding="utf-8"))
            return int(data["done"]), int(data["total"]), data.get("stage")
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return run.progress_done, run.progress_total, None


def queue(run: ImportRun, *, stage: str) -> ImportRun:
    """Put a stage in the queue and hand it to the task worker (the page runs it if no worker does)."""
    run.stage = stage
    run.status = Status.QUEUED
    run.queued_at = timezone.now()
    run.started_at = run.finished_at = None
    run.progress_done = 0
    run.save()
    background.enqueue_on_commit("biocampus.exchange.tasks.run_import_stage", run.pk, what="import run")
    return run


def claim(run_id: int) -> bool:
    """Take a queued stage to run it; False if someone else already did (a worker, another request)."""
    return background.claim(ImportRun, run_id)


def execute(run_id: int) -> ImportRun | None:
    """Run the queued stage of a run, if it is still queued. Returns the run, or None if not claimed."""
    if not claim(run_id):
        return None
    run = ImportRun.objects.select_related("created_by", "campus").get(pk=run_id)
    progress = RunProgress(run)
    _log(run, f"{run.get_stage_display()} started.")
    try:
        report = import_bytes(
            kind_named(run.kind),
            bytes(run.content),
            run.file_name,
            actor=run.created_by,
            options=ImportOptions(
                dry_run=run.stage == ImportRun.Stage.PREVIEW,
                skip_invalid=run.skip_invalid,
                default_campus=run.campus,
                decisions={int(line): choice for line, choice in run.decisions.items()},
            ),
            progress=progress,
        )
    except Exception as error:  # the run must end in a state the page can show, whatever happened
        logger.exception("import run %s failed", run.pk)
        run.status = Status.FAILED
        _log(run, f"Failed: {type(error).__name__}: {error}")
    else:
        setattr(run, "preview" if run.stage == ImportRun.Stage.PREVIEW else "result", report.as_dict())
        run.status = Status.DONE
        run.progress_done = run.progress_total = report.rows
        _log(run, f"{report.summary()} {report.verdict()} ({report.seconds:.1f} s)")
    finally:
        progress.clear()
    run.finished_at = timezone.now()
    run.save()
    return run


def _log(run: ImportRun, line: str) -> None:
    stamp = timezone.localtime().strftime("%H:%M:%S")
    run.log = f"{run.log}{stamp} {line}\n"
    ImportRun.objects.filter(pk=run.pk).update(log=run.log)


def report_of(run: ImportRun) -> Report | None:
    data = run.result if run.stage == ImportRun.Stage.IMPORT else run.preview
    return Report.from_dict(data) if data else None


def inline_delay(run: ImportRun) -> int:
    """Seconds the run page waits for a worker before running a queued stage itself: none for small files."""
    if run.size <= int(getattr(settings, "BIOCAMPUS_IMPORT_INLINE_BYTES", 1024 * 1024)):
        return 0
    return background.grace_seconds("BIOCAMPUS_IMPORT_WORKER_GRACE_SECONDS", 5)
