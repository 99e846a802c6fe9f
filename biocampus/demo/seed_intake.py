"""The intake part of the demo campus (issue 4, campus operations): I·Campus Wuxi's criteria and a few
applications at every step of the board.

The companies applying are fictional and say so, except Bestudy: the story names it among the twelve
newcomers signed at the 3rd CIIE, and its accepted application shows the no-duplicate path (accepting
links the registry's Bestudy and its signed residency instead of adding the company a second time). Its
application says nothing the story does not. No emails are sent: the addresses are demo ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from biocampus.accounts.models import User
from biocampus.intake.choices import Need, Outcome, Stage
from biocampus.intake.models import Application, Decision, IntakeCriterion, Review, ReviewScore
from biocampus.intake.services import application_decide, application_submit, criterion_create, review_save

# Models whose rows a demo load writes here, for the load's report and its idempotency test.
COUNTED_MODELS: list[type[models.Model]] = [IntakeCriterion, Application, Review, ReviewScore, Decision]

CAMPUS = "icampus-wuxi"
_FICTIONAL = "Illustrative demo application: the company is fictional."

# (name, Chinese name, weight, description)
CRITERIA = [
    ("Scientific and clinical merit", "科学与临床价值", 3, "Is the science sound, and does it answer a clinical need?"),
    ("Fit with the campus's fields", "与园区领域的契合度", 2, "Diagnostics, devices, digital health, drug R&D..."),
    ("Team", "团队", 2, "Founders' experience, completeness of the team."),
    ("Market potential", "市场潜力", 2, "Size of the market in China and abroad, path to it."),
    ("Need for the campus's services", "对园区服务的需求", 1, "How much the company gains from the campus."),
]


@dataclass(frozen=True)
class ApplicationSpec:
    company_name: str
    stage: str
    summary: str
    contact_name: str
    company_name_zh: str = ""
    country: str = ""
    city: str = ""
    website: str = ""
    founded_year: int | None = None
    founders: str = ""
    fields: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    needs_detail: str = ""
    language: str = "en"
    # username -> (scores in the order of CRITERIA, recommendation, comment)
    reviews: dict = field(default_factory=dict)
    decisions: tuple[tuple[str, str], ...] = ()  # (outcome, reasons), in order


APPLICATIONS = [
    ApplicationSpec(
        "Rheinblick Liquid Biopsy GmbH",
        Stage.CLINICAL,
        f"Blood tests that find early lung cancer from circulating tumour DNA; a clinical study with 1,200 "
        f"patients in Germany. {_FICTIONAL}",
        "Dr. Katrin Vogel",
        country="DE",
        city="Heidelberg",
        website="https://rheinblick-biopsy.example.org",
        founded_year=2019,
        founders="Dr. Katrin Vogel\nDr. Matthias Roth",
        fields=("diagnostics", "oncology"),
        needs=(Need.LAB_SPACE, Need.CERTIFICATION, Need.PHARMA_PARTNERING),
        needs_detail="A BSL-2 lab for a Chinese validation study and NMPA registration of the test.",
        reviews={
            "demo": ((5, 5, 4, 4, 5), Outcome.ACCEPT, "Strong data; a natural partner for AstraZeneca's oncology."),
            "staff": ((4, 5, 3, 4, 4), "", "Needs a China lead before signing."),
        },
    ),
    ApplicationSpec(
        "Shenzhen PulseWave Medical Devices Co., Ltd.",
        Stage.MARKETED,
        f"Wearable patches that record ECG and blood pressure for a week; CE-marked, sold in 9 countries. {_FICTIONAL}",
        "Zhang Min",
        company_name_zh="深圳脉波医疗器械有限公司",
        country="CN",
        city="Shenzhen",
        founded_year=2016,
        founders="Zhang Min\nChen Hao",
        fields=("medical-devices", "wearables"),
        needs=(Need.OFFICE_SPACE, Need.MARKET_ACCESS),
        needs_detail="A showroom and help with hospital procurement in Jiangsu.",
        language="zh-hans",
        reviews={
            "demo": ((4, 4, 4, 3, 2), Outcome.WAIT, "Good product; little need for our labs."),
            "staff": ((3, 4, 4, 3, 2), Outcome.WAIT, "Revisit when the procurement workstation opens."),
        },
        decisions=(
            (
                Outcome.WAIT,
                "A fine fit, but the office floor is full until the procurement workstation opens; we will come back "
                "to you then.",
            ),
        ),
    ),
    ApplicationSpec(
        "Fjordline Gut Health AB",
        Stage.IDEA,
        f"An idea for a probiotic against irritable bowel syndrome; no data yet. {_FICTIONAL}",
        "Sofia Lindqvist",
        country="SE",
        city="Gothenburg",
        founded_year=2024,
        founders="Sofia Lindqvist",
        needs=(Need.FUNDING, Need.OTHER),
        needs_detail="Seed funding and a first investor.",
        reviews={
            "staff": ((2, 2, 3, 2, 2), Outcome.DECLINE, "Too early for the campus; a seed programme suits it better."),
        },
        decisions=(
            (
                Outcome.DECLINE,
                "Too early for a residency: there are no data yet. We would welcome a new application after a first "
                "study; BioVenture Hub's programmes may help meanwhile.",
            ),
        ),
    ),
    ApplicationSpec(
        "Bestudy",
        Stage.GROWTH,
        "Illustrative demo application: the story names Bestudy among the twelve newcomers signed at the 3rd CIIE; "
        "what it applied with is not stated.",
        "Demo contact",
        reviews={"demo": ((4, 4, 4, 4, 4), Outcome.ACCEPT, "Signed at the 3rd CIIE.")},
        decisions=(
            (
                Outcome.ACCEPT,
                "Welcome to I·Campus: signed at the 3rd CIIE (the registry's Bestudy and its residency are linked, "
                "not added twice).",
            ),
        ),
    ),
    ApplicationSpec(
        "Kamogawa Cell Therapeutics K.K.",
        Stage.PRECLINICAL,
        f"Off-the-shelf CAR-NK cell therapy for solid tumours; preclinical. {_FICTIONAL}",
        "Sato Yuki",
        country="JP",
        city="Kyoto",
        founded_year=2021,
        founders="Sato Yuki\nTanaka Ren",
        fields=("drug-rd", "oncology"),
        needs=(Need.LAB_SPACE, Need.FUNDING, Need.TALENT),
    ),
]


def load(ctx) -> None:
    """Create whatever of this part is missing. `ctx` is demo.seed._Context (actor, provenance, fields,
    orgs by the names in demo/seed.py, campuses by slug, events by name, agreements by title); the demo users exist."""
    campus = ctx.campuses[CAMPUS]
    criteria = []
    for position, (name, name_zh, weight, description) in enumerate(CRITERIA, start=1):
        criterion = IntakeCriterion.objects.filter(campus=campus, name=name).first()
        if criterion is None:
            criterion = criterion_create(
                actor=ctx.actor,
                provenance=ctx.provenance,
                campus=campus,
                name=name,
                name_zh=name_zh,
                weight=weight,
                description=description,
                position=position,
            )
        criteria.append(criterion)
    reviewers = {user.username: user for user in User.objects.filter(username__in=("demo", "staff"))}
    for spec in APPLICATIONS:
        _application(ctx, campus, criteria, reviewers, spec)


def _application(ctx, campus, criteria, reviewers, spec: ApplicationSpec) -> Application:
    application = Application.objects.filter(campus=campus, company_name=spec.company_name).first()
    if application is None:
        application = application_submit(
            campus=campus,
            provenance=ctx.provenance,
            notify=False,
            language=spec.language,
            fields=[ctx.fields.get(slug) or _field(slug) for slug in spec.fields],
            company_name=spec.company_name,
            company_name_zh=spec.company_name_zh,
            website=spec.website,
            country=spec.country,
            city=spec.city,
            stage=spec.stage,
            founded_year=spec.founded_year,
            founders=spec.founders,
            contact_name=spec.contact_name,
            contact_email=f"applicant-{application_slug(spec.company_name)}@demo.invalid",
            summary=spec.summary,
            needs=list(spec.needs),
            needs_detail=spec.needs_detail,
        )
    if not application.decisions.exists():
        for username, (scores, recommendation, comment) in spec.reviews.items():
            reviewer = reviewers.get(username)
            if reviewer is None or application.reviews.filter(reviewer=reviewer).exists():
                continue
            review_save(
                actor=reviewer,
                provenance=ctx.provenance,
                application=application,
                scores=dict(zip(criteria, scores, strict=True)),
                comment=comment,
                recommendation=recommendation,
            )
    done = list(application.decisions.values_list("outcome", flat=True))
    for outcome, reasons in spec.decisions[len(done) :]:
        application_decide(
            actor=reviewers.get("demo", ctx.actor),
            provenance=ctx.provenance,
            application=application,
            outcome=outcome,
            reasons=reasons,
            organization=ctx.orgs.get(spec.company_name) if outcome == Outcome.ACCEPT else None,
            notify=False,
        )
    return application


def application_slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())[:30]


def _field(slug: str):
    from biocampus.directory.models import Field

    return Field.objects.get(slug=slug)
