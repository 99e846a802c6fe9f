"""Each role through the API: what it reads (and what never leaks) and what it may change.

The records: at campus A, one of each kind involving the resident member's organisation (Teddy Lab) and
one involving only its neighbour; at campus B, one of each kind of its own resident.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingRoundFactory,
    MilestoneFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    ShowcaseFactory,
    TargetFactory,
)

from .conftest import assert_error

pytestmark = pytest.mark.django_db

CAMPUS_SCOPED = ("residencies", "agreements", "events", "milestones", "programmes", "targets", "funding-rounds")
REGISTRY = ("organizations", "people", "campuses")
ROLES = ("superuser", "campus_admin", "campus_staff", "resident_member", "partner", "government", "resident_b")


def _records_of(campus, organization, partner) -> dict[str, str]:
    """One record of each campus-scoped kind at `campus` involving `organization`; their public ids."""
    event = EventFactory(campus=campus)
    ShowcaseFactory(event=event, organization=organization)
    records = {
        "residencies": organization.residencies.get(campus=campus),
        "agreements": AgreementFactory(campus=campus, parties=[organization, partner]),
        "events": event,
        "milestones": MilestoneFactory(campus=campus, organization=organization),
        "programmes": ProgrammeFactory(campus=campus, organizations=[organization]),
        "targets": TargetFactory(campus=campus, organization=organization),
        "funding-rounds": FundingRoundFactory(campus=campus, recipient=organization, investors=[partner]),
    }
    return {kind: str(record.public_id) for kind, record in records.items()}


@pytest.fixture
def world(users, campus_a, campus_b, resident_org, neighbour_org, resident_org_b, partner_org):
    PersonFactory(organization=resident_org)
    PersonFactory(organization=resident_org_b)
    own = _records_of(campus_a, resident_org, partner_org)
    neighbour = _records_of(campus_a, neighbour_org, partner_org)
    # An event the resident member's organisation only took part in: visible to it through participation.
    participated = EventFactory(campus=campus_a)
    ParticipationFactory(event=participated, organization=resident_org)
    own_events = {own["events"], str(participated.public_id)}
    other = _records_of(campus_b, resident_org_b, partner_org)

    def ids(*sets, kind):
        found = set()
        for records in sets:
            found |= {records[kind]} if isinstance(records, dict) else records
        return found

    visible = {}
    for kind in CAMPUS_SCOPED:
        extra_a = {str(participated.public_id)} if kind == "events" else set()
        all_a = ids(own, neighbour, kind=kind) | extra_a
        visible[kind] = {
            "superuser": all_a | ids(other, kind=kind),
            "campus_admin": all_a,
            "campus_staff": all_a,
            "partner": all_a,
            "government": all_a,
            "resident_member": own_events if kind == "events" else {own[kind]},
            "resident_b": {other[kind]},
            "no_membership": set(),
        }
    return SimpleNamespace(own=own, neighbour=neighbour, other=other, visible=visible)


def _all_ids(client, path: str) -> set[str]:
    ids, url = set(), path
    while url:
        page = client.get(url, limit=200)
        assert page.status_code == 200, page.content
        body = page.json()
        ids |= {record["id"] for record in body["results"]}
        url = body["next"]
    return ids


@pytest.mark.parametrize("role", [*ROLES, "no_membership"])
def test_lists_show_exactly_what_the_role_may_read(api, world, role):
    client = api(role)
    for kind in CAMPUS_SCOPED:
        assert _all_ids(client, f"/{kind}") == world.visible[kind][role], kind


@pytest.mark.parametrize("role", [*ROLES, "no_membership"])
def test_records_the_role_may_not_read_are_404_as_if_they_did_not_exist(api, world, role):
    client = api(role)
    for kind in CAMPUS_SCOPED:
        for public_id in {world.own[kind], world.neighbour[kind], world.other[kind]}:
            response = client.get(f"/{kind}/{public_id}")
            if public_id in world.visible[kind][role]:
                assert response.status_code == 200, (kind, response.content)
            else:
                error = assert_error(response, 404, "not_found")
                assert "may not see it" in error["message"]


def test_a_resident_member_sees_nothing_of_its_neighbour_or_of_another_campus(api, world, resident_org):
    client = api("resident_member")
    for kind in CAMPUS_SCOPED:
        listed = _all_ids(client, f"/{kind}")
        assert world.neighbour[kind] not in listed and world.other[kind] not in listed
    # Filtering by the neighbour does not reveal its records either.
    neighbour_id = client.get("/organizations", search="Neighbour").json()["results"][0]["id"]
    for kind in ("agreements", "milestones", "funding-rounds", "residencies"):
        key = "recipient" if kind == "funding-rounds" else "organization"
        assert client.get(f"/{kind}", **{key: neighbour_id}).json()["results"] == []


@pytest.mark.parametrize("role", ROLES)
def test_the_registry_is_shared_by_every_member(api, world, role):
    client = api(role)
    for kind in REGISTRY:
        assert client.get(f"/{kind}").json()["results"], kind


def test_a_user_without_membership_reads_nothing(api, world):
    client = api("no_membership")
    for kind in (*REGISTRY, *CAMPUS_SCOPED):
        assert client.get(f"/{kind}").json()["results"] == [], kind


# --- writes --------------------------------------------------------------------------------------------


def _agreement_at(campus, *organizations) -> dict:
    return {
        "campus": str(campus.public_id),
        "title": "Joint screening programme",
        "type": "cooperation",
        "parties": [{"organization": str(organization.public_id)} for organization in organizations],
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("superuser", 201),
        ("campus_admin", 201),
        ("campus_staff", 201),
        ("resident_member", 403),
        ("partner", 403),
        ("government", 403),
        ("resident_b", 403),
        ("no_membership", 422),  # it sees no campus and no organisation to name
    ],
)
def test_who_may_record_an_agreement_at_campus_a(api, db_rows, campus_a, resident_org, partner_org, role, status):
    client = api(role)
    before = db_rows()
    response = client.post("/agreements", _agreement_at(campus_a, resident_org, partner_org))
    assert response.status_code == status, response.content
    if status != 201:
        assert_error(response, status)
        assert db_rows() == before


@pytest.mark.parametrize(
    ("role", "own", "neighbour"),
    [
        ("superuser", 200, 200),
        ("campus_admin", 200, 200),
        ("campus_staff", 200, 200),
        ("resident_member", 200, 403),  # its own profile only
        ("partner", 403, 403),
        ("government", 403, 403),
        ("resident_b", 403, 403),
        ("no_membership", 404, 404),
    ],
)
def test_who_may_change_an_organisation(api, resident_org, neighbour_org, users, role, own, neighbour):
    client = api(role)
    assert client.patch(f"/organizations/{resident_org.public_id}", {"city": "Suzhou"}).status_code == own
    assert client.patch(f"/organizations/{neighbour_org.public_id}", {"city": "Suzhou"}).status_code == neighbour
    resident_org.refresh_from_db()
    assert (resident_org.city == "Suzhou") == (own == 200)


def test_a_resident_member_cannot_hand_its_organisation_to_another_campus(api, resident_org, campus_b):
    response = api("resident_member").patch(
        f"/organizations/{resident_org.public_id}", {"steward": str(campus_b.public_id)}
    )
    assert "steward" in assert_error(response, 422)["fields"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("superuser", 200),
        ("campus_admin", 200),
        ("campus_staff", 403),
        ("resident_member", 403),
        ("partner", 403),
        ("government", 403),
        ("resident_b", 403),
        ("no_membership", 404),
    ],
)
def test_only_campus_admins_change_their_campus(api, campus_a, role, status):
    response = api(role).patch(f"/campuses/{campus_a.public_id}", {"operational_on": "2020-06-01"})
    assert response.status_code == status, response.content


def test_a_campus_admin_cannot_change_another_campus(api, campus_b):
    assert_error(api("campus_admin").patch(f"/campuses/{campus_b.public_id}", {"operational_on": "2020-06-01"}), 403)


@pytest.mark.parametrize("role", ["partner", "government"])
def test_read_only_viewers_get_403_on_every_kind_of_write(api, world, db_rows, campus_a, resident_org, role):
    client = api(role)
    before = db_rows()
    attempts = [
        client.post("/organizations", {"name": "Viewer Bio", "kind": "company"}),
        client.post("/people", {"name": "A Person"}),
        client.post("/agreements", _agreement_at(campus_a, resident_org, resident_org)),
        client.post(
            "/milestones",
            {
                "campus": str(campus_a.public_id),
                "organization": str(resident_org.public_id),
                "kind": "other",
                "title": "x",
            },
        ),
    ]
    for kind in CAMPUS_SCOPED:
        attempts.append(client.patch(f"/{kind}/{world.own[kind]}", {}))
    for kind in ("residencies", "agreements", "events", "milestones", "funding-rounds"):
        attempts.append(client.delete(f"/{kind}/{world.own[kind]}"))
    attempts.append(client.delete(f"/organizations/{resident_org.public_id}"))
    for response in attempts:
        assert_error(response, 403, "permission_denied")
    assert db_rows() == before


def test_campus_staff_cannot_write_at_another_campus(api, world, db_rows, campus_b, resident_org_b, partner_org):
    client = api("campus_staff")
    before = db_rows()
    assert_error(client.post("/agreements", _agreement_at(campus_b, resident_org_b, partner_org)), 403)
    for kind in CAMPUS_SCOPED:  # campus B's records are not even visible to campus A's staff
        assert_error(client.patch(f"/{kind}/{world.other[kind]}", {}), 404)
    assert db_rows() == before
