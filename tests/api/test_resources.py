"""Every resource through its life: create, read, update, delete, with related records named by public id.

Writes go through the services, so each change is in the record's history under the token's owner.
"""

from __future__ import annotations

import pytest

from biocampus.agreements.models import Agreement
from biocampus.directory.models import Organization
from tests.factories import EventFactory, FieldFactory, OrganizationFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def _id(record) -> str:
    return str(record.public_id)


def _life(client, collection: str, create: dict, change: dict, *, deletable: bool = True) -> dict:
    """POST, GET, PATCH (with the ETag), DELETE; returns the record as it was after the PATCH."""
    created = client.post(f"/{collection}", create)
    assert created.status_code == 201, created.content
    record = created.json()
    assert created["Location"].endswith(f"/api/v1/{collection}/{record['id']}")
    read = client.get(f"/{collection}/{record['id']}")
    assert read.status_code == 200 and read.json() == record and read["ETag"] == created["ETag"]

    updated = client.patch(f"/{collection}/{record['id']}", change, headers={"If-Match": read["ETag"]})
    assert updated.status_code == 200, updated.content
    record = updated.json()
    listed = client.get(f"/{collection}", limit=200).json()["results"]
    assert record["id"] in {item["id"] for item in listed}

    if deletable:
        assert client.delete(f"/{collection}/{record['id']}").status_code == 204
        assert_error(client.get(f"/{collection}/{record['id']}"), 404)
    return record


def test_organisations_with_aliases_fields_and_identifiers(api, users, campus_a, resident_org):
    field = FieldFactory(slug="gene-sequencing-test", name="Gene sequencing")
    client = api("campus_staff")
    create = {
        "name": "Helix Diagnostics",
        "name_zh": "螺旋诊断",
        "aliases": ["Helix", "helix", "Helix Dx"],
        "kind": "company",
        "country": "CN",
        "city": "Wuxi",
        "fields": [field.slug],
        "website": "https://helix.example.org",
        "founded_year": 2016,
        "parent": _id(resident_org),
        "identifiers": [{"scheme": "uscc", "value": "91320200MA1XYZ0001"}],
    }
    created = client.post("/organizations", create).json()
    assert created["aliases"] == ["Helix", "Helix Dx"]  # de-duplicated ignoring case, by the service
    assert created["fields"] == [field.slug]
    assert created["identifiers"] == [{"scheme": "uscc", "value": "91320200MA1XYZ0001"}]
    assert created["parent"] == {"id": _id(resident_org), "name": "Teddy Lab"}
    assert created["steward"]["slug"] == "campus-a"  # typed in by campus A staff: looked after by campus A

    organization = Organization.objects.get(public_id=created["id"])
    assert organization.history.latest().history_user == users.campus_staff

    added = client.post(
        f"/organizations/{created['id']}/identifiers", {"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"}
    )
    assert len(added.json()["identifiers"]) == 2
    duplicate = client.post(
        f"/organizations/{created['id']}/identifiers", {"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"}
    )
    assert_error(duplicate, 422)

    changed = client.patch(f"/organizations/{created['id']}", {"aliases": [], "parent": None, "fields": []}).json()
    assert changed["aliases"] == [] and changed["parent"] is None and changed["fields"] == []
    assert client.get("/organizations", search="91320200MA1XYZ0001").json()["results"][0]["id"] == created["id"]

    assert client.delete(f"/organizations/{created['id']}").status_code == 204
    assert not Organization.objects.filter(public_id=created["id"]).exists()


def test_people(api, resident_org):
    record = _life(
        api("resident_member"),  # a resident member looks after the people of its own organisation
        "people",
        {"name": "Li Wei", "organization": _id(resident_org), "email": "li.wei@example.org"},
        {"title": "Chief scientist"},
    )
    assert record["organization"]["name"] == "Teddy Lab" and record["title"] == "Chief scientist"


def test_residencies_follow_the_lifecycle(api, campus_a):
    newcomer = OrganizationFactory(name="Newcomer Bio")
    client = api("campus_staff")
    created = client.post("/residencies", {"organization": _id(newcomer), "campus": _id(campus_a)}).json()
    assert created["status"] == "prospect" and created["is_from_abroad"] is False

    error = assert_error(client.patch(f"/residencies/{created['id']}", {"status": "graduated"}), 422)
    assert "status" in error["fields"]
    moved = client.patch(f"/residencies/{created['id']}", {"status": "signed", "signed_on": "2020-11-05"}).json()
    assert moved["status"] == "signed" and moved["signed_on"] == "2020-11-05"
    assert_error(client.post("/residencies", {"organization": _id(newcomer), "campus": _id(campus_a)}), 422)
    assert client.delete(f"/residencies/{created['id']}").status_code == 204


def test_agreements_with_parties(api, campus_a, resident_org, partner_org, neighbour_org):
    event = EventFactory(campus=campus_a, name="3rd CIIE")
    client = api("campus_admin")
    create = {
        "campus": _id(campus_a),
        "title": "Strategic cooperation",
        "type": "strategic_cooperation",
        "signed_on": "2020-11-06",
        "signed_at": _id(event),
        "parties": [
            {"organization": _id(resident_org), "role": "lead", "signatory": "Dr Wang"},
            {"organization": _id(partner_org)},
        ],
    }
    change = {"parties": [{"organization": _id(resident_org), "role": "lead"}, {"organization": _id(neighbour_org)}]}
    record = _life(client, "agreements", create, change, deletable=False)

    assert record["signed_at"] == {"id": _id(event), "name": "3rd CIIE"}
    assert [(party["organization"]["name"], party["role"]) for party in record["parties"]] == [
        ("Teddy Lab", "lead"),
        ("Neighbour Bio", "party"),
    ]
    found = client.get(
        "/agreements", organization=_id(neighbour_org), signed_from="2020-11-01", type="strategic_cooperation"
    )
    assert [item["id"] for item in found.json()["results"]] == [record["id"]]
    assert client.delete(f"/agreements/{record['id']}").status_code == 204
    assert not Agreement.objects.filter(public_id=record["id"]).exists()


def test_events_with_showcases_and_participations(api, campus_a, resident_org, partner_org):
    client = api("campus_staff")
    create = {
        "campus": _id(campus_a),
        "name": "China International Import Expo",
        "short_name": "3rd CIIE",
        "kind": "expo",
        "starts_on": "2020-11-05",
        "ends_on": "2020-11-10",
        "country": "CN",
        "showcases": [{"organization": _id(resident_org), "offering": "Sequencer", "booth_host": _id(partner_org)}],
        "participations": [{"organization": _id(partner_org), "role": "exhibitor"}],
    }
    created = client.post("/events", create).json()
    assert created["showcases"][0]["booth_host"]["name"] == "Pharma Partner"
    assert created["participations"] == [
        {"organization": {"id": _id(partner_org), "name": "Pharma Partner"}, "role": "exhibitor"}
    ]

    joined = client.post(
        f"/events/{created['id']}/participations", {"organization": _id(resident_org), "role": "signer"}
    )
    assert len(joined.json()["participations"]) == 2
    assert client.get("/events", organization=_id(resident_org)).json()["results"][0]["id"] == created["id"]

    record = _life(client, "events", {**create, "participations": []}, {"showcases": []})
    assert record["showcases"] == []


def test_milestones(api, campus_a, resident_org):
    record = _life(
        api("campus_staff"),
        "milestones",
        {
            "campus": _id(campus_a),
            "organization": _id(resident_org),
            "kind": "market_reach",
            "title": "Devices in 470 hospitals",
            "occurred_on": "2021-06-01",
            "date_precision": "month",
            "value": "470",
            "unit": "hospitals",
        },
        {"value": 480},
    )
    assert record["value"] == "480.00" and record["date_precision"] == "month"


def test_programmes_and_targets_with_observations(api, campus_a, resident_org):
    client = api("campus_staff")
    programme = _life(
        client,
        "programmes",
        {"campus": _id(campus_a), "name": "Screen one million people", "organizations": [_id(resident_org)]},
        {"starts_on": "2020-01-01", "ends_on": "2021-12-31"},
        deletable=False,  # there is no programme_delete service
    )
    target = _life(
        client,
        "targets",
        {
            "campus": _id(campus_a),
            "programme": programme["id"],
            "metric": "people screened",
            "unit": "people",
            "goal": 1_000_000,
            "due_on": "2021-12-31",
            "observations": [{"observed_on": "2021-03-31", "value": 120000}],
        },
        {"observations": [{"observed_on": "2021-06-30", "value": 250000}]},
        deletable=False,  # there is no target_delete service
    )
    assert target["programme"]["name"] == "Screen one million people"
    assert [observation["value"] for observation in target["observations"]] == ["120000.00", "250000.00"]
    corrected = client.post(f"/targets/{target['id']}/observations", {"observed_on": "2021-06-30", "value": 260000})
    assert [observation["value"] for observation in corrected.json()["observations"]] == ["120000.00", "260000.00"]


def test_funding_rounds_with_investors(api, campus_a, resident_org, partner_org):
    investor = OrganizationFactory(name="Hill Capital", kind="investor")
    record = _life(
        api("campus_staff"),
        "funding-rounds",
        {
            "campus": _id(campus_a),
            "recipient": _id(resident_org),
            "round_type": "series_a",
            "amount": "10000000",
            "currency": "USD",
            "announced_on": "2021-03-01",
            "investors": [{"investor": _id(investor), "is_lead": True}, {"investor": _id(partner_org)}],
        },
        {"investors": [{"investor": _id(partner_org), "is_lead": True}]},
    )
    assert record["investors"] == [
        {"investor": {"id": _id(partner_org), "name": "Pharma Partner"}, "is_lead": True, "amount": None}
    ]


def test_campuses_are_read_and_changed_by_their_admins(api, campus_a, campus_b, resident_org):
    client = api("campus_admin")
    campus = client.get(f"/campuses/{campus_a.public_id}")
    assert campus.json()["slug"] == "campus-a" and campus.json()["city"] == "Wuxi"
    changed = client.patch(
        f"/campuses/{campus_a.public_id}",
        {"sister_campuses": [_id(campus_b)], "operators": [{"organization": _id(resident_org), "role": "operator"}]},
        headers={"If-Match": campus["ETag"]},
    ).json()
    assert changed["sister_campuses"][0]["slug"] == "campus-b"
    assert changed["operators"] == [
        {"organization": {"id": _id(resident_org), "name": "Teddy Lab"}, "role": "operator"}
    ]
    assert_error(
        client.patch(f"/campuses/{campus_a.public_id}", {"opened_on": "2020-01-01", "operational_on": "2019-01-01"}),
        422,
    )
    assert client.get("/campuses", search="campus-b").json()["results"][0]["slug"] == "campus-b"


def test_fields_and_me(api, users):
    fields = api("partner").get("/fields").json()
    assert fields and {"slug", "name", "name_zh", "parent"} == set(fields[0])
    me = api("resident_member").get("/me").json()
    assert me["memberships"][0]["role"] == "resident_member"
    assert me["memberships"][0]["organization"]["name"] == "Teddy Lab"
