"""The ecosystem graph: its JSON (nodes, ties, filters, neighbourhoods, permissions, the node cap on a
large generated network) and its page."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client

from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.core.models import Provenance
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization
from biocampus.insight import graph as ecosystem
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FieldFactory,
    FundingRoundFactory,
    OrganizationFactory,
    ProvenanceFactory,
)

URL = "/insight/graph.json"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edges(data) -> set[tuple[str, str, str]]:
    names = {n["id"]: n["name"] for n in data["nodes"]}
    return {(names[link["source"]], names[link["target"]], link["type"]) for link in data["links"]}


@pytest.fixture
def network(campus_a, campus_b, resident_org, neighbour_org, resident_org_b, partner_org):
    """Campus A: Teddy Lab and Neighbour Bio resident (from the shared fixtures); Teddy Lab signed with
    Pharma Partner in 2021, Neighbour Bio with a hospital in 2019; an investor funded Teddy Lab in 2021.
    Campus B: Chengdu Genomics resident, with an agreement of its own."""
    hospital = OrganizationFactory(name="City Hospital", kind=OrganizationKind.HOSPITAL)
    investor = OrganizationFactory(name="Venture Fund", kind=OrganizationKind.INVESTOR)
    b_partner = OrganizationFactory(name="Chengdu Pharma", kind=OrganizationKind.PHARMA)
    first = AgreementFactory(campus=campus_a, title="Teddy deal", signed_on=datetime.date(2021, 5, 20))
    AgreementPartyFactory(agreement=first, organization=resident_org)
    AgreementPartyFactory(agreement=first, organization=partner_org)
    second = AgreementFactory(campus=campus_a, title="Hospital deal", signed_on=datetime.date(2019, 4, 1))
    AgreementPartyFactory(agreement=second, organization=neighbour_org)
    AgreementPartyFactory(agreement=second, organization=hospital)
    third = AgreementFactory(campus=campus_b, title="Chengdu deal", signed_on=datetime.date(2021, 1, 1))
    AgreementPartyFactory(agreement=third, organization=resident_org_b)
    AgreementPartyFactory(agreement=third, organization=b_partner)
    FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[investor])
    return {"hospital": hospital, "investor": investor}


def test_the_campus_graph_ties_agreements_residencies_and_funding(users, network):
    response = _client(users.campus_admin).get(URL, {"campus": "campus-a"})
    assert response.status_code == 200
    data = response.json()
    assert _edges(data) == {
        ("Teddy Lab", "Pharma Partner", "agreements"),
        ("Neighbour Bio", "City Hospital", "agreements"),
        ("Teddy Lab", "Campus A", "residencies"),
        ("Neighbour Bio", "Campus A", "residencies"),
        ("Venture Fund", "Teddy Lab", "funding"),
    }
    teddy = next(n for n in data["nodes"] if n["name"] == "Teddy Lab")
    assert teddy["degree"] == 3
    assert teddy["kind"] == "company"
    assert teddy["country"] == "CN"
    assert teddy["url"] == f"/organizations/{teddy['public_id']}/"
    assert data["categories"][teddy["category"]]["name"] == "Company"
    assert data["total_nodes"] == data["shown_nodes"] == 6
    assert data["truncated"] is False
    assert data["layout"] == "force"
    assert "6 organisations" in data["note"]


def test_the_whole_network_for_a_superuser_and_the_edge_type_filter(users, network):
    client = _client(users.superuser)
    everything = _edges(client.get(URL, {"campus": "all"}).json())
    assert ("Chengdu Genomics", "Chengdu Pharma", "agreements") in everything
    assert ("Teddy Lab", "Pharma Partner", "agreements") in everything
    only_funding = _edges(client.get(URL, {"campus": "all", "types": "funding"}).json())
    assert only_funding == {("Venture Fund", "Teddy Lab", "funding")}
    two = _edges(client.get(URL, {"campus": "all", "types": ["funding", "residencies"]}).json())
    assert {t for _a, _b, t in two} == {"funding", "residencies"}


def test_the_period_filters_on_the_dates_of_the_ties(users, network):
    data = _client(users.campus_admin).get(URL, {"campus": "campus-a", "from": "2019-01-01", "to": "2019-12-31"})
    # Only the 2019 agreement: residencies were signed in 2020, funding announced in 2021.
    assert _edges(data.json()) == {("Neighbour Bio", "City Hospital", "agreements")}


def test_the_field_filter_keeps_the_ties_of_organisations_in_the_field(users, network, resident_org):
    genomics = FieldFactory(name="Genomics")
    child = FieldFactory(name="Single-cell", parent=genomics)
    resident_org.fields.add(child)
    data = _client(users.campus_admin).get(URL, {"campus": "campus-a", "field": genomics.slug}).json()
    assert _edges(data) == {
        ("Teddy Lab", "Pharma Partner", "agreements"),
        ("Teddy Lab", "Campus A", "residencies"),
        ("Venture Fund", "Teddy Lab", "funding"),
    }


def test_a_neighbourhood_at_depth_one_and_two(users, network, resident_org):
    client = _client(users.campus_admin)
    near = client.get(URL, {"center": str(resident_org.public_id), "depth": "1"}).json()
    names = {n["name"] for n in near["nodes"]}
    assert names == {"Teddy Lab", "Pharma Partner", "Campus A", "Venture Fund"}
    assert next(n for n in near["nodes"] if n["center"])["name"] == "Teddy Lab"
    # Two steps reach Neighbour Bio through Campus A, but not its hospital (three steps away).
    far = {n["name"] for n in client.get(URL, {"center": str(resident_org.public_id), "depth": "2"}).json()["nodes"]}
    assert far == names | {"Neighbour Bio"}


def test_an_organisation_with_no_ties_is_its_own_neighbourhood(users, network):
    loner = OrganizationFactory(name="Loner")
    data = _client(users.campus_admin).get(URL, {"center": str(loner.public_id)}).json()
    assert [n["name"] for n in data["nodes"]] == ["Loner"]
    assert data["links"] == []


def test_a_resident_member_sees_only_the_ties_it_is_party_to(users, network):
    data = _client(users.resident_member).get(URL, {"campus": "campus-a"}).json()
    assert _edges(data) == {
        ("Teddy Lab", "Pharma Partner", "agreements"),
        ("Teddy Lab", "Campus A", "residencies"),
        ("Venture Fund", "Teddy Lab", "funding"),
    }


def test_a_campus_reader_sees_nothing_of_another_campus(users, network):
    data = _client(users.government).get(URL, {"campus": "all"}).json()
    names = {n["name"] for n in data["nodes"]}
    assert "Chengdu Genomics" not in names and "Chengdu Pharma" not in names
    assert "Teddy Lab" in names


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"campus": "nowhere"}, "campus", "No such campus"),
        ({"campus": "campus-b"}, "campus", "No such campus"),  # not one of the admin's campuses
        ({"from": "2021-13-45"}, "from", "valid date"),
        ({"from": "2021-06-01", "to": "2021-01-01"}, "to", "before its start"),
        ({"center": "not-a-uuid"}, "center", "UUID"),
        ({"center": str(uuid.UUID(int=1))}, "center", "No such organisation"),
        ({"depth": "7"}, "depth", "valid choice"),
        ({"types": "gossip"}, "types", "valid choice"),
        ({"field": "astrology"}, "field", "No such field"),
    ],
)
def test_bad_filters_get_a_clear_message(users, network, params, field, message):
    client = _client(users.campus_admin)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    page = client.get("/insight/graph/", params)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_login_is_required(network):
    assert Client().get(URL).status_code in (302, 401, 403)
    response = Client().get("/insight/graph/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_carries_its_filters_to_the_data(users, network, resident_org):
    client = _client(users.campus_admin)
    response = client.get("/insight/graph/", {"center": str(resident_org.public_id), "depth": "2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/insight/graph.json?center={resident_org.public_id}&amp;depth=2" in body
    assert "The neighbourhood of Teddy Lab" in body
    assert "vendor/echarts/echarts.min.js" in body and "insight/graph.js" in body


def test_the_page_speaks_chinese(users, network):
    client = _client(users.campus_admin)
    response = client.get("/insight/graph/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.fixture
def large_network(campus_a):
    """5,200 organisations tied in pairs by 2,600 agreements, plus a hub that signed with 300 of them:
    written in bulk (the services would take minutes), which is all the graph reads."""
    provenance = Provenance.objects.get(pk=ProvenanceFactory().pk)
    organizations = Organization.objects.bulk_create(
        [Organization(name=f"Bulk {i:05d}", kind=OrganizationKind.COMPANY, provenance=provenance) for i in range(5200)]
    )
    hub = OrganizationFactory(name="The Hub", kind=OrganizationKind.HUB)
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(campus=campus_a, title=f"Bulk deal {i}", type="cooperation", provenance=provenance)
            for i in range(2600 + 300)
        ]
    )
    parties = []
    for i in range(2600):
        parties.append(
            AgreementParty(agreement=agreements[i], organization=organizations[2 * i], provenance=provenance)
        )
        parties.append(
            AgreementParty(agreement=agreements[i], organization=organizations[2 * i + 1], provenance=provenance)
        )
    for j in range(300):
        parties.append(AgreementParty(agreement=agreements[2600 + j], organization=hub, provenance=provenance))
        parties.append(
            AgreementParty(agreement=agreements[2600 + j], organization=organizations[j], provenance=provenance)
        )
    AgreementParty.objects.bulk_create(parties)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would keep them: bulk rows of a moment ago are otherwise
        # planned as if the tables were empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return hub


def test_a_large_network_is_capped_with_a_bounded_number_of_queries(
    users, large_network, django_assert_max_num_queries
):
    client = _client(users.campus_admin)
    client.get("/insight/graph/")  # the session and the user, loaded once
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"campus": "campus-a", "types": "agreements"})
    data = response.json()
    assert data["total_nodes"] == 5201
    assert data["shown_nodes"] == ecosystem.MAX_NODES == len(data["nodes"])
    assert data["truncated"] is True
    assert "Showing 5000 of 5201 organisations" in data["note"].replace(",", "")
    assert data["layout"] == "none"
    # The best connected first: the hub, then the 300 organisations tied to it and to a pair.
    assert data["nodes"][0]["name"] == "The Hub" and data["nodes"][0]["degree"] == 300
    assert all(n["degree"] == 2 for n in data["nodes"][1:301])
    shown = {n["id"] for n in data["nodes"]}
    assert all(link["source"] in shown and link["target"] in shown for link in data["links"])
    # Positions for the browser, which does not lay out 5,000 nodes by force.
    assert all("x" in n and "y" in n for n in data["nodes"])


def test_the_cap_keeps_the_centre(users, large_network):
    """A neighbourhood is small; the cap applies to it too, and the organisation asked for stays."""
    filters = ecosystem.GraphFilters(center=large_network, depth=2, max_nodes=10)
    data = ecosystem.build_graph(users.campus_admin, filters)
    assert data["nodes"][0]["name"] == "The Hub" and data["nodes"][0]["center"] is True
    assert (
        data["shown_nodes"] == 10 and data["total_nodes"] == 301
    )  # the hub, its 300 partners (paired among themselves)


def test_an_unfiltered_graph_page_offers_every_tie_over_all_time(users, network):
    body = _client(users.campus_admin).get("/insight/graph/").content.decode()
    for edge_type in ecosystem.EDGE_TYPES:
        assert f'value="{edge_type}"' in body
    assert body.count("checked") >= 3
    assert '<option value="all_time" selected>' in body
