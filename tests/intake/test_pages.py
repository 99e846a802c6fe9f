"""The intake's pages: the public form (no login, spam-resistant, safe with any input), the board, an
application's page with reviews and decisions, the criteria, and the file downloads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from biocampus.campuses.choices import ResidencyStatus
from biocampus.directory.models import Organization
from biocampus.intake import services
from biocampus.intake.choices import ApplicationStatus
from biocampus.intake.models import Application, ApplicationAttachment, Decision, IntakeCriterion, Review

from .conftest import applicant, pdf

pytestmark = pytest.mark.django_db

STAFF_ROLES = ["campus_admin", "campus_staff", "superuser"]
OTHER_ROLES = ["resident_member", "partner", "government", "resident_b", "no_membership"]


def form_data(**overrides) -> dict:
    data = applicant(**overrides)
    data["needs"] = data["needs"]
    return {key: value for key, value in data.items() if value is not None}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def apply_url(campus_a):
    return reverse("intake:apply", kwargs={"slug": campus_a.slug})


# --- the public form --------------------------------------------------------------------------------


def test_the_form_is_public_and_shows_the_campus_and_its_criteria(client, apply_url, criteria):
    response = client.get(apply_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Apply to Campus A" in page and "Scientific merit" in page
    assert 'name="homepage"' in page and 'name="csrfmiddlewaretoken"' in page


def test_an_unknown_campus_is_404(client):
    assert client.get("/apply/no-such-campus/").status_code == 404


def test_submitting_shows_the_reference_and_emails_it(client, apply_url, campus_a, django_capture_on_commit_callbacks):
    data = {**form_data(), "attachments": [pdf()]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url, data, follow=True, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.campus == campus_a and application.needs == ["lab_space", "certification"]
    assert application.reference in response.content.decode()
    assert application.attachments.count() == 1
    assert application.language == "en"
    assert len(mail.outbox) == 1 and application.reference in mail.outbox[0].subject


def test_the_thanks_page_needs_a_submission(client, campus_a):
    response = client.get(reverse("intake:apply_thanks", kwargs={"slug": campus_a.slug}))
    assert response.status_code == 302


def test_the_honeypot_answers_like_success_and_saves_nothing(client, apply_url):
    response = client.post(apply_url, {**form_data(), "homepage": "http://spam.example"}, follow=True)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert Application.objects.count() == 0
    assert len(mail.outbox) == 0


def test_too_many_applications_from_one_address_get_429(client, apply_url, settings):
    settings.BIOCAMPUS_INTAKE_APPLICATIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(apply_url, form_data(), REMOTE_ADDR="192.0.2.9").status_code == 302
    response = client.post(apply_url, form_data(), REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert "in the last hour" in response.content.decode()
    assert Application.objects.count() == 2
    # Another address is not held up.
    assert client.post(apply_url, form_data(), REMOTE_ADDR="192.0.2.10").status_code == 302


def test_csrf_stays_on(apply_url):
    client = Client(enforce_csrf_checks=True)
    response = client.post(apply_url, form_data())
    assert response.status_code == 403
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"company_name": "Bad\x00Name"}, "Null characters are not allowed"),
        ({"summary": ""}, "This field is required"),
        ({"contact_email": "nope"}, "valid email"),
        ({"needs": ["castle"]}, "not one of the available choices"),
        ({"website": "javascript:alert(1)"}, "valid URL"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, apply_url, overrides, message):
    response = client.post(apply_url, form_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Application.objects.count() == 0


def test_html_in_any_field_is_shown_as_text(client, apply_url, users):
    client.post(apply_url, form_data(company_name="<img src=x onerror=alert(1)>"))
    application = Application.objects.get()
    page = client_for(users.campus_staff).get(application.get_absolute_url()).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_bad_file_gets_a_clear_message(client, apply_url):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(apply_url, {**form_data(), "attachments": [upload]})
    assert response.status_code == 422
    assert "are not accepted" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_50_mb_file_is_refused_by_its_size_with_a_clear_message(client, apply_url):
    big = SimpleUploadedFile("deck.pdf", b"%PDF-" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    response = client.post(apply_url, {**form_data(), "attachments": [big]})
    assert response.status_code == 422
    assert "the limit is 20.0 MB" in response.content.decode()
    assert Application.objects.count() == 0 and ApplicationAttachment.objects.count() == 0


def test_a_body_beyond_every_limit_gets_a_readable_page(client, apply_url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(apply_url, form_data(summary="x" * 5000))
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_declared_length_beyond_every_limit_is_refused_before_reading(apply_url, settings):
    settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 100
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = Client().post(apply_url, {**form_data(), "attachments": [pdf(content=b"%PDF-" + b"0" * 2000)]})
    assert response.status_code == 413


# --- the board and an application's page ------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_team_sees_the_board(users, application, role):
    response = client_for(getattr(users, role)).get(reverse("intake:application_board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.reference in page and "Helix Diagnostics GmbH" in page
    assert "/apply/campus-a/" in page


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_others_are_refused_the_board_and_the_application(users, application, role):
    client = client_for(getattr(users, role))
    assert client.get(reverse("intake:application_board")).status_code == 403
    assert client.get(application.get_absolute_url()).status_code == 404


def test_the_board_searches_and_filters_by_campus(users, submit, campus_b):
    mine = submit(company_name="Alpha Bio")
    submit(company_name="Beta Med")
    submit(campus=campus_b, company_name="Gamma Chengdu")
    client = client_for(users.superuser)
    page = client.get(reverse("intake:application_board"), {"campus": "campus-a", "q": "alpha"}).content.decode()
    assert mine.reference in page and "Beta Med" not in page and "Gamma Chengdu" not in page
    page = client.get(reverse("intake:application_board"), {"campus": "campus-b"}).content.decode()
    assert "Gamma Chengdu" in page and "Alpha Bio" not in page


def test_anonymous_visitors_are_sent_to_login(client, application):
    for url in (reverse("intake:application_board"), application.get_absolute_url(), "/applications/criteria/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_detail_page_shows_everything(users, submit, criteria):
    application = submit(attachments=[pdf()])
    services.review_save(actor=users.campus_admin, application=application, scores={criteria[0]: 4}, comment="Good")
    page = client_for(users.campus_staff).get(application.get_absolute_url()).content.decode()
    for text in ("Anna Becker", "Li Wei", "Lab space", "pitch.pdf", "Good", "Scientific merit", 'id="history"',
                 "My review", "Record the decision"):  # fmt: skip
        assert text in page, text


def test_a_review_through_the_page(users, application, criteria):
    client = client_for(users.campus_staff)
    url = reverse("intake:application_review", kwargs={"public_id": application.public_id})
    data = {f"score_{criteria[0].pk}": "5", f"score_{criteria[1].pk}": "3", "comment": "Great team"}
    response = client.post(url, data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.reviewer == users.campus_staff and review.scores.count() == 2
    page = client.get(application.get_absolute_url()).content.decode()
    assert "4.5" in page  # (5*3 + 3*1) / 4


def test_a_bad_review_says_why_and_saves_nothing(users, application, criteria):
    url = reverse("intake:application_review", kwargs={"public_id": application.public_id})
    response = client_for(users.campus_staff).post(url, {f"score_{criteria[0].pk}": "9"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert Review.objects.count() == 0


@pytest.mark.parametrize("role", ["resident_member", "partner", "government"])
def test_readers_cannot_review_or_decide(users, application, criteria, role):
    client = client_for(getattr(users, role))
    review = reverse("intake:application_review", kwargs={"public_id": application.public_id})
    decide = reverse("intake:application_decide", kwargs={"public_id": application.public_id})
    assert client.post(review, {f"score_{criteria[0].pk}": "5"}).status_code == 404
    assert client.post(decide, {"outcome": "accept", "reasons": "x"}).status_code == 404
    assert Review.objects.count() == 0 and Decision.objects.count() == 0


def test_accepting_through_the_page_creates_the_organisation_and_links_the_residency(users, application, campus_a):
    client = client_for(users.campus_staff)
    url = reverse("intake:application_decide", kwargs={"public_id": application.public_id})
    response = client.post(url, {"outcome": "accept", "reasons": "Strong science", "match": "new"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.residency.status == ResidencyStatus.SIGNED
    page = client.get(application.get_absolute_url()).content.decode()
    assert application.organization.get_absolute_url() in page
    assert application.residency.get_absolute_url() in page


def test_the_page_proposes_the_registry_match_and_accepting_it_updates_it(users, submit, resident_org):
    application = submit(company_name="Teddy Lab Co., Ltd.", website="")
    client = client_for(users.campus_staff)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Teddy Lab" in page and str(resident_org.public_id) in page
    before = Organization.objects.count()
    url = reverse("intake:application_decide", kwargs={"public_id": application.public_id})
    response = client.post(url, {"outcome": "accept", "reasons": "Known", "match": str(resident_org.public_id)})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.organization == resident_org and Organization.objects.count() == before


def test_a_decision_without_reasons_says_why(users, application):
    url = reverse("intake:application_decide", kwargs={"public_id": application.public_id})
    response = client_for(users.campus_staff).post(url, {"outcome": "decline", "reasons": ""})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert Decision.objects.count() == 0


def test_attachments_download_only_for_the_team(users, submit):
    application = submit(attachments=[pdf()])
    attachment = application.attachments.get()
    url = attachment.get_absolute_url()
    response = client_for(users.campus_staff).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for role in OTHER_ROLES:
        assert client_for(getattr(users, role)).get(url).status_code == 404, role
    assert Client().get(url).status_code == 302


def test_staff_enter_an_application_through_the_page(users, campus_a):
    client = client_for(users.campus_staff)
    assert client.get(reverse("intake:application_create")).status_code == 200
    data = {**form_data(company_name="Emailed In Ltd"), "campus": campus_a.pk, "language": "zh-hans"}
    response = client.post(reverse("intake:application_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert application.language == "zh-hans"
    assert application.history.first().history_user == users.campus_staff


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "no_membership"])
def test_others_cannot_enter_applications(users, role):
    assert client_for(getattr(users, role)).get(reverse("intake:application_create")).status_code == 403


# --- criteria ---------------------------------------------------------------------------------------


def test_criteria_page_lists_and_the_team_edits(users, criteria, campus_a):
    client = client_for(users.campus_staff)
    page = client.get(reverse("intake:criterion_list")).content.decode()
    assert "Scientific merit" in page and "Edit" in page
    response = client.post(
        reverse("intake:criterion_create"), {"campus": campus_a.pk, "name": "Team", "weight": 2, "position": 3}
    )
    assert response.status_code == 302
    assert IntakeCriterion.objects.filter(name="Team", weight=2).exists()
    url = reverse("intake:criterion_update", kwargs={"public_id": criteria[0].public_id})
    response = client.post(url, {"campus": campus_a.pk, "name": "Scientific merit", "weight": 0, "position": 1})
    assert (
        response.status_code == 200 and "Ensure this value is greater than or equal to 1" in response.content.decode()
    )


def test_residents_read_criteria_but_cannot_edit(users, criteria):
    client = client_for(users.resident_member)
    page = client.get(reverse("intake:criterion_list")).content.decode()
    assert "Scientific merit" in page and ">Edit<" not in page
    url = reverse("intake:criterion_update", kwargs={"public_id": criteria[0].public_id})
    assert client.get(url).status_code == 403
    assert client.get(reverse("intake:criterion_create")).status_code == 403


def test_the_public_chooses_the_language_and_the_emails_follow_it(client, apply_url):
    page = client.get(apply_url, {"language": "zh-hans"}).content.decode()
    assert 'lang="zh-hans"' in page and "?language=en" in page
    response = client.post(f"{apply_url}?language=zh-hans", form_data())
    assert response.status_code == 302 and response["Location"].endswith("?language=zh-hans")
    assert Application.objects.get().language == "zh-hans"


def test_the_menu_shows_applications_to_the_team_only(client, users):
    for role in STAFF_ROLES + OTHER_ROLES:
        client.force_login(getattr(users, role))
        page = client.get("/organizations/").content.decode()
        assert ('href="/applications/"' in page) == (role in STAFF_ROLES), role
