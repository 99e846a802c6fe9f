"""Writes to events, participations, booth showcases and the leads taken at events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, DELETE, require
from biocampus.core.children import sync_children
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_delete, record_save
from biocampus.insight import rollups

from .models import Event, Lead, Participation, Showcase


@transaction.atomic
def event_create(
    *, actor, campus, name: str, showcases=None, participations=None, provenance=None, **attributes
) -> Event:
    require(actor, ADD, Event, campus=campus)
    event = Event(campus=campus, name=name, **attributes)
    record_save(event, actor=actor, provenance=provenance)
    publish("event.created", event, actor=actor)
    if showcases:
        event_set_showcases(actor=actor, event=event, showcases=showcases, provenance=event.provenance)
    if participations:
        event_set_participations(actor=actor, event=event, participations=participations, provenance=event.provenance)
    return event


@transaction.atomic
def event_update(*, actor, event: Event, showcases=None, participations=None, reason: str = "", **changes) -> Event:
    """Change the event; `showcases` / `participations`, when given, replace the booth / who took part."""
    require(actor, CHANGE, event)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != event.campus:
        require(actor, ADD, Event, campus=new_campus)
    before = rollups.buckets_of(event)
    if apply_changes(event, changes):
        record_save(event, actor=actor, reason=reason)
        # What was signed at the event without its own date is dated by it; its showcases are counted by it.
        rollups.refresh_buckets(before | rollups.buckets_of(event))
    if showcases is not None:
        event_set_showcases(actor=actor, event=event, showcases=showcases)
    if participations is not None:
        event_set_participations(actor=actor, event=event, participations=participations)
    return event


@transaction.atomic
def event_delete(*, actor, event: Event) -> None:
    require(actor, DELETE, event)
    before = rollups.buckets_of(event)
    record_delete(event, actor=actor)
    rollups.refresh_buckets(before)


@transaction.atomic
def participation_add(*, actor, event: Event, organization, role: str, provenance=None) -> Participation:
    require(actor, CHANGE, event)
    existing = Participation.objects.filter(event=event, organization=organization, role=role).first()
    if existing:
        return existing
    participation = Participation(event=event, organization=organization, role=role)
    return record_save(participation, actor=actor, provenance=provenance)


@transaction.atomic
def participation_remove(*, actor, participation: Participation) -> None:
    """Take one organisation's role at an event away (a change to the event, kept in history)."""
    require(actor, CHANGE, participation.event)
    record_delete(participation, actor=actor)


@transaction.atomic
def event_set_participations(
    *, actor, event: Event, participations: list[dict], provenance=None
) -> list[Participation]:
    """Make who took part exactly `participations`: dicts of organization and role."""
    require(actor, CHANGE, event)
    keys = [(values["organization"].pk, values["role"]) for values in participations]
    if len(set(keys)) != len(keys):
        raise ValidationError({"participations": _("An organisation is listed twice in the same role; keep it once.")})
    try:
        return sync_children(
            actor=actor,
            existing=event.participations.all(),
            wanted=[{"organization": values["organization"], "role": values["role"]} for values in participations],
            key=lambda values: (values["organization"].pk, values["role"]),
            key_of=lambda participation: (participation.organization_id, participation.role),
            build=lambda values: Participation(event=event, **values),
            provenance=provenance,
        )
    except ValidationError as error:
        # Whatever a row got wrong (an unknown role...) is said where the rows were given.
        raise ValidationError({"participations": error.messages}) from error


@transaction.atomic
def event_set_showcases(*, actor, event: Event, showcases: list[dict], provenance=None) -> list[Showcase]:
    """Make the event's booth exactly `showcases`: dicts of organization, offering, description, booth_host."""
    require(actor, CHANGE, event)
    wanted = [{"description": "", "booth_host": None, "outcome": "", **values} for values in showcases]
    shown = sync_children(
        actor=actor,
        existing=event.showcases.all(),
        wanted=wanted,
        key=lambda values: (values["organization"].pk, values["offering"]),
        key_of=lambda showcase: (showcase.organization_id, showcase.offering),
        build=lambda values: Showcase(event=event, **values),
        provenance=provenance,
    )
    rollups.refresh_buckets(rollups.buckets_of(event), metrics=["showcases"])
    return shown


# --- leads -----------------------------------------------------------------------------------------------


def _check_lead_links(lead: Lead) -> None:
    """What a lead became must be of the campus that recorded the event."""
    errors = {}
    campus_id = lead.event.campus_id
    if lead.agreement is not None and lead.agreement.campus_id != campus_id:
        errors["agreement"] = _("The agreement must be one of the event's campus.")
    if lead.residency is not None and lead.residency.campus_id != campus_id:
        errors["residency"] = _("The residency must be one at the event's campus.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def lead_create(*, actor, event: Event, provenance=None, **attributes) -> Lead:
    """Record a lead taken at `event` (an organisation of the directory, or only a prospect's name)."""
    require(actor, ADD, Lead, campus=event.campus)
    lead = Lead(event=event, **attributes)
    _check_lead_links(lead)
    record_save(lead, actor=actor, provenance=provenance)
    rollups.refresh_buckets(rollups.buckets_of(lead), metrics=["showcases"])
    publish("lead.taken", lead, actor=actor)
    return lead


@transaction.atomic
def lead_update(*, actor, lead: Lead, reason: str = "", **changes) -> Lead:
    require(actor, CHANGE, lead)
    new_event = changes.get("event")
    if new_event is not None and new_event != lead.event:
        require(actor, ADD, Lead, campus=new_event.campus)
    before = rollups.buckets_of(lead)
    if apply_changes(lead, changes):
        _check_lead_links(lead)
        record_save(lead, actor=actor, reason=reason)
        rollups.refresh_buckets(before | rollups.buckets_of(lead), metrics=["showcases"])
    return lead


@transaction.atomic
def lead_delete(*, actor, lead: Lead) -> None:
    require(actor, DELETE, lead)
    before = rollups.buckets_of(lead)
    record_delete(lead, actor=actor)
    rollups.refresh_buckets(before, metrics=["showcases"])
