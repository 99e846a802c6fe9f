"""The directory with many organisations (built with the factories, no demo): pagination and escaping."""

from __future__ import annotations

import re

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


def test_directory_pages_by_fifty(admin_client, many):
    first = admin_client.get("/organizations/", {"q": "paged"})
    assert first.context["page"].paginator.count == TOTAL
    assert _rows(first) == [f"Paged Bio {n:03d}" for n in range(50)]
    body = first.content.decode()
    assert "130 organisations" in body
    assert "Page 1 of 3" in body
    assert 'href="?q=paged&amp;page=2"' in body  # the next page keeps the search
    second = admin_client.get("/organizations/", {"q": "paged", "page": "2"})
    assert _rows(second) == [f"Paged Bio {n:03d}" for n in range(50, 100)]
    assert 'href="?q=paged&amp;page=1"' in second.content.decode()
    assert 'href="?q=paged&amp;page=3"' in second.content.decode()
    last = admin_client.get("/organizations/", {"q": "paged", "page": "3"})
    assert _rows(last) == [f"Paged Bio {n:03d}" for n in range(100, TOTAL)]
    assert "Page 3 of 3" in last.content.decode()
    assert "Next" not in last.content.decode()


def test_every_organisation_is_on_exactly_one_page(admin_client, many):
    seen = []
    for number in (1, 2, 3):
        seen += _rows(admin_client.get("/organizations/", {"q": "paged", "page": str(number)}))
    assert sorted(seen) == [f"Paged Bio {n:03d}" for n in range(TOTAL)]


def test_pagination_keeps_the_facets(admin_client, many):
    response = admin_client.get("/organizations/", {"q": "paged", "kind": "company"})
    assert response.context["page"].paginator.count == 86
    body = response.content.decode()
    assert re.search(r'href="\?(q=paged&amp;kind=company|kind=company&amp;q=paged)&amp;page=2"', body)
    second = admin_client.get("/organizations/", {"q": "paged", "kind": "company", "page": "2"})
    assert len(_rows(second)) == 36
    assert {Organization.objects.get(name=name).kind for name in _rows(second)} == {"company"}
    # The facet counts stay those of the whole result, not of the page.
    assert {v.value: v.count for v in second.context["facets"]["kind"]} == {"company": 86, "lab": 44}


def test_htmx_page_two_is_a_partial(admin_client, many):
    response = admin_client.get("/organizations/", {"q": "paged", "page": "2"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Paged Bio 099" in body
    assert "Paged Bio 000" not in body


def test_a_page_past_the_end_shows_the_last_page(admin_client, many):
    response = admin_client.get("/organizations/", {"q": "paged", "page": "99"})
    assert response.status_code == 200
    assert _rows(response)[-1] == "Paged Bio 129"


def test_campus_facet_counts_residents_across_pages(admin_client, many, campus_a):
    response = admin_client.get("/organizations/", {"q": "paged"})
    campus_counts = {value.value: value.count for value in response.context["facets"]["campus"]}
    assert campus_counts == {"campus-a": 65}
    filtered = admin_client.get("/organizations/", {"q": "paged", "campus": "campus-a"})
    assert filtered.context["page"].paginator.count == 65


def test_html_in_names_and_aliases_is_escaped_in_the_directory(admin_client):
    OrganizationFactory(name="<script>alert(1)</script>", aliases=["<img src=x onerror=alert(2)>"], name_zh="<b>粗</b>")
    body = admin_client.get("/organizations/", {"q": "script"}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "<b>粗</b>" not in body
