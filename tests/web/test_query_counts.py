"""List pages run the same number of queries for 5 rows as for 60: nothing is fetched row by row."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from biocampus.directory.models import Field
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

FEW, MANY = 5, 60
_numbers = count()


def _org(**kwargs):
    return OrganizationFactory(name=f"Scale Bio {next(_numbers):04d}", **kwargs)


def _organization_row(world):
    organization = _org(fields=world["fields"], aliases=["SB"])
    ResidencyFactory(organization=organization, campus=world["campus"], signed_at=world["event"])
    ResidencyFactory(organization=organization, campus=world["other_campus"])


def _agreement_row(world):
    agreement = AgreementFactory(campus=world["campus"], signed_at=world["event"], parties=[_org(), _org()])
    return agreement


def _residency_row(world):
    ResidencyFactory(organization=_org(), campus=world["campus"], signed_at=world["event"])


def _event_row(world):
    event = EventFactory(campus=world["campus"])
    ShowcaseFactory(event=event, organization=_org(), booth_host=world["host"])


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


def _person_row(world):
    PersonFactory(organization=_org())


def _campus_row(world):
    CampusFactory()


LISTS: dict[str, tuple[str, Callable]] = {
    "directory": ("/organizations/", _organization_row),
    "directory-search": ("/organizations/?q=scale+bio", _organization_row),
    "directory-facets": ("/organizations/?kind=company&status=resident&campus=campus-a", _organization_row),
    "agreements": ("/agreements/", _agreement_row),
    "residencies": ("/residencies/", _residency_row),
    "events": ("/events/", _event_row),
    "milestones": ("/milestones/", _milestone_row),
    "programmes": ("/programmes/", _programme_row),
    "targets": ("/targets/", _target_row),
    "funding": ("/funding/", _funding_row),
    "people": ("/people/", _person_row),
    "campuses": ("/campuses/", _campus_row),
}


@pytest.fixture
def world(users, campus_a, campus_b):
    return {
        "campus": campus_a,
        "other_campus": campus_b,
        "event": EventFactory(campus=campus_a, short_name="Expo"),
        "host": _org(kind="pharma"),
        "fields": list(Field.objects.order_by("slug")[:3]),
    }


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


CASES = [(name, role) for name in LISTS for role in ("campus_admin", "partner")]
# A resident member reads the whole registry, so the directory is the list where its view has rows too.
CASES += [(name, "resident_member") for name in LISTS if name.startswith("directory")]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_list_query_count_does_not_grow_with_the_rows(users, world, name, role):
    path, add_row = LISTS[name]
    client = Client()
    client.force_login(getattr(users, role))
    for _ in range(FEW):
        add_row(world)
    client.get(path)  # warm up: session, content types
    few = _queries(client, path)
    for _ in range(MANY - FEW):
        add_row(world)
    many = _queries(client, path)
    assert many == few, f"{path}: {few} queries for {FEW} rows, {many} for {MANY}"


def test_directory_list_stays_under_a_fixed_number_of_queries(users, world, django_assert_max_num_queries):
    client = Client()
    client.force_login(users.campus_admin)
    for _ in range(MANY):
        _organization_row(world)
    client.get("/organizations/")
    with django_assert_max_num_queries(15):
        response = client.get("/organizations/")
    assert len(response.context["page"].object_list) == 50


def test_agreement_list_stays_under_a_fixed_number_of_queries(users, world, django_assert_max_num_queries):
    client = Client()
    client.force_login(users.campus_staff)
    for _ in range(MANY):
        _agreement_row(world)
    client.get("/agreements/")
    with django_assert_max_num_queries(10):
        response = client.get("/agreements/")
    assert len(response.context["object_list"]) == 50


def _life_of(organization, world):
    """One more of everything on an organisation's timeline."""
    campus = world["campus"]
    AgreementFactory(campus=campus, signed_at=world["event"], parties=[organization, _org()])
    event = EventFactory(campus=campus)
    ShowcaseFactory(event=event, organization=organization, booth_host=world["host"])
    MilestoneFactory(campus=campus, organization=organization, event=world["event"])
    FundingRoundFactory(campus=campus, recipient=organization, investors=[_org(kind="investor")])


def test_organisation_page_query_count_does_not_grow_with_its_timeline(users, world):
    organization = _org()
    ResidencyFactory(organization=organization, campus=world["campus"])
    client = Client()
    client.force_login(users.campus_staff)
    for _ in range(FEW):
        _life_of(organization, world)
    path = organization.get_absolute_url()
    client.get(path)
    few = _queries(client, path)
    for _ in range(MANY - FEW):
        _life_of(organization, world)
    many = _queries(client, path)
    for _ in range(10):
        _life_of(organization, world)
    more = _queries(client, path)
    # The timeline shows the newest 50 of each kind; past that, one COUNT per kind says how many more.
    assert many - few <= 5, f"{path}: {few} queries for {FEW} of each, {many} for {MANY}"
    assert more == many, f"{path}: {many} queries for {MANY} of each, {more} for {MANY + 10}"
