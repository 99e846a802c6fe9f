"""API of the registry: organisations (with aliases, fields and identifiers), people, the field taxonomy."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field as SchemaField

from biocampus.api import records
from biocampus.api.operations import adds_to, creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import DEFAULT_ORDERING, PageQuery, page_schema, paginate
from biocampus.api.references import resolve_links
from biocampus.api.schemas import (
    CampusRef,
    Choice,
    CountryCode,
    InputSchema,
    Line,
    OrganizationRef,
    PublicId,
    RecordOut,
    Slug,
    Text,
    Url,
    patch_of,
)
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.selectors import campuses_for

from . import services
from .choices import IdentifierScheme, OrganizationKind
from .models import Field, Organization
from .search import terms_of
from .selectors import organization_api_detail, organization_api_detail_for, organizations_for, people_for

router = Router()
organizations = Router(tags=["Organisations"])
people = Router(tags=["People"])
fields = Router(tags=["Fields"])
router.add_router("/organizations", organizations)
router.add_router("/people", people)
router.add_router("/fields", fields)


# --- organisations -------------------------------------------------------------------------------------


class IdentifierIn(InputSchema):
    scheme: Choice(IdentifierScheme)
    value: Line(64, min_length=1)


class IdentifierOut(Schema):
    scheme: Choice(IdentifierScheme)
    value: str


class OrganizationIn(InputSchema):
    name: Line(255, min_length=1)
    name_zh: Line(255) = ""
    aliases: list[Line(255)] = SchemaField(default_factory=list, max_length=50, description="Other names.")
    kind: Choice(OrganizationKind)
    country: CountryCode = ""
    city: Line(120) = ""
    fields: list[Slug] = SchemaField(
        default_factory=list, max_length=50, description="Codes of the field taxonomy (GET /api/v1/fields)."
    )
    website: Url = ""
    description: Text() = ""
    founded_year: int | None = SchemaField(None, ge=1600, le=2100)
    parent: PublicId | None = SchemaField(None, description="The parent organisation, if this is a unit of one.")
    steward: PublicId | None = SchemaField(
        None, description="The campus whose team keeps this record up to date (one you edit; default: yours)."
    )


class OrganizationCreate(OrganizationIn):
    identifiers: list[IdentifierIn] = SchemaField(default_factory=list, max_length=20)


OrganizationPatch = patch_of(OrganizationIn, "OrganizationPatch")


class OrganizationOut(RecordOut):
    name: str
    name_zh: str
    aliases: list[str]
    kind: Choice(OrganizationKind)
    country: str
    city: str
    fields: list[str]
    website: str
    description: str
    founded_year: int | None
    parent: OrganizationRef | None
    steward: CampusRef | None
    identifiers: list[IdentifierOut]

    # An organisation comes as a model instance (lists, writes) or as the detail read's row, a dict already
    # in this shape (selectors.organization_api_detail).
    @staticmethod
    def resolve_country(organization) -> str:
        return organization["country"] if isinstance(organization, dict) else str(organization.country)

    @staticmethod
    def resolve_fields(organization) -> list[str]:
        if isinstance(organization, dict):
            return organization["fields"]
        return [field.slug for field in organization.fields.all()]

    @staticmethod
    def resolve_identifiers(organization):
        return organization["identifiers"] if isinstance(organization, dict) else list(organization.identifiers.all())


class OrganizationFilters(Schema):
    search: Line(200) = SchemaField("", description="Words that must all occur in a name, alias, city or id.")
    kind: Choice(OrganizationKind) | None = None
    country: CountryCode | None = None
    field: Slug | None = SchemaField(None, description="A field code (GET /api/v1/fields).")
    campus: PublicId | None = SchemaField(None, description="Organisations with a residency at this campus.")
    status: Choice(ResidencyStatus) | None = SchemaField(None, description="... whose residency has this status.")


OrganizationPage = page_schema(OrganizationOut, "OrganizationPage")
# search_organizations() ranks exact names, then prefixes, first; name and id keep the order total.
SEARCH_ORDERING = ("search_rank", "name", "public_id")


# The ids an organisation body names. As on the organisation form, only a campus whose records the user
# edits may be made its steward.
ORGANIZATION_LINKS = {"parent": "organization", "steward": "editable_campus", "fields": "fields"}


def _organization_selection(user, filters: OrganizationFilters) -> dict | None:
    """The filters as organizations_for() takes them; None when a named field or campus does not exist
    (the selector would ignore an empty filter and list everything)."""
    selection: dict = {"q": filters.search}
    if filters.kind:
        selection["kind"] = [filters.kind]
    if filters.country is not None:
        selection["country"] = [filters.country]
    if filters.status:
        selection["status"] = [filters.status]
    if filters.field:
        selection["field"] = list(Field.objects.filter(slug=filters.field))
        if not selection["field"]:
            return None
    if filters.campus:
        selection["campus"] = list(campuses_for(user).filter(public_id=filters.campus))
        if not selection["campus"]:
            return None
    return selection


@organizations.get("", **lists(OrganizationPage))
def list_organizations(request, filters: Query[OrganizationFilters], page: Query[PageQuery]):
    """Organisations of every kind, oldest first; with `search`, best match (exact name, prefix) first."""
    selection = _organization_selection(request.auth, filters)
    if selection is None:  # a field or campus that does not exist: nothing matches
        found = organizations_for(request.auth, q=filters.search).none()
    else:
        found = organizations_for(request.auth, **selection).select_related("parent", "steward__organization")
        found = found.prefetch_related("identifiers")
    ordering = SEARCH_ORDERING if terms_of(filters.search) else DEFAULT_ORDERING
    return paginate(request, found, page, ordering)


@organizations.get("/{public_id}", **reads(OrganizationOut))
def get_organization(request, response: HttpResponse, public_id: UUID):
    organization = organization_api_detail(request.auth, public_id=public_id)
    return records.show(response, OrganizationOut, records.found(organization, model=Organization, public_id=public_id))


@organizations.post("", **creates(OrganizationOut))
def create_organization(request, response: HttpResponse, payload: OrganizationCreate):
    values = resolve_links(request.auth, payload.model_dump(exclude={"identifiers"}), ORGANIZATION_LINKS)
    with transaction.atomic():
        organization = services.organization_create(actor=request.auth, **values)
        for identifier in payload.identifiers:
            services.identifier_add(actor=request.auth, organization=organization, **identifier.model_dump())
    return records.created(request, response, OrganizationOut, organization)


@organizations.patch("/{public_id}", **updates(OrganizationOut))
def update_organization(
    request, response: HttpResponse, public_id: UUID, payload: OrganizationPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), ORGANIZATION_LINKS)
    return records.update(
        response,
        queryset=organization_api_detail_for(request.auth),
        public_id=public_id,
        schema=OrganizationOut,
        if_match=if_match,
        write=lambda organization: services.organization_update(
            actor=request.auth, organization=organization, **changes
        ),
    )


@organizations.delete("/{public_id}", **deletes())
def delete_organization(request, public_id: UUID, if_match: str = if_match_header()):
    """Delete an organisation that nothing else (agreements, events, investments) still points at."""
    return records.delete(
        queryset=organization_api_detail_for(request.auth),
        public_id=public_id,
        schema=OrganizationOut,
        if_match=if_match,
        remove=lambda organization: services.organization_delete(actor=request.auth, organization=organization),
    )


@organizations.post("/{public_id}/identifiers", **adds_to(OrganizationOut))
def add_organization_identifier(request, response: HttpResponse, public_id: UUID, payload: IdentifierIn):
    """Add an official identifier (unified social credit code, LEI...); each is unique within its scheme."""
    organization = records.get_visible(organization_api_detail_for(request.auth), public_id)
    services.identifier_add(actor=request.auth, organization=organization, **payload.model_dump())
    return records.show(
        response, OrganizationOut, records.get_visible(organization_api_detail_for(request.auth), public_id)
    )


# --- people --------------------------------------------------------------------------------------------


class PersonIn(InputSchema):
    name: Line(200, min_length=1)
    name_zh: Line(200) = ""
    organization: PublicId | None = SchemaField(None, description="Where the person works.")
    title: Line(200) = ""
    email: Line(254) = ""
    phone: Line(40) = ""
    notes: Text() = ""


PersonPatch = patch_of(PersonIn, "PersonPatch")


class PersonOut(RecordOut):
    name: str
    name_zh: str
    organization: OrganizationRef | None
    title: str
    email: str
    phone: str
    notes: str


class PersonFilters(Schema):
    search: Line(200) = SchemaField("", description="Words that must all occur in the name or title.")
    organization: PublicId | None = None


PersonPage = page_schema(PersonOut, "PersonPage")


PERSON_LINKS = {"organization": "organization"}


@people.get("", **lists(PersonPage))
def list_people(request, filters: Query[PersonFilters], page: Query[PageQuery]):
    found = people_for(request.auth, q=filters.search)
    if filters.organization:
        found = found.filter(organization__public_id=filters.organization)
    return paginate(request, found, page)


@people.get("/{public_id}", **reads(PersonOut))
def get_person(request, response: HttpResponse, public_id: UUID):
    return records.show(response, PersonOut, records.get_visible(people_for(request.auth), public_id))


@people.post("", **creates(PersonOut))
def create_person(request, response: HttpResponse, payload: PersonIn):
    person = services.person_create(
        actor=request.auth, **resolve_links(request.auth, payload.model_dump(), PERSON_LINKS)
    )
    return records.created(request, response, PersonOut, person)


@people.patch("/{public_id}", **updates(PersonOut))
def update_person(
    request, response: HttpResponse, public_id: UUID, payload: PersonPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), PERSON_LINKS)
    return records.update(
        response,
        queryset=people_for(request.auth),
        public_id=public_id,
        schema=PersonOut,
        if_match=if_match,
        write=lambda person: services.person_update(actor=request.auth, person=person, **changes),
    )


@people.delete("/{public_id}", **deletes())
def delete_person(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=people_for(request.auth),
        public_id=public_id,
        schema=PersonOut,
        if_match=if_match,
        remove=lambda person: services.person_delete(actor=request.auth, person=person),
    )


# --- the field taxonomy --------------------------------------------------------------------------------


class FieldOut(Schema):
    slug: str = SchemaField(description="The code organisations use in `fields`.")
    name: str
    name_zh: str
    parent: str | None = SchemaField(description="The code of the broader field.")

    @staticmethod
    def resolve_parent(field) -> str | None:
        return field.parent.slug if field.parent_id else None


@fields.get("", **lists(list[FieldOut]))
def list_fields(request):
    """The whole field taxonomy (a few dozen entries, so one list rather than pages)."""
    return Field.objects.select_related("parent")
