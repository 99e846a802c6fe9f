"""API of what residents achieve and aim for: milestones (with evidence), programmes and targets (with
observations and progress), funding rounds (with investors and a converted amount), exchange rates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.errors import ErrorOut
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
    Url,
    patch_of,
)
from biocampus.core.choices import DatePrecision
from biocampus.core.files import serve_attached_file
from biocampus.directory.search import search_records
from biocampus.insight.kpis import programme_progress, target_progress

from . import services
from .choices import FundingRoundType, MilestoneKind, TargetStatus
from .currency import reporting_currency, request_rate_table
from .models import FundingInvestment, Programme
from .selectors import (
    evidence_for,
    exchange_rates_for,
    funding_rounds_for,
    milestones_for,
    programmes_for,
    targets_for,
)

router = Router()
milestones = Router(tags=["Milestones"])
programmes = Router(tags=["Programmes"])
targets = Router(tags=["Targets"])
funding_rounds = Router(tags=["Funding rounds"])
exchange_rates = Router(tags=["Exchange rates"])
router.add_router("/milestones", milestones)
router.add_router("/programmes", programmes)
router.add_router("/targets", targets)
router.add_router("/funding-rounds", funding_rounds)
router.add_router("/exchange-rates", exchange_rates)

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


class EvidenceOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    url: str = Field(description="The link, for evidence published elsewhere; empty for a file.")
    file_name: str | None = Field(description="The uploaded file's name; null for a link.")
    download: str | None = Field(description="Where to GET the file (the milestone's readers only); null for a link.")
    note: str

    @staticmethod
    def resolve_file_name(evidence):
        return evidence.file.name.rsplit("/", 1)[-1] if evidence.file else None

    @staticmethod
    def resolve_download(evidence):
        if not evidence.file:
            return None
        return f"/api/v1/milestones/{evidence.milestone.public_id}/evidence/{evidence.public_id}/download"


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
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(milestone):
        return list(milestone.evidence.all())


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


class EvidenceIn(InputSchema):
    title: Line(300) = Field("", description="Defaults to the link.")
    url: Url = Field(description="Where the evidence is published (http or https).")
    note: Line(300) = ""


@milestones.post("/{public_id}/evidence", **adds_to(MilestoneOut))
def add_milestone_evidence(request, response: HttpResponse, public_id: UUID, payload: EvidenceIn):
    """Add a link as evidence of the milestone (files are uploaded on the milestone's page)."""
    milestone = records.get_visible(milestones_for(request.auth), public_id)
    services.evidence_add(actor=request.auth, milestone=milestone, **payload.model_dump())
    return records.show(response, MilestoneOut, records.get_visible(milestones_for(request.auth), public_id))


@milestones.delete("/{public_id}/evidence/{evidence_id}", **deletes())
def remove_milestone_evidence(request, public_id: UUID, evidence_id: UUID, if_match: str = if_match_header()):
    """Remove a piece of evidence (and its file) from the milestone."""
    return records.delete(
        queryset=evidence_for(request.auth).filter(milestone__public_id=public_id),
        public_id=evidence_id,
        schema=EvidenceOut,
        if_match=if_match,
        remove=lambda evidence: services.evidence_remove(actor=request.auth, evidence=evidence),
    )


@milestones.get(
    "/{public_id}/evidence/{evidence_id}/download",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The evidence file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_milestone_evidence(request, public_id: UUID, evidence_id: UUID):
    """The evidence file, for those who may read the milestone (404 for a link: there is no file)."""
    evidence = records.get_visible(evidence_for(request.auth).filter(milestone__public_id=public_id), evidence_id)
    return serve_attached_file(evidence.file)


# --- programmes ----------------------------------------------------------------------------------------


class ProgressOut(Schema):
    """Where a target stands today (see docs/progress.md for the rule)."""

    status: Choice(TargetStatus)
    as_of: Date
    latest_value: SignedAmount | None = Field(description="The latest observation on or before as_of.")
    latest_on: Date | None
    fraction: Decimal | None = Field(
        description="Of the way from baseline to goal (1 = reached; may pass 1); null before any observation."
    )
    expected_value: SignedAmount = Field(description="Where a straight line from start to due date is by as_of.")
    expected_fraction: Decimal
    starts_on: Date = Field(description="Where the expected line starts: starts_on, else the first observation.")


class ProgrammeTargetOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    metric: str
    unit: str
    goal: SignedAmount
    due_on: Date


class ProgrammeTargetProgressOut(Schema):
    target: ProgrammeTargetOut
    progress: ProgressOut


class ProgrammeProgressOut(Schema):
    status: Choice(TargetStatus) | None = Field(description="Its furthest-behind target's; null without targets.")
    fraction: Decimal | None = Field(description="The mean of its observed targets' fractions (each within 0..1).")
    expected_fraction: Decimal | None
    targets: list[ProgrammeTargetProgressOut]

    @staticmethod
    def resolve_targets(progress):
        return [{"target": target, "progress": p} for target, p in progress.targets]


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
    progress: ProgrammeProgressOut

    @staticmethod
    def resolve_organizations(programme):
        return list(programme.organizations.all())

    @staticmethod
    def resolve_progress(programme):
        return programme_progress(programme)


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


@programmes.delete("/{public_id}", **deletes())
def delete_programme(request, public_id: UUID, if_match: str = if_match_header()):
    """Delete the programme with its targets and their observations."""
    return records.delete(
        queryset=programmes_for(request.auth),
        public_id=public_id,
        schema=ProgrammeOut,
        if_match=if_match,
        remove=lambda programme: services.programme_delete(actor=request.auth, programme=programme),
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
    progress: ProgressOut

    @staticmethod
    def resolve_observations(target):
        return list(target.observations.all())

    @staticmethod
    def resolve_progress(target):
        return target_progress(target)


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


@targets.delete("/{public_id}", **deletes())
def delete_target(request, public_id: UUID, if_match: str = if_match_header()):
    """Delete the target with its observations."""
    return records.delete(
        queryset=targets_for(request.auth),
        public_id=public_id,
        schema=TargetOut,
        if_match=if_match,
        remove=lambda target: services.target_delete(actor=request.auth, target=target),
    )


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


class ConversionOut(Schema):
    rate: Decimal = Field(description="Units of the reporting currency for one unit of the round's currency.")
    rate_valid_from: Date | None = Field(description="The date the rate used is valid from; null at par.")
    approximate: bool = Field(description="The rate was not valid on the round's date, or the round has none.")


def _conversion(funding_round, context):
    # One table of rates per request, so a list converts every row without a query per row.
    table = request_rate_table((context or {}).get("request"))
    return table.conversion(funding_round.amount, funding_round.currency, on=funding_round.announced_on)


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
    amount_converted: SignedAmount | None = Field(
        description="The amount in the reporting currency, at the rate valid on the round's date; null without "
        "an amount or a rate for its currency."
    )
    reporting_currency: str = Field(description="The currency of amount_converted (BIOCAMPUS_REPORTING_CURRENCY).")
    conversion: ConversionOut | None

    @staticmethod
    def resolve_investors(funding_round):
        return list(funding_round.investments.all())

    @staticmethod
    def resolve_amount_converted(funding_round, context):
        conversion = _conversion(funding_round, context)
        return conversion.amount if conversion is not None else None

    @staticmethod
    def resolve_reporting_currency(funding_round):
        return reporting_currency()

    @staticmethod
    def resolve_conversion(funding_round, context):
        return _conversion(funding_round, context)


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


# --- exchange rates ------------------------------------------------------------------------------------


class ExchangeRateIn(InputSchema):
    currency: CurrencyCode = Field(description="ISO 4217 code such as CNY; not the reporting currency.")
    rate: Annotated[Decimal, Field(gt=0, max_digits=24, decimal_places=10, allow_inf_nan=False)] = Field(
        description="Units of the reporting currency for one unit of `currency`."
    )
    valid_from: Date
    source: Line(300) = ""


ExchangeRatePatch = patch_of(ExchangeRateIn, "ExchangeRatePatch")


class ExchangeRateOut(RecordOut):
    currency: str
    rate: Decimal
    valid_from: Date
    source: str
    reporting_currency: str

    @staticmethod
    def resolve_reporting_currency(rate):
        return reporting_currency()


class ExchangeRateFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the currency or the source.")
    currency: CurrencyCode = ""
    valid_on: Date | None = Field(None, description="Only the rates valid on this date (one per currency at most).")


ExchangeRatePage = page_schema(ExchangeRateOut, "ExchangeRatePage")


@exchange_rates.get("", **lists(ExchangeRatePage))
def list_exchange_rates(request, filters: Query[ExchangeRateFilters], page: Query[PageQuery]):
    """The network's rates (every member reads them; superusers keep them)."""
    found = exchange_rates_for(request.auth, currency=filters.currency)
    if filters.valid_on:
        found = _valid_on(found, filters.valid_on)
    return paginate(request, search_records(found, filters.search, ("currency", "source")), page)


def _valid_on(rates, day: datetime.date):
    from django.db.models import Max

    latest = rates.filter(valid_from__lte=day).values("currency").annotate(latest=Max("valid_from"))
    keys = {(row["currency"], row["latest"]) for row in latest}
    ids = [r.pk for r in rates.filter(valid_from__lte=day) if (r.currency, r.valid_from) in keys]
    return rates.filter(pk__in=ids)


@exchange_rates.get("/{public_id}", **reads(ExchangeRateOut))
def get_exchange_rate(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ExchangeRateOut, records.get_visible(exchange_rates_for(request.auth), public_id))


@exchange_rates.post("", **creates(ExchangeRateOut))
def create_exchange_rate(request, response: HttpResponse, payload: ExchangeRateIn):
    """Add a rate (superusers). A rate of the same currency and date is corrected, not repeated."""
    rate = services.exchange_rate_set(actor=request.auth, **payload.model_dump())
    return records.created(request, response, ExchangeRateOut, rate)


@exchange_rates.patch("/{public_id}", **updates(ExchangeRateOut))
def update_exchange_rate(
    request, response: HttpResponse, public_id: UUID, payload: ExchangeRatePatch, if_match: str = if_match_header()
):
    changes = payload.changes()
    return records.update(
        response,
        queryset=exchange_rates_for(request.auth),
        public_id=public_id,
        schema=ExchangeRateOut,
        if_match=if_match,
        write=lambda rate: services.exchange_rate_update(actor=request.auth, exchange_rate=rate, **changes),
    )


@exchange_rates.delete("/{public_id}", **deletes())
def delete_exchange_rate(request, public_id: UUID, if_match: str = if_match_header()):
    return records.delete(
        queryset=exchange_rates_for(request.auth),
        public_id=public_id,
        schema=ExchangeRateOut,
        if_match=if_match,
        remove=lambda rate: services.exchange_rate_delete(actor=request.auth, exchange_rate=rate),
    )
