"""Writes to events, participations and booth showcases."""

from __future__ import annotations

from django.db import transaction

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.children import sync_children
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save

from .models import Event, Participation, Showcase


@transaction.atomic
def event_create(*, actor, campus, name: str, showcases=None, provenance=None, **attributes) -> Event:
    require(actor, ADD, Event, campus=campus)
    event = Event(campus=campus, name=name, **attributes)
    record_save(event, actor=actor, provenance=provenance)
    publish("event.created", event, actor=actor)
    if showcases:
        event_set_showcases(actor=actor, event=event, showcases=showcases, provenance=event.provenance)
    return event


@transaction.atomic
def event_update(*, actor, event: Event, showcases=None, reason: str = "", **changes) -> Event:
    require(actor, CHANGE, event)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != event.campus:
        require(actor, ADD, Event, campus=new_campus)
    if apply_changes(event, changes):
        record_save(event, actor=actor, reason=reason)
    if showcases is not None:
        event_set_showcases(actor=actor, event=event, showcases=showcases)
    return event


@transaction.atomic
def event_delete(*, actor, event: Event) -> None:
    require(actor, DELETE, event)
    record_delete(event, actor=actor)


@transaction.atomic
def participation_add(*, actor, event: Event, organization, role: str, provenance=None) -> Participation:
    require(actor, CHANGE, event)
    existing = Participation.objects.filter(event=event, organization=organization, role=role).first()
    if existing:
        return existing
    participation = Participation(event=event, organization=organization, role=role)
    return record_save(participation, actor=actor, provenance=provenance)


@transaction.atomic
def event_set_showcases(*, actor, event: Event, showcases: list[dict], provenance=None) -> list[Showcase]:
    """Make the event's booth exactly `showcases`: dicts of organization, offering, description, booth_host."""
    require(actor, CHANGE, event)
    wanted = [{"description": "", "booth_host": None, "outcome": "", **values} for values in showcases]
    return sync_children(
        actor=actor,
        existing=event.showcases.all(),
        wanted=wanted,
        key=lambda values: (values["organization"].pk, values["offering"]),
        key_of=lambda showcase: (showcase.organization_id, showcase.offering),
        build=lambda values: Showcase(event=event, **values),
        provenance=provenance,
    )
