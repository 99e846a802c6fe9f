"""Pages of programmes, targets, evidence, exchange rates and funding: what each role sees and may do."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from biocampus.progress.models import ExchangeRate, MilestoneEvidence, Observation, Programme, Target
from biocampus.progress.services import evidence_add, exchange_rate_set
from tests.factories import (
    FundingRoundFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    ProgrammeFactory,
    TargetFactory,
)

from .conftest import PDF

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def programme(campus_a, resident_org, neighbour_org):
    programme = ProgrammeFactory(
        campus=campus_a, name="One million screened", organizations=[resident_org, neighbour_org]
    )
    target = TargetFactory(
        campus=campus_a,
        programme=programme,
        organization=None,
        goal=Decimal(1_000_000),
        starts_on=datetime.date(2020, 11, 6),
        due_on=datetime.date(2099, 11, 6),
    )
    ObservationFactory(target=target, observed_on=datetime.date(2021, 6, 30), value=Decimal(250_000))
    return programme


@pytest.fixture
def target(programme):
    return programme.targets.get()


@pytest.fixture
def milestone(campus_a, resident_org):
    return MilestoneFactory(campus=campus_a, organization=resident_org, title="Qualified testing laboratory")


# --- programmes and targets -----------------------------------------------------------------------------


def test_programme_page_shows_organisations_and_each_target_with_a_bar_and_status(users, programme):
    page = client_for(users.partner).get(programme.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Teddy Lab" in html and "Neighbour Bio" in html
    assert '<progress value="25" max="100"' in html
    assert "Latest: 250,000 people on 2021-06-30 (25% of the way)" in html
    assert "Expected by" in html
    assert "status-" in html
    assert "Delete" not in html  # a partner deletes nothing


def test_programme_and_target_lists_show_progress(users, programme):
    for path in ("/programmes/", "/targets/"):
        html = client_for(users.campus_staff).get(path).content.decode()
        assert '<progress value="25" max="100"' in html, path
        assert "badge status-" in html, path


def test_target_page_has_the_chart_the_table_and_the_form_for_staff(users, target):
    html = client_for(users.campus_staff).get(target.get_absolute_url()).content.decode()
    assert "<svg" in html and "<polyline" in html
    assert "2021-06-30" in html and "250,000" in html
    assert 'id="record-observation"' in html
    partner_html = client_for(users.partner).get(target.get_absolute_url()).content.decode()
    assert "<svg" in partner_html and 'id="record-observation"' not in partner_html


def test_staff_record_an_observation_from_the_target_page(users, target):
    url = f"/targets/{target.public_id}/observations/"
    response = client_for(users.campus_staff).post(
        url, {"observed_on": "2021-09-30", "value": "600000", "note": "Q3 report"}
    )
    assert response.status_code == 302
    page = client_for(users.campus_staff).get(target.get_absolute_url()).content.decode()
    assert '<progress value="60" max="100"' in page
    entry = Observation.history.filter(value=Decimal(600000)).get()
    assert entry.history_user == users.campus_staff


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_readers_cannot_record_observations(users, role, target, db_rows):
    before = db_rows()
    response = client_for(getattr(users, role)).post(
        f"/targets/{target.public_id}/observations/", {"observed_on": "2021-09-30", "value": "1"}
    )
    assert response.status_code in (403, 404)
    assert db_rows() == before


def test_a_bad_observation_shows_the_message_and_saves_nothing(users, target, db_rows):
    before = db_rows()
    response = client_for(users.campus_staff).post(
        f"/targets/{target.public_id}/observations/", {"observed_on": "not a date", "value": "many"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter a valid date." in html and "Enter a number." in html
    assert db_rows() == before


def test_deleting_a_programme_asks_first_then_deletes(users, programme):
    client = client_for(users.campus_admin)
    confirm = client.get(f"/programmes/{programme.public_id}/delete/")
    assert confirm.status_code == 200
    assert "1 target(s) and their observations are deleted with it" in confirm.content.decode()
    assert Programme.objects.exists()
    response = client.post(f"/programmes/{programme.public_id}/delete/")
    assert response.status_code == 302 and response["Location"] == "/programmes/"
    assert not Programme.objects.exists() and not Target.objects.exists()


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_readers_cannot_delete(users, role, programme, target, db_rows):
    before = db_rows()
    client = client_for(getattr(users, role))
    for path in (f"/programmes/{programme.public_id}/delete/", f"/targets/{target.public_id}/delete/"):
        assert client.get(path).status_code in (403, 404)
        assert client.post(path).status_code in (403, 404)
    assert db_rows() == before


def test_staff_delete_a_target(users, target):
    response = client_for(users.campus_staff).post(f"/targets/{target.public_id}/delete/")
    assert response.status_code == 302
    assert not Target.objects.exists()


def test_another_campus_sees_nothing(users, programme, target):
    client = client_for(users.resident_b)
    assert client.get(programme.get_absolute_url()).status_code == 404
    assert client.get(target.get_absolute_url()).status_code == 404


# --- evidence -------------------------------------------------------------------------------------------


def test_staff_upload_evidence_and_readers_download_it(users, milestone):
    staff = client_for(users.campus_staff)
    upload = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    response = staff.post(f"/milestones/{milestone.public_id}/evidence/", {"title": "CNAS certificate", "file": upload})
    assert response.status_code == 302
    evidence = MilestoneEvidence.objects.get()
    html = staff.get(milestone.get_absolute_url()).content.decode()
    assert "CNAS certificate" in html and evidence.get_download_url() in html
    # the resident member of the organisation reads its milestone, and so its evidence
    download = client_for(users.resident_member).get(evidence.get_download_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["resident_b", "no_membership"])
def test_evidence_files_are_not_handed_to_those_who_cannot_read_the_milestone(users, role, milestone, staff):
    evidence = evidence_add(actor=staff, milestone=milestone, file=SimpleUploadedFile("c.pdf", PDF))
    assert client_for(getattr(users, role)).get(evidence.get_download_url()).status_code == 404


def test_a_neighbours_member_cannot_download_either(users, campus_a, neighbour_org, staff):
    other = MilestoneFactory(campus=campus_a, organization=neighbour_org)
    evidence = evidence_add(actor=staff, milestone=other, file=SimpleUploadedFile("c.pdf", PDF))
    assert client_for(users.resident_member).get(evidence.get_download_url()).status_code == 404


def test_a_bad_upload_shows_the_message_and_saves_nothing(users, milestone, db_rows):
    before = db_rows()
    upload = SimpleUploadedFile("script.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client_for(users.campus_staff).post(f"/milestones/{milestone.public_id}/evidence/", {"file": upload})
    assert response.status_code == 422
    assert "are not accepted" in response.content.decode()
    assert db_rows() == before


def test_readers_cannot_add_or_remove_evidence(users, milestone, staff, db_rows):
    evidence = evidence_add(actor=staff, milestone=milestone, url="https://example.org/report")
    before = db_rows()
    client = client_for(users.resident_member)
    assert client.post(f"/milestones/{milestone.public_id}/evidence/", {"url": "https://x.org"}).status_code == 403
    assert client.post(f"/milestones/{milestone.public_id}/evidence/{evidence.public_id}/remove/").status_code == 403
    assert db_rows() == before


def test_staff_remove_evidence(users, milestone, staff):
    evidence = evidence_add(actor=staff, milestone=milestone, url="https://example.org/report")
    response = client_for(users.campus_staff).post(
        f"/milestones/{milestone.public_id}/evidence/{evidence.public_id}/remove/"
    )
    assert response.status_code == 302
    assert not MilestoneEvidence.objects.exists()


# --- exchange rates and funding -------------------------------------------------------------------------


@pytest.fixture
def cny(users):
    return exchange_rate_set(
        actor=users.superuser, currency="CNY", valid_from=datetime.date(2020, 11, 1), rate=Decimal("0.15"),
        source="demo",
    )  # fmt: skip


def test_every_member_reads_the_rates_only_superusers_keep_them(users, cny):
    for role in ("campus_admin", "resident_member", "government"):
        html = client_for(getattr(users, role)).get("/funding/rates/").content.decode()
        assert "CNY" in html and "0.15" in html, role
        assert "/funding/rates/new/" not in html, role
        assert client_for(getattr(users, role)).get("/funding/rates/new/").status_code == 403
        assert client_for(getattr(users, role)).post(f"/funding/rates/{cny.public_id}/delete/").status_code == 403
    assert "/funding/rates/new/" in client_for(users.superuser).get("/funding/rates/").content.decode()


def test_superusers_add_edit_and_delete_rates_through_the_forms(users, cny):
    client = client_for(users.superuser)
    response = client.post("/funding/rates/new/", {"currency": "eur", "rate": "1.08", "valid_from": "2021-01-01"})
    assert response.status_code == 302
    eur = ExchangeRate.objects.get(currency="EUR")
    client.post(
        f"/funding/rates/{eur.public_id}/edit/", {"currency": "EUR", "rate": "1.09", "valid_from": "2021-01-01"}
    )
    eur.refresh_from_db()
    assert eur.rate == Decimal("1.09")
    assert client.post(f"/funding/rates/{eur.public_id}/delete/").status_code == 302
    assert not ExchangeRate.objects.filter(currency="EUR").exists()


def test_a_bad_rate_shows_the_message_and_saves_nothing(users, cny, db_rows):
    before = db_rows()
    client = client_for(users.superuser)
    response = client.post("/funding/rates/new/", {"currency": "USD", "rate": "1", "valid_from": "2021-01-01"})
    assert "reporting currency" in response.content.decode()
    response = client.post("/funding/rates/new/", {"currency": "CNY", "rate": "0.2", "valid_from": "2020-11-01"})
    assert "already has a rate from this date" in response.content.decode()
    assert db_rows() == before


def test_funding_round_page_and_list_show_the_converted_amount_and_total(users, campus_a, resident_org, cny):
    converted = FundingRoundFactory(
        campus=campus_a, recipient=resident_org, amount=Decimal(8_230_000), currency="CNY",
        announced_on=datetime.date(2021, 3, 1),
    )  # fmt: skip
    FundingRoundFactory(campus=campus_a, recipient=resident_org, amount=None, currency="USD")
    FundingRoundFactory(campus=campus_a, recipient=resident_org, amount=Decimal(5), currency="JPY")
    client = client_for(users.campus_staff)
    detail = client.get(converted.get_absolute_url()).content.decode()
    assert "≈ 1,234,500 USD (rate of 2020-11-01)" in detail
    listing = client.get("/funding/").content.decode()
    assert "≈ 1,234,500 USD" in listing
    assert "not converted" in listing
    assert "Total: ≈ 1,234,500 USD" in listing
    assert "2 left out: no amount or no exchange rate" in listing


def test_the_organisation_timeline_shows_evidence_amounts_and_investors(users, campus_a, resident_org, milestone,
                                                                         staff, cny):  # fmt: skip
    evidence_add(actor=staff, milestone=milestone, url="https://example.org/cert", title="Accreditation notice")
    lead = OrganizationFactory(name="Lead Capital")
    FundingRoundFactory(
        campus=campus_a, recipient=resident_org, amount=Decimal(1_000_000), currency="CNY",
        investors=[{"investor": lead, "is_lead": True}, OrganizationFactory(name="Follow Fund")],
    )  # fmt: skip
    html = client_for(users.campus_staff).get(resident_org.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert "Qualified testing laboratory" in timeline
    assert 'href="https://example.org/cert"' in timeline and "Accreditation notice" in timeline
    assert "470 hospitals" in timeline
    assert "1,000,000 CNY ≈ 150,000 USD" in timeline
    assert 'Lead Capital</a> <span class="muted">(lead investor)</span>' in timeline
    assert "Follow Fund" in timeline
