"""Valid POST data for every create form of the pages, on the demo campus.

Each builder takes the `demo` lookup fixture and returns data that the form accepts as it stands;
the tests spoil one thing at a time. Organisations are entered by their exact name, as people type them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from biocampus.agreements.models import Agreement
from biocampus.campuses.models import Residency
from biocampus.directory.models import Field, Organization, Person
from biocampus.events.models import Event
from biocampus.progress.models import FundingRound, Milestone, Programme, Target
from tests.web.conftest import formset_data


def organization(demo) -> dict:
    return {
        "name": "Suzhou Gene Works",
        "name_zh": "苏州基因",
        "aliases": "SGW\nGene Works Suzhou",
        "kind": "company",
        "country": "CN",
        "city": "Suzhou",
        "fields": [str(Field.objects.get(slug="oncology").pk)],
        "website": "https://genes.example.org",
        "founded_year": "2018",
        "parent": "",
        "steward": str(demo.campus().pk),
        "description": "A test company.",
    }


def person(demo) -> dict:
    return {
        "name": "Jane Doe",
        "name_zh": "",
        "organization": "Teddy Lab Services",
        "title": "Chief scientific officer",
        "email": "jane@example.org",
        "phone": "+86 510 0000 0000",
        "notes": "Met at the 3rd CIIE.",
    }


def residency(demo) -> dict:
    return {
        "organization": "Tencent",
        "campus": str(demo.campus().pk),
        "status": "signed",
        "applied_on": "2021-01-05",
        "signed_on": "2021-02-01",
        "moved_in_on": "",
        "ended_on": "",
        "signed_at": "",
        "notes": "Signed after the summit.",
    }


def agreement(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "title": "Joint respiratory screening pilot",
        "title_zh": "",
        "type": "cooperation",
        "status": "signed",
        "signed_on": "2021-03-01",
        "signed_at": "",
        "place": "Wuxi",
        "summary": "A pilot.",
        **formset_data(
            "parties",
            [
                {"organization": "Teddy Lab Services", "role": "lead", "signatory": "Dr. T"},
                {"organization": "CHIC Health", "role": "partner", "signatory": ""},
            ],
        ),
    }


def event(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "name": "Wuxi Biotech Week",
        "name_zh": "",
        "short_name": "WBW 2021",
        "kind": "conference",
        "starts_on": "2021-05-10",
        "ends_on": "2021-05-12",
        "place": "I·Campus",
        "city": "Wuxi",
        "country": "CN",
        "website": "",
        "description": "",
        **formset_data(
            "showcases",
            [
                {
                    "organization": "Teddy Lab Services",
                    "offering": "Rapid PCR kits",
                    "booth_host": "AstraZeneca",
                    "description": "",
                    "outcome": "",
                }
            ],
        ),
    }


def milestone(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "organization": "Teddy Lab Services",
        "kind": "other",
        "title": "100 partner hospitals",
        "occurred_on": "2021-06-01",
        "date_precision": "day",
        "value": "100",
        "unit": "hospitals",
        "event": "",
        "description": "",
    }


def programme(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "name": "Respiratory screening pilot",
        "name_zh": "",
        "agreement": "",
        "starts_on": "2021-01-01",
        "ends_on": "2021-12-31",
        "description": "",
        **formset_data("organizations", [{"organization": "CHIC Health"}, {"organization": "Teddy Lab Services"}]),
    }


def target(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "programme": "",
        "organization": "Teddy Lab Services",
        "metric": "tests run",
        "unit": "tests",
        "baseline": "0",
        "goal": "10000",
        "starts_on": "2021-01-01",
        "due_on": "2021-12-31",
        **formset_data("observations", [{"observed_on": "2021-06-30", "value": "4200", "note": "half-year"}]),
    }


def fundinground(demo) -> dict:
    return {
        "campus": str(demo.campus().pk),
        "recipient": "Teddy Lab Services",
        "round_type": "series_a",
        "amount": "20000000",
        "currency": "cny",
        "announced_on": "2021-09-01",
        "date_precision": "month",
        "description": "",
        **formset_data(
            "investors",
            [
                {"investor": "CICC", "is_lead": "on", "amount": "15000000"},
                {"investor": "Tigermed", "amount": ""},
            ],
        ),
    }


@dataclass(frozen=True)
class CreateForm:
    path: str
    model: type
    payload: Callable[[object], dict]
    label: str  # text of the new record that its page shows
    children: tuple[str, ...] = ()  # related names of child rows written with it


CREATE_FORMS = {
    "organization": CreateForm("/organizations/new/", Organization, organization, "Suzhou Gene Works"),
    "person": CreateForm("/people/new/", Person, person, "Jane Doe"),
    "residency": CreateForm("/residencies/new/", Residency, residency, "Tencent"),
    "agreement": CreateForm(
        "/agreements/new/", Agreement, agreement, "Joint respiratory screening pilot", ("parties",)
    ),
    "event": CreateForm("/events/new/", Event, event, "Wuxi Biotech Week", ("showcases",)),
    "milestone": CreateForm("/milestones/new/", Milestone, milestone, "100 partner hospitals"),
    "programme": CreateForm("/programmes/new/", Programme, programme, "Respiratory screening pilot"),
    "target": CreateForm("/targets/new/", Target, target, "tests run", ("observations",)),
    "fundinground": CreateForm("/funding/new/", FundingRound, fundinground, "Series A", ("investments",)),
}
