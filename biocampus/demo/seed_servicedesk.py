"""The servicedesk part of the demo campus (issue 4, campus operations): I·Campus Wuxi's three service
centres of the story, a catalogue for each, and a handful of requests in every state.

The story names the centres (unveiled or agreed at the 3rd CIIE) and what they are for; their catalogues,
times to answer and contact addresses are the demo's illustration, and every centre's description says so.
The requests are demo traffic dated relative to the load (one was opened long ago and never answered, so
the overdue badge has something to show). Loading twice creates nothing: centres are found by name,
services by centre and name, requests by subject.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from biocampus.accounts.models import User
from biocampus.servicedesk.choices import RequestPriority, RequestStatus
from biocampus.servicedesk.models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment
from biocampus.servicedesk.services import (
    centre_create,
    request_assign,
    request_change_status,
    request_comment,
    request_open,
    service_create,
)

# Models whose rows a demo load writes here, for the load's report and its idempotency test.
COUNTED_MODELS: list[type[models.Model]] = [ServiceCentre, Service, ServiceRequest, ServiceRequestComment]

CAMPUS = "icampus-wuxi"
ILLUSTRATIVE = "The catalogue and times to answer are the demo's illustration; the story names the centre only."

CERTIFICATION = "CCHRPP Wuxi Medical Research and Certification Center"
FOREIGN_AFFAIRS = "Wuxi Foreign Affairs Office Service Center"
PROCUREMENT = "Medical Bidding and Procurement Workstation"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    description: str
    target_response_hours: int | None = None


@dataclass(frozen=True)
class CentreSpec:
    name: str
    operator: str  # organisation name in demo/seed.py
    description: str
    contact_email: str
    target_response_hours: int
    services: tuple[ServiceSpec, ...]


CENTRES = [
    CentreSpec(
        CERTIFICATION,
        operator=CERTIFICATION,
        description=(
            "Unveiled at the 3rd CIIE to support residents from R&D to industrialisation: study design, "
            f"testing and qualification. {ILLUSTRATIVE}"
        ),
        contact_email="certification@demo.invalid",
        target_response_hours=72,
        services=(
            ServiceSpec(
                "Clinical-trial design advice",
                "Protocol, endpoints and site selection for a first study in China.",
                48,
            ),
            ServiceSpec(
                "Medical device registration testing",
                "Type testing and the test report a device registration with the NMPA asks for.",
            ),
            ServiceSpec(
                "GLP lab qualification",
                "Pre-assessment and accompaniment of a laboratory towards GLP qualification.",
                120,
            ),
        ),
    ),
    CentreSpec(
        FOREIGN_AFFAIRS,
        operator=FOREIGN_AFFAIRS,
        description=(
            "External liaison office opened at the 3rd CIIE: attracts talent, advises on foreign affairs and "
            f"introduces projects from overseas. {ILLUSTRATIVE}"
        ),
        contact_email="foreign-affairs@demo.invalid",
        target_response_hours=48,
        services=(
            ServiceSpec(
                "Work permits for foreign talent",
                "The work permit of a foreign employee, from the application to the permit card.",
                72,
            ),
            ServiceSpec("Visa and residence", "Visas for visiting experts; residence permits for staff and family."),
            ServiceSpec(
                "International advisory",
                "Foreign-affairs advice for going international and for bringing projects in from overseas.",
            ),
        ),
    ),
    CentreSpec(
        PROCUREMENT,
        operator="Medical Bidding and Procurement Workstation at I·Campus",
        description=(
            "To be established in I·Campus under the framework agreement of the Wuxi Municipal Bureau of "
            "Healthcare and Security and Wuxi Hi-tech District: policy and resource support for new medicines, "
            f"medical equipment and healthcare solutions. {ILLUSTRATIVE}"
        ),
        contact_email="procurement@demo.invalid",
        target_response_hours=72,
        services=(
            ServiceSpec(
                "Hospital tender bidding support",
                "Reading a hospital tender, preparing the bid documents, the bidding calendar.",
            ),
            ServiceSpec(
                "Procurement registration",
                "Listing a product on the provincial medical procurement platform.",
                120,
            ),
        ),
    ),
]


@dataclass(frozen=True)
class Step:
    """One thing that happened to a request, `hours` after it was opened."""

    hours: float
    by: str  # demo username
    status: str = ""
    reason: str = ""
    comment: str = ""
    internal: bool = False
    assign_to: str = ""


@dataclass(frozen=True)
class RequestSpec:
    subject: str
    organization: str
    centre: str
    service: str
    opened_days_ago: float
    description: str
    requested_by: str = ""  # demo username; empty when the campus team took it by phone
    priority: str = RequestPriority.NORMAL
    steps: tuple[Step, ...] = field(default_factory=tuple)


TEDDY = "Teddy Lab Services"

REQUESTS = [
    RequestSpec(
        "Work permit for our new lab director",
        TEDDY,
        FOREIGN_AFFAIRS,
        "Work permits for foreign talent",
        opened_days_ago=9,
        requested_by="resident",
        description="Our new director of the Med Lab joins from Germany next month. What do you need from us?",
        steps=(
            Step(5, "staff", assign_to="staff"),
            Step(6, "staff", status=RequestStatus.ACCEPTED),
            Step(
                26,
                "staff",
                status=RequestStatus.WAITING_FOR_RESIDENT,
                comment="Please send a scan of the passport, the degree certificate and the signed employment contract.",
            ),
            Step(30, "staff", comment="Degree needs a legalised copy; checked with the bureau.", internal=True),
            Step(50, "resident", comment="Attached to our email of today: passport, degree and contract."),
        ),
    ),
    RequestSpec(
        "GLP pre-assessment of the Wuxi Med Lab",
        TEDDY,
        CERTIFICATION,
        "GLP lab qualification",
        opened_days_ago=40,
        requested_by="resident",
        description="We would like a pre-assessment before we apply for GLP qualification.",
        steps=(
            Step(20, "staff", assign_to="staff"),
            Step(22, "staff", status=RequestStatus.ACCEPTED, comment="We can visit on Tuesday morning."),
            Step(120, "staff", status=RequestStatus.IN_PROGRESS),
            Step(
                400,
                "staff",
                status=RequestStatus.DONE,
                reason="Pre-assessment report sent; two minor findings to close before applying.",
            ),
        ),
    ),
    RequestSpec(
        "Bid documents for a hospital testing tender",
        TEDDY,
        PROCUREMENT,
        "Hospital tender bidding support",
        opened_days_ago=0.1,
        requested_by="resident",
        description="A Wuxi hospital tenders companion-diagnostics testing; we need help with the bid documents.",
    ),
    RequestSpec(
        "Registration testing of the respiratory screening device",
        "CHIC Health",
        CERTIFICATION,
        "Medical device registration testing",
        opened_days_ago=12,
        priority=RequestPriority.URGENT,
        description="Taken by phone: CHIC Health needs a test report for the registration of its updated device.",
    ),
    RequestSpec(
        "Trial design for an online tumour MDT platform",
        "Sanomics",
        CERTIFICATION,
        "Clinical-trial design advice",
        opened_days_ago=6,
        description="Taken by phone: advice on a study of the online MDT platform built with Tencent.",
        steps=(
            Step(
                20,
                "staff",
                status=RequestStatus.DECLINED,
                reason=(
                    "The platform is software for tumour boards, not a medicine or device under trial; "
                    "the procurement workstation can advise on hospital listing instead."
                ),
            ),
        ),
    ),
    RequestSpec(
        "Visa for a visiting engineer",
        "Omron Healthcare",
        FOREIGN_AFFAIRS,
        "Visa and residence",
        opened_days_ago=3,
        description="Taken by phone: an engineer from Kyoto visits for two weeks to install the devices.",
        steps=(
            Step(4, "staff", assign_to="staff"),
            Step(5, "staff", status=RequestStatus.IN_PROGRESS, comment="We prepare the invitation letter."),
        ),
    ),
]


def load(ctx) -> None:
    """Create whatever of this part is missing. `ctx` is demo.seed._Context (actor, provenance, fields,
    orgs by the names in demo/seed.py, campuses by slug, events by name, agreements by title); the demo users exist."""
    campus = ctx.campuses[CAMPUS]
    centres = {spec.name: _centre(ctx, campus, spec) for spec in CENTRES}
    users = {user.username: user for user in User.objects.filter(username__in=("staff", "resident"))}
    now = timezone.now()
    for spec in REQUESTS:
        if not ServiceRequest.objects.filter(campus=campus, subject=spec.subject).exists():
            _request(ctx, campus, centres, users, spec, now)


def _centre(ctx, campus, spec: CentreSpec) -> ServiceCentre:
    centre = ServiceCentre.objects.filter(campus=campus, name=spec.name).first()
    if centre is None:
        centre = centre_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            name=spec.name,
            operator=ctx.orgs[spec.operator],
            description=spec.description,
            contact_email=spec.contact_email,
            target_response_hours=spec.target_response_hours,
        )
    have = set(centre.services.values_list("name", flat=True))
    for service in spec.services:
        if service.name not in have:
            service_create(
                actor=ctx.actor,
                provenance=ctx.provenance,
                centre=centre,
                name=service.name,
                description=service.description,
                target_response_hours=service.target_response_hours,
            )
    return centre


def _request(ctx, campus, centres, users, spec: RequestSpec, now) -> None:
    centre = centres[spec.centre]
    opened_at = now - datetime.timedelta(days=spec.opened_days_ago)
    # Opened by the system (the demo may date a request in the past), on behalf of its requester.
    request = request_open(
        actor=ctx.actor,
        provenance=ctx.provenance,
        campus=campus,
        centre=centre,
        service=centre.services.get(name=spec.service),
        organization=ctx.orgs[spec.organization],
        requested_by=users[spec.requested_by] if spec.requested_by else None,
        subject=spec.subject,
        description=spec.description,
        priority=spec.priority,
        opened_at=opened_at,
    )
    for step in spec.steps:
        actor, at = users[step.by], opened_at + datetime.timedelta(hours=step.hours)
        if step.assign_to:
            request_assign(actor=actor, request=request, assignee=users[step.assign_to])
        if step.status:
            request_change_status(actor=actor, request=request, status=step.status, reason=step.reason, at=at)
        if step.comment:
            request_comment(
                actor=actor,
                provenance=ctx.provenance,
                request=request,
                body=step.comment,
                is_internal=step.internal,
                at=at,
            )
