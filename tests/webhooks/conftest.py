"""Fixtures of the webhook tests: a real HTTP receiver on 127.0.0.1, and running queued tasks through
django-tasks-db's own worker code.

Loopback receivers are allowed explicitly (BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS), not by default.
Nothing sleeps for a backoff: tests read the run_after of the queued retry, then make it due.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from biocampus.agreements.choices import AgreementStatus, AgreementType
from biocampus.agreements.services import agreement_create
from biocampus.webhooks.services import webhook_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got, and what it answers next: `answers` is a list of (status, body) popped per
    request; when it is empty every request gets `default`."""

    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = (200, b"ok")
    delay: float = 0.0
    extra_headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def allow_loopback(settings):
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def receiver(allow_loopback):
    """An HTTP server on 127.0.0.1 (a free port) in a daemon thread, stopped after the test."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = min(int(self.headers.get("Content-Length", 0)), 1_000_000)
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            if state.delay:
                time.sleep(state.delay)
            status, answer = state.answers.pop(0) if state.answers else state.default
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that timed out
                self.send_response(status)
                for name, value in state.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/biocampus?source=test"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_due_tasks(limit: int = 50) -> int:
    """Run the tasks that are due, one by one, as `db_worker` does: claim atomically, then Worker.run_task.

    (The command's own loop also closes old connections, which would end a test's transaction; the
    transactional test in test_worker.py runs the command itself.) Fails the test if a task raised.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                break
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    failed = list(DBTaskResult.objects.failed())
    assert not failed, failed[0].traceback
    return ran


def queued_attempts(delivery) -> list[DBTaskResult]:
    """The READY tasks that will make an attempt at this delivery, soonest first."""
    return sorted(
        (t for t in DBTaskResult.objects.filter(status="READY") if t.args_kwargs["args"][0] == str(delivery.public_id)),
        key=lambda t: t.run_after,
    )


def make_due(delivery) -> DBTaskResult:
    """Time passes: the next queued attempt at this delivery becomes due now. Returns that task."""
    task_result = queued_attempts(delivery)[0]
    task_result.run_after = timezone.now()
    task_result.save(update_fields=["run_after"])
    return task_result


@pytest.fixture
def admin_a(users):
    return users.campus_admin


@pytest.fixture
def hook_a(admin_a, campus_a, receiver):
    """An active webhook of campus A, pointing at the receiver, for agreement and milestone events."""
    return webhook_create(
        actor=admin_a,
        campus=campus_a,
        url=receiver.url,
        events=["agreement.signed", "agreement.created", "milestone.reached"],
        description="Campus A CRM",
    )


@pytest.fixture
def sign_agreement(django_capture_on_commit_callbacks, partner_org):
    """`sign_agreement(actor, campus, organization)`: an agreement recorded as signed through the service,
    in a transaction that commits (its on-commit callbacks run)."""

    def sign(actor, campus, organization, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return agreement_create(
                actor=actor,
                campus=campus,
                title=extra.pop("title", "Strategic cooperation"),
                type=AgreementType.STRATEGIC_COOPERATION,
                status=AgreementStatus.SIGNED,
                parties=[organization, partner_org],
                **extra,
            )

    return sign
