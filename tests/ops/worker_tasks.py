"""A tiny task for tests/ops/test_workers_postgres.py: it notes which worker process ran which task.

It lives under tests/ (not in the product): the worker processes import it because the test starts them
with the repository on PYTHONPATH. Each run appends one line, "<task id> <pid>", to a log file (appends of
a short line with O_APPEND do not interleave), so the test can count how often each task ran and where.
"""

import os
import time

from django_tasks import TaskContext, task


@task(takes_context=True)
def record_run(context: TaskContext, log_path: str) -> int:
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"{context.task_result.id} {os.getpid()}\n")
    time.sleep(0.02)  # long enough that the other workers claim tasks meanwhile
    return os.getpid()
