"""Search (through directory.search) and cursor pagination."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import AgreementFactory, OrganizationFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_search_finds_teddy_lab_services_by_a_word_of_its_name(api, users):
    OrganizationFactory(name="Teddy Lab Services", aliases=["泰迪实验室"])
    OrganizationFactory(name="Unrelated Biotech")

    names = [record["name"] for record in api("partner").get("/organizations", search="Teddy").json()["results"]]

    assert "Teddy Lab Services" in names and "Unrelated Biotech" not in names
    assert names[0] == "Teddy Lab"  # the resident of the fixtures: an exact name ranks first


def test_search_matches_aliases_and_chinese_names_and_folds_case(api, users):
    OrganizationFactory(name="Teddy Lab Services", name_zh="泰迪实验室服务", aliases=["TLS"])
    client = api("campus_staff")
    for query in ("teddy lab serv", "泰迪", "tls", "ＴＥＤＤＹ"):
        names = {record["name"] for record in client.get("/organizations", search=query).json()["results"]}
        assert "Teddy Lab Services" in names, query


def test_search_of_other_lists_uses_their_text_fields(api, campus_a, resident_org, partner_org):
    AgreementFactory(
        campus=campus_a, title="Strategic cooperation with the Wuxi hub", parties=[resident_org, partner_org]
    )
    AgreementFactory(campus=campus_a, title="Procurement of sequencers", parties=[resident_org, partner_org])
    titles = [record["title"] for record in api("campus_admin").get("/agreements", search="wuxi hub").json()["results"]]
    assert titles == ["Strategic cooperation with the Wuxi hub"]


def _walk(client, path: str, limit: int, **query) -> list[dict]:
    records, response = [], client.get(path, limit=limit, **query)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        assert len(page["results"]) <= limit
        records += page["results"]
        if page["next_cursor"] is None:
            assert page["next"] is None
            return records
        assert parse_qs(urlsplit(page["next"]).query)["cursor"] == [page["next_cursor"]]
        response = client.get(page["next"])


def test_a_cursor_walk_sees_every_record_exactly_once(api, users):
    for number in range(37):
        OrganizationFactory(name=f"Walk {number:02d}")
    client = api("campus_admin")

    walked = _walk(client, "/organizations", limit=5)

    ids = [record["id"] for record in walked]
    assert len(ids) == len(set(ids))
    everything = {record["id"] for record in client.get("/organizations", limit=200).json()["results"]}
    assert set(ids) == everything and len(ids) >= 37


def test_a_walk_is_stable_while_records_are_added(api, users):
    for number in range(12):
        OrganizationFactory(name=f"Before {number:02d}")
    client = api("campus_staff")
    first = client.get("/organizations", limit=4).json()
    added = OrganizationFactory(name="Added during the walk")

    seen = [record["id"] for record in first["results"]] + [
        record["id"] for record in _walk_from(client, first["next"])
    ]

    assert len(seen) == len(set(seen))
    assert seen[-1] == str(added.public_id)  # oldest first: what is added shows at the end, once


def _walk_from(client, url):
    records = []
    while url:
        page = client.get(url).json()
        records += page["results"]
        url = page["next"]
    return records


def test_a_search_walk_keeps_the_ranking_across_pages(api, users):
    for number in range(9):
        OrganizationFactory(name=f"Genomics {number} Ltd")
    OrganizationFactory(name="Genomics")
    walked = _walk(api("government"), "/organizations", limit=3, search="genomics")
    names = [record["name"] for record in walked]
    assert names[0] == "Genomics" and len(names) == len(set(names)) == 11  # and Chengdu Genomics


def test_cursors_are_opaque_and_tamper_proof(api, users):
    for number in range(5):
        OrganizationFactory(name=f"Cursor {number}")
    client = api("campus_staff")
    cursor = client.get("/organizations", limit=2).json()["next_cursor"]
    assert "public_id" not in cursor and "created_at" not in cursor  # signed and compressed, not readable

    assert "cursor" in assert_error(client.get("/organizations", cursor=cursor[:-2] + "xx"), 422)["fields"]
    assert "cursor" in assert_error(client.get("/people", cursor=cursor), 422)["fields"]  # another list
    assert_error(client.get("/organizations", cursor=cursor, search="cursor"), 422)  # another order
    assert client.get("/organizations", cursor=cursor, limit=2).status_code == 200


def test_limit_defaults_to_50_and_is_at_most_200(api, users):
    for number in range(55):
        OrganizationFactory(name=f"Limit {number}")
    client = api("campus_staff")
    assert len(client.get("/organizations").json()["results"]) == 50
    assert len(client.get("/organizations", limit=200).json()["results"]) > 55
    assert_error(client.get("/organizations", limit=201), 422)


def test_filters_combine_with_search_and_pages(api, campus_a, resident_org, neighbour_org, partner_org):
    client = api("campus_admin")
    pharma = client.get("/organizations", kind="pharma").json()["results"]
    assert [record["name"] for record in pharma] == ["Pharma Partner"]
    at_campus = client.get("/organizations", campus=str(campus_a.public_id), status="resident").json()["results"]
    assert {record["name"] for record in at_campus} == {"Teddy Lab", "Neighbour Bio"}
    assert client.get("/organizations", field="no-such-field").json()["results"] == []
    assert client.get("/organizations", country="GB").json()["results"][0]["name"] == "Pharma Partner"
