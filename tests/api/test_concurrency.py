"""Optimistic concurrency: a GET returns an ETag; a write with a stale If-Match gets 412 and changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import AgreementFactory, FundingRoundFactory, MilestoneFactory, OrganizationFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_an_update_with_the_current_etag_goes_through_and_gets_a_new_one(api, resident_org):
    client = api("campus_staff")
    read = client.get(f"/organizations/{resident_org.public_id}")
    etag = read["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    updated = client.patch(f"/organizations/{resident_org.public_id}", {"city": "Suzhou"}, headers={"If-Match": etag})

    assert updated.status_code == 200
    assert updated["ETag"] != etag
    assert updated["ETag"] == client.get(f"/organizations/{resident_org.public_id}")["ETag"]


def test_a_stale_if_match_gets_412_and_changes_nothing(api, resident_org, db_rows):
    client = api("campus_staff")
    stale = client.get(f"/organizations/{resident_org.public_id}")["ETag"]
    client.patch(f"/organizations/{resident_org.public_id}", {"city": "Suzhou"})  # someone else's change
    before = db_rows()

    response = client.patch(
        f"/organizations/{resident_org.public_id}", {"city": "Nanjing"}, headers={"If-Match": stale}
    )

    error = assert_error(response, 412, "precondition_failed")
    assert "GET it again" in error["message"]
    assert db_rows() == before
    resident_org.refresh_from_db()
    assert resident_org.city == "Suzhou"


def test_a_stale_if_match_protects_deletes_too(api, campus_a, resident_org):
    milestone = MilestoneFactory(campus=campus_a, organization=resident_org)
    client = api("campus_staff")
    stale = client.get(f"/milestones/{milestone.public_id}")["ETag"]
    client.patch(f"/milestones/{milestone.public_id}", {"title": "Devices in 480 hospitals"})

    assert_error(client.delete(f"/milestones/{milestone.public_id}", headers={"If-Match": stale}), 412)
    assert client.get(f"/milestones/{milestone.public_id}").status_code == 200

    fresh = client.get(f"/milestones/{milestone.public_id}")["ETag"]
    assert client.delete(f"/milestones/{milestone.public_id}", headers={"If-Match": fresh}).status_code == 204


def test_without_if_match_the_write_goes_ahead(api, resident_org):
    client = api("campus_staff")
    client.get(f"/organizations/{resident_org.public_id}")
    client.patch(f"/organizations/{resident_org.public_id}", {"city": "Suzhou"})
    assert client.patch(f"/organizations/{resident_org.public_id}", {"city": "Nanjing"}).status_code == 200


def test_star_matches_any_version_and_weak_or_listed_tags_follow_rfc_9110(api, resident_org):
    client = api("campus_staff")
    path = f"/organizations/{resident_org.public_id}"
    etag = client.get(path)["ETag"]

    assert_error(client.patch(path, {"city": "A"}, headers={"If-Match": f"W/{etag}"}), 412)  # weak never matches
    assert client.patch(path, {"city": "B"}, headers={"If-Match": f'"other", {etag}'}).status_code == 200
    assert client.patch(path, {"city": "C"}, headers={"If-Match": "*"}).status_code == 200
    assert_error(client.patch(path, {"city": "D"}, headers={"If-Match": "no quotes"}), 422)


def test_the_etag_changes_when_only_child_rows_change(api, campus_a, resident_org, partner_org, neighbour_org):
    """Parties and investors live in their own tables: the agreement's updated_at does not move."""
    agreement = AgreementFactory(campus=campus_a, parties=[resident_org, partner_org])
    funding_round = FundingRoundFactory(campus=campus_a, recipient=resident_org, investors=[partner_org])
    client = api("campus_staff")

    for path, change in (
        (
            f"/agreements/{agreement.public_id}",
            {
                "parties": [
                    {"organization": str(resident_org.public_id)},
                    {"organization": str(neighbour_org.public_id)},
                ]
            },
        ),
        (f"/funding-rounds/{funding_round.public_id}", {"investors": [{"investor": str(neighbour_org.public_id)}]}),
    ):
        etag = client.get(path)["ETag"]
        assert client.patch(path, change).status_code == 200
        assert client.get(path)["ETag"] != etag, path
        assert_error(
            client.patch(path, {"summary" if "agreements" in path else "description": "x"}, headers={"If-Match": etag}),
            412,
        )


def test_every_record_read_has_an_etag_that_a_no_op_patch_keeps(api, campus_a, resident_org):
    organization = OrganizationFactory(name="Quiet Co")
    client = api("superuser")
    etag = client.get(f"/organizations/{organization.public_id}")["ETag"]
    response = client.patch(f"/organizations/{organization.public_id}", {}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] == etag  # nothing changed, so it is the same version
