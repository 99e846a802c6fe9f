"""The campus pages: a superuser founds a campus with its co-builders; campus admins edit only their own."""

import pytest

from biocampus.campuses.models import Campus
from biocampus.directory.choices import OrganizationKind
from tests.factories import OrganizationFactory


def _campus_post(**overrides):
    data = {
        "organization": "Chengdu Bio Town",
        "slug": "chengdu-bio-town",
        "opened_on": "2021-03-01",
        "operational_on": "2021-09-01",
        "operators-TOTAL_FORMS": "2",
        "operators-INITIAL_FORMS": "0",
        "operators-MIN_NUM_FORMS": "0",
        "operators-MAX_NUM_FORMS": "20",
        "operators-0-organization": "Chengdu Government",
        "operators-0-role": "co_builder",
        "operators-1-organization": "",
        "operators-1-role": "co_builder",
    }
    data.update(overrides)
    return data


@pytest.fixture
def new_campus_organizations(db):
    OrganizationFactory(name="Chengdu Bio Town", kind=OrganizationKind.CAMPUS, country="CN")
    OrganizationFactory(name="Chengdu Government", kind=OrganizationKind.GOVERNMENT, country="CN")


def test_superuser_founds_a_campus_with_its_co_builder(client, users, new_campus_organizations):
    client.force_login(users.superuser)

    response = client.post("/campuses/new/", _campus_post())

    campus = Campus.objects.get(slug="chengdu-bio-town")
    assert response.status_code == 302 and response["Location"] == campus.get_absolute_url()
    assert [link.organization.name for link in campus.operator_links.all()] == ["Chengdu Government"]
    assert campus.history.first().history_user == users.superuser


def test_a_campus_must_be_an_organisation_of_kind_campus(client, users, new_campus_organizations):
    client.force_login(users.superuser)

    response = client.post("/campuses/new/", _campus_post(organization="Chengdu Government"))

    assert response.status_code == 200
    assert "A campus must be an organisation of kind campus." in response.content.decode()
    assert not Campus.objects.filter(slug="chengdu-bio-town").exists()


def test_opening_after_full_operation_is_refused_with_nothing_saved(client, users, new_campus_organizations):
    client.force_login(users.superuser)

    response = client.post("/campuses/new/", _campus_post(opened_on="2022-01-01"))

    assert response.status_code == 200
    assert "cannot be fully operational before it opens" in response.content.decode()
    assert not Campus.objects.filter(slug="chengdu-bio-town").exists()


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "resident_member", "partner", "government"])
def test_only_superusers_found_campuses(client, users, role):
    client.force_login(getattr(users, role))
    assert client.get("/campuses/new/").status_code == 403


def test_campus_admin_edits_its_campus_and_not_another(client, users, campus_a, campus_b):
    client.force_login(users.campus_admin)
    assert client.get(f"/campuses/{campus_a.slug}/edit/").status_code == 200
    assert client.get(f"/campuses/{campus_b.slug}/edit/").status_code == 403

    response = client.post(
        f"/campuses/{campus_a.slug}/edit/",
        {
            "opened_on": "2019-09-01",
            "operational_on": "2020-04-01",
            "sister_campuses": [campus_b.pk],
            "operators-TOTAL_FORMS": "0",
            "operators-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    campus_a.refresh_from_db()
    assert str(campus_a.operational_on) == "2020-04-01"
    assert list(campus_b.sister_campuses.all()) == [campus_a]
