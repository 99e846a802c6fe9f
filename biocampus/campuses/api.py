"""API of campuses (read; changed by their admins) and of residencies (organisation × campus)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.filters import by_id, in_range
from biocampus.api.operations import creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import resolve_links
from biocampus.api.schemas import (
    CampusRef,
    Choice,
    CountryCode,
    Date,
    EventRef,
    InputSchema,
    Line,
    OrganizationRef,
    PatchSchema,
    PublicId,
    RecordOut,
    Text,
    patch_of,
)
from biocampus.directory.search import search_records

from . import services
from .choices import OperatorRole, ResidencyStatus
from .selectors import campuses_for, residencies_for

router = Router()
campuses = Router(tags=["Campuses"])
residencies = Router(tags=["Residencies"])
router.add_router("/campuses", campuses)
router.add_router("/residencies", residencies)


# --- campuses ------------------------------------------------------------------------------------------


class OperatorIn(InputSchema):
    organization: PublicId
    role: Choice(OperatorRole) = OperatorRole.CO_BUILDER.value


class OperatorOut(Schema):
    organization: OrganizationRef
    role: Choice(OperatorRole)


class CampusPatch(PatchSchema):
    """Changes to a campus (its names, country and city are those of its organisation: PATCH that)."""

    opened_on: Date | None = Field(None, description="The opening ceremony.")
    operational_on: Date | None = Field(None, description="Fully operational (not before the opening).")
    sister_campuses: list[PublicId] = Field(None, max_length=100, description="Replaces the sister campuses.")
    operators: list[OperatorIn] = Field(None, max_length=20, description="Replaces the co-builders and operators.")


class CampusOut(RecordOut):
    slug: str = Field(description="The short name used in page URLs.")
    name: str
    name_zh: str
    country: str
    city: str
    organization: OrganizationRef
    opened_on: Date | None
    operational_on: Date | None
    operators: list[OperatorOut]
    sister_campuses: list[CampusRef]

    @staticmethod
    def resolve_country(campus) -> str:
        return str(campus.organization.country)

    @staticmethod
    def resolve_city(campus) -> str:
        return campus.organization.city

    @staticmethod
    def resolve_operators(campus):
        return list(campus.operator_links.all())

    @staticmethod
    def resolve_sister_campuses(campus):
        return list(campus.sister_campuses.all())


class CampusFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name, short name or city.")
    country: CountryCode | None = None


CampusPage = page_schema(CampusOut, "CampusPage")

CAMPUS_LINKS = {"sister_campuses": "campuses", "operators": {"organization": "organization"}}


def _campuses(user):
    return campuses_for(user).prefetch_related("operator_links__organization", "sister_campuses__organization")


@campuses.get("", **lists(CampusPage))
def list_campuses(request, filters: Query[CampusFilters], page: Query[PageQuery]):
    found = search_records(
        _campuses(request.auth),
        filters.search,
        ("slug", "organization__name", "organization__name_zh", "organization__city"),
    )
    if filters.country is not None:
        found = found.filter(organization__country=filters.country)
    return paginate(request, found, page)


@campuses.get("/{public_id}", **reads(CampusOut))
def get_campus(request, response: HttpResponse, public_id: UUID):
    return records.show(response, CampusOut, records.get_visible(_campuses(request.auth), public_id))


@campuses.patch("/{public_id}", **updates(CampusOut))
def update_campus(
    request, response: HttpResponse, public_id: UUID, payload: CampusPatch, if_match: str = if_match_header()
):
    """Campus admins change their campus: dates, sister campuses, operators."""
    changes = resolve_links(request.auth, payload.changes(), CAMPUS_LINKS)
    operators = changes.pop("operators", None)
    if operators is not None:
        operators = [(operator["organization"], operator["role"]) for operator in operators]

    def write(campus):
        services.campus_update(actor=request.auth, campus=campus, **changes)
        if operators is not None:
            services.campus_set_operators(actor=request.auth, campus=campus, operators=operators)

    return records.update(
        response,
        queryset=_campuses(request.auth),
        public_id=public_id,
        schema=CampusOut,
        if_match=if_match,
        write=write,
    )


# --- residencies ---------------------------------------------------------------------------------------


class ResidencyIn(InputSchema):
    organization: PublicId
    campus: PublicId
    status: Choice(ResidencyStatus) = ResidencyStatus.PROSPECT.value
    applied_on: Date | None = None
    signed_on: Date | None = None
    moved_in_on: Date | None = None
    ended_on: Date | None = Field(None, description="Graduated, exited or declined.")
    signed_at: PublicId | None = Field(None, description="The event where the residency was signed.")
    notes: Text() = ""


ResidencyPatch = patch_of(ResidencyIn, "ResidencyPatch")


class ResidencyOut(RecordOut):
    organization: OrganizationRef
    campus: CampusRef
    status: Choice(ResidencyStatus)
    applied_on: Date | None
    signed_on: Date | None
    moved_in_on: Date | None
    ended_on: Date | None
    signed_at: EventRef | None
    notes: str
    is_from_abroad: bool | None = Field(description="From the two countries; null when either is unknown.")


class ResidencyFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the organisation's name.")
    campus: PublicId | None = None
    organization: PublicId | None = None
    status: Choice(ResidencyStatus) | None = None
    signed_from: Date | None = Field(None, description="Signed on or after this date.")
    signed_to: Date | None = Field(None, description="Signed on or before this date.")


ResidencyPage = page_schema(ResidencyOut, "ResidencyPage")

RESIDENCY_LINKS = {"organization": "organization", "campus": "campus", "signed_at": "event"}


def _residencies(user):
    return residencies_for(user).select_related("signed_at")


@residencies.get("", **lists(ResidencyPage))
def list_residencies(request, filters: Query[ResidencyFilters], page: Query[PageQuery]):
    found = search_records(_residencies(request.auth), filters.search, ("organization__name", "organization__name_zh"))
    found = by_id(found, campus=filters.campus, organization=filters.organization)
    if filters.status:
        found = found.filter(status=filters.status)
    found = in_range(found, "signed_on", filters.signed_from, filters.signed_to)
    return paginate(request, found, page)


@residencies.get("/{public_id}", **reads(ResidencyOut))
def get_residency(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ResidencyOut, records.get_visible(_residencies(request.auth), public_id))


@residencies.post("", **creates(ResidencyOut))
def create_residency(request, response: HttpResponse, payload: ResidencyIn):
    values = resolve_links(request.auth, payload.model_dump(), RESIDENCY_LINKS)
    residency = services.residency_create(actor=request.auth, **values)
    return records.created(request, response, ResidencyOut, residency)


@residencies.patch("/{public_id}", **updates(ResidencyOut))
def update_residency(
    request, response: HttpResponse, public_id: UUID, payload: ResidencyPatch, if_match: str = if_match_header()
):
    """Change a residency; a new `status` must follow the lifecycle (prospect → applied → ... → graduated)."""
    changes = resolve_links(request.auth, payload.changes(), RESIDENCY_LINKS)
    return records.update(
        response,
        queryset=_residencies(request.auth),
        public_id=public_id,
        schema=ResidencyOut,
        if_match=if_match,
        write=lambda residency: services.residency_update(actor=request.auth, residency=residency, **changes),
    )


@residencies.delete("/{public_id}", **deletes())
def delete_residency(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=_residencies(request.auth),
        public_id=public_id,
        schema=ResidencyOut,
        if_match=if_match,
        remove=lambda residency: services.residency_delete(actor=request.auth, residency=residency),
    )
