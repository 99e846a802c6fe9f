"""API of what residents achieve and aim for: milestones, programmes, targets (with observations), funding
rounds (with investors)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.filters import by_id, in_range
from biocampus.api.operations import adds_to, creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import resolve_links
from biocampus.api.schemas import (
    AgreementRef,
    Amount,
    CampusRef,
    Choice,
    CurrencyCode,
    Date,
    EventRef,
    InputSchema,
    Line,
    OrganizationRef,
    ProgrammeRef,
    PublicId,
    RecordOut,
    SignedAmount,
    Text,
    patch_of,
)
from biocampus.core.choices import DatePrecision
from biocampus.directory.search import search_records

from . import services
from .choices import FundingRoundType, MilestoneKind
from .models import FundingInvestment, Programme
from .selectors import funding_rounds_for, milestones_for, programmes_for, targets_for

router = Router()
milestones = Router(tags=["Milestones"])
programmes = Router(tags=["Programmes"])
targets = Router(tags=["Targets"])
funding_rounds = Router(tags=["Funding rounds"])
router.add_router("/milestones", milestones)
router.add_router("/programmes", programmes)
router.add_router("/targets", targets)
router.add_router("/funding-rounds", funding_rounds)

Precision = Choice(DatePrecision)


# --- milestones ----------------------------------------------------------------------------------------


class MilestoneIn(InputSchema):
    campus: PublicId
    organization: PublicId = Field(description="Whose milestone it is.")
    kind: Choice(MilestoneKind)
    title: Line(300, min_length=1)
    occurred_on: Date | None = None
    date_precision: Precision = Field(DatePrecision.DAY.value, description="month: the source gives only the month.")
    value: SignedAmount | None = Field(None, description="470 (hospitals): needs a unit.")
    unit: Line(40) = ""
    description: Text() = ""
    event: PublicId | None = Field(None, description="The event where it was announced.")


MilestonePatch = patch_of(MilestoneIn, "MilestonePatch")


class MilestoneOut(RecordOut):
    campus: CampusRef
    organization: OrganizationRef
    kind: Choice(MilestoneKind)
    title: str
    occurred_on: Date | None
    date_precision: Precision
    value: SignedAmount | None
    unit: str
    description: str
    event: EventRef | None


class MilestoneFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the title or description.")
    campus: PublicId | None = None
    organization: PublicId | None = None
    kind: Choice(MilestoneKind) | None = None
    occurred_from: Date | None = None
    occurred_to: Date | None = None


MilestonePage = page_schema(MilestoneOut, "MilestonePage")
MILESTONE_LINKS = {"campus": "campus", "organization": "organization", "event": "event"}


@milestones.get("", **lists(MilestonePage))
def list_milestones(request, filters: Query[MilestoneFilters], page: Query[PageQuery]):
    found = milestones_for(request.auth, kind=filters.kind or "")
    found = by_id(found, campus=filters.campus, organization=filters.organization)
    found = in_range(found, "occurred_on", filters.occurred_from, filters.occurred_to)
    return paginate(request, search_records(found, filters.search, ("title", "description")), page)


@milestones.get("/{public_id}", **reads(MilestoneOut))
def get_milestone(request, response: HttpResponse, public_id: UUID):
    return records.show(response, MilestoneOut, records.get_visible(milestones_for(request.auth), public_id))


@milestones.post("", **creates(MilestoneOut))
def create_milestone(request, response: HttpResponse, payload: MilestoneIn):
    values = resolve_links(request.auth, payload.model_dump(), MILESTONE_LINKS)
    return records.created(request, response, MilestoneOut, services.milestone_create(actor=request.auth, **values))


@milestones.patch("/{public_id}", **updates(MilestoneOut))
def update_milestone(
    request, response: HttpResponse, public_id: UUID, payload: MilestonePatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), MILESTONE_LINKS)
    return records.update(
        response,
        queryset=milestones_for(request.auth),
        public_id=public_id,
        schema=MilestoneOut,
        if_match=if_match,
        write=lambda milestone: services.milestone_update(actor=request.auth, milestone=milestone, **changes),
    )


@milestones.delete("/{public_id}", **deletes())
def delete_milestone(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=milestones_for(request.auth),
        public_id=public_id,
        schema=MilestoneOut,
        if_match=if_match,
        remove=lambda milestone: services.milestone_delete(actor=request.auth, milestone=milestone),
    )


# --- programmes ----------------------------------------------------------------------------------------


class ProgrammeIn(InputSchema):
    campus: PublicId
    name: Line(300, min_length=1)
    name_zh: Line(300) = ""
    organizations: list[PublicId] = Field(
        default_factory=list, max_length=100, description="The organisations that run it; a PATCH replaces them."
    )
    agreement: PublicId | None = Field(None, description="The agreement it comes from.")
    starts_on: Date | None = None
    ends_on: Date | None = None
    description: Text() = ""


ProgrammePatch = patch_of(ProgrammeIn, "ProgrammePatch")


class ProgrammeOut(RecordOut):
    campus: CampusRef
    name: str
    name_zh: str
    organizations: list[OrganizationRef]
    agreement: AgreementRef | None
    starts_on: Date | None
    ends_on: Date | None
    description: str

    @staticmethod
    def resolve_organizations(programme):
        return list(programme.organizations.all())


class ProgrammeFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name or description.")
    campus: PublicId | None = None
    organization: PublicId | None = Field(None, description="Programmes this organisation runs.")


ProgrammePage = page_schema(ProgrammeOut, "ProgrammePage")
PROGRAMME_LINKS = {"campus": "campus", "organizations": "organizations", "agreement": "agreement"}


@programmes.get("", **lists(ProgrammePage))
def list_programmes(request, filters: Query[ProgrammeFilters], page: Query[PageQuery]):
    found = by_id(programmes_for(request.auth), campus=filters.campus)
    if filters.organization:
        found = found.filter(
            pk__in=Programme.objects.filter(organizations__public_id=filters.organization).values("pk")
        )
    return paginate(request, search_records(found, filters.search, ("name", "name_zh", "description")), page)


@programmes.get("/{public_id}", **reads(ProgrammeOut))
def get_programme(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ProgrammeOut, records.get_visible(programmes_for(request.auth), public_id))


@programmes.post("", **creates(ProgrammeOut))
def create_programme(request, response: HttpResponse, payload: ProgrammeIn):
    values = resolve_links(request.auth, payload.model_dump(), PROGRAMME_LINKS)
    return records.created(request, response, ProgrammeOut, services.programme_create(actor=request.auth, **values))


@programmes.patch("/{public_id}", **updates(ProgrammeOut))
def update_programme(
    request, response: HttpResponse, public_id: UUID, payload: ProgrammePatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), PROGRAMME_LINKS)
    return records.update(
        response,
        queryset=programmes_for(request.auth),
        public_id=public_id,
        schema=ProgrammeOut,
        if_match=if_match,
        write=lambda programme: services.programme_update(actor=request.auth, programme=programme, **changes),
    )


# --- targets and their observations --------------------------------------------------------------------


class ObservationIn(InputSchema):
    observed_on: Date
    value: SignedAmount = Field(description="The metric's value on that date (cumulative).")
    note: Line(300) = ""


class ObservationOut(Schema):
    observed_on: Date
    value: SignedAmount
    note: str


class TargetIn(InputSchema):
    campus: PublicId
    programme: PublicId | None = Field(None, description="The programme it belongs to (or give an organisation).")
    organization: PublicId | None = Field(None, description="The organisation it belongs to (or a programme).")
    metric: Line(200, min_length=1) = Field(description="What is counted: people screened.")
    unit: Line(40, min_length=1)
    baseline: SignedAmount = Decimal(0)
    goal: Amount
    starts_on: Date | None = None
    due_on: Date
    observations: list[ObservationIn] = Field(
        default_factory=list,
        max_length=1000,
        description="Values of the metric; one on a date already observed corrects it. A PATCH adds, never removes.",
    )


TargetPatch = patch_of(TargetIn, "TargetPatch")


class TargetOut(RecordOut):
    campus: CampusRef
    programme: ProgrammeRef | None
    organization: OrganizationRef | None
    metric: str
    unit: str
    baseline: SignedAmount
    goal: SignedAmount
    starts_on: Date | None
    due_on: Date
    observations: list[ObservationOut]

    @staticmethod
    def resolve_observations(target):
        return list(target.observations.all())


class TargetFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the metric or unit.")
    campus: PublicId | None = None
    programme: PublicId | None = None
    organization: PublicId | None = None
    due_from: Date | None = None
    due_to: Date | None = None


TargetPage = page_schema(TargetOut, "TargetPage")
TARGET_LINKS = {"campus": "campus", "programme": "programme", "organization": "organization"}


@targets.get("", **lists(TargetPage))
def list_targets(request, filters: Query[TargetFilters], page: Query[PageQuery]):
    found = by_id(
        targets_for(request.auth), campus=filters.campus, programme=filters.programme, organization=filters.organization
    )
    found = in_range(found, "due_on", filters.due_from, filters.due_to)
    return paginate(request, search_records(found, filters.search, ("metric", "unit")), page)


@targets.get("/{public_id}", **reads(TargetOut))
def get_target(request, response: HttpResponse, public_id: UUID):
    return records.show(response, TargetOut, records.get_visible(targets_for(request.auth), public_id))


@targets.post("", **creates(TargetOut))
def create_target(request, response: HttpResponse, payload: TargetIn):
    values = resolve_links(request.auth, payload.model_dump(), TARGET_LINKS)
    return records.created(request, response, TargetOut, services.target_create(actor=request.auth, **values))


@targets.patch("/{public_id}", **updates(TargetOut))
def update_target(
    request, response: HttpResponse, public_id: UUID, payload: TargetPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), TARGET_LINKS)
    return records.update(
        response,
        queryset=targets_for(request.auth),
        public_id=public_id,
        schema=TargetOut,
        if_match=if_match,
        write=lambda target: services.target_update(actor=request.auth, target=target, **changes),
    )


@targets.post("/{public_id}/observations", **adds_to(TargetOut))
def record_target_observation(request, response: HttpResponse, public_id: UUID, payload: ObservationIn):
    """Record the metric's value on a date; sending a date again corrects that observation."""
    target = records.get_visible(targets_for(request.auth), public_id)
    services.observation_record(actor=request.auth, target=target, **payload.model_dump())
    return records.show(response, TargetOut, records.get_visible(targets_for(request.auth), public_id))


# --- funding rounds and their investors ----------------------------------------------------------------


class InvestorIn(InputSchema):
    investor: PublicId
    is_lead: bool = Field(False, description="At most one lead investor per round.")
    amount: Amount | None = Field(None, description="This investor's part, in the round's currency.")


class InvestorOut(Schema):
    investor: OrganizationRef
    is_lead: bool
    amount: SignedAmount | None


class FundingRoundIn(InputSchema):
    campus: PublicId
    recipient: PublicId = Field(description="The organisation that raised the money.")
    round_type: Choice(FundingRoundType)
    amount: Amount | None = Field(None, description="Needs a currency.")
    currency: CurrencyCode = ""
    announced_on: Date | None = None
    date_precision: Precision = DatePrecision.DAY.value
    description: Text() = ""
    investors: list[InvestorIn] = Field(
        default_factory=list, max_length=100, description="Who invested; a PATCH replaces them all."
    )


FundingRoundPatch = patch_of(FundingRoundIn, "FundingRoundPatch")


class FundingRoundOut(RecordOut):
    campus: CampusRef
    recipient: OrganizationRef
    round_type: Choice(FundingRoundType)
    amount: SignedAmount | None
    currency: str
    announced_on: Date | None
    date_precision: Precision
    description: str
    investors: list[InvestorOut]

    @staticmethod
    def resolve_investors(funding_round):
        return list(funding_round.investments.all())


class FundingRoundFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the recipient's name or description.")
    campus: PublicId | None = None
    recipient: PublicId | None = None
    investor: PublicId | None = Field(None, description="Rounds this organisation invested in.")
    round_type: Choice(FundingRoundType) | None = None
    announced_from: Date | None = None
    announced_to: Date | None = None


FundingRoundPage = page_schema(FundingRoundOut, "FundingRoundPage")
FUNDING_ROUND_LINKS = {"campus": "campus", "recipient": "organization", "investors": {"investor": "organization"}}


@funding_rounds.get("", **lists(FundingRoundPage))
def list_funding_rounds(request, filters: Query[FundingRoundFilters], page: Query[PageQuery]):
    found = by_id(funding_rounds_for(request.auth), campus=filters.campus, recipient=filters.recipient)
    if filters.round_type:
        found = found.filter(round_type=filters.round_type)
    if filters.investor:
        investments = FundingInvestment.objects.filter(investor__public_id=filters.investor)
        found = found.filter(pk__in=investments.values("funding_round"))
    found = in_range(found, "announced_on", filters.announced_from, filters.announced_to)
    found = search_records(found, filters.search, ("recipient__name", "recipient__name_zh", "description"))
    return paginate(request, found, page)


@funding_rounds.get("/{public_id}", **reads(FundingRoundOut))
def get_funding_round(request, response: HttpResponse, public_id: UUID):
    return records.show(response, FundingRoundOut, records.get_visible(funding_rounds_for(request.auth), public_id))


@funding_rounds.post("", **creates(FundingRoundOut))
def create_funding_round(request, response: HttpResponse, payload: FundingRoundIn):
    values = resolve_links(request.auth, payload.model_dump(), FUNDING_ROUND_LINKS)
    funding_round = services.funding_round_create(actor=request.auth, **values)
    return records.created(request, response, FundingRoundOut, funding_round)


@funding_rounds.patch("/{public_id}", **updates(FundingRoundOut))
def update_funding_round(
    request, response: HttpResponse, public_id: UUID, payload: FundingRoundPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), FUNDING_ROUND_LINKS)
    return records.update(
        response,
        queryset=funding_rounds_for(request.auth),
        public_id=public_id,
        schema=FundingRoundOut,
        if_match=if_match,
        write=lambda funding_round: services.funding_round_update(
            actor=request.auth, funding_round=funding_round, **changes
        ),
    )


@funding_rounds.delete("/{public_id}", **deletes())
def delete_funding_round(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=funding_rounds_for(request.auth),
        public_id=public_id,
        schema=FundingRoundOut,
        if_match=if_match,
        remove=lambda funding_round: services.funding_round_delete(actor=request.auth, funding_round=funding_round),
    )
