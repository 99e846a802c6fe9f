"""A page costs the same number of queries whatever its length: no query per record (N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingRoundFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    OrganizationIdentifierFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    ResidencyFactory,
    ShowcaseFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

LISTS = (
    "/organizations",
    "/people",
    "/campuses",
    "/residencies",
    "/agreements",
    "/events",
    "/milestones",
    "/programmes",
    "/targets",
    "/funding-rounds",
)


def _add_records(campus, parent, partner, count: int) -> None:
    """`count` organisations at `campus`, each with a record of every kind and every link filled."""
    for _ in range(count):
        organization = OrganizationFactory(parent=parent, steward=campus)
        OrganizationIdentifierFactory(organization=organization)
        ResidencyFactory(organization=organization, campus=campus)
        event = EventFactory(campus=campus)
        ShowcaseFactory(event=event, organization=organization, booth_host=partner)
        ParticipationFactory(event=event, organization=organization)
        AgreementFactory(campus=campus, parties=[organization, partner], signed_at=event)
        MilestoneFactory(campus=campus, organization=organization, event=event)
        programme = ProgrammeFactory(campus=campus, organizations=[organization])
        ObservationFactory(target=TargetFactory(campus=campus, organization=organization, programme=programme))
        FundingRoundFactory(campus=campus, recipient=organization, investors=[partner])
        PersonFactory(organization=organization)


def _queries(client, path: str) -> int:
    client.get(path)  # warm: the token's last_used_at is written once a minute at most
    with CaptureQueriesContext(connection) as context:
        assert client.get(path, limit=200).status_code == 200
    return len(context.captured_queries)


def test_list_pages_cost_a_fixed_number_of_queries(api, campus_a, resident_org, partner_org):
    client = api("campus_admin")
    _add_records(campus_a, resident_org, partner_org, 2)
    few = {path: _queries(client, path) for path in LISTS}
    _add_records(campus_a, resident_org, partner_org, 5)
    many = {path: _queries(client, path) for path in LISTS}
    assert many == few
    assert max(many.values()) <= 8
