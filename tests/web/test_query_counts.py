"""Fixed bounds on the busiest pages: the directory and agreement lists, and an organisation page whose
timeline grows. (That every list page's query count stays flat as rows grow is test_list_query_counts.py.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingRoundFactory,
    MilestoneFactory,
    ResidencyFactory,
    ShowcaseFactory,
)
from tests.web.rows import agreement_row, make_world, organization_row, scale_org

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 60


@pytest.fixture
def world(users, campus_a, campus_b):
    return make_world(campus_a, campus_b)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_directory_list_stays_under_a_fixed_number_of_queries(users, world, django_assert_max_num_queries):
    client = Client()
    client.force_login(users.campus_admin)
    for _ in range(MANY):
        organization_row(world)
    client.get("/organizations/")
    with django_assert_max_num_queries(15):
        response = client.get("/organizations/")
    assert len(response.context["page"].object_list) == 50


def test_agreement_list_stays_under_a_fixed_number_of_queries(users, world, django_assert_max_num_queries):
    client = Client()
    client.force_login(users.campus_staff)
    for _ in range(MANY):
        agreement_row(world)
    client.get("/agreements/")
    with django_assert_max_num_queries(10):
        response = client.get("/agreements/")
    assert len(response.context["object_list"]) == 50


def _life_of(organization, world):
    """One more of everything on an organisation's timeline."""
    campus = world["campus"]
    AgreementFactory(campus=campus, signed_at=world["event"], parties=[organization, scale_org()])
    event = EventFactory(campus=campus)
    ShowcaseFactory(event=event, organization=organization, booth_host=world["host"])
    MilestoneFactory(campus=campus, organization=organization, event=world["event"])
    FundingRoundFactory(campus=campus, recipient=organization, investors=[scale_org(kind="investor")])


def test_organisation_page_query_count_does_not_grow_with_its_timeline(users, world):
    organization = scale_org()
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
