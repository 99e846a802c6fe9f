"""How the forms treat what people type: organisation names, child rows, hidden fields, sessions."""

from __future__ import annotations

import pytest
from django.test import Client

from biocampus.directory.models import Person
from tests.factories import OrganizationFactory
from tests.web.conftest import form_payload, text_of
from tests.web.payloads import CREATE_FORMS

pytestmark = pytest.mark.django_db


def _edit(client, record, **changes):
    url = record.get_absolute_url() + "edit/"
    data = {**form_payload(client.get(url)), **changes}
    return client.post(url, data)


# --- Organisations entered by name ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["teddy lab services", "  Teddy Lab Services  ", "TEDDY LAB SERVICES"])
def test_organisation_is_found_by_its_exact_name_in_any_case(login, demo, typed):
    data = {**CREATE_FORMS["milestone"].payload(demo), "organization": typed}
    response = login("staff").post("/milestones/new/", data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert demo.milestone("100 partner hospitals").organization == demo.org("Teddy Lab Services")


def test_organisation_is_found_by_its_chinese_name(login, demo):
    data = {**CREATE_FORMS["person"].payload(demo), "organization": "阿斯利康"}
    assert login("staff").post("/people/new/", data).status_code == 302
    assert Person.objects.get(name="Jane Doe").organization == demo.org("AstraZeneca")


def test_a_prefix_or_alias_is_not_an_organisation_name(login, demo, db_rows):
    """The picker suggests; the form takes only an exact name, so a typo never picks the wrong one."""
    before = db_rows()
    for typed in ("Teddy", "Teddy Lab"):
        data = {**CREATE_FORMS["milestone"].payload(demo), "organization": typed}
        response = login("staff").post("/milestones/new/", data)
        assert response.status_code == 200
        assert f"No organisation called “{typed}”" in text_of(response)
    assert db_rows() == before


def test_a_name_two_organisations_share_asks_to_pick_one(login, demo, db_rows):
    first = OrganizationFactory(name="Twin Bio", city="Wuxi")
    OrganizationFactory(name="Twin Bio", city="Suzhou")
    client = login("staff")
    data = {**CREATE_FORMS["milestone"].payload(demo), "organization": "Twin Bio"}
    before = db_rows()
    response = client.post("/milestones/new/", data)
    assert response.status_code == 200
    assert "Several organisations are called “Twin Bio”: pick one from the suggestions." in text_of(response)
    assert db_rows() == before
    data["organization"] = f"Twin Bio [{first.public_id}]"
    response = client.post("/milestones/new/", data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert demo.milestone("100 partner hospitals").organization == first


# --- Fields a user may not set --------------------------------------------------------------------------


def test_resident_cannot_move_its_organisation_to_another_steward(login, demo):
    teddy = demo.org("Teddy Lab Services")
    hangzhou = demo.campus("icampus-hangzhou")
    response = _edit(login("resident"), teddy, steward=str(hangzhou.pk), description="Updated by the lab.")
    assert response.status_code == 302
    teddy.refresh_from_db()
    assert teddy.description == "Updated by the lab."
    assert teddy.steward == demo.campus()


def test_staff_cannot_move_a_record_to_a_campus_it_does_not_edit(login, demo, db_rows):
    agreement = demo.agreement("companion diagnostics")
    before = db_rows()
    response = _edit(login("staff"), agreement, campus=str(demo.campus("icampus-hangzhou").pk))
    assert response.status_code == 200
    assert "Select a valid choice." in text_of(response)
    assert db_rows() == before


def test_staff_edits_organisations_its_campus_looks_after_or_hosts_only(login, demo):
    client = login("staff")
    assert client.get(demo.org("LinkDoc").get_absolute_url() + "edit/").status_code == 200
    assert client.get(demo.org("Shenzhi").get_absolute_url() + "edit/").status_code == 403  # Hangzhou's
    campus_org = demo.org("Wuxi International Life Science Innovation Campus")
    assert client.get(campus_org.get_absolute_url() + "edit/").status_code == 403  # the campus itself: admins
    assert login("demo").get(campus_org.get_absolute_url() + "edit/").status_code == 200


def test_organisation_created_by_staff_without_steward_is_looked_after_by_its_campus(login, demo):
    client = login("staff")
    data = {**CREATE_FORMS["organization"].payload(demo), "steward": ""}
    response = client.post("/organizations/new/", data)
    assert response.status_code == 302
    created = demo.org("Suzhou Gene Works")
    assert created.steward == demo.campus()
    assert client.get(response["Location"] + "edit/").status_code == 200  # staff can keep editing it


# --- Child rows through the formsets --------------------------------------------------------------------


def test_moving_the_lead_investor_through_the_form(login, demo):
    client = login("staff")
    response = client.post("/funding/new/", CREATE_FORMS["fundinground"].payload(demo))
    funding_round = demo.org("Teddy Lab Services").funding_rounds.get()
    data = form_payload(client.get(response["Location"] + "edit/"))
    rows = {data[f"investors-{i}-investor"]: i for i in range(2)}
    data.pop(f"investors-{rows['CICC']}-is_lead")
    data[f"investors-{rows['Tigermed']}-is_lead"] = "on"
    response = client.post(funding_round.get_absolute_url() + "edit/", data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert [(i.investor.name, i.is_lead) for i in funding_round.investments.order_by("investor__name")] == [
        ("CICC", False),
        ("Tigermed", True),
    ]


def test_removing_an_investor_through_the_form_is_in_the_history(login, demo):
    client = login("staff")
    response = client.post("/funding/new/", CREATE_FORMS["fundinground"].payload(demo))
    data = form_payload(client.get(response["Location"] + "edit/"))
    tigermed_row = next(i for i in range(2) if data[f"investors-{i}-investor"] == "Tigermed")
    data[f"investors-{tigermed_row}-DELETE"] = "on"
    assert client.post(response["Location"] + "edit/", data).status_code == 302
    funding_round = demo.org("Teddy Lab Services").funding_rounds.get()
    assert [i.investor.name for i in funding_round.investments.all()] == ["CICC"]
    history = text_of(client.get(response["Location"]))
    assert "investment: Tigermed deleted" in history


def test_recording_an_observation_twice_on_one_date_corrects_it(login, demo):
    target = demo.target()
    client = login("staff")
    first = _edit(client, target, **{"observations-0-observed_on": "2021-06-30", "observations-0-value": "250000"})
    assert first.status_code == 302, text_of(first)[-2000:]
    second = _edit(client, target, **{"observations-0-observed_on": "2021-06-30", "observations-0-value": "260000"})
    assert second.status_code == 302
    observation = target.observations.get(observed_on="2021-06-30")
    assert observation.value == 260000
    correction = observation.history.filter(history_type="~").get()
    assert correction.history_user == demo.users.staff
    assert correction.history_change_reason == "corrected"
    page = text_of(client.get(target.get_absolute_url()))
    assert "260,000" in page


def test_the_same_offering_twice_at_one_booth_is_refused(login, demo, db_rows):
    data = CREATE_FORMS["event"].payload(demo)
    data.update(
        {
            "showcases-TOTAL_FORMS": "2",
            "showcases-1-organization": "Teddy Lab Services",
            "showcases-1-offering": "Rapid PCR kits",
        }
    )
    before = db_rows()
    response = login("staff").post("/events/new/", data)
    assert response.status_code == 200
    assert "This offering is already shown by this organisation at this event." in text_of(response)
    assert db_rows() == before


def test_removing_one_of_three_parties_keeps_the_agreement(login, demo):
    client = login("staff")
    agreement = demo.agreement("Plan of the Wuxi International Health")  # four parties
    data = form_payload(client.get(agreement.get_absolute_url() + "edit/"))
    cicc = next(i for i in range(4) if data[f"parties-{i}-organization"] == "CICC")
    data[f"parties-{cicc}-DELETE"] = "on"
    assert client.post(agreement.get_absolute_url() + "edit/", data).status_code == 302
    assert sorted(p.organization.name for p in agreement.parties.all()) == [
        "AstraZeneca",
        "Tigermed",
        "Wuxi Municipal Government",
    ]
    assert "agreement party: CICC (Party) deleted" in text_of(client.get(agreement.get_absolute_url()))


def test_blank_extra_rows_are_ignored(login, demo):
    data = CREATE_FORMS["agreement"].payload(demo)
    data.update(
        {
            "parties-TOTAL_FORMS": "4",
            "parties-2-organization": "",
            "parties-2-role": "party",
            "parties-3-organization": "",
            "parties-3-role": "party",
        }
    )
    response = login("staff").post("/agreements/new/", data)
    assert response.status_code == 302, text_of(response)[-2000:]
    assert demo.agreement("Joint respiratory screening pilot").parties.count() == 2


def test_more_rows_than_the_formset_allows_are_refused(login, demo, db_rows):
    data = CREATE_FORMS["programme"].payload(demo)
    data["organizations-TOTAL_FORMS"] = "5000"
    before = db_rows()
    response = login("staff").post("/programmes/new/", data)
    assert response.status_code == 200
    assert "Please submit at most" in text_of(response)
    assert db_rows() == before


# --- Sessions and requests ------------------------------------------------------------------------------


def test_login_form_signs_in_with_the_demo_password_and_refuses_a_wrong_one(demo_users):
    client = Client()
    wrong = client.post("/accounts/login/", {"username": "demo", "password": "nope"})
    assert wrong.status_code == 200
    assert "Your user name and password didn't match" in text_of(wrong)
    right = client.post("/accounts/login/", {"username": "demo", "password": "demo"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_forms_refuse_a_post_without_csrf_token(demo_users, demo, db_rows):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users.staff)
    before = db_rows()
    response = client.post("/agreements/new/", CREATE_FORMS["agreement"].payload(demo))
    assert response.status_code == 403
    assert db_rows() == before


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_choosing_a_campus_never_redirects_off_site(login, target):
    response = login("demo").post("/campuses/choose/", {"campus": "icampus-hangzhou", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_choosing_a_campus_is_remembered_and_limited_to_ones_own(login):
    client = login("staff")
    client.post("/campuses/choose/", {"campus": "icampus-hangzhou", "next": "/agreements/"})
    assert client.get("/").context["campus"].slug == "icampus-wuxi"  # not one of staff's campuses
    admin = login("demo")
    response = admin.post("/campuses/choose/", {"campus": "icampus-hangzhou", "next": "/agreements/"})
    assert response["Location"] == "/agreements/"
    assert admin.get("/").context["campus"].slug == "icampus-hangzhou"
