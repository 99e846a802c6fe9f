"""Several `biocampus db_worker` processes on one PostgreSQL claim background work without doubles.

django-tasks-db's worker claims a task in one transaction: SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1 on the
ready tasks (DBTaskResultQuerySet.get_locked), then UPDATE it to RUNNING (DBTaskResult.claim), then COMMIT;
it runs the task after the commit. A row locked by one worker's claim is skipped by the others, and once
committed it is no longer READY. This test starts three real worker processes against the test database,
enqueues a hundred tasks and checks that each ran exactly once, and that more than one worker did work.

Skipped on SQLite (one writer at a time; the worker there takes an exclusive transaction instead).
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.ops.worker_tasks import record_run

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the workers must see the enqueued rows: commit them
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several workers need PostgreSQL"),
]

REPOSITORY = Path(__file__).resolve().parents[2]
WORKERS = 3
TASKS = 100
DEADLINE_SECONDS = 120  # a bound on waiting, not a timing assertion


def worker_environment() -> dict[str, str]:
    """The test's own environment, pointed at the test database (pytest-django's test_<name>), with the
    repository importable so that the workers find tests.ops.worker_tasks."""
    database = connection.settings_dict
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PGDATABASE=database["NAME"],
        PGUSER=database["USER"] or "",
        PGPASSWORD=database["PASSWORD"] or "",
        PGHOST=database["HOST"] or "",
        PGPORT=str(database["PORT"] or ""),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH", "")])),
    )
    return environment


def start_worker(number: int, log_dir: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("biocampus")),
        "db_worker",
        "--interval",
        "0.05",
        "--no-startup-delay",
        "--worker-id",
        f"test-worker-{number}",
    ]
    output = (log_dir / f"worker-{number}.log").open("w")
    return subprocess.Popen(  # noqa: S603  (our own command line, no outside input)
        command, cwd=REPOSITORY, env=worker_environment(), stdout=output, stderr=subprocess.STDOUT
    )


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)  # the worker finishes its task, then exits
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_three_workers_run_every_task_exactly_once(tmp_path):
    run_log = tmp_path / "runs.log"
    run_log.touch()
    workers = [start_worker(number, tmp_path) for number in range(WORKERS)]
    try:
        results = [record_run.enqueue(str(run_log)) for _ in range(TASKS)]
        ids = {str(result.id) for result in results}
        waited_until = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < waited_until:
            finished = DBTaskResult.objects.filter(id__in=ids, status__in=["SUCCESSFUL", "FAILED"]).count()
            if finished == TASKS or any(worker.poll() is not None for worker in workers):
                break
            time.sleep(0.2)
    finally:
        stop(workers)
    logs = "\n".join(f"--- worker {n}\n{(tmp_path / f'worker-{n}.log').read_text()}" for n in range(WORKERS))

    rows = DBTaskResult.objects.filter(id__in=ids)
    statuses = collections.Counter(rows.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL": TASKS}, f"{statuses}\n{logs}"
    # Each task was claimed by one worker, once...
    assert all(len(worker_ids) == 1 for worker_ids in rows.values_list("worker_ids", flat=True))
    # ... and ran once: one line per task in the run log.
    runs = [line.split() for line in run_log.read_text().splitlines()]
    per_task = collections.Counter(task_id for task_id, _pid in runs)
    assert set(per_task) == ids
    assert set(per_task.values()) == {1}
    # The work was shared: more than one worker process ran tasks, and each ran them in its own process.
    pids = {int(pid) for _task_id, pid in runs}
    assert len(pids) > 1, logs
    assert pids <= {worker.pid for worker in workers}
    claimed_by = collections.Counter(worker_ids[0] for worker_ids in rows.values_list("worker_ids", flat=True))
    assert len(claimed_by) > 1
