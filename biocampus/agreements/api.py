"""API of agreements and their parties."""

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
    Date,
    EventRef,
    InputSchema,
    Line,
    OrganizationRef,
    PublicId,
    RecordOut,
    Text,
    patch_of,
)

from . import services
from .choices import AgreementStatus, AgreementType, PartyRole
from .models import AgreementParty
from .selectors import agreements_for

router = Router()
agreements = Router(tags=["Agreements"])
router.add_router("/agreements", agreements)


class PartyIn(InputSchema):
    organization: PublicId
    role: Choice(PartyRole) = PartyRole.PARTY.value
    signatory: Line(200) = Field("", description="Who signed for this party.")


class PartyOut(Schema):
    organization: OrganizationRef
    role: Choice(PartyRole)
    signatory: str


class AgreementIn(InputSchema):
    campus: PublicId = Field(description="The campus whose team records and follows the agreement.")
    title: Line(300, min_length=1)
    title_zh: Line(300) = ""
    type: Choice(AgreementType)
    status: Choice(AgreementStatus) = AgreementStatus.SIGNED.value
    signed_on: Date | None = None
    signed_at: PublicId | None = Field(None, description="The event where it was signed.")
    place: Line(200) = ""
    summary: Text() = ""
    parties: list[PartyIn] = Field(
        min_length=2, max_length=50, description="Two or more organisations; a PATCH replaces them all."
    )


AgreementPatch = patch_of(AgreementIn, "AgreementPatch")


class AgreementOut(RecordOut):
    campus: CampusRef
    title: str
    title_zh: str
    type: Choice(AgreementType)
    status: Choice(AgreementStatus)
    signed_on: Date | None
    signed_at: EventRef | None
    place: str
    summary: str
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(agreement):
        return list(agreement.parties.all())


class AgreementFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the title or summary.")
    campus: PublicId | None = None
    type: Choice(AgreementType) | None = None
    status: Choice(AgreementStatus) | None = None
    organization: PublicId | None = Field(None, description="Agreements this organisation is a party to.")
    signed_from: Date | None = Field(None, description="Signed on or after this date.")
    signed_to: Date | None = Field(None, description="Signed on or before this date.")


AgreementPage = page_schema(AgreementOut, "AgreementPage")

AGREEMENT_LINKS = {"campus": "campus", "signed_at": "event", "parties": {"organization": "organization"}}


@agreements.get("", **lists(AgreementPage))
def list_agreements(request, filters: Query[AgreementFilters], page: Query[PageQuery]):
    found = by_id(agreements_for(request.auth, q=filters.search, type=filters.type or ""), campus=filters.campus)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.organization:
        parties = AgreementParty.objects.filter(organization__public_id=filters.organization)
        found = found.filter(pk__in=parties.values("agreement"))
    return paginate(request, in_range(found, "signed_on", filters.signed_from, filters.signed_to), page)


@agreements.get("/{public_id}", **reads(AgreementOut))
def get_agreement(request, response: HttpResponse, public_id: UUID):
    return records.show(response, AgreementOut, records.get_visible(agreements_for(request.auth), public_id))


@agreements.post("", **creates(AgreementOut))
def create_agreement(request, response: HttpResponse, payload: AgreementIn):
    values = resolve_links(request.auth, payload.model_dump(), AGREEMENT_LINKS)
    agreement = services.agreement_create(actor=request.auth, **values)
    return records.created(request, response, AgreementOut, agreement)


@agreements.patch("/{public_id}", **updates(AgreementOut))
def update_agreement(
    request, response: HttpResponse, public_id: UUID, payload: AgreementPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), AGREEMENT_LINKS)
    return records.update(
        response,
        queryset=agreements_for(request.auth),
        public_id=public_id,
        schema=AgreementOut,
        if_match=if_match,
        write=lambda agreement: services.agreement_update(actor=request.auth, agreement=agreement, **changes),
    )


@agreements.delete("/{public_id}", **deletes())
def delete_agreement(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=agreements_for(request.auth),
        public_id=public_id,
        schema=AgreementOut,
        if_match=if_match,
        remove=lambda agreement: services.agreement_delete(actor=request.auth, agreement=agreement),
    )
