"""Row makers for the query-count tests: one function per list page that adds one more row to it, as a user
would see it (with its parties, fields, residencies and investors, so that a missing prefetch shows).

`make_world` is the fixture data they hang on; `ROWS` maps each list page's URL name to its row maker."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from itertools import count

from biocampus.directory.models import Field
from biocampus.events import services as event_services
from biocampus.intake import services as intake_services
from biocampus.intelligence import services as intelligence_services
from biocampus.progress import services as progress_services
from biocampus.servicedesk import services as servicedesk_services
from biocampus.webhooks import services as webhook_services
from tests.factories import (
    AgreementFactory,
    CampusFactory,
    EventFactory,
    FundingRoundFactory,
    MilestoneFactory,
    OrganizationFactory,
    PersonFactory,
    ProgrammeFactory,
    ResidencyFactory,
    ShowcaseFactory,
    TargetFactory,
)

_numbers = count()


def scale_org(**kwargs):
    return OrganizationFactory(name=f"Scale Bio {next(_numbers):05d}", **kwargs)


def resident_of(world):
    organization = scale_org()
    ResidencyFactory(organization=organization, campus=world["campus"], status="resident")
    return organization


def organization_row(world):
    organization = scale_org(fields=world["fields"], aliases=["SB"])
    ResidencyFactory(organization=organization, campus=world["campus"], signed_at=world["event"])
    ResidencyFactory(organization=organization, campus=world["other_campus"])


def person_row(world):
    PersonFactory(organization=scale_org())


def campus_row(world):
    CampusFactory()


def residency_row(world):
    ResidencyFactory(organization=scale_org(), campus=world["campus"], signed_at=world["event"])


def agreement_row(world):
    AgreementFactory(campus=world["campus"], signed_at=world["event"], parties=[scale_org(), scale_org()])


def event_row(world):
    event = EventFactory(campus=world["campus"])
    ShowcaseFactory(event=event, organization=scale_org(), booth_host=world["host"])


def lead_row(world):
    event_services.lead_create(
        actor=None, event=world["event"], prospect_name=f"Prospect {next(_numbers)}", taken_by=scale_org()
    )


def milestone_row(world):
    MilestoneFactory(campus=world["campus"], organization=scale_org(), event=world["event"])


def programme_row(world):
    ProgrammeFactory(campus=world["campus"], organizations=[scale_org(), scale_org()])


def target_row(world):
    programme = ProgrammeFactory(campus=world["campus"], organizations=[scale_org()])
    TargetFactory(campus=world["campus"], programme=programme, organization=scale_org())


def funding_row(world):
    FundingRoundFactory(
        campus=world["campus"],
        recipient=scale_org(),
        investors=[scale_org(kind="investor"), {"investor": scale_org(kind="investor"), "is_lead": True}],
    )


def exchange_rate_row(world):
    progress_services.exchange_rate_set(
        actor=None,
        currency="EUR",
        valid_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=next(_numbers)),
        rate=Decimal("1.08"),
    )


def webhook_row(world):
    webhook_services.webhook_create(
        actor=None,
        campus=world["campus"],
        url=f"https://hooks.example.org/{next(_numbers)}",
        events=["agreement.signed"],
    )


def criterion_row(world):
    number = next(_numbers)
    intake_services.criterion_create(actor=None, campus=world["campus"], name=f"Criterion {number}", weight=1)


def application_row(world):
    number = next(_numbers)
    intake_services.application_create(
        actor=None,
        campus=world["campus"],
        notify=False,
        company_name=f"Applicant {number} GmbH",
        website="https://applicant.example.org",
        country="DE",
        city="Heidelberg",
        stage="clinical",
        founded_year=2019,
        founders="Anna Becker",
        contact_name="Anna Becker",
        contact_email=f"anna{number}@applicant.example.org",
        summary="Liquid biopsy tests.",
        needs=["lab_space"],
    )


def centre_row(world):
    centre = servicedesk_services.centre_create(actor=None, campus=world["campus"], name=f"Centre {next(_numbers)}")
    servicedesk_services.service_create(actor=None, centre=centre, name="GLP qualification", target_response_hours=24)


def service_request_row(world):
    servicedesk_services.request_open(
        actor=None,
        campus=world["campus"],
        centre=world["centre"],
        organization=resident_of(world),
        subject=f"Request {next(_numbers)}",
    )


def document_row(world):
    intelligence_services.ingest_text(
        actor=None,
        campus=world["campus"],
        title=f"Release {next(_numbers)}",
        text=f"Scale Bio {next(_numbers):05d} Therapeutics signed a lease at the park. " * 3,
    )


ROWS: dict[str, Callable] = {
    "directory:organization_list": organization_row,
    "directory:person_list": person_row,
    "campuses:campus_list": campus_row,
    "campuses:residency_list": residency_row,
    "agreements:agreement_list": agreement_row,
    "events:event_list": event_row,
    "events:lead_list": lead_row,
    "progress:milestone_list": milestone_row,
    "progress:programme_list": programme_row,
    "progress:target_list": target_row,
    "progress:fundinground_list": funding_row,
    "progress:exchangerate_list": exchange_rate_row,
    "webhooks:webhook_list": webhook_row,
    "intake:criterion_list": criterion_row,
    "intake:application_board": application_row,
    "servicedesk:catalogue": centre_row,
    "servicedesk:request_list": service_request_row,
    "intelligence:inbox": document_row,
}

# The same list with the filters people use, where a list has them.
QUERIES: dict[str, list[str]] = {
    "directory:organization_list": [
        "",
        "?q=scale+bio",
        "?q=sc",  # a term too short for the trigram index
        "?q=scale&kind=company&country=CN",
        "?kind=company&status=resident&campus=campus-a&field=oncology",
    ],
    "directory:person_list": ["", "?q=scale"],
    "agreements:agreement_list": ["", "?q=scale"],
}


def make_world(campus_a, campus_b) -> dict:
    """What the row makers hang their rows on: two campuses, an event, a booth host, fields, a service centre."""
    centre = servicedesk_services.centre_create(actor=None, campus=campus_a, name="Certification Centre")
    return {
        "campus": campus_a,
        "other_campus": campus_b,
        "event": EventFactory(campus=campus_a, short_name="Expo"),
        "host": scale_org(kind="pharma"),
        "fields": list(Field.objects.order_by("slug")[:3]),
        "centre": centre,
    }
