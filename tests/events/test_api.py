"""API of leads, participations (replaced by PATCH, one taken away by DELETE) and what came of an event."""

from __future__ import annotations

import pytest

from biocampus.events.choices import ParticipationRole
from biocampus.events.models import Lead, Participation
from tests.api.conftest import assert_error
from tests.factories import AgreementFactory, EventFactory, ParticipationFactory, ShowcaseFactory

pytestmark = pytest.mark.django_db


def _id(record) -> str:
    return str(record.public_id)


@pytest.fixture
def event(campus_a, resident_org, partner_org):
    event = EventFactory(campus=campus_a, name="3rd CIIE")
    ParticipationFactory(event=event, organization=partner_org, role=ParticipationRole.ORGANISER)
    ShowcaseFactory(event=event, organization=resident_org, offering="AI pathology")
    return event


# --- participations ----------------------------------------------------------------------------------------


def test_patch_replaces_participations(api, event, resident_org):
    client = api("campus_staff")
    response = client.patch(
        f"/events/{_id(event)}", {"participations": [{"organization": _id(resident_org), "role": "speaker"}]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["participations"] == [
        {"organization": {"id": _id(resident_org), "name": "Teddy Lab"}, "role": "speaker"}
    ]
    assert response.json()["showcases"][0]["offering"] == "AI pathology"  # not sent: kept


def test_patch_with_a_duplicate_participation_is_422_and_changes_nothing(api, event, resident_org):
    row = {"organization": _id(resident_org), "role": "speaker"}
    error = assert_error(api("campus_staff").patch(f"/events/{_id(event)}", {"participations": [row, row]}), 422)
    assert "participations" in error["fields"]
    assert list(event.participations.values_list("role", flat=True)) == ["organiser"]


def test_delete_one_participation_with_the_events_etag(api, event, partner_org):
    client = api("campus_staff")
    etag = client.get(f"/events/{_id(event)}")["ETag"]
    path = f"/events/{_id(event)}/participations/{_id(partner_org)}/organiser"
    response = client.delete(path, headers={"If-Match": etag})
    assert response.status_code == 200, response.content
    assert response.json()["participations"] == []
    assert response["ETag"] != etag
    assert_error(client.delete(path), 404)  # gone already
    assert Participation.history.filter(history_type="-").get().history_user.username == "staff_a"


def test_delete_of_a_participation_with_a_stale_etag_is_412(api, event, partner_org):
    path = f"/events/{_id(event)}/participations/{_id(partner_org)}/organiser"
    assert_error(api("campus_staff").delete(path, headers={"If-Match": '"' + "0" * 32 + '"'}), 412)
    assert event.participations.count() == 1


@pytest.mark.parametrize(("role", "status"), [("partner", 403), ("resident_member", 403), ("resident_b", 404)])
def test_others_may_not_delete_a_participation(api, event, partner_org, role, status):
    path = f"/events/{_id(event)}/participations/{_id(partner_org)}/organiser"
    assert_error(api(role).delete(path), status)
    assert event.participations.count() == 1


# --- leads -------------------------------------------------------------------------------------------------


def test_the_life_of_a_lead(api, event, campus_a, resident_org):
    client = api("campus_staff")
    agreement = AgreementFactory(campus=campus_a, parties=[resident_org], title="Companion Dx deal")
    created = client.post(
        "/leads",
        {
            "event": _id(event),
            "prospect_name": "Alpine Dx",
            "taken_by": _id(resident_org),
            "contact_email": "anna@alpine.example",
            "interest": "Companion diagnostics",
            "follow_up_on": "2020-12-01",
        },
    )
    assert created.status_code == 201, created.content
    lead = created.json()
    assert lead["status"] == "new" and lead["taken_by"]["name"] == "Teddy Lab" and lead["agreement"] is None
    assert created["Location"].endswith(f"/api/v1/leads/{lead['id']}")
    read = client.get(f"/leads/{lead['id']}")
    assert read.json() == lead and read["ETag"] == created["ETag"]

    updated = client.patch(
        f"/leads/{lead['id']}", {"status": "won", "agreement": _id(agreement)}, headers={"If-Match": read["ETag"]}
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["agreement"] == {"id": _id(agreement), "title": "Companion Dx deal"}

    assert [item["id"] for item in client.get("/leads", status="won").json()["results"]] == [lead["id"]]
    assert client.get("/leads", status="lost").json()["results"] == []
    assert len(client.get("/leads", organization=_id(resident_org), event=_id(event)).json()["results"]) == 1

    assert client.delete(f"/leads/{lead['id']}").status_code == 204
    assert_error(client.get(f"/leads/{lead['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "prospect_name"),  # no prospect at all: the model's rule, said as a whole
        ({"prospect_name": "A\x00"}, "prospect_name"),
        ({"prospect_name": "Alpine", "status": "maybe"}, "status"),
        ({"prospect_name": "Alpine", "contact_email": "nobody"}, "contact_email"),
        ({"prospect_name": "Alpine", "residency": "00000000-0000-0000-0000-000000000000"}, "residency"),
    ],
)
def test_bad_lead_input_is_422_and_nothing_saved(api, event, body, field):
    response = api("campus_staff").post("/leads", {"event": _id(event), **body})
    error = assert_error(response, 422)
    assert error["message"]
    if field != "prospect_name" or body:
        assert any(field in key for key in error["fields"]), error
    assert not Lead.objects.exists()


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_only_the_campus_team_creates_leads(api, event, role):
    assert_error(api(role).post("/leads", {"event": _id(event), "prospect_name": "Alpine"}), 403)
    assert not Lead.objects.exists()


def test_a_resident_reads_the_lead_of_its_booth_without_what_it_may_not_read(api, event, campus_a, resident_org):
    hidden = AgreementFactory(campus=campus_a, title="Not Teddy's")
    ParticipationFactory(event=event, organization=resident_org)  # so the event is the resident's to read
    lead = Lead.objects.create(
        event=event, prospect_name="Alpine Dx", taken_by=resident_org, agreement=hidden, provenance=event.provenance
    )
    Lead.objects.create(event=event, prospect_name="Other booth", provenance=event.provenance)
    listed = api("resident_member").get("/leads").json()["results"]
    assert [item["prospect_name"] for item in listed] == ["Alpine Dx"]
    assert listed[0]["agreement"] is None
    assert api("campus_staff").get(f"/leads/{lead.public_id}").json()["agreement"]["title"] == "Not Teddy's"
    assert_error(api("resident_b").get(f"/leads/{lead.public_id}"), 404)


# --- what came of it -----------------------------------------------------------------------------------------


def test_outcomes_gives_the_numbers_and_lists(api, event, campus_a, resident_org, partner_org):
    AgreementFactory(campus=campus_a, signed_at=event, parties=[resident_org, partner_org], title="Companion Dx deal")
    Lead.objects.create(event=event, prospect_name="Alpine Dx", provenance=event.provenance)
    response = api("government").get(f"/events/{_id(event)}/outcomes")
    assert response.status_code == 200, response.content
    body = response.json()
    numbers = body["numbers"]
    assert (numbers["agreements"], numbers["showcases"], numbers["leads"]) == (1, 1, 1)
    assert numbers["organizations_taking_part"] == 2
    assert {row["code"]: row["count"] for row in numbers["participants_by_role"]}["organiser"] == 1
    assert {row["code"]: row["count"] for row in numbers["leads_by_status"]}["new"] == 1
    assert body["agreements"][0]["parties"][0]["name"] in {"Teddy Lab", "Pharma Partner"}
    assert body["event"] == {"id": _id(event), "name": "3rd CIIE"}
    assert body["leads"][0]["prospect_name"] == "Alpine Dx"


def test_outcomes_of_an_event_of_another_campus_is_404(api, event):
    assert_error(api("resident_b").get(f"/events/{_id(event)}/outcomes"), 404)


# --- showcases across events -----------------------------------------------------------------------------------


def test_showcases_list_across_events_with_their_event(api, event, resident_org, campus_b, resident_org_b):
    other_campus = EventFactory(campus=campus_b, name="Chengdu fair")
    ShowcaseFactory(event=other_campus, organization=resident_org_b, offering="Genome panel")
    body = api("campus_staff").get("/showcases?search=pathology").json()
    assert [(row["offering"], row["event"]["name"], row["organization"]["name"]) for row in body["results"]] == [
        ("AI pathology", "3rd CIIE", "Teddy Lab")
    ]
    # Campus A's staff never see campus B's booth; campus B's resident sees only its own.
    everything = api("campus_staff").get("/showcases").json()["results"]
    assert [row["offering"] for row in everything] == ["AI pathology"]
    assert [row["offering"] for row in api("resident_b").get("/showcases").json()["results"]] == ["Genome panel"]
    by_organization = api("superuser").get(f"/showcases?organization={_id(resident_org_b)}").json()["results"]
    assert [row["offering"] for row in by_organization] == ["Genome panel"]
