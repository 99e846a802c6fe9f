"""Reading one organisation through the API costs a few queries, however many units and people it has, and
shows exactly what its schema says; its page still lists the units and people, by name."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import FieldFactory, OrganizationFactory, OrganizationIdentifierFactory, PersonFactory

pytestmark = pytest.mark.django_db

# token (with its user), the user's memberships, the organisation (with parent and steward), its fields,
# its identifiers.
DETAIL_QUERIES = 5


@pytest.fixture
def group(resident_org):
    """Teddy Lab with three units, three people, two fields and two identifiers."""
    for name in ("Zeta Unit", "Alpha Unit", "Mu Unit"):
        OrganizationFactory(name=name, parent=resident_org)
    for name in ("Wang Wei", "Chen Jing", "Li Na"):
        PersonFactory(name=name, organization=resident_org)
    resident_org.fields.set([FieldFactory(slug="oncology"), FieldFactory(slug="diagnostics")])
    OrganizationIdentifierFactory(organization=resident_org)
    OrganizationIdentifierFactory(organization=resident_org, scheme="lei", value="5493001KJTIIGC8Y1R12")
    return resident_org


def test_the_api_detail_costs_a_fixed_few_queries(api, group, django_assert_max_num_queries):
    client = api("campus_admin")
    path = f"/organizations/{group.public_id}"
    assert client.get(path).status_code == 200  # the first call also notes when the token was used

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Teddy Lab"
    assert sorted(body["fields"]) == ["diagnostics", "oncology"]
    assert len(body["identifiers"]) == 2
    assert "units" not in body and "people" not in body


def test_more_units_and_people_do_not_cost_more_queries(api, group, django_assert_max_num_queries):
    client = api("campus_admin")
    path = f"/organizations/{group.public_id}"
    client.get(path)
    for number in range(10):
        OrganizationFactory(name=f"Extra unit {number}", parent=group)
        PersonFactory(organization=group)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(path).status_code == 200


def test_the_organisation_page_lists_its_units_and_people_by_name(group, users):
    client = Client()
    client.force_login(users.campus_admin)

    page = client.get(group.get_absolute_url()).content.decode()

    units = [page.index(name) for name in ("Alpha Unit", "Mu Unit", "Zeta Unit")]
    people = [page.index(name) for name in ("Chen Jing", "Li Na", "Wang Wei")]
    assert units == sorted(units)
    assert people == sorted(people)
