"""API of progress: target and programme progress, deletes, evidence, exchange rates, converted amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from biocampus.progress.models import ExchangeRate, MilestoneEvidence, Observation, Programme, Target
from biocampus.progress.services import evidence_add, exchange_rate_set
from tests.factories import FundingRoundFactory, MilestoneFactory, ObservationFactory, ProgrammeFactory, TargetFactory

from .conftest import PDF, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(campus_a, resident_org):
    programme = ProgrammeFactory(campus=campus_a, organizations=[resident_org])
    target = TargetFactory(
        campus=campus_a, programme=programme, organization=None, goal=Decimal(1000),
        starts_on=datetime.date(2021, 1, 1), due_on=datetime.date(2099, 1, 1),
    )  # fmt: skip
    ObservationFactory(target=target, observed_on=datetime.date(2021, 6, 1), value=Decimal(400))
    return target


@pytest.fixture
def milestone(campus_a, resident_org):
    return MilestoneFactory(campus=campus_a, organization=resident_org)


def test_a_target_shows_its_progress(api, target):
    body = api("partner").get(f"/targets/{target.public_id}").json()
    progress = body["progress"]
    assert progress["status"] in {"on_track", "behind"}
    assert (progress["latest_value"], progress["latest_on"]) == ("400.00", "2021-06-01")
    assert Decimal(progress["fraction"]) == Decimal("0.4")
    assert progress["starts_on"] == "2021-01-01"


def test_a_programme_shows_each_targets_progress(api, target):
    body = api("campus_staff").get(f"/programmes/{target.programme.public_id}").json()
    assert body["progress"]["status"] in {"on_track", "behind"}
    (entry,) = body["progress"]["targets"]
    assert entry["target"]["id"] == str(target.public_id)
    assert entry["progress"]["latest_value"] == "400.00"


def test_recording_an_observation_moves_the_progress(api, target):
    response = api("campus_staff").post(
        f"/targets/{target.public_id}/observations", {"observed_on": "2021-07-01", "value": 1000}
    )
    assert response.status_code == 200
    assert response.json()["progress"]["status"] == "achieved"


def test_staff_delete_targets_and_programmes(api, target):
    client = api("campus_staff")
    etag = client.get(f"/targets/{target.public_id}")["ETag"]
    assert client.delete(f"/targets/{target.public_id}", headers={"If-Match": etag}).status_code == 204
    assert not Target.objects.exists() and not Observation.objects.exists()
    assert client.delete(f"/programmes/{target.programme.public_id}").status_code == 204
    assert not Programme.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("resident_member", 403), ("partner", 403), ("resident_b", 404)])
def test_others_cannot_delete(api, target, role, status, db_rows):
    api(role)  # its token first: the rows it adds are not the test's
    before = db_rows()
    assert_error(api(role).delete(f"/targets/{target.public_id}"), status)
    assert_error(api(role).delete(f"/programmes/{target.programme.public_id}"), status)
    assert db_rows() == before


def test_evidence_by_link_by_file_download_and_removal(api, users, milestone):
    client = api("campus_staff")
    linked = client.post(
        f"/milestones/{milestone.public_id}/evidence", {"url": "https://example.org/report", "title": "Report"}
    )
    assert linked.status_code == 200
    (link,) = linked.json()["evidence"]
    assert (link["title"], link["url"], link["download"]) == ("Report", "https://example.org/report", None)
    evidence_add(actor=users.campus_staff, milestone=milestone, file=SimpleUploadedFile("cert.pdf", PDF), note="scan")
    shown = client.get(f"/milestones/{milestone.public_id}").json()
    document = next(e for e in shown["evidence"] if e["file_name"])
    assert (document["title"], document["note"]) == ("cert.pdf", "scan")
    download = api("resident_member").get(document["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert_error(api("resident_b").get(document["download"]), 404)
    assert client.delete(f"/milestones/{milestone.public_id}/evidence/{document['id']}").status_code == 204
    assert MilestoneEvidence.objects.count() == 1


def test_bad_evidence_is_refused_with_422_and_nothing_saved(api, milestone, db_rows):
    client = api("campus_staff")
    before = db_rows()
    error = assert_error(client.post(f"/milestones/{milestone.public_id}/evidence", {"url": "javascript:x"}), 422)
    assert "url" in error["fields"]
    assert db_rows() == before


def test_readers_cannot_add_evidence(api, milestone, db_rows):
    api("resident_member"), api("resident_b")
    before = db_rows()
    assert_error(
        api("resident_member").post(f"/milestones/{milestone.public_id}/evidence", {"url": "https://x.org"}), 403
    )
    assert_error(api("resident_b").post(f"/milestones/{milestone.public_id}/evidence", {"url": "https://x.org"}), 404)
    assert db_rows() == before


def test_exchange_rates_are_read_by_members_and_kept_by_superusers(api, db_rows):
    root = api("superuser")
    created = root.post("/exchange-rates", {"currency": "CNY", "rate": "0.14", "valid_from": "2020-01-01"})
    assert created.status_code == 201
    rate_id = created.json()["id"]
    assert created.json()["reporting_currency"] == "USD"
    listed = api("resident_member").get("/exchange-rates", currency="CNY").json()
    assert [r["id"] for r in listed["results"]] == [rate_id]
    api("campus_admin"), api("no_membership")  # their tokens first: those rows are not the test's
    before = db_rows()
    assert_error(
        api("campus_admin").post("/exchange-rates", {"currency": "EUR", "rate": 1, "valid_from": "2020-01-01"}), 403
    )
    assert_error(api("campus_admin").patch(f"/exchange-rates/{rate_id}", {"rate": 1}), 403)
    assert_error(api("campus_admin").delete(f"/exchange-rates/{rate_id}"), 403)
    assert_error(api("no_membership").get(f"/exchange-rates/{rate_id}"), 404)
    assert db_rows() == before
    assert root.patch(f"/exchange-rates/{rate_id}", {"rate": "0.145"}).json()["rate"] == "0.1450000000"
    assert root.delete(f"/exchange-rates/{rate_id}").status_code == 204
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"currency": "USD", "rate": 1, "valid_from": "2020-01-01"},
        {"currency": "cny", "rate": 1, "valid_from": "2020-01-01"},
        {"currency": "CNY", "rate": 0, "valid_from": "2020-01-01"},
        {"currency": "CNY", "rate": 1, "valid_from": "yesterday"},
    ],
)
def test_bad_rates_are_refused_with_422(api, body, db_rows):
    api("superuser")
    before = db_rows()
    assert_error(api("superuser").post("/exchange-rates", body), 422)
    assert db_rows() == before


def test_funding_rounds_show_the_amount_converted(api, users, campus_a, resident_org):
    exchange_rate_set(actor=users.superuser, currency="CNY", valid_from=datetime.date(2020, 1, 1), rate=Decimal("0.14"))
    converted = FundingRoundFactory(campus=campus_a, recipient=resident_org, amount=Decimal(1_000_000), currency="CNY")
    unknown = FundingRoundFactory(campus=campus_a, recipient=resident_org, amount=Decimal(1), currency="JPY")
    body = api("campus_staff").get(f"/funding-rounds/{converted.public_id}").json()
    assert (body["amount_converted"], body["reporting_currency"]) == ("140000.00", "USD")
    assert body["conversion"] == {"rate": "0.1400000000", "rate_valid_from": "2020-01-01", "approximate": False}
    other = api("campus_staff").get(f"/funding-rounds/{unknown.public_id}").json()
    assert (other["amount_converted"], other["conversion"]) == (None, None)
    items = api("campus_staff").get("/funding-rounds").json()["results"]
    assert {i["amount_converted"] for i in items} == {"140000.00", None}


def test_evidence_listed_in_the_milestone(api, milestone, staff):
    evidence_add(actor=staff, milestone=milestone, url="https://example.org/x", title="X")
    body = api("government").get(f"/milestones/{milestone.public_id}").json()
    assert [e["title"] for e in body["evidence"]] == ["X"]
