"""The queue-then-claim life of background runs (core/background.py), as imports and reports live it: the task is
queued only once the run is committed, a run is claimed once, and a run that cannot be queued is left for its
page to run instead of failing the request that asked for it."""

from __future__ import annotations

import logging

import pytest
from django_tasks_db.models import DBTaskResult

from biocampus.core import background
from biocampus.insight.models import ReportRun
from biocampus.insight.reports import runs

pytestmark = pytest.mark.django_db


def _queue(users, campus):
    return runs.queue(user=users.campus_admin, campus=campus, year=2020, fmt="pdf", language="en")


def test_the_task_is_queued_when_the_run_commits(users, campus_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = _queue(users, campus_a)
    assert DBTaskResult.objects.count() == 0  # not before the commit: a worker would find no row
    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk]
    assert task.task_path.endswith("generate_report")


def test_a_run_is_claimed_once(users, campus_a):
    run = _queue(users, campus_a)
    assert background.claim(ReportRun, run.pk) is True
    assert background.claim(ReportRun, run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING and run.started_at is not None
    assert runs.execute(run.pk) is None  # the page's poller, too late: the run is someone else's


def test_a_run_that_cannot_be_queued_is_left_to_its_page(users, campus_a, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=False):  # the real queueing is not run: it is broken below
        run = _queue(users, campus_a)
    background._enqueue("biocampus.no_such_module.task", run.pk, "report run")  # the worker's queue is gone
    assert "could not queue report run" in caplog.text
    assert caplog.records[-1].levelno == logging.ERROR
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED  # still there for the page to run after the grace period
    assert runs.execute(run.pk).status in (ReportRun.Status.DONE, ReportRun.Status.FAILED)


def test_grace_periods_come_from_the_settings(settings):
    settings.BIOCAMPUS_REPORT_WORKER_GRACE_SECONDS = 7
    assert runs.inline_delay() == 7
    del settings.BIOCAMPUS_REPORT_WORKER_GRACE_SECONDS
    assert runs.inline_delay() == 2
