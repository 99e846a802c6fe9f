"""API of events, what was shown at them (showcases) and who took part (participations)."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.filters import by_id, in_range
from biocampus.api.operations import adds_to, creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import resolve_links
from biocampus.api.schemas import (
    CampusRef,
    Choice,
    CountryCode,
    Date,
    InputSchema,
    Line,
    OrganizationRef,
    PublicId,
    RecordOut,
    Text,
    Url,
    patch_of,
)

from . import services
from .choices import EventKind, ParticipationRole
from .models import Participation, Showcase
from .selectors import events_for

router = Router()
events = Router(tags=["Events"])
router.add_router("/events", events)


class ShowcaseIn(InputSchema):
    organization: PublicId = Field(description="The exhibitor.")
    offering: Line(300, min_length=1) = Field(description="What it showed.")
    booth_host: PublicId | None = Field(None, description="Whose booth it showed at.")
    description: Text() = ""
    outcome: Text() = Field("", description="What came of it.")


class ShowcaseOut(Schema):
    organization: OrganizationRef
    offering: str
    booth_host: OrganizationRef | None
    description: str
    outcome: str


class ParticipationIn(InputSchema):
    organization: PublicId
    role: Choice(ParticipationRole)


class ParticipationOut(Schema):
    organization: OrganizationRef
    role: Choice(ParticipationRole)


class EventIn(InputSchema):
    campus: PublicId = Field(description="The campus that records the event.")
    name: Line(300, min_length=1)
    name_zh: Line(300) = ""
    short_name: Line(60) = Field("", description="3rd CIIE")
    kind: Choice(EventKind) = EventKind.OTHER.value
    starts_on: Date | None = None
    ends_on: Date | None = None
    place: Line(200) = ""
    city: Line(120) = ""
    country: CountryCode = ""
    website: Url = ""
    description: Text() = ""
    showcases: list[ShowcaseIn] = Field(
        default_factory=list, max_length=200, description="The booth: a PATCH replaces every showcase."
    )


class EventCreate(EventIn):
    participations: list[ParticipationIn] = Field(
        default_factory=list,
        max_length=200,
        description="Who took part; later ones are added with POST /events/{id}/participations.",
    )


EventPatch = patch_of(EventIn, "EventPatch")


class EventOut(RecordOut):
    campus: CampusRef
    name: str
    name_zh: str
    short_name: str
    kind: Choice(EventKind)
    starts_on: Date | None
    ends_on: Date | None
    place: str
    city: str
    country: str
    website: str
    description: str
    showcases: list[ShowcaseOut]
    participations: list[ParticipationOut]

    @staticmethod
    def resolve_country(event) -> str:
        return str(event.country)

    @staticmethod
    def resolve_showcases(event):
        return list(event.showcases.all())

    @staticmethod
    def resolve_participations(event):
        return list(event.participations.all())


class EventFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name, short name or city.")
    campus: PublicId | None = None
    kind: Choice(EventKind) | None = None
    organization: PublicId | None = Field(None, description="Events this organisation took part in or showed at.")
    starts_from: Date | None = Field(None, description="Starting on or after this date.")
    starts_to: Date | None = Field(None, description="Starting on or before this date.")


EventPage = page_schema(EventOut, "EventPage")

EVENT_LINKS = {"campus": "campus", "showcases": {"organization": "organization", "booth_host": "organization"}}
PARTICIPATION_LINKS = {"participations": {"organization": "organization"}}


def _events(user, search: str = ""):
    return events_for(user, q=search).prefetch_related(
        Prefetch("showcases", queryset=Showcase.objects.select_related("organization", "booth_host")),
        Prefetch("participations", queryset=Participation.objects.select_related("organization")),
    )


@events.get("", **lists(EventPage))
def list_events(request, filters: Query[EventFilters], page: Query[PageQuery]):
    found = by_id(_events(request.auth, filters.search), campus=filters.campus)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.organization:
        taking_part = Participation.objects.filter(organization__public_id=filters.organization).values("event")
        showing = Showcase.objects.filter(organization__public_id=filters.organization).values("event")
        found = found.filter(Q(pk__in=taking_part) | Q(pk__in=showing))
    found = in_range(found, "starts_on", filters.starts_from, filters.starts_to)
    return paginate(request, found, page)


@events.get("/{public_id}", **reads(EventOut))
def get_event(request, response: HttpResponse, public_id: UUID):
    return records.show(response, EventOut, records.get_visible(_events(request.auth), public_id))


@events.post("", **creates(EventOut))
def create_event(request, response: HttpResponse, payload: EventCreate):
    values = resolve_links(request.auth, payload.model_dump(), {**EVENT_LINKS, **PARTICIPATION_LINKS})
    participations = values.pop("participations")
    with transaction.atomic():
        event = services.event_create(actor=request.auth, **values)
        for participation in participations:
            services.participation_add(actor=request.auth, event=event, **participation)
    return records.created(request, response, EventOut, event)


@events.patch("/{public_id}", **updates(EventOut))
def update_event(
    request, response: HttpResponse, public_id: UUID, payload: EventPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), EVENT_LINKS)
    return records.update(
        response,
        queryset=_events(request.auth),
        public_id=public_id,
        schema=EventOut,
        if_match=if_match,
        write=lambda event: services.event_update(actor=request.auth, event=event, **changes),
    )


@events.delete("/{public_id}", **deletes())
def delete_event(request, public_id: UUID, if_match: str = if_match_header()):
    """Delete an event; agreements and residencies signed there keep existing, without the event."""
    return records.delete(
        queryset=_events(request.auth),
        public_id=public_id,
        schema=EventOut,
        if_match=if_match,
        remove=lambda event: services.event_delete(actor=request.auth, event=event),
    )


@events.post("/{public_id}/participations", **adds_to(EventOut))
def add_event_participation(request, response: HttpResponse, public_id: UUID, payload: ParticipationIn):
    """Record that an organisation took part in the event in a role (adding it twice changes nothing)."""
    values = resolve_links(request.auth, payload.model_dump(), {"organization": "organization"})
    event = records.get_visible(_events(request.auth), public_id)
    services.participation_add(actor=request.auth, event=event, **values)
    return records.show(response, EventOut, records.get_visible(_events(request.auth), public_id))
