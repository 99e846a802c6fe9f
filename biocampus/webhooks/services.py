"""Every write to webhooks and deliveries: by people (create, edit, rotate, test, retry) and by the system
(turning domain events into deliveries, recording each attempt).

Deliveries are sent by the `deliver_webhook` task (tasks.py) in `biocampus db_worker` processes.
"""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.campuses.models import Campus
from biocampus.core.events import DomainEvent
from biocampus.core.services import apply_changes
from biocampus.core.text import clean_text

from . import conf, payloads, sending
from .choices import RETRYABLE_STATUSES, TEST_EVENT, DeliveryStatus
from .models import Webhook, WebhookAttempt, WebhookDelivery
from .signing import new_secret

logger = logging.getLogger(__name__)

UPDATABLE_FIELDS = frozenset({"url", "events", "description", "is_active"})


def _save(webhook: Webhook, *, actor, reason: str = "") -> Webhook:
    errors = {}
    for name in ("url", "description"):
        try:
            setattr(webhook, name, clean_text(getattr(webhook, name)))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    webhook.full_clean()
    webhook._history_user = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        webhook._change_reason = reason
    webhook.save()
    return webhook


# --- webhooks: written by campus admins and superusers --------------------------------------------


@transaction.atomic
def webhook_create(
    *, actor, campus: Campus | None, url: str, events, description: str = "", is_active: bool = True
) -> Webhook:
    """Register a URL for events. The returned webhook's `secret` is to be shown to the actor once."""
    require(actor, ADD, Webhook, campus=campus)
    webhook = Webhook(
        campus=campus,
        url=url,
        events=list(events),
        description=description,
        is_active=is_active,
        secret=new_secret(),
        secret_rotated_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _save(webhook, actor=actor)
    # Asked of the saved row, so that one rule decides: network-wide webhooks are the superusers'.
    require(actor, CHANGE, webhook)
    return webhook


@transaction.atomic
def webhook_update(*, actor, webhook: Webhook, reason: str = "", **changes) -> Webhook:
    require(actor, CHANGE, webhook)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This cannot be changed; create a new webhook instead.") for name in sorted(unknown)}
        )
    if "events" in changes:
        changes["events"] = list(changes["events"])
    if apply_changes(webhook, changes):
        _save(webhook, actor=actor, reason=reason)
    return webhook


@transaction.atomic
def webhook_rotate_secret(*, actor, webhook: Webhook) -> Webhook:
    """A new signing secret, effective for every delivery sent from now on (retries included)."""
    require(actor, CHANGE, webhook)
    webhook.secret = new_secret()
    webhook.secret_rotated_at = timezone.now()
    return _save(webhook, actor=actor, reason=_("signing secret rotated"))


@transaction.atomic
def webhook_delete(*, actor, webhook: Webhook) -> None:
    require(actor, DELETE, webhook)
    webhook._history_user = actor if getattr(actor, "is_authenticated", False) else None
    webhook.delete()


@transaction.atomic
def webhook_send_test(*, actor, webhook: Webhook) -> WebhookDelivery:
    """Queue a `webhook.test` delivery (also to an inactive webhook: that is how one tries it out)."""
    require(actor, CHANGE, webhook)
    delivery_id = str(uuid.uuid4())
    data = payloads.data_of(
        model_label="webhooks.webhook",
        public_id=str(webhook.public_id),
        campus_slug=webhook.campus.slug if webhook.campus_id else None,
    )
    payload = payloads.build(
        delivery_id=delivery_id, event=TEST_EVENT, occurred_at=timezone.now().isoformat(), data=data
    )
    return _queue(webhook=webhook, delivery_id=delivery_id, event=TEST_EVENT, payload=payload)


@transaction.atomic
def delivery_retry(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again now, as its next attempt."""
    require(actor, CHANGE, delivery.webhook)
    if delivery.status not in RETRYABLE_STATUSES:
        raise ValidationError(_("Only a failed delivery can be retried."), code="not_failed")
    if not delivery.webhook.is_active and delivery.event != TEST_EVENT:
        raise ValidationError(_("The webhook is inactive: activate it first."), code="inactive")
    now = timezone.now()
    delivery.next_attempt_at = now
    delivery.save(update_fields=["next_attempt_at", "updated_at"])
    _enqueue(delivery, attempt=delivery.attempts + 1)
    return delivery


# --- deliveries: written by the system ---------------------------------------------------------------


def _queue(*, webhook: Webhook, delivery_id: str, event: str, payload: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(
        public_id=delivery_id, webhook=webhook, event=event, payload=payload, next_attempt_at=timezone.now()
    )
    delivery.full_clean()
    delivery.save()
    _enqueue(delivery, attempt=1)
    return delivery


def _enqueue(delivery: WebhookDelivery, *, attempt: int, run_after=None) -> None:
    from .tasks import deliver_webhook  # tasks imports this module

    task = deliver_webhook.using(run_after=run_after) if run_after is not None else deliver_webhook
    # In the caller's transaction: the task row exists exactly when the delivery (or its claim) commits.
    task.enqueue(str(delivery.public_id), attempt)


def _audience(event: DomainEvent, webhooks: list[Webhook], campus_id: int | None) -> list[Webhook]:
    """Of the webhooks that want this event, those whose campus may hear about its record."""
    if all(webhook.campus_id is None for webhook in webhooks):
        return webhooks
    if campus_id is not None:
        campus_ids = {campus_id}
    elif event.model == "directory.organization":
        campus_ids = _organization_campus_ids(event.public_id)
    else:
        campus_ids = set()
    return [webhook for webhook in webhooks if webhook.campus_id is None or webhook.campus_id in campus_ids]


def _organization_campus_ids(public_id: str) -> set[int]:
    """The campuses that host (a residency in any status), steward, or are this organisation."""
    from biocampus.campuses.models import Residency
    from biocampus.directory.models import Organization

    organization = Organization.objects.filter(public_id=public_id).values("pk", "steward_id").first()
    if organization is None:
        return set()
    campus_ids = set(Residency.objects.filter(organization_id=organization["pk"]).values_list("campus_id", flat=True))
    campus_ids |= set(Campus.objects.filter(organization_id=organization["pk"]).values_list("pk", flat=True))
    if organization["steward_id"]:
        campus_ids.add(organization["steward_id"])
    return campus_ids


def deliveries_for_event(event: DomainEvent) -> list[WebhookDelivery]:
    """Queue one delivery per active webhook that wants `event` and may hear about its record.

    Called after the write that raised the event has committed (core.events), so a rolled-back write
    queues nothing. With no webhook wanting the event, this costs one query.
    """
    wanting = [webhook for webhook in Webhook.objects.filter(is_active=True) if event.name in webhook.events]
    if not wanting:
        return []
    campus_id = payloads.record_campus_id(event)
    audience = _audience(event, wanting, campus_id)
    if not audience:
        return []
    campus_slug = Campus.objects.filter(pk=campus_id).values_list("slug", flat=True).first() if campus_id else None
    data = payloads.data_of(model_label=event.model, public_id=event.public_id, campus_slug=campus_slug)
    deliveries = []
    with transaction.atomic():  # every delivery with its task, or none
        for webhook in audience:
            delivery_id = str(uuid.uuid4())
            payload = payloads.build(
                delivery_id=delivery_id, event=event.name, occurred_at=event.occurred_at, data=dict(data)
            )
            deliveries.append(_queue(webhook=webhook, delivery_id=delivery_id, event=event.name, payload=payload))
    return deliveries


def delivery_attempt(*, delivery_id: str, attempt: int) -> str:
    """Make attempt number `attempt` of a delivery; return what happened (for the task's result).

    The attempt is claimed with a compare-and-set on `attempts`, so when a scheduled retry and a
    "retry now" race, exactly one of them sends. The claim also queues the next attempt (with its
    backoff) before anything is sent: a worker that dies mid-request still leaves the retry queued;
    a follow-up whose delivery has meanwhile succeeded finishes without sending.
    """
    delivery = WebhookDelivery.objects.select_related("webhook").filter(public_id=delivery_id).first()
    if delivery is None:
        return "gone"  # the webhook was deleted, and its deliveries with it
    webhook = delivery.webhook
    if not webhook.is_active and delivery.event != TEST_EVENT:
        WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SUCCEEDED).update(
            status=DeliveryStatus.GIVING_UP,
            next_attempt_at=None,
            last_error=_("Not sent: the webhook is inactive."),
            updated_at=timezone.now(),
        )
        return "inactive"
    backoff = conf.backoff()
    now = timezone.now()
    next_at = now + backoff[attempt - 1] if attempt <= len(backoff) else None
    with transaction.atomic():
        claimed = (
            WebhookDelivery.objects.filter(pk=delivery.pk, attempts=attempt - 1)
            .exclude(status=DeliveryStatus.SUCCEEDED)
            .update(attempts=attempt, next_attempt_at=next_at, updated_at=now)
        )
        if not claimed:
            return "skipped"  # already attempted (a race or a stale follow-up), or already delivered
        if next_at is not None:
            _enqueue(delivery, attempt=attempt + 1, run_after=next_at)

    timestamp = str(int(now.timestamp()))
    body = sending.encode(delivery.payload)
    headers = sending.signed_headers(
        secret=webhook.secret,
        event=delivery.event,
        delivery_id=str(delivery.public_id),
        attempt=attempt,
        body=body,
        timestamp=timestamp,
    )
    outcome = sending.post(url=webhook.url, body=body, headers=headers)
    _record(delivery, attempt=attempt, outcome=outcome, final=next_at is None)
    return "succeeded" if outcome.ok else ("giving_up" if next_at is None else "failed")


@transaction.atomic
def _record(delivery: WebhookDelivery, *, attempt: int, outcome: sending.Outcome, final: bool) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=attempt,
        started_at=outcome.started_at,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        succeeded=outcome.ok,
        error=outcome.error,
        response_excerpt=outcome.response_excerpt,
    )
    last = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "last_duration_ms": outcome.duration_ms,
        "updated_at": timezone.now(),
    }
    rows = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SUCCEEDED)
    if outcome.ok:
        rows.update(status=DeliveryStatus.SUCCEEDED, delivered_at=outcome.started_at, next_attempt_at=None, **last)
        return
    # Only the latest attempt speaks for the delivery (a slow one must not undo a newer one's result).
    status = DeliveryStatus.GIVING_UP if final else DeliveryStatus.FAILED
    rows = rows.filter(attempts=attempt)
    if final:
        rows.update(status=status, next_attempt_at=None, **last)
    else:
        rows.update(status=status, **last)
    if final:
        logger.warning("webhook delivery %s gave up after %d attempts", delivery.public_id, attempt)
