"""Every page but the login page, the health check, the public application form and calendar feeds
(authenticated by the signed token in their URL) sends an anonymous visitor to the login page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db

ANY_ID = "0b6a3f1e-5d2c-4c8e-9a51-2f0c6f3d9e77"  # the redirect happens before any record is looked up

LIST_PAGES = [
    "/",
    "/organizations/",
    "/organizations/suggest/?q=teddy",
    "/people/",
    "/campuses/",
    "/residencies/",
    "/agreements/",
    "/events/",
    "/milestones/",
    "/programmes/",
    "/targets/",
    "/funding/",
]
CREATE_PAGES = [
    "/campuses/new/",
    "/organizations/new/",
    "/people/new/",
    "/residencies/new/",
    "/agreements/new/",
    "/events/new/",
    "/milestones/new/",
    "/programmes/new/",
    "/targets/new/",
    "/funding/new/",
]
DETAIL_PAGES = [
    f"/organizations/{ANY_ID}/",
    f"/people/{ANY_ID}/",
    "/campuses/icampus-wuxi/",
    f"/residencies/{ANY_ID}/",
    f"/agreements/{ANY_ID}/",
    f"/events/{ANY_ID}/",
    f"/milestones/{ANY_ID}/",
    f"/programmes/{ANY_ID}/",
    f"/targets/{ANY_ID}/",
    f"/funding/{ANY_ID}/",
]
EDIT_PAGES = [
    f"/organizations/{ANY_ID}/edit/",
    f"/people/{ANY_ID}/edit/",
    "/campuses/icampus-wuxi/edit/",
    f"/residencies/{ANY_ID}/edit/",
    f"/agreements/{ANY_ID}/edit/",
    f"/events/{ANY_ID}/edit/",
    f"/milestones/{ANY_ID}/edit/",
    f"/programmes/{ANY_ID}/edit/",
    f"/targets/{ANY_ID}/edit/",
    f"/funding/{ANY_ID}/edit/",
]
ALL_PAGES = LIST_PAGES + CREATE_PAGES + DETAIL_PAGES + EDIT_PAGES


def _assert_sent_to_login(response, path):
    assert response.status_code == 302, f"{path} answered {response.status_code} to an anonymous visitor"
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("path", ALL_PAGES)
def test_anonymous_get_is_sent_to_the_login_page(client, path):
    # `next` is the full path, query string included, to come back to after signing in.
    _assert_sent_to_login(client.get(path), path)


@pytest.mark.parametrize("path", CREATE_PAGES + EDIT_PAGES + ["/campuses/choose/"])
def test_anonymous_post_is_sent_to_the_login_page_and_writes_nothing(client, db_rows, path):
    before = db_rows()
    response = client.post(path, {"name": "Sneaky Bio", "title": "Sneaky", "campus": "icampus-wuxi"})
    _assert_sent_to_login(response, path)
    assert db_rows() == before


def test_anonymous_htmx_request_is_also_sent_to_the_login_page(client):
    response = client.get("/organizations/?q=teddy", headers={"HX-Request": "true"})
    _assert_sent_to_login(response, "/organizations/?q=teddy")


def test_login_page_and_health_check_are_open(client):
    assert client.get("/accounts/login/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"


# Where anonymous visitors are expected: the login page, the health check, the admin (its own login),
# language switching, the token-authenticated API, files, the public application form of each campus,
# and calendar feeds (their URL carries a signed token; tests/events checks that a bad one gets 404).
OPEN_PREFIXES = ("accounts/login/", "healthz", "admin/", "i18n/", "api/", "static/", "media/", "apply/", "events/feed/")


def test_the_public_application_form_is_open_to_anonymous_visitors(client, campus_a):
    response = client.get(f"/apply/{campus_a.slug}/")
    assert response.status_code == 200
    assert "Campus A" in response.content.decode()


SAMPLE_VALUES = {"uuid": ANY_ID, "slug": "icampus-wuxi", "int": "1", "str": "x", "path": "x"}


def _every_route() -> list[str]:
    """Every page path the project serves, with sample values in place of its parameters."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    def fill(route):
        return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)

    return sorted(
        {fill(route) for route in walk(get_resolver().url_patterns, "") if not route.startswith(OPEN_PREFIXES)}
    )


def test_every_route_of_the_project_is_covered_by_the_walk():
    routes = _every_route()
    assert "/organizations/" in routes
    assert f"/agreements/{ANY_ID}/edit/" in routes
    assert not any("<" in route or "^" in route for route in routes), routes


@pytest.mark.parametrize("path", _every_route())
def test_every_page_of_the_project_sends_anonymous_visitors_to_the_login(client, path):
    """Walks the URL configuration, so a page added later is covered without editing this list."""
    response = client.get(path)
    assert response.status_code == 302, f"{path} answered {response.status_code} to an anonymous visitor"
    assert urlsplit(response["Location"]).path == "/accounts/login/"
