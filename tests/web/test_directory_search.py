"""The directory page on the demo campus: search by any name, facets with counts, htmx partial, hostile queries."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import text_of

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [organization.name for organization in response.context["page"].object_list]


def _facet(response, name) -> dict[str, tuple[int, bool]]:
    return {value.value: (value.count, value.selected) for value in response.context["facets"][name]}


def _shown_count(page: str, facet: str, value: str) -> int:
    """The count the page shows next to one facet checkbox."""
    match = re.search(
        rf'<input type="checkbox" name="{facet}" value="{re.escape(value)}"[^>]*>[^<]*</span><span class="count">(\d+)</span>',
        page,
    )
    assert match, f"no {facet}={value} facet on the page"
    return int(match.group(1))


@pytest.fixture
def directory(login):
    client = login("demo")
    return lambda **params: client.get("/organizations/", params)


def test_search_lists_teddy_lab_services_as_a_link_to_its_page(login, demo):
    teddy = demo.org("Teddy Lab Services")
    response = login("staff").get("/organizations/?q=Teddy")
    assert response.status_code == 200
    assert _names(response)[0] == "Teddy Lab Services"  # the best match first
    assert f'<a href="{teddy.get_absolute_url()}">Teddy Lab Services</a>' in response.content.decode()
    assert "2 organisations" in text_of(response)
    assert "Sanomics" not in _names(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("阿斯利康", "AstraZeneca"),  # Chinese name
        ("腾讯", "Tencent"),
        ("无锡国际生命科学创新园", "Wuxi International Life Science Innovation Campus"),
        ("iCampus", "Wuxi International Life Science Innovation Campus"),  # alias
        ("BioVentureHub", "BioVenture Hub"),
        ("China International Capital Corporation", "CICC"),
        ("hcmed", "HCmed Innovations"),  # alias, any case
        ("ＴＥＤＤＹ lab", "Teddy Lab Services"),  # full-width letters fold to plain ones
        ("  teddy   lab  ", "Teddy Lab Services"),
    ],
)
def test_search_by_chinese_name_and_alias(directory, query, expected):
    response = directory(q=query)
    assert response.status_code == 200
    assert expected in _names(response)
    assert _names(response)[0] == expected


def test_search_by_a_shared_chinese_prefix_finds_every_wuxi_body(directory):
    names = _names(directory(q="无锡"))
    assert "Wuxi Municipal Government" in names
    assert "Management Committee of Wuxi Hi-tech District" in names
    assert "AstraZeneca" not in names


def test_search_with_no_match_says_so(directory):
    response = directory(q="zzz-no-such-organisation")
    assert _names(response) == []
    assert "No organisation matches" in text_of(response)


def test_unfiltered_facets_count_the_whole_directory(directory):
    response = directory()
    page = response.content.decode()
    assert response.context["page"].count == 36
    assert _facet(response, "kind")["company"] == (21, False)
    assert _facet(response, "kind")["pharma"] == (1, False)
    assert _facet(response, "campus") == {"icampus-wuxi": (23, False), "icampus-hangzhou": (1, False)}
    assert _facet(response, "status") == {"signed": (15, False), "resident": (9, False)}
    assert _facet(response, "country")["CN"] == (16, False)
    assert _facet(response, "field")["oncology"] == (3, False)
    assert _shown_count(page, "kind", "company") == 21
    assert _shown_count(page, "campus", "icampus-wuxi") == 23
    assert _shown_count(page, "status", "resident") == 9


def test_kind_facet_filters_and_marks_its_value(directory):
    response = directory(kind="pharma")
    assert _names(response) == ["AstraZeneca"]
    assert _facet(response, "kind")["pharma"] == (1, True)
    # A facet counts its own values with the other filters only: the other kinds stay offered.
    assert _facet(response, "kind")["company"] == (21, False)
    assert 'name="kind" value="pharma" checked' in response.content.decode()


def test_country_facet_filters(directory):
    response = directory(country="GB")
    assert _names(response) == ["AstraZeneca"]
    assert _facet(response, "kind") == {"pharma": (1, False)}
    assert set(_names(directory(country=["JP", "IN"]))) == {"Omron Healthcare", "Tricog"}


def test_an_unknown_country_code_is_refused_with_a_message(directory):
    response = directory(country=["GB", "XX"])
    assert response.status_code == 200
    assert "XX is not one of the available choices" in response.content.decode()
    assert response.context["form"].errors["country"]


def test_campus_facet_filters(directory):
    response = directory(campus="icampus-hangzhou")
    assert _names(response) == ["Shenzhi"]
    assert _facet(response, "campus")["icampus-hangzhou"] == (1, True)
    assert _facet(response, "status") == {"resident": (1, False)}


def test_status_facet_filters(directory):
    response = directory(status="signed")
    names = _names(response)
    assert len(names) == 15
    assert "Zhenfu" in names and "LinkDoc" in names
    assert "Teddy Lab Services" not in names  # resident, not merely signed
    assert _facet(response, "kind") == {"company": (12, False), "association": (2, False), "service_center": (1, False)}
    assert _shown_count(response.content.decode(), "status", "signed") == 15


def test_field_facet_filters_and_combines_with_kind(directory):
    assert _names(directory(field="oncology")) == ["AstraZeneca", "LinkDoc", "Sanomics"]
    response = directory(field="oncology", kind="company")
    assert _names(response) == ["LinkDoc", "Sanomics"]
    assert _facet(response, "kind") == {"company": (2, True), "pharma": (1, False)}
    assert _facet(response, "field")["oncology"] == (2, True)


def test_search_and_facets_combine(directory):
    response = directory(q="wuxi", kind="government")
    assert set(_names(response)) == {
        "Wuxi Municipal Government",
        "Management Committee of Wuxi Hi-tech District",
        "Wuxi Municipal Bureau of Healthcare and Security",
    }
    assert _facet(response, "kind")["government"] == (3, True)


def test_an_unknown_facet_value_answers_with_a_message(directory):
    response = directory(kind="spaceship", campus="no-such-campus")
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)


def test_htmx_request_returns_only_the_results_partial(login):
    response = login("demo").get("/organizations/?q=Teddy", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "<head" not in body
    assert 'id="organizations"' in body
    assert "Teddy Lab Services" in body
    assert 'class="facet"' in body


def test_boosted_htmx_request_gets_the_whole_page(login):
    response = login("demo").get("/organizations/?q=Teddy", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("path", ["/agreements/", "/events/", "/people/", "/milestones/"])
def test_htmx_request_to_a_record_list_returns_only_the_table(login, path):
    response = login("demo").get(path, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "<table" in body


HOSTILE_QUERIES = ["Te\x00ddy", "\x00", "x" * 10_000, "teddy " * 2_000, "%", "'; DROP TABLE x; --"]
SEARCHABLE_LISTS = ["/organizations/", "/people/", "/agreements/", "/events/", "/organizations/suggest/"]


def _hostile_cases():
    for query in HOSTILE_QUERIES:
        for path in SEARCHABLE_LISTS:
            yield pytest.param(path, query, id=f"{path}-{query[:12]!r}-{len(query)}")


@pytest.mark.parametrize(("path", "query"), list(_hostile_cases()))
def test_hostile_queries_never_fail(login, path, query):
    """A NUL byte, 10,000 characters, 2,000 words, SQL and LIKE wildcards: an answer, never a server error."""
    response = login("demo").get(path, {"q": query})
    assert response.status_code == 200


def test_nul_byte_in_the_directory_query_answers_with_a_clear_message(directory):
    response = directory(q="Te\x00ddy")
    assert response.status_code == 200
    assert "Null characters are not allowed" in text_of(response) or "Teddy Lab Services" in _names(response)


def test_overlong_directory_query_answers_with_a_clear_message(directory):
    response = directory(q="x" * 10_000)
    assert response.status_code == 200
    assert "at most 200 characters" in text_of(response)


@pytest.mark.parametrize("page_number", ["0", "-1", "abc", "999999", "1e9"])
def test_odd_page_numbers_never_fail(directory, page_number):
    assert directory(page=page_number).status_code == 200


def test_suggestions_offer_matching_organisations(login):
    response = login("demo").get("/organizations/suggest/", {"q": "阿斯"})
    assert response.status_code == 200
    assert '<option value="AstraZeneca">' in response.content.decode()
    assert login("demo").get("/organizations/suggest/", {"q": ""}).content.decode().strip() == ""


def test_the_agreements_list_filters_by_one_organisation(login):
    """The organisation timeline's "see them all" link: the agreements that organisation is a party to."""
    from biocampus.agreements.models import Agreement
    from biocampus.directory.models import Organization

    teddy = Organization.objects.get(name="Teddy Lab Services")
    expected = set(Agreement.objects.filter(parties__organization=teddy).values_list("title", flat=True))
    assert expected
    client = login("demo")
    shown = {
        agreement.title
        for agreement in client.get(f"/agreements/?organization={teddy.public_id}").context["object_list"]
    }
    assert shown == expected
    assert len(client.get("/agreements/").context["object_list"]) > len(expected)
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert list(client.get("/agreements/", {"organization": bad}).context["object_list"]) == []
