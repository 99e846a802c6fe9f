"""API of the service desk: service centres and their catalogue of services, service requests and their
conversation. Same rules as the pages: reads through selectors, writes through services."""

from __future__ import annotations

import datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.accounts.models import User
from biocampus.api import records
from biocampus.api.errors import explained
from biocampus.api.filters import by_id
from biocampus.api.operations import adds_to, creates, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import References, resolve_links
from biocampus.api.schemas import (
    CampusRef,
    Choice,
    InputSchema,
    Line,
    OrganizationRef,
    PatchSchema,
    PublicId,
    RecordOut,
    Text,
    patch_of,
)

from . import selectors, services
from .choices import DEFAULT_TARGET_RESPONSE_HOURS, MAX_TARGET_RESPONSE_HOURS, RequestPriority, RequestStatus

router = Router()
centres = Router(tags=["Service desk"])
catalogue = Router(tags=["Service desk"])
requests = Router(tags=["Service desk"])
router.add_router("/service-centres", centres)
router.add_router("/services", catalogue)
router.add_router("/service-requests", requests)

EmailAddress = Annotated[
    str,
    Field(
        max_length=254,
        pattern=explained(
            r"^([^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+)?$",
            gettext_lazy("An email address such as centre@example.org, or nothing."),
        ),
    ),
]
Hours = Annotated[
    int, Field(ge=1, le=MAX_TARGET_RESPONSE_HOURS, description="The time to answer a request, in calendar hours.")
]
Username = Line(150, min_length=1)


class UserRef(Schema):
    username: str
    name: str

    @staticmethod
    def resolve_username(user) -> str:
        return user.get_username()

    @staticmethod
    def resolve_name(user) -> str:
        return user.get_full_name() or user.get_username()


# --- the catalogue ----------------------------------------------------------------------------------


class ServiceIn(InputSchema):
    name: Line(200, min_length=1) = Field(description="GLP lab qualification")
    name_zh: Line(200) = ""
    description: Text() = ""
    target_response_hours: Hours | None = Field(None, description="Leave out or null to use the centre's.")
    is_active: bool = Field(True, description="Whether the service is still offered.")


ServicePatch = patch_of(ServiceIn, "ServicePatch")


class ServiceOut(RecordOut):
    name: str
    name_zh: str
    description: str
    target_response_hours: int | None
    effective_response_hours: int = Field(description="Its own time to answer, else its centre's.")
    is_active: bool


class CentreRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class ServiceOfCentreOut(ServiceOut):
    centre: CentreRef


class ServiceRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class ServiceCentreIn(InputSchema):
    campus: PublicId = Field(description="The campus the centre serves.")
    name: Line(200, min_length=1) = Field(description="CCHRPP Wuxi Medical Research and Certification Center")
    name_zh: Line(200) = ""
    operator: PublicId | None = Field(None, description="The organisation that runs the centre, if not the campus.")
    description: Text() = ""
    contact_email: EmailAddress = ""
    target_response_hours: Hours = DEFAULT_TARGET_RESPONSE_HOURS


ServiceCentrePatch = patch_of(ServiceCentreIn, "ServiceCentrePatch", exclude=("campus",))


class ServiceCentreOut(RecordOut):
    campus: CampusRef
    name: str
    name_zh: str
    operator: OrganizationRef | None
    description: str
    contact_email: str
    target_response_hours: int
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(centre):
        return list(centre.services.all())


class ServiceCentreFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name or description.")
    campus: PublicId | None = None


ServiceCentrePage = page_schema(ServiceCentreOut, "ServiceCentrePage")
CENTRE_LINKS = {"campus": "campus", "operator": "organization"}


def _centres(user, search: str = ""):
    return selectors.centres_for(user, q=search).prefetch_related("services")


@centres.get("", **lists(ServiceCentrePage))
def list_service_centres(request, filters: Query[ServiceCentreFilters], page: Query[PageQuery]):
    """The service centres of the campuses you belong to, each with its catalogue of services."""
    return paginate(request, by_id(_centres(request.auth, filters.search), campus=filters.campus), page)


@centres.get("/{public_id}", **reads(ServiceCentreOut))
def get_service_centre(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ServiceCentreOut, records.get_visible(_centres(request.auth), public_id))


@centres.post("", **creates(ServiceCentreOut))
def create_service_centre(request, response: HttpResponse, payload: ServiceCentreIn):
    values = resolve_links(request.auth, payload.model_dump(), CENTRE_LINKS)
    centre = services.centre_create(actor=request.auth, **values)
    return records.created(request, response, ServiceCentreOut, centre)


@centres.patch("/{public_id}", **updates(ServiceCentreOut))
def update_service_centre(
    request, response: HttpResponse, public_id: UUID, payload: ServiceCentrePatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), CENTRE_LINKS)
    return records.update(
        response,
        queryset=_centres(request.auth),
        public_id=public_id,
        schema=ServiceCentreOut,
        if_match=if_match,
        write=lambda centre: services.centre_update(actor=request.auth, centre=centre, **changes),
    )


@centres.post("/{public_id}/services", **adds_to(ServiceCentreOut))
def add_service(request, response: HttpResponse, public_id: UUID, payload: ServiceIn):
    """Add a service to the centre's catalogue; answers with the centre and all its services."""
    centre = records.get_visible(_centres(request.auth), public_id)
    services.service_create(actor=request.auth, centre=centre, **payload.model_dump())
    return records.show(response, ServiceCentreOut, records.get_visible(_centres(request.auth), public_id))


def _services(user):
    return selectors.services_for(user)


@catalogue.get("/{public_id}", **reads(ServiceOfCentreOut))
def get_service(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ServiceOfCentreOut, records.get_visible(_services(request.auth), public_id))


@catalogue.patch("/{public_id}", **updates(ServiceOfCentreOut))
def update_service(
    request, response: HttpResponse, public_id: UUID, payload: ServicePatch, if_match: str = if_match_header()
):
    """Change a service (set `is_active` to false when it is no longer offered: past requests keep it)."""
    changes = payload.changes()
    return records.update(
        response,
        queryset=_services(request.auth),
        public_id=public_id,
        schema=ServiceOfCentreOut,
        if_match=if_match,
        write=lambda service: services.service_update(actor=request.auth, service=service, **changes),
    )


# --- requests ---------------------------------------------------------------------------------------


class CommentIn(InputSchema):
    body: Text() = Field(min_length=1, description="The message.")
    is_internal: bool = Field(False, description="An internal note, for the campus team only (staff only).")


class CommentOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    author: UserRef | None
    body: str
    is_internal: bool
    posted_at: datetime.datetime


class ServiceRequestCreate(InputSchema):
    campus: PublicId
    centre: PublicId = Field(description="The service centre asked.")
    service: PublicId | None = Field(None, description="The service of the centre's catalogue, if one fits.")
    organization: PublicId = Field(description="The resident the request is for (your own, for a resident member).")
    subject: Line(200, min_length=1)
    description: Text() = ""
    priority: Choice(RequestPriority) = RequestPriority.NORMAL.value


class ServiceRequestPatch(PatchSchema):
    """What the campus team changes on a request; fields left out keep their value."""

    status: Choice(RequestStatus) = Field(
        None, description="The next status; see the transitions in docs/service-desk.md."
    )
    reason: Text() = Field(None, description="Why (needed to decline); posted to the conversation.")
    assignee: Username | None = Field(None, description="Username of someone of the campus team; null unassigns.")
    priority: Choice(RequestPriority) = Field(None)


class ServiceRequestOut(RecordOut):
    reference: str = Field(description="SR-2026-0042")
    campus: CampusRef
    centre: CentreRef
    service: ServiceRef | None
    organization: OrganizationRef
    requested_by: UserRef | None
    subject: str
    description: str
    status: Choice(RequestStatus)
    priority: Choice(RequestPriority)
    assignee: UserRef | None
    opened_at: datetime.datetime
    due_at: datetime.datetime = Field(description="When the first answer is due.")
    first_response_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    is_overdue: bool = Field(description="Open, unanswered, and past due_at.")
    answered_in_time: bool | None = Field(
        description="First answered by due_at; false if late or past due unanswered; null while not yet known."
    )


class ServiceRequestDetailOut(ServiceRequestOut):
    comments: list[CommentOut] = Field(description="The conversation as you may read it.")

    @staticmethod
    def resolve_comments(service_request):
        return service_request.visible_comments


class ServiceRequestFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the reference, subject or resident.")
    campus: PublicId | None = None
    status: Choice(RequestStatus) | None = None
    centre: PublicId | None = None
    organization: PublicId | None = None
    overdue: bool | None = Field(None, description="true: only overdue requests; false: none of them.")
    assignee: Username | None = Field(None, description="Username of the person they are assigned to.")


ServiceRequestPage = page_schema(ServiceRequestOut, "ServiceRequestPage")


def _requests(user):
    return selectors.request_detail_for(user)


@requests.get("", **lists(ServiceRequestPage))
def list_service_requests(request, filters: Query[ServiceRequestFilters], page: Query[PageQuery]):
    """Requests you may read: all of your campus for its team and viewers, your organisation's for a
    resident member."""
    found = selectors.requests_for(request.auth, status=filters.status or "", overdue=filters.overdue, q=filters.search)
    found = by_id(found, campus=filters.campus, centre=filters.centre, organization=filters.organization)
    if filters.assignee:
        found = found.filter(assignee__username=filters.assignee)
    return paginate(request, found, page)


@requests.get("/{public_id}", **reads(ServiceRequestDetailOut))
def get_service_request(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ServiceRequestDetailOut, records.get_visible(_requests(request.auth), public_id))


class _Links(References):
    """The centre and service a new request names, among those the user may see."""

    def centre(self, public_id: UUID | None, where: str):
        return self._find(selectors.centres_for(self.user), public_id, where)

    def service(self, public_id: UUID | None, where: str):
        return self._find(selectors.services_for(self.user), public_id, where)


REQUEST_LINKS = {"campus": "campus", "organization": "organization", "centre": "centre", "service": "service"}


@requests.post("", **creates(ServiceRequestDetailOut))
def create_service_request(request, response: HttpResponse, payload: ServiceRequestCreate):
    """Open a request. A resident member opens them for its own organisation; the campus team for any
    resident of the campus. The answer's `due_at` says when the centre answers by."""
    links = _Links(request.auth)
    values = links.resolve(payload.model_dump(), REQUEST_LINKS)
    links.check()
    opened = services.request_open(actor=request.auth, **values)
    return records.created(request, response, ServiceRequestDetailOut, _requests(request.auth).get(pk=opened.pk))


def _assignee(username: str | None):
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"assignee": _("No user called %(username)s.") % {"username": username}})
    return user


@requests.patch("/{public_id}", **updates(ServiceRequestDetailOut))
def update_service_request(
    request, response: HttpResponse, public_id: UUID, payload: ServiceRequestPatch, if_match: str = if_match_header()
):
    """Change the status (along the transitions; a reason is needed to decline), the assignee or the
    priority. Campus team only."""
    changes = payload.changes()
    assignee = _assignee(changes["assignee"]) if "assignee" in changes else None

    def write(service_request):
        if "assignee" in changes:
            services.request_assign(actor=request.auth, request=service_request, assignee=assignee)
        if "priority" in changes:
            services.request_set_priority(actor=request.auth, request=service_request, priority=changes["priority"])
        if "status" in changes:
            services.request_change_status(
                actor=request.auth,
                request=service_request,
                status=changes["status"],
                reason=changes.get("reason") or "",
            )
        elif changes.get("reason"):
            raise ValidationError({"reason": _("A reason goes with a status change; send the status too.")})

    return records.update(
        response,
        queryset=_requests(request.auth),
        public_id=public_id,
        schema=ServiceRequestDetailOut,
        if_match=if_match,
        write=write,
    )


@requests.post("/{public_id}/comments", **adds_to(ServiceRequestDetailOut))
def add_service_request_comment(request, response: HttpResponse, public_id: UUID, payload: CommentIn):
    """Add to the conversation. A resident's answer to a request waiting for it puts it back in progress."""
    with transaction.atomic():
        service_request = records.get_visible(_requests(request.auth), public_id)
        services.request_comment(actor=request.auth, request=service_request, **payload.model_dump())
    return records.show(response, ServiceRequestDetailOut, records.get_visible(_requests(request.auth), public_id))
