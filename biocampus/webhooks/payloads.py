"""What a delivery says: a thin payload naming the record and where the API serves it.

Receivers fetch the record itself from the API with their own token, so a delivery never carries more
than the webhook's owner could read there, and never goes stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from biocampus.core.events import DomainEvent

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Resource:
    type: str  # the name receivers see in data.type
    collection: str  # the API collection: /api/v1/<collection>/<public id>
    campus_path: str | None = None  # how to find the campus when the event does not carry it
    # For records the API serves only inside another (an observation, in its target): the path to the
    # public id of that record, whose URL is then given.
    served_in: str | None = None


# Keyed by model label; every model a domain event can name must be here (tests check EVENT_TYPES against it).
RESOURCES: dict[str, Resource] = {
    "directory.organization": Resource("organization", "organizations"),
    "campuses.residency": Resource("residency", "residencies", "campus"),
    "agreements.agreement": Resource("agreement", "agreements", "campus"),
    "events.event": Resource("event", "events", "campus"),
    "progress.milestone": Resource("milestone", "milestones", "campus"),
    "progress.fundinground": Resource("funding_round", "funding-rounds", "campus"),
    "progress.observation": Resource("observation", "targets", "target__campus", served_in="target__public_id"),
    "webhooks.webhook": Resource("webhook", "webhooks", "campus"),
    "events.lead": Resource("lead", "leads", "event__campus"),
    "intake.application": Resource("application", "applications", "campus"),
    "servicedesk.servicerequest": Resource("service_request", "service-requests", "campus"),
}


def resource_for(model_label: str) -> Resource:
    return RESOURCES.get(model_label) or Resource(model_label.rsplit(".", 1)[-1], model_label.rsplit(".", 1)[-1])


def api_path(model_label: str, public_id: str) -> str:
    resource = resource_for(model_label)
    if resource.served_in is not None:
        model = apps.get_model(model_label)
        rows = model._default_manager.filter(public_id=public_id).values_list(resource.served_in, flat=True)
        public_id = rows.first() or public_id
    return f"{API_PREFIX}/{resource.collection}/{public_id}"


def record_campus_id(event: DomainEvent) -> int | None:
    """The campus of the event's record: carried by the event, or looked up (an observation's target)."""
    if event.campus_id is not None:
        return event.campus_id
    path = resource_for(event.model).campus_path
    if path is None:
        return None
    model = apps.get_model(event.model)
    return model._default_manager.filter(public_id=event.public_id).values_list(path, flat=True).first()


def data_of(*, model_label: str, public_id: str, campus_slug: str | None) -> dict:
    """The `data` of a payload: what the record is and where to fetch it (the same for every webhook)."""
    return {
        "type": resource_for(model_label).type,
        "id": public_id,
        "campus": campus_slug,
        "url": api_path(model_label, public_id),
    }


def build(*, delivery_id: str, event: str, occurred_at: str, data: dict) -> dict:
    return {"id": delivery_id, "event": event, "occurred_at": occurred_at, "data": data}
