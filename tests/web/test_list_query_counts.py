"""Every list page runs the same number of queries for N rows as for 3N, and stays under a fixed bound.

The list pages are found in the URL configuration: every view of the generic RecordListView without URL
arguments, plus the function views named in FUNCTION_LISTS. Each needs a row maker in ROWS; a new list
page without one fails `test_every_list_page_has_a_row_maker`, so none is forgotten.
Not measured here: exchange:duplicates (a report over the whole registry, not a paged list),
intelligence:inbox (its app is being built), insight pages (the dashboard and graph are not lists).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from biocampus.core.views_generic import RecordListView
from biocampus.directory.models import Field
from biocampus.events import services as event_services
from biocampus.intake import services as intake_services
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

pytestmark = pytest.mark.django_db

N = 20  # and then 3N = 60 rows: past one page of 50, so the second read pages too
MAX_QUERIES = 25  # every list page, whatever its rows; most need about half of it

# Function views that list records (the generic list views are found by their class).
FUNCTION_LISTS = {
    "directory:organization_list",
    "progress:exchangerate_list",
    "intake:application_board",
    "servicedesk:catalogue",
    "servicedesk:request_list",
}
NOT_MEASURED = {"exchange:duplicates", "intelligence:inbox"}

_numbers = count()


def _org(**kwargs):
    return OrganizationFactory(name=f"Scale Bio {next(_numbers):05d}", **kwargs)


def _resident(world):
    organization = _org()
    ResidencyFactory(organization=organization, campus=world["campus"], status="resident")
    return organization


def _organization_row(world):
    organization = _org(fields=world["fields"], aliases=["SB"])
    ResidencyFactory(organization=organization, campus=world["campus"], signed_at=world["event"])
    ResidencyFactory(organization=organization, campus=world["other_campus"])


def _person_row(world):
    PersonFactory(organization=_org())


def _campus_row(world):
    CampusFactory()


def _residency_row(world):
    ResidencyFactory(organization=_org(), campus=world["campus"], signed_at=world["event"])


def _agreement_row(world):
    AgreementFactory(campus=world["campus"], signed_at=world["event"], parties=[_org(), _org()])


def _event_row(world):
    event = EventFactory(campus=world["campus"])
    ShowcaseFactory(event=event, organization=_org(), booth_host=world["host"])


def _lead_row(world):
    event_services.lead_create(
        actor=None, event=world["event"], prospect_name=f"Prospect {next(_numbers)}", taken_by=_org()
    )


def _milestone_row(world):
    MilestoneFactory(campus=world["campus"], organization=_org(), event=world["event"])


def _programme_row(world):
    ProgrammeFactory(campus=world["campus"], organizations=[_org(), _org()])


def _target_row(world):
    programme = ProgrammeFactory(campus=world["campus"], organizations=[_org()])
    TargetFactory(campus=world["campus"], programme=programme, organization=_org())


def _funding_row(world):
    FundingRoundFactory(
        campus=world["campus"],
        recipient=_org(),
        investors=[_org(kind="investor"), {"investor": _org(kind="investor"), "is_lead": True}],
    )


def _exchange_rate_row(world):
    progress_services.exchange_rate_set(
        actor=None,
        currency="EUR",
        valid_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=next(_numbers)),
        rate=Decimal("1.08"),
    )


def _webhook_row(world):
    webhook_services.webhook_create(
        actor=None,
        campus=world["campus"],
        url=f"https://hooks.example.org/{next(_numbers)}",
        events=["agreement.signed"],
    )


def _criterion_row(world):
    number = next(_numbers)
    intake_services.criterion_create(actor=None, campus=world["campus"], name=f"Criterion {number}", weight=1)


def _application_row(world):
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


def _centre_row(world):
    centre = servicedesk_services.centre_create(actor=None, campus=world["campus"], name=f"Centre {next(_numbers)}")
    servicedesk_services.service_create(actor=None, centre=centre, name="GLP qualification", target_response_hours=24)


def _service_request_row(world):
    servicedesk_services.request_open(
        actor=None,
        campus=world["campus"],
        centre=world["centre"],
        organization=_resident(world),
        subject=f"Request {next(_numbers)}",
    )


ROWS: dict[str, Callable] = {
    "directory:organization_list": _organization_row,
    "directory:person_list": _person_row,
    "campuses:campus_list": _campus_row,
    "campuses:residency_list": _residency_row,
    "agreements:agreement_list": _agreement_row,
    "events:event_list": _event_row,
    "events:lead_list": _lead_row,
    "progress:milestone_list": _milestone_row,
    "progress:programme_list": _programme_row,
    "progress:target_list": _target_row,
    "progress:fundinground_list": _funding_row,
    "progress:exchangerate_list": _exchange_rate_row,
    "webhooks:webhook_list": _webhook_row,
    "intake:criterion_list": _criterion_row,
    "intake:application_board": _application_row,
    "servicedesk:catalogue": _centre_row,
    "servicedesk:request_list": _service_request_row,
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


def _list_pages() -> set[str]:
    """The names of the list pages in the URL configuration (no URL arguments)."""
    found = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                view_class = getattr(pattern.callback, "view_class", None)
                generic = view_class is not None and issubclass(view_class, RecordListView)
                if generic or name in FUNCTION_LISTS or name.endswith("_list"):
                    found.add(name)

    walk(get_resolver().url_patterns)
    return found - NOT_MEASURED


def test_every_list_page_has_a_row_maker():
    pages = _list_pages()
    assert pages - set(ROWS) == set(), "a list page without a row maker in ROWS: add one"
    assert set(ROWS) - pages == set(), "a row maker for a page that is not in the URL configuration"


@pytest.fixture
def world(users, campus_a, campus_b):
    centre = servicedesk_services.centre_create(actor=None, campus=campus_a, name="Certification Centre")
    return {
        "campus": campus_a,
        "other_campus": campus_b,
        "event": EventFactory(campus=campus_a, short_name="Expo"),
        "host": _org(kind="pharma"),
        "fields": list(Field.objects.order_by("slug")[:3]),
        "centre": centre,
    }


def _queries(client, path) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return len(captured), [query["sql"][:200] for query in captured.captured_queries]


CASES = [(name, query) for name in sorted(ROWS) for query in QUERIES.get(name, [""])]


@pytest.mark.parametrize(("name", "query"), CASES)
@pytest.mark.parametrize("role", ["campus_admin", "partner"])
def test_list_page_queries_do_not_grow_with_the_rows(users, world, name, query, role):
    path = reverse(name) + query
    client = Client()
    client.force_login(getattr(users, role))
    if client.get(path).status_code == 403:
        pytest.skip(f"{role} may not open {name}")
    for _ in range(N):
        ROWS[name](world)
    client.get(path)  # warm up: session, content types, permissions
    few, _ = _queries(client, path)
    for _ in range(2 * N):
        ROWS[name](world)
    many, sql = _queries(client, path)
    assert many == few, f"{path}: {few} queries for {N} rows, {many} for {3 * N}:\n" + "\n".join(sql)
    assert many <= MAX_QUERIES, f"{path}: {many} queries:\n" + "\n".join(sql)
