"""Reading one organisation through the API costs a few queries, however many units and people it has, and
shows exactly what its schema says; its page still lists the units and people, by name."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from biocampus.api.records import show
from biocampus.directory.api import OrganizationOut
from biocampus.directory.selectors import organization_api_detail_for
from tests.api.conftest import assert_error
from tests.factories import FieldFactory, OrganizationFactory, OrganizationIdentifierFactory, PersonFactory

pytestmark = pytest.mark.django_db

# the token (with its user, and the user's memberships as a JSON column), the organisation (with parent and
# steward, and its fields and identifiers as JSON columns).
DETAIL_QUERIES = 2


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


def _as_a_write_shows_it(organization, user):
    """The organisation (as JSON) and its ETag as the write operations build them: from model instances."""
    response = HttpResponse()
    instance = organization_api_detail_for(user).get(pk=organization.pk)
    representation = show(response, OrganizationOut, instance)
    return json.loads(json.dumps(representation.model_dump(), cls=DjangoJSONEncoder)), response["ETag"]


@pytest.mark.parametrize("related", [True, False], ids=["parent, steward, fields, identifiers", "none of them"])
def test_a_read_shows_the_organisation_as_a_write_does(api, users, campus_a, group, related):
    """GET reads plain values, writes read model instances: both must give the same body and ETag, or a
    client's If-Match taken from a GET would never match."""
    organization = group
    if related:
        group.parent = OrganizationFactory(name="Teddy Holdings")
        group.steward = campus_a
        group.aliases = ["Teddy", "泰迪实验室"]
        group.founded_year = 2019
        group.save()
    else:
        organization = OrganizationFactory(name="Lone Lab", country="")

    response = api("campus_admin").get(f"/organizations/{organization.public_id}")

    body, etag = _as_a_write_shows_it(organization, users.campus_admin)
    assert response.status_code == 200
    assert response.json() == body
    assert response["ETag"] == etag
    if related:
        assert body["parent"]["name"] == "Teddy Holdings"
        assert body["steward"]["slug"] == campus_a.slug
        assert body["fields"] == ["diagnostics", "oncology"] or body["fields"] == ["oncology", "diagnostics"]
        assert body["identifiers"] == sorted(body["identifiers"], key=lambda i: (i["scheme"], i["value"]))
    else:
        assert (body["parent"], body["steward"], body["fields"], body["identifiers"]) == (None, None, [], [])


def test_a_user_who_reads_no_organisation_gets_404_with_the_record_named(api, group):
    error = assert_error(api("no_membership").get(f"/organizations/{group.public_id}"), 404, "not_found")

    assert str(group.public_id) in error["message"]


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


def _prepared(column: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of each statement prepared on this connection that names `column`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'%AS "{column}"%'],
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_detail_plans_its_two_queries_once_per_connection(api, group):
    """PostgreSQL parses and plans every statement it is sent; the detail's two reads are prepared on the
    connection (core.prepared), so after PostgreSQL's five custom plans the next requests reuse one."""
    client = api("campus_admin")
    path = f"/organizations/{group.public_id}"
    for _ in range(7):
        response = client.get(path)
        assert response.status_code == 200
    assert response.json()["name"] == "Teddy Lab"

    # the token's read (with its owner's memberships), the organisation's (with its identifiers)
    for column in ("owner_memberships", "identifier_rows"):
        plans = _prepared(column)
        assert len(plans) == 1, (column, plans)
        generic, custom = plans[0]
        assert generic >= 1 and custom <= 5, (column, plans)
