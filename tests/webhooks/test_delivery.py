"""From a committed write to a signed POST on a real receiver: signature, retries with backoff, giving up."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from biocampus.agreements.services import agreement_create
from biocampus.webhooks import services
from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.models import WebhookDelivery
from biocampus.webhooks.signing import verify

from .conftest import make_due, queued_attempts, run_due_tasks

BACKOFF = [datetime.timedelta(minutes=1), datetime.timedelta(minutes=5), datetime.timedelta(minutes=30),
           datetime.timedelta(hours=2), datetime.timedelta(hours=12)]  # fmt: skip


def _delivery(event: str) -> WebhookDelivery:
    return WebhookDelivery.objects.get(event=event)


def test_a_signed_agreement_reaches_the_receiver_signed_and_thin(hook_a, receiver, sign_agreement, staff,
                                                                 campus_a, resident_org):  # fmt: skip
    agreement = sign_agreement(staff, campus_a, resident_org)
    assert set(WebhookDelivery.objects.values_list("event", flat=True)) == {"agreement.created", "agreement.signed"}

    assert run_due_tasks() == 2

    by_event = {r.headers["X-BioCampus-Event"]: r for r in receiver.requests}
    assert set(by_event) == {"agreement.created", "agreement.signed"}
    received = by_event["agreement.signed"]
    delivery = _delivery("agreement.signed")
    assert received.path == "/hooks/biocampus?source=test"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-BioCampus-Delivery"] == str(delivery.public_id)
    assert received.headers["X-BioCampus-Signature"].startswith("sha256=")
    assert verify(hook_a.secret, received.headers["X-BioCampus-Timestamp"], received.body,
                  received.headers["X-BioCampus-Signature"])  # fmt: skip
    assert not verify("whsec_wrong", received.headers["X-BioCampus-Timestamp"], received.body,
                      received.headers["X-BioCampus-Signature"])  # fmt: skip
    assert not verify(hook_a.secret, received.headers["X-BioCampus-Timestamp"], received.body + b" ",
                      received.headers["X-BioCampus-Signature"])  # fmt: skip
    assert received.json == {
        "id": str(delivery.public_id),
        "event": "agreement.signed",
        "occurred_at": received.json["occurred_at"],
        "data": {
            "type": "agreement",
            "id": str(agreement.public_id),
            "campus": "campus-a",
            "url": f"/api/v1/agreements/{agreement.public_id}",
        },
    }
    assert datetime.datetime.fromisoformat(received.json["occurred_at"]) <= timezone.now()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    attempt = delivery.attempt_log.get()
    assert (attempt.number, attempt.status_code, attempt.succeeded, attempt.response_excerpt) == (1, 200, True, "ok")


def test_a_receiver_answering_500_gets_a_retry_with_backoff_then_success(hook_a, receiver, sign_agreement, staff,
                                                                          campus_a, resident_org):  # fmt: skip
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.answers = [(500, b"database down")]
    sign_agreement(staff, campus_a, resident_org)
    before = timezone.now()

    run_due_tasks()

    delivery = _delivery("agreement.signed")
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert "500" in delivery.last_error
    first = delivery.attempt_log.get()
    assert (first.number, first.status_code, first.succeeded, first.response_excerpt) == (1, 500, False,
                                                                                           "database down")  # fmt: skip
    # The retry is queued one minute out, and nothing runs before then.
    [retry] = queued_attempts(delivery)
    assert retry.args_kwargs == {"args": [str(delivery.public_id), 2], "kwargs": {}}
    assert retry.run_after == delivery.next_attempt_at
    assert before + BACKOFF[0] - datetime.timedelta(seconds=5) <= retry.run_after <= timezone.now() + BACKOFF[0]
    assert run_due_tasks() == 0
    assert len(receiver.requests) == 1

    make_due(delivery)
    run_due_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 2, 200)
    assert delivery.last_error == "" and delivery.next_attempt_at is None
    assert [(a.number, a.status_code) for a in delivery.attempt_log.all()] == [(1, 500), (2, 200)]
    assert len(receiver.requests) == 2
    # The same delivery id, a fresh signature, the attempt number.
    first_request, second_request = receiver.requests
    assert first_request.headers["X-BioCampus-Delivery"] == second_request.headers["X-BioCampus-Delivery"]
    assert (first_request.headers["X-BioCampus-Attempt"], second_request.headers["X-BioCampus-Attempt"]) == ("1", "2")
    assert verify(hook_a.secret, second_request.headers["X-BioCampus-Timestamp"], second_request.body,
                  second_request.headers["X-BioCampus-Signature"])  # fmt: skip
    # The follow-up queued before attempt 2 finds the delivery done and sends nothing.
    make_due(delivery)
    run_due_tasks()
    assert len(receiver.requests) == 2
    assert DBTaskResult.objects.successful().filter(return_value="skipped").count() == 1


def test_every_attempt_failing_gives_up_after_the_last_backoff(hook_a, receiver, sign_agreement, staff, campus_a,
                                                               resident_org):  # fmt: skip
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.default = (503, b"")
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")

    for attempt, wait in enumerate(BACKOFF, start=1):
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, attempt)
        [retry] = queued_attempts(delivery)
        last_attempt = delivery.attempt_log.get(number=attempt)
        # Each wait is measured from the start of the attempt that failed.
        assert abs(retry.run_after - (last_attempt.started_at + wait)) < datetime.timedelta(seconds=5)
        make_due(delivery)
        run_due_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.GIVING_UP, 6, None)
    assert queued_attempts(delivery) == []
    assert len(receiver.requests) == 6
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(n, 503) for n in range(1, 7)]


def test_retry_now_sends_a_given_up_delivery_again(hook_a, receiver, admin_a, settings, sign_agreement, staff,
                                                   campus_a, resident_org):  # fmt: skip
    settings.BIOCAMPUS_WEBHOOKS_BACKOFF = "60"  # two attempts in all
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.answers = [(500, b""), (500, b"")]
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")
    make_due(delivery)
    run_due_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GIVING_UP, 2)

    services.delivery_retry(actor=admin_a, delivery=delivery)
    run_due_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 3, 200)
    assert len(receiver.requests) == 3


def test_retry_now_and_the_scheduled_retry_send_once(hook_a, receiver, admin_a, sign_agreement, staff, campus_a,
                                                     resident_org):  # fmt: skip
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.answers = [(500, b"")]
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")

    services.delivery_retry(actor=admin_a, delivery=delivery)
    make_due(delivery)  # the scheduled attempt 2 comes due as well
    run_due_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert len(receiver.requests) == 2
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2]


def test_redirects_are_not_followed_and_count_as_failures(hook_a, receiver, sign_agreement, staff, campus_a,
                                                          resident_org):  # fmt: skip
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.default = (302, b"")
    receiver.extra_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 302)
    assert "not followed" in delivery.last_error
    assert len(receiver.requests) == 1


def test_a_slow_receiver_times_out_and_the_attempt_is_logged(hook_a, receiver, settings, sign_agreement, staff,
                                                             campus_a, resident_org):  # fmt: skip
    settings.BIOCAMPUS_WEBHOOKS_TIMEOUT = "0.2"
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.delay = 1.0
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, None)
    assert "Timed out" in delivery.last_error
    assert 150 <= delivery.last_duration_ms < 1000


def test_a_closed_port_is_a_failed_attempt_not_a_crash(admin_a, campus_a, allow_loopback, sign_agreement, staff,
                                                       resident_org):  # fmt: skip
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.webhook_create(
        actor=admin_a, campus=campus_a, url=f"http://127.0.0.1:{port}/", events=["agreement.signed"]
    )
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    delivery = _delivery("agreement.signed")
    assert delivery.status == DeliveryStatus.FAILED
    assert "refused" in delivery.last_error.lower()


def test_a_rotated_secret_signs_the_retries(hook_a, receiver, admin_a, sign_agreement, staff, campus_a, resident_org):
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    old_secret = hook_a.secret
    receiver.answers = [(500, b"")]
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    services.webhook_rotate_secret(actor=admin_a, webhook=hook_a)
    make_due(_delivery("agreement.signed"))
    run_due_tasks()
    retried = receiver.requests[-1]
    args = (retried.headers["X-BioCampus-Timestamp"], retried.body, retried.headers["X-BioCampus-Signature"])
    assert verify(hook_a.secret, *args)
    assert not verify(old_secret, *args)


def test_a_rolled_back_write_sends_nothing(hook_a, receiver, staff, campus_a, resident_org, partner_org,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    class Abandon(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abandon), transaction.atomic():
        agreement_create(actor=staff, campus=campus_a, title="Never signed", type="cooperation",
                         status="signed", parties=[resident_org, partner_org])  # fmt: skip
        raise Abandon
    assert callbacks == []
    assert WebhookDelivery.objects.count() == 0
    assert run_due_tasks() == 0
    assert receiver.requests == []


def test_a_deactivated_webhook_gets_nothing_more(hook_a, receiver, admin_a, sign_agreement, staff, campus_a,
                                                 resident_org):  # fmt: skip
    hook_a.events = ["agreement.signed"]
    hook_a.save()
    receiver.answers = [(500, b"")]
    sign_agreement(staff, campus_a, resident_org)
    run_due_tasks()
    services.webhook_update(actor=admin_a, webhook=hook_a, is_active=False)

    delivery = _delivery("agreement.signed")
    make_due(delivery)
    run_due_tasks()
    sign_agreement(staff, campus_a, resident_org, title="Second agreement")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GIVING_UP, 1)
    assert "inactive" in delivery.last_error
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_the_test_event_reaches_the_receiver(hook_a, receiver, admin_a):
    delivery = services.webhook_send_test(actor=admin_a, webhook=hook_a)
    run_due_tasks()
    [received] = receiver.requests
    assert received.headers["X-BioCampus-Event"] == "webhook.test"
    assert received.json["data"] == {
        "type": "webhook",
        "id": str(hook_a.public_id),
        "campus": "campus-a",
        "url": f"/api/v1/webhooks/{hook_a.public_id}",
    }
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_a_deleted_webhook_leaves_its_queued_tasks_harmless(hook_a, receiver, admin_a):
    services.webhook_send_test(actor=admin_a, webhook=hook_a)
    services.webhook_delete(actor=admin_a, webhook=hook_a)
    run_due_tasks()
    assert receiver.requests == []
    assert DBTaskResult.objects.successful().get().return_value == "gone"
