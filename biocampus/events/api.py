"""API of events, what was shown at them (showcases), who took part (participations), the leads taken at
them, what came of each event, and a campus's events as iCalendar."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.errors import ErrorOut, explained
from biocampus.api.filters import by_id, in_range
from biocampus.api.operations import ETAG_HEADER, adds_to, creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import References, resolve_links
from biocampus.api.schemas import (
    AgreementRef,
    CampusRef,
    Choice,
    CountryCode,
    Date,
    EventRef,
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
from .calendar import events_calendar
from .choices import EventKind, LeadStatus, ParticipationRole
from .models import Participation, Showcase
from .selectors import calendar_events_for, event_outcomes, events_for, leads_for, showcases_for

router = Router()
events = Router(tags=["Events"])
leads = Router(tags=["Leads"])
showcases = Router(tags=["Events"])
router.add_router("/events", events)
router.add_router("/leads", leads)
router.add_router("/showcases", showcases)


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
    participations: list[ParticipationIn] = Field(
        default_factory=list,
        max_length=500,
        description=(
            "Who took part, in which role: a PATCH replaces every participation. One more is added with "
            "POST /events/{id}/participations, one is taken away with DELETE /events/{id}/participations/{org}/{role}."
        ),
    )


class EventCreate(EventIn):
    """A new event, with its booth and who took part."""


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


class ShowcaseListOut(ShowcaseOut):
    id: UUID = Field(validation_alias="public_id")
    event: EventRef


class ShowcaseFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the offering, its texts or the exhibitor.")
    campus: PublicId | None = None
    event: PublicId | None = None
    organization: PublicId | None = Field(None, description="Shown by this organisation, or at its booth.")


ShowcasePage = page_schema(ShowcaseListOut, "ShowcasePage")


class EventFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name, short name or city.")
    campus: PublicId | None = None
    kind: Choice(EventKind) | None = None
    organization: PublicId | None = Field(None, description="Events this organisation took part in or showed at.")
    starts_from: Date | None = Field(None, description="Starting on or after this date.")
    starts_to: Date | None = Field(None, description="Starting on or before this date.")


EventPage = page_schema(EventOut, "EventPage")

EVENT_LINKS = {
    "campus": "campus",
    "showcases": {"organization": "organization", "booth_host": "organization"},
    "participations": {"organization": "organization"},
}


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
    values = resolve_links(request.auth, payload.model_dump(), EVENT_LINKS)
    return records.created(request, response, EventOut, services.event_create(actor=request.auth, **values))


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


@events.delete(
    "/{public_id}/participations/{organization}/{role}",
    response={200: EventOut, **dict.fromkeys((401, 403, 404, 409, 412, 422), ErrorOut)},
    openapi_extra={"responses": {"200": {"headers": {"ETag": ETAG_HEADER}}}},
)
def remove_event_participation(
    request,
    response: HttpResponse,
    public_id: UUID,
    organization: UUID,
    role: Choice(ParticipationRole),
    if_match: str = if_match_header(),
):
    """Take an organisation's role at the event away; answers with the event as it is now. If-Match takes
    the event's ETag."""

    def remove(event):
        participation = event.participations.filter(organization__public_id=organization, role=role).first()
        if participation is None:
            raise Http404(_("This organisation has no such role at this event."))
        services.participation_remove(actor=request.auth, participation=participation)

    return records.update(
        response,
        queryset=_events(request.auth),
        public_id=public_id,
        schema=EventOut,
        if_match=if_match,
        write=remove,
    )


# --- leads -----------------------------------------------------------------------------------------------

Email = Annotated[
    str,
    Field(
        max_length=254,
        pattern=explained(
            r"^([^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+)?$",
            gettext_lazy("An email address such as name@example.org, or nothing."),
        ),
    ),
]


class ResidencyRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    organization: OrganizationRef
    status: str


class LeadIn(InputSchema):
    event: PublicId = Field(description="The event where the lead was taken.")
    organization: PublicId | None = Field(None, description="The prospect, if it is in the directory.")
    prospect_name: Line(300) = Field("", description="The prospect's name when it is not in the directory.")
    taken_by: PublicId | None = Field(None, description="The resident or campus whose booth took the lead.")
    contact_name: Line(200) = ""
    contact_email: Email = ""
    interest: Text() = Field("", description="What the prospect was interested in.")
    status: Choice(LeadStatus) = LeadStatus.NEW.value
    outcome: Text() = Field("", description="What came of it, in words.")
    follow_up_on: Date | None = None
    agreement: PublicId | None = Field(None, description="The agreement it became (of the event's campus).")
    residency: PublicId | None = Field(None, description="The residency it became (at the event's campus).")


LeadPatch = patch_of(LeadIn, "LeadPatch")


class LeadOut(RecordOut):
    event: EventRef
    organization: OrganizationRef | None
    prospect_name: str
    taken_by: OrganizationRef | None
    contact_name: str
    contact_email: str
    interest: str
    status: Choice(LeadStatus)
    outcome: str
    follow_up_on: Date | None
    agreement: AgreementRef | None = Field(description="What it became; null also when you may not read it.")
    residency: ResidencyRef | None = Field(description="What it became; null also when you may not read it.")

    @staticmethod
    def resolve_agreement(lead):
        return lead.agreement if getattr(lead, "agreement_visible", False) else None

    @staticmethod
    def resolve_residency(lead):
        return lead.residency if getattr(lead, "residency_visible", False) else None


class LeadFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the prospect, contact or interest.")
    campus: PublicId | None = None
    event: PublicId | None = None
    status: Choice(LeadStatus) | None = None
    organization: PublicId | None = Field(None, description="Leads of this prospect or taken by this organisation.")
    follow_up_due: bool = Field(False, description="Only open leads whose follow-up date is today or past.")


LeadPage = page_schema(LeadOut, "LeadPage")
LEAD_LINKS = {
    "event": "event",
    "organization": "organization",
    "taken_by": "organization",
    "agreement": "agreement",
    "residency": "residency",
}


class _LeadReferences(References):
    def residency(self, public_id, where):
        from biocampus.campuses.selectors import residencies_for

        return self._find(residencies_for(self.user), public_id, where)


def _lead_values(user, values: dict) -> dict:
    references = _LeadReferences(user)
    resolved = references.resolve(values, LEAD_LINKS)
    references.check()
    return resolved


@showcases.get("", **lists(ShowcasePage))
def list_showcases(request, filters: Query[ShowcaseFilters], page: Query[PageQuery]):
    """Booth showcases across the events you may read: who showed what, at whose booth, what came of it."""
    found = by_id(showcases_for(request.auth, q=filters.search), event__campus=filters.campus, event=filters.event)
    if filters.organization:
        found = found.filter(
            Q(organization__public_id=filters.organization) | Q(booth_host__public_id=filters.organization)
        )
    return paginate(request, found, page)


@leads.get("", **lists(LeadPage))
def list_leads(request, filters: Query[LeadFilters], page: Query[PageQuery]):
    found = leads_for(request.auth, status=filters.status or "", follow_up_due=filters.follow_up_due, q=filters.search)
    found = by_id(found, event__campus=filters.campus, event=filters.event)
    if filters.organization:
        found = found.filter(
            Q(organization__public_id=filters.organization) | Q(taken_by__public_id=filters.organization)
        )
    return paginate(request, found, page)


@leads.get("/{public_id}", **reads(LeadOut))
def get_lead(request, response: HttpResponse, public_id: UUID):
    return records.show(response, LeadOut, records.get_visible(leads_for(request.auth), public_id))


@leads.post("", **creates(LeadOut))
def create_lead(request, response: HttpResponse, payload: LeadIn):
    values = _lead_values(request.auth, payload.model_dump())
    lead = services.lead_create(actor=request.auth, **values)
    return records.created(request, response, LeadOut, leads_for(request.auth).get(pk=lead.pk))


@leads.patch("/{public_id}", **updates(LeadOut))
def update_lead(
    request, response: HttpResponse, public_id: UUID, payload: LeadPatch, if_match: str = if_match_header()
):
    changes = _lead_values(request.auth, payload.changes())
    return records.update(
        response,
        queryset=leads_for(request.auth),
        public_id=public_id,
        schema=LeadOut,
        if_match=if_match,
        write=lambda lead: services.lead_update(actor=request.auth, lead=lead, **changes),
    )


@leads.delete("/{public_id}", **deletes())
def delete_lead(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=leads_for(request.auth),
        public_id=public_id,
        schema=LeadOut,
        if_match=if_match,
        remove=lambda lead: services.lead_delete(actor=request.auth, lead=lead),
    )


# --- what came of an event ------------------------------------------------------------------------------


class TallyOut(Schema):
    code: str
    label: str
    count: int


class OutcomeNumbers(Schema):
    organizations_taking_part: int = Field(description="Organisations with a role or a showcase.")
    participants_by_role: list[TallyOut] = Field(description="Organisations in each role (all roles).")
    showcases: int
    agreements: int = Field(description="Agreements signed at the event that you may read.")
    residencies: int = Field(description="Residencies signed at the event that you may read.")
    residents_home: int
    residents_abroad: int
    residents_unknown: int = Field(description="Residencies whose organisation's country is not known.")
    leads: int
    leads_by_status: list[TallyOut]
    milestones: int


class OutcomeAgreementOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    type: str
    status: str
    signed_on: Date | None
    parties: list[OrganizationRef]

    @staticmethod
    def resolve_parties(agreement):
        return [party.organization for party in agreement.parties.all()]


class OutcomeResidencyOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    organization: OrganizationRef
    campus: CampusRef
    status: str
    from_abroad: bool | None = Field(description="Home or abroad, from the two countries; null when unknown.")

    @staticmethod
    def resolve_from_abroad(residency):
        return residency.is_from_abroad


class OutcomeMilestoneOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    kind: str
    organization: OrganizationRef
    occurred_on: Date | None


class EventOutcomesOut(Schema):
    event: EventRef
    numbers: OutcomeNumbers
    agreements: list[OutcomeAgreementOut]
    residencies: list[OutcomeResidencyOut]
    showcases: list[ShowcaseOut]
    leads: list[LeadOut]
    milestones: list[OutcomeMilestoneOut]


@events.get("/{public_id}/outcomes", **reads(EventOutcomesOut, versioned=False))
def get_event_outcomes(request, public_id: UUID):
    """What came of the event: the numbers and the records behind them, only those you may read."""
    event = records.get_visible(events_for(request.auth), public_id)
    outcomes = event_outcomes(request.auth, event)
    return {
        "event": event,
        "numbers": {
            "organizations_taking_part": outcomes.organizations_taking_part,
            "participants_by_role": outcomes.participants_by_role,
            "showcases": outcomes.showcase_count,
            "agreements": outcomes.agreement_count,
            "residencies": outcomes.residency_count,
            "residents_home": outcomes.residents_home,
            "residents_abroad": outcomes.residents_abroad,
            "residents_unknown": outcomes.residents_unknown,
            "leads": outcomes.lead_count,
            "leads_by_status": outcomes.leads_by_status,
            "milestones": outcomes.milestone_count,
        },
        "agreements": outcomes.agreements,
        "residencies": outcomes.residencies,
        "showcases": outcomes.showcases,
        "leads": outcomes.leads,
        "milestones": outcomes.milestones,
    }


# --- a campus's events as iCalendar ---------------------------------------------------------------------


@router.get(
    "/campuses/{public_id}/events.ics",
    tags=["Events"],
    response={401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "An iCalendar (RFC 5545): one all-day VEVENT per dated event you may read.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def get_campus_calendar(request, public_id: UUID):
    """The campus's events as iCalendar, for a calendar app or a script (UID = the event's id)."""
    from biocampus.campuses.selectors import campuses_for

    campus = records.get_visible(campuses_for(request.auth), public_id)
    content = events_calendar(
        calendar_events_for(request.auth, campus),
        name=_("%(campus)s events") % {"campus": campus.name},
        url_of=lambda event: request.build_absolute_uri(event.get_absolute_url()),
    )
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")
