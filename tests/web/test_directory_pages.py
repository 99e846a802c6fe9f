"""The directory with many organisations (built with the factories, no demo): pagination and escaping."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl

import pytest
from django.test import Client

from biocampus.directory.models import Organization
from tests.factories import OrganizationFactory, ResidencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(users):
    client = Client()
    client.force_login(users.campus_admin)
    return client


TOTAL = 130


@pytest.fixture
def many(campus_a):
    """130 organisations "Paged Bio 000".."Paged Bio 129": labs when the number divides by 3 (44 of them),
    companies otherwise (86); the even ones (65) resident at campus A."""
    for number in range(TOTAL):
        organization = OrganizationFactory(name=f"Paged Bio {number:03d}", kind="lab" if number % 3 == 0 else "company")
        if number % 2 == 0:
            ResidencyFactory(organization=organization, campus=campus_a)


def _rows(response) -> list[str]:
    return [organization.name for organization in response.context["page"].object_list]


def _link(response, rel: str) -> dict[str, str]:
    """The query of the page's "next" or "prev" link, as a browser would send it."""
    match = re.search(rf'<a rel="{rel}" href="\?([^"]*)"', response.content.decode())
    assert match, f"no {rel} link"
    return dict(parse_qsl(html.unescape(match.group(1))))


def test_directory_pages_by_fifty(admin_client, many):
    first = admin_client.get("/organizations/", {"q": "paged"})
    assert first.context["page"].count == TOTAL
    assert _rows(first) == [f"Paged Bio {n:03d}" for n in range(50)]
    body = first.content.decode()
    assert "130 organisations" in body
    assert "showing 1–50" in body
    assert 'rel="prev"' not in body
    second_query = _link(first, "next")
    assert second_query["q"] == "paged"  # the next page keeps the search
    second = admin_client.get("/organizations/", second_query)
    assert _rows(second) == [f"Paged Bio {n:03d}" for n in range(50, 100)]
    assert "showing 51–100" in second.content.decode()
    last = admin_client.get("/organizations/", _link(second, "next"))
    assert _rows(last) == [f"Paged Bio {n:03d}" for n in range(100, TOTAL)]
    assert "showing 101–130" in last.content.decode()
    assert 'rel="next"' not in last.content.decode()
    back = admin_client.get("/organizations/", _link(last, "prev"))
    assert _rows(back) == _rows(second)
    assert "showing 51–100" in back.content.decode()
    front = admin_client.get("/organizations/", _link(back, "prev"))
    assert _rows(front) == _rows(first)
    assert 'rel="prev"' not in front.content.decode()


def test_every_organisation_is_on_exactly_one_page(admin_client, many):
    seen, query = [], {"q": "paged"}
    while True:
        response = admin_client.get("/organizations/", query)
        seen += _rows(response)
        if 'rel="next"' not in response.content.decode():
            break
        query = _link(response, "next")
    assert sorted(seen) == [f"Paged Bio {n:03d}" for n in range(TOTAL)]
    assert len(seen) == TOTAL


def test_the_unfiltered_directory_pages_by_name_too(admin_client, many):
    first = admin_client.get("/organizations/")
    second = admin_client.get("/organizations/", _link(first, "next"))
    names = _rows(first) + _rows(second)
    assert names == sorted(names)
    assert len(set(names)) == 100


def test_pagination_keeps_the_facets(admin_client, many):
    response = admin_client.get("/organizations/", {"q": "paged", "kind": "company"})
    assert response.context["page"].count == 86
    assert _link(response, "next")["kind"] == "company"
    second = admin_client.get("/organizations/", _link(response, "next"))
    assert len(_rows(second)) == 36
    assert {Organization.objects.get(name=name).kind for name in _rows(second)} == {"company"}
    # The facet counts stay those of the whole result, not of the page.
    assert {v.value: v.count for v in second.context["facets"]["kind"]} == {"company": 86, "lab": 44}


def test_htmx_page_two_is_a_partial(admin_client, many):
    first = admin_client.get("/organizations/", {"q": "paged"})
    response = admin_client.get("/organizations/", _link(first, "next"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Paged Bio 099" in body
    assert "Paged Bio 000" not in body


@pytest.mark.parametrize("cursor", ["", "junk", "a:b:c", "\x00", "eyJrIjpbXX0:1:2"])
def test_a_tampered_or_stale_cursor_shows_the_first_page(admin_client, many, cursor):
    for direction in ("after", "before"):
        response = admin_client.get("/organizations/", {"q": "paged", direction: cursor})
        assert response.status_code == 200
        assert _rows(response)[0] == "Paged Bio 000"


def test_a_cursor_of_another_order_shows_the_first_page(admin_client, many):
    """A cursor made on the searched list (rank, name, id) does not fit the unfiltered one (name, id)."""
    searched = _link(admin_client.get("/organizations/", {"q": "paged"}), "next")
    response = admin_client.get("/organizations/", {"after": searched["after"]})
    assert response.status_code == 200
    assert _rows(response) == _rows(admin_client.get("/organizations/"))


def test_past_the_cap_the_count_says_more_than(admin_client, many, monkeypatch):
    from biocampus.directory import views

    monkeypatch.setattr(views, "COUNT_CAP", 100)
    response = admin_client.get("/organizations/", {"q": "paged"})
    assert response.context["page"].count_is_capped
    assert "More than 100 organisations" in response.content.decode()
    assert _rows(response)[0] == "Paged Bio 000"


def test_campus_facet_counts_residents_across_pages(admin_client, many, campus_a):
    response = admin_client.get("/organizations/", {"q": "paged"})
    campus_counts = {value.value: value.count for value in response.context["facets"]["campus"]}
    assert campus_counts == {"campus-a": 65}
    filtered = admin_client.get("/organizations/", {"q": "paged", "campus": "campus-a"})
    assert filtered.context["page"].count == 65


def test_html_in_names_and_aliases_is_escaped_in_the_directory(admin_client):
    OrganizationFactory(name="<script>alert(1)</script>", aliases=["<img src=x onerror=alert(2)>"], name_zh="<b>粗</b>")
    body = admin_client.get("/organizations/", {"q": "script"}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "<b>粗</b>" not in body
