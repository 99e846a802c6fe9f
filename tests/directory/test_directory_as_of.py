"""The directory as of a past date: organisations with their values of then, read from the change history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from biocampus.accounts.permissions import visible
from biocampus.directory import services
from biocampus.directory.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("directory:organization_list")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story(users):
    """Before the as-of date: "Old Name Bio" (a lab in China), "Steady Bio", "Gone Later Bio" and the fixture
    organisations. After it: Old Name Bio renamed "New Name Bio" and moved to the United States, "Newcomer
    Bio" created, Gone Later Bio deleted."""
    renamed = OrganizationFactory(name="Old Name Bio", kind="lab", country="CN", city="Wuxi")
    OrganizationFactory(name="Steady Bio", kind="company", country="CN")
    gone = OrganizationFactory(name="Gone Later Bio", kind="company", country="DE")
    past = timezone.now() - datetime.timedelta(days=20)
    Organization.history.update(history_date=past)  # everything so far happened 20 days ago

    services.organization_update(
        actor=users.superuser, organization=renamed, name="New Name Bio", country="US", city="Boston"
    )
    OrganizationFactory(name="Newcomer Bio", kind="lab", country="CN")
    services.organization_delete(actor=users.superuser, organization=gone)
    return {"as_of": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(), "renamed": renamed}


def _names(response) -> list[str]:
    return [organization.name for organization in response.context["page"].object_list]


def test_as_of_list_shows_the_organisations_as_they_stood(users, story):
    response = _client(users.campus_admin).get(URL, {"as_of": story["as_of"]})
    assert response.status_code == 200
    names = _names(response)
    assert "Old Name Bio" in names
    assert "New Name Bio" not in names
    assert "Newcomer Bio" not in names
    assert "Gone Later Bio" in names
    html = response.content.decode()
    assert f"The directory as it stood on {story['as_of']}" in html
    assert 'href="/directory/"' in html or "Back to today" in html
    renamed = next(o for o in response.context["page"].object_list if o.name == "Old Name Bio")
    assert renamed.country == "CN" and renamed.city == "Wuxi"
    assert renamed.still_exists
    assert f'href="{story["renamed"].get_absolute_url()}">Old Name Bio</a>' in html
    # The deleted one is named, not linked, and said to be gone.
    assert ">Gone Later Bio</a>" not in html
    assert "Gone Later Bio <span" in html and "deleted since" in html
    assert "In the directory as of a date, filter by kind and country" in html
    gone_row = html[html.index("Gone Later Bio <span") :].split("</tr>")[0]
    assert "Germany" in gone_row and "Company" in gone_row


def test_as_of_search_and_facets_use_the_values_of_then(users, story):
    client = _client(users.campus_admin)
    response = client.get(URL, {"as_of": story["as_of"], "q": "old name"})
    assert _names(response) == ["Old Name Bio"]
    assert _names(client.get(URL, {"as_of": story["as_of"], "q": "new name"})) == []

    response = client.get(URL, {"as_of": story["as_of"], "country": "CN"})
    assert set(_names(response)) >= {"Old Name Bio", "Steady Bio"}
    assert "Newcomer Bio" not in _names(response)
    facets = response.context["facets"]
    countries = {value.value: value.count for value in facets["country"]}
    assert countries.get("US") is None  # the move to the United States came later
    assert countries["DE"] == 1  # the deleted one counts where it stood
    assert set(facets) == {"kind", "country"}  # residency and field facets are not offered in this mode

    response = client.get(URL, {"as_of": story["as_of"], "kind": "lab"})
    kinds = {value.value: value.count for value in response.context["facets"]["kind"]}
    now_kinds = {value.value: value.count for value in client.get(URL).context["facets"]["kind"]}
    assert kinds["lab"] == now_kinds["lab"] - 1  # Newcomer Bio, a lab, did not exist yet
    assert "Old Name Bio" in _names(response)


@pytest.mark.parametrize(
    ("value", "message"),
    [("2019-13-45", "Enter the “as of” date as YYYY-MM-DD."), ("not a date", "Enter the “as of” date as YYYY-MM-DD.")],
)
def test_a_malformed_date_is_a_form_error(users, story, value, message):
    response = _client(users.campus_admin).get(URL, {"as_of": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["as_of"] is None


def test_a_future_date_is_a_form_error(users, story):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _client(users.campus_admin).get(URL, {"as_of": tomorrow})
    assert response.status_code == 200
    assert "The “as of” date cannot be in the future." in response.content.decode()
    assert "The directory as it stood on" not in response.content.decode()


def test_a_resident_member_sees_no_more_than_today_allows(users, story):
    response = _client(users.resident_member).get(URL, {"as_of": story["as_of"]})
    shown = {organization.id for organization in response.context["page"].object_list}
    readable_now = set(visible(Organization.objects.all(), users.resident_member).values_list("pk", flat=True))
    deleted = {pk for pk in shown if not Organization.objects.filter(pk=pk).exists()}
    assert shown - deleted <= readable_now

    nobody = _client(users.no_membership).get(URL, {"as_of": story["as_of"]})
    assert nobody.context["page"].count == 0


def test_the_current_directory_is_unchanged(users, story):
    response = _client(users.campus_admin).get(URL)
    names = _names(response)
    assert "New Name Bio" in names and "Newcomer Bio" in names
    assert "Old Name Bio" not in names and "Gone Later Bio" not in names
    assert "The directory as it stood on" not in response.content.decode()
    assert {"kind", "country", "field", "campus", "status"} <= set(response.context["facets"])


def test_as_of_pages_and_its_query_count_does_not_grow_with_the_rows(users, story):
    client = _client(users.campus_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"as_of": story["as_of"]})
    for number in range(60):
        OrganizationFactory(name=f"Paged Then {number:02d}")
    Organization.history.filter(name__startswith="Paged Then").update(
        history_date=timezone.now() - datetime.timedelta(days=15)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"as_of": story["as_of"]})
    assert len(many) == len(few), [q["sql"][:300] for q in many.captured_queries[-5:]]
    page = response.context["page"]
    assert page.has_next and not page.has_previous
    assert len(page.object_list) == 50
    second = client.get(URL, {"as_of": story["as_of"], "after": page.next_cursor})
    assert second.status_code == 200 and second.context["page"].start == 51
    assert {o.name for o in second.context["page"].object_list}.isdisjoint({o.name for o in page.object_list})


def test_htmx_request_returns_the_results_with_the_banner(users, story):
    response = _client(users.campus_admin).get(URL, {"as_of": story["as_of"]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "The directory as it stood on" in html
    assert "<html" not in html
