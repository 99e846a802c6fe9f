"""Domain events: what happened, published after the transaction that did it commits.

Services call `publish("agreement.signed", agreement, actor=...)`. Apps that react (webhooks today)
register a listener in their AppConfig.ready(). This is an explicit registry, not Django signals, so
a reader of a service sees every event it raises, and a rolled-back write raises none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Every event BioCampus publishes: name -> what it means (shown to admins choosing webhook events).
EVENT_TYPES: dict[str, str] = {
    "organization.created": "An organisation was added to the directory.",
    "organization.updated": "An organisation's profile changed.",
    "organization.merged": "A duplicate organisation was merged into another.",
    "residency.created": "An organisation's residency at a campus was recorded.",
    "residency.status_changed": "A residency moved along its lifecycle (signed, resident, graduated...).",
    "agreement.created": "An agreement was recorded.",
    "agreement.signed": "An agreement was signed (recorded as signed, or its status became signed).",
    "event.created": "An event was recorded.",
    "milestone.reached": "A milestone was recorded.",
    "funding_round.created": "A funding round was recorded.",
    "observation.recorded": "A target's metric was observed.",
    "lead.taken": "A lead was taken at an event.",
    "application.submitted": "Someone applied to join a campus.",
    "application.decided": "A campus accepted, declined or wait-listed an application.",
    "service_request.opened": "A resident opened a service request.",
    "service_request.status_changed": "A service request moved on (accepted, in progress, done...).",
}


@dataclass(frozen=True)
class DomainEvent:
    name: str
    model: str  # "agreements.agreement"
    public_id: str
    campus_id: int | None
    actor_id: int | None
    occurred_at: str


Listener = Callable[[DomainEvent], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def publish(name: str, record, *, actor=None) -> None:
    """Announce `name` about `record` once the current transaction commits (at once outside one)."""
    if name not in EVENT_TYPES:
        raise ValueError(f"unknown event {name!r}; add it to EVENT_TYPES")
    event = DomainEvent(
        name=name,
        model=record._meta.label_lower,
        public_id=str(record.public_id),
        campus_id=getattr(record, "campus_id", None),
        actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        occurred_at=timezone.now().isoformat(),
    )

    def deliver():
        for listener in list(_listeners):
            try:
                listener(event)
            except Exception:  # a failing listener must not undo or block the committed write
                logger.exception("listener %r failed for %s", listener, name)

    transaction.on_commit(deliver)
