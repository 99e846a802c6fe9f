"""API of the intake: applications to join a campus, their reviews and decisions, and the campus's criteria.

Applications hold applicants' private data: only the campus's admins and staff see them (STAFF_ONLY).
The public applies through the form at /apply/<campus>/, not through the API.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import Field

from biocampus.api import records
from biocampus.api.errors import explained
from biocampus.api.filters import by_id
from biocampus.api.operations import adds_to, creates, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
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
from biocampus.directory.search import search_records

from . import services
from .choices import SCORE_MAX, SCORE_MIN, ApplicationStatus, Need, Outcome, Stage
from .models import IntakeCriterion
from .selectors import application_detail_for, criteria_for

router = Router()
applications = Router(tags=["Intake"])
criteria = Router(tags=["Intake"])
router.add_router("/applications", applications)
router.add_router("/intake-criteria", criteria)

Email = Annotated[
    str,
    Field(
        max_length=254,
        pattern=explained(
            r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$", gettext_lazy("An email address, such as name@example.org.")
        ),
        description="Where the applicant's emails go.",
    ),
]
Language = Annotated[
    Literal[tuple(code for code, _name in settings.LANGUAGES)],
    Field(description="The applicant's language: the emails are written in it."),
]


# --- criteria ----------------------------------------------------------------------------------------


class CriterionIn(InputSchema):
    campus: PublicId = Field(description="The campus whose applications are judged on it.")
    name: Line(200, min_length=1) = Field(description="Scientific and clinical merit")
    name_zh: Line(200) = ""
    description: Text() = ""
    weight: int = Field(1, ge=1, le=100, description="How much it counts in the weighted score, relative to others.")
    position: int = Field(0, ge=0, le=32767, description="Order on forms; lowest first.")


CriterionPatch = patch_of(CriterionIn, "CriterionPatch")


class CriterionOut(RecordOut):
    campus: CampusRef
    name: str
    name_zh: str
    description: str
    weight: int
    position: int


class CriterionFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the name, Chinese name or description.")
    campus: PublicId | None = None


CriterionPage = page_schema(CriterionOut, "CriterionPage")
CRITERION_LINKS = {"campus": "editable_campus"}


@criteria.get("", **lists(CriterionPage))
def list_intake_criteria(request, filters: Query[CriterionFilters], page: Query[PageQuery]):
    """The criteria of the campuses where the caller has a role (resident members included)."""
    found = search_records(criteria_for(request.auth), filters.search, ("name", "name_zh", "description"))
    return paginate(request, by_id(found, campus=filters.campus), page)


@criteria.get("/{public_id}", **reads(CriterionOut))
def get_intake_criterion(request, response: HttpResponse, public_id: UUID):
    return records.show(response, CriterionOut, records.get_visible(criteria_for(request.auth), public_id))


@criteria.post("", **creates(CriterionOut))
def create_intake_criterion(request, response: HttpResponse, payload: CriterionIn):
    values = resolve_links(request.auth, payload.model_dump(), CRITERION_LINKS)
    criterion = services.criterion_create(actor=request.auth, **values)
    return records.created(request, response, CriterionOut, criterion)


@criteria.patch("/{public_id}", **updates(CriterionOut))
def update_intake_criterion(
    request, response: HttpResponse, public_id: UUID, payload: CriterionPatch, if_match: str = if_match_header()
):
    changes = resolve_links(request.auth, payload.changes(), CRITERION_LINKS)
    return records.update(
        response,
        queryset=criteria_for(request.auth),
        public_id=public_id,
        schema=CriterionOut,
        if_match=if_match,
        write=lambda criterion: services.criterion_update(actor=request.auth, criterion=criterion, **changes),
    )


# --- applications ------------------------------------------------------------------------------------


class Ref(Schema):
    id: UUID = Field(validation_alias="public_id")


class CriterionRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    weight: int


class ScoreOut(Schema):
    criterion: CriterionRef
    score: int


class ReviewOut(Schema):
    reviewer: str | None = Field(description="The reviewer's username.")
    recommendation: str = Field(description="`accept`, `decline`, `wait`, or empty.")
    comment: str
    score: float | None = Field(description="The weighted average of this review's scores.")
    scores: list[ScoreOut]
    updated_at: str

    @staticmethod
    def resolve_reviewer(review) -> str | None:
        return review.reviewer.get_username() if review.reviewer else None

    @staticmethod
    def resolve_scores(review):
        return list(review.scores.all())

    @staticmethod
    def resolve_updated_at(review) -> str:
        return review.updated_at.isoformat()


class DecisionOut(Schema):
    outcome: Choice(Outcome)
    reasons: str
    decided_by: str | None
    decided_at: str
    organization: OrganizationRef | None
    emailed_at: str | None = Field(description="When the applicant was emailed; null if not (yet).")

    @staticmethod
    def resolve_decided_by(decision) -> str | None:
        return decision.decided_by.get_username() if decision.decided_by else None

    @staticmethod
    def resolve_decided_at(decision) -> str:
        return decision.decided_at.isoformat()

    @staticmethod
    def resolve_emailed_at(decision) -> str | None:
        return decision.emailed_at.isoformat() if decision.emailed_at else None


class AttachmentOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    size: int


class ApplicationIn(InputSchema):
    campus: PublicId = Field(description="The campus applied to.")
    company_name: Line(255, min_length=1)
    company_name_zh: Line(255) = ""
    website: Url = ""
    country: CountryCode = ""
    city: Line(120) = ""
    fields: list[Slug] = Field(default_factory=list, max_length=50, description="Field codes (GET /api/v1/fields).")
    stage: Choice(Stage)
    founded_year: int | None = Field(None, ge=1600, le=2100)
    founders: list[Line(200)] = Field(default_factory=list, max_length=50)
    contact_name: Line(200, min_length=1)
    contact_email: Email
    contact_phone: Line(40) = ""
    summary: Annotated[Text(), Field(min_length=1)] = Field(description="What the company does and where it stands.")
    needs: list[Choice(Need)] = Field(default_factory=list, max_length=8)
    needs_detail: Text() = ""
    language: Language = "en"
    notify: bool = Field(True, description="Email the applicant an acknowledgement with the reference.")


class ApplicationOut(RecordOut):
    campus: CampusRef
    reference: str
    status: Choice(ApplicationStatus)
    company_name: str
    company_name_zh: str
    website: str
    country: str
    city: str
    fields: list[str]
    stage: Choice(Stage)
    founded_year: int | None
    founders: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str
    summary: str
    needs: list[str]
    needs_detail: str
    language: str
    organization: OrganizationRef | None
    residency: Ref | None
    decided_at: str | None
    score: float | None = Field(description="Weighted average of every review's scores, 1 to 5.")
    review_count: int
    attachments: list[AttachmentOut]
    reviews: list[ReviewOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_country(application) -> str:
        return str(application.country)

    @staticmethod
    def resolve_fields(application) -> list[str]:
        return [field.slug for field in application.fields.all()]

    @staticmethod
    def resolve_founders(application) -> list[str]:
        return application.founder_list

    @staticmethod
    def resolve_decided_at(application) -> str | None:
        return application.decided_at.isoformat() if application.decided_at else None

    @staticmethod
    def resolve_review_count(application) -> int:
        return getattr(application, "review_count", 0) or 0

    @staticmethod
    def resolve_attachments(application):
        return list(application.attachments.all())

    @staticmethod
    def resolve_reviews(application):
        return list(application.reviews.all())

    @staticmethod
    def resolve_decisions(application):
        return list(application.decisions.all())


class ApplicationFilters(Schema):
    search: Line(200) = Field("", description="Words that must all occur in the reference, company, contact, city.")
    campus: PublicId | None = None
    status: Choice(ApplicationStatus) | None = None


ApplicationPage = page_schema(ApplicationOut, "ApplicationPage")


class ScoreIn(InputSchema):
    criterion: PublicId = Field(description="A criterion of the application's campus (GET /api/v1/intake-criteria).")
    score: int = Field(ge=SCORE_MIN, le=SCORE_MAX)


class ReviewIn(InputSchema):
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100, description="Criteria left out are not judged.")
    comment: Text() = ""
    recommendation: Choice(Outcome) | None = None


class DecisionIn(InputSchema):
    outcome: Choice(Outcome)
    reasons: Text() = Field(description="Why; required. The applicant receives them by email.")
    organization: PublicId | None = Field(
        None, description="Accepting: the organisation of the directory the company is (leave out to create it)."
    )
    new_organization: bool = Field(
        False, description="Accepting: confirm that the company is new although the directory has similar names."
    )
    notify: bool = Field(True, description="Email the applicant the decision and its reasons.")


def _applications(user, search: str = ""):
    return application_detail_for(user, q=search)


@applications.get("", **lists(ApplicationPage))
def list_applications(request, filters: Query[ApplicationFilters], page: Query[PageQuery]):
    """Applications to the campuses where the caller is an admin or staff member."""
    found = by_id(_applications(request.auth, filters.search), campus=filters.campus)
    if filters.status:
        found = found.filter(status=filters.status)
    return paginate(request, found, page)


@applications.get("/{public_id}", **reads(ApplicationOut))
def get_application(request, response: HttpResponse, public_id: UUID):
    return records.show(response, ApplicationOut, records.get_visible(_applications(request.auth), public_id))


@applications.post("", **creates(ApplicationOut))
def create_application(request, response: HttpResponse, payload: ApplicationIn):
    """Enter an application received by email, on paper or at an event (the public uses /apply/<campus>/)."""
    values = resolve_links(request.auth, payload.model_dump(), {"campus": "editable_campus", "fields": "fields"})
    values["contact_email"] = str(values["contact_email"])
    application = services.application_create(actor=request.auth, **values)
    return records.created(
        request, response, ApplicationOut, records.get_visible(_applications(request.auth), application.public_id)
    )


@applications.post("/{public_id}/reviews", **adds_to(ApplicationOut))
def review_application(request, response: HttpResponse, public_id: UUID, payload: ReviewIn):
    """The caller's review: created, or replaced if the caller has reviewed the application before."""
    application = records.get_visible(_applications(request.auth), public_id)
    known = {c.public_id: c for c in IntakeCriterion.objects.filter(campus=application.campus_id)}
    unknown = {
        f"scores.{i}.criterion": [_("No criterion %(id)s at this application's campus.") % {"id": s.criterion}]
        for i, s in enumerate(payload.scores)
        if s.criterion not in known
    }
    if unknown:
        raise ValidationError(unknown)
    with transaction.atomic():
        services.review_save(
            actor=request.auth,
            application=application,
            scores={known[s.criterion]: s.score for s in payload.scores},
            comment=payload.comment,
            recommendation=payload.recommendation or "",
        )
    return records.show(response, ApplicationOut, records.get_visible(_applications(request.auth), public_id))


@applications.post("/{public_id}/decisions", **adds_to(ApplicationOut))
def decide_application(request, response: HttpResponse, public_id: UUID, payload: DecisionIn):
    """Accept, decline or wait-list; accepting links (or creates) the organisation and signs its residency."""
    application = records.get_visible(_applications(request.auth), public_id)
    values = resolve_links(request.auth, payload.model_dump(), {"organization": "organization"})
    services.application_decide(actor=request.auth, application=application, **values)
    return records.show(response, ApplicationOut, records.get_visible(_applications(request.auth), public_id))
