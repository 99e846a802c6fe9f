"""The real thing: a committed write, `biocampus db_worker --batch` in this process, a receiver on 127.0.0.1.

Transactional tests: the worker reads committed rows and, like any long-running worker, closes old
database connections between tasks, which a test wrapped in a transaction cannot allow.
"""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.models import WebhookDelivery
from biocampus.webhooks.signing import verify

from .conftest import make_due

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def db_worker():
    """`db_worker()` runs the command until no task is due; the signal handlers it installs are put back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> str:
        out = io.StringIO()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
                     "--worker-id", "pytest-db-worker", verbosity=2, stdout=out)  # fmt: skip
        return out.getvalue()

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_the_db_worker_sends_a_signed_agreement_and_retries_after_a_500(hook_a, receiver, db_worker, staff,
                                                                        campus_a, resident_org, partner_org):  # fmt: skip
    from biocampus.agreements.services import agreement_create

    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.answers = [(500, b"not now")]

    agreement = agreement_create(
        actor=staff,
        campus=campus_a,
        title="Signed at the expo",
        type="cooperation",
        status="signed",
        parties=[resident_org, partner_org],
    )  # fmt: skip (commits: the listener runs on commit)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING

    db_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert DBTaskResult.objects.filter(status="READY").get().run_after == delivery.next_attempt_at

    make_due(delivery)
    db_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 2, 200)
    assert len(receiver.requests) == 2
    received = receiver.requests[-1]
    assert received.json["data"]["id"] == str(agreement.public_id)
    assert verify(hook_a.secret, received.headers["X-BioCampus-Timestamp"], received.body,
                  received.headers["X-BioCampus-Signature"])  # fmt: skip
    assert DBTaskResult.objects.successful().filter(worker_ids=["pytest-db-worker"]).count() == 2
    assert not DBTaskResult.objects.failed().exists()
