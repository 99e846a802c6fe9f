"""The intake's services: submitting, reviewing, deciding (and what accepting does to the registry), emails."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory.models import Organization
from biocampus.intake import services
from biocampus.intake.choices import ApplicationStatus, Outcome
from biocampus.intake.models import Application, ApplicationAttachment, Decision, Review, ReviewScore
from biocampus.intake.selectors import applications_for
from tests.factories import FieldFactory, OrganizationFactory, ResidencyFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Application, ApplicationAttachment, Review, ReviewScore, Decision, Organization, Residency)
    }


# --- submitting ------------------------------------------------------------------------------------


def test_submit_gives_a_reference_keeps_no_ip_and_acknowledges_by_email(
    submit, campus_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(attachments=[pdf()], fields=[FieldFactory(slug="diagnostics-x")])
    year = timezone.localdate().year
    assert application.reference == f"APP-{year}-0001"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.campus == campus_a
    assert "203.0.113.7" not in application.submitted_ip_hash and len(application.submitted_ip_hash) == 64
    assert application.submitted_ip_hash == services.ip_hash("203.0.113.7")
    assert application.founder_list == ["Anna Becker", "Li Wei"]
    assert [f.slug for f in application.fields.all()] == ["diagnostics-x"]
    attachment = application.attachments.get()
    assert attachment.name == "pitch.pdf" and attachment.file.name.startswith(f"intake/{year}/")
    assert application.history.count() >= 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@helix-dx.example.org"]
    assert application.reference in email.subject and application.reference in email.body
    assert "Campus A" in email.body


def test_references_count_up_within_the_year(submit):
    first, second = submit(), submit(company_name="Second Co")
    assert int(second.reference.rsplit("-", 1)[1]) == int(first.reference.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"company_name": "Evil\x00Corp"}, "company_name"),
        ({"summary": "bad \x00 byte"}, "summary"),
        ({"company_name": ""}, "company_name"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"needs": ["lab_space", "a castle"]}, "needs"),
        ({"stage": "unicorn"}, "stage"),
        ({"founded_year": 1200}, "founded_year"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_saved(submit, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[pdf()], **overrides)
    assert field in refused.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    "upload, message",
    [
        (pdf("script.exe", b"MZ\x90\x00"), "not accepted"),
        (pdf("deck.pdf", b"<html>not a pdf</html>"), "is not a pdf file"),
        (pdf("empty.pdf", b""), "empty"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_saved(submit, upload, message):
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload])
    assert message in " ".join(refused.value.message_dict["attachments"])
    assert _counts() == before


def test_more_than_five_files_are_refused(submit):
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[pdf(f"f{i}.pdf") for i in range(6)])
    assert "at most 5" in " ".join(refused.value.message_dict["attachments"])
    assert Application.objects.count() == 0


def test_html_is_kept_as_text(submit):
    application = submit(company_name="<script>alert(1)</script> Bio")
    assert application.company_name == "<script>alert(1)</script> Bio"


def test_staff_enter_an_application_with_history_attributed(users, campus_a):
    application = services.application_create(
        actor=users.campus_staff,
        campus=campus_a,
        company_name="Paper Application Ltd",
        stage="idea",
        contact_name="P. Paper",
        contact_email="p@paper.example.org",
        summary="Received by post.",
        notify=False,
    )
    assert application.history.first().history_user == users.campus_staff
    assert application.submitted_ip_hash == ""


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_campus_team_enters_applications(users, campus_a, role):
    with pytest.raises(PermissionDenied):
        services.application_create(
            actor=getattr(users, role),
            campus=campus_a,
            company_name="X",
            stage="idea",
            contact_name="X",
            contact_email="x@example.org",
            summary="x",
        )
    assert Application.objects.count() == 0


# --- criteria --------------------------------------------------------------------------------------


def test_criteria_are_kept_by_the_campus_team_and_read_by_its_residents(users, campus_a, campus_b):
    criterion = services.criterion_create(actor=users.campus_staff, campus=campus_a, name="Team", weight=2)
    services.criterion_update(actor=users.campus_admin, criterion=criterion, weight=4)
    criterion.refresh_from_db()
    assert criterion.weight == 4 and criterion.history.count() == 2
    from biocampus.intake.selectors import criteria_for

    for role in ("campus_admin", "campus_staff", "resident_member", "partner", "government", "superuser"):
        assert list(criteria_for(getattr(users, role))) == [criterion], role
    for role in ("resident_b", "no_membership"):
        assert list(criteria_for(getattr(users, role))) == [], role
    for role in ("resident_member", "partner", "government", "resident_b", "no_membership"):
        with pytest.raises(PermissionDenied):
            services.criterion_update(actor=getattr(users, role), criterion=criterion, weight=9)
        with pytest.raises(PermissionDenied):
            services.criterion_create(actor=getattr(users, role), campus=campus_a, name=f"By {role}")
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=users.campus_staff, campus=campus_b, name="Elsewhere")


@pytest.mark.parametrize("weight", [0, -1, 101])
def test_a_weight_is_from_1_to_100(users, campus_a, weight):
    with pytest.raises(ValidationError) as refused:
        services.criterion_create(actor=users.campus_staff, campus=campus_a, name="Merit", weight=weight)
    assert "weight" in refused.value.message_dict


# --- who sees applications -------------------------------------------------------------------------


def test_only_the_campus_team_sees_applications(users, application, submit, campus_b):
    other = submit(campus=campus_b, company_name="Chengdu Applicant")
    for role in ("campus_admin", "campus_staff"):
        assert list(applications_for(getattr(users, role))) == [application], role
    assert set(applications_for(users.superuser)) == {application, other}
    for role in ("resident_member", "partner", "government", "resident_b", "no_membership"):
        assert list(applications_for(getattr(users, role))) == [], role


# --- reviews ---------------------------------------------------------------------------------------


def test_reviews_one_per_reviewer_weighted_score_and_in_review(users, application, criteria):
    merit, fit = criteria
    services.review_save(actor=users.campus_staff, application=application, scores={merit: 5, fit: 1}, comment="Strong")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    services.review_save(
        actor=users.campus_staff, application=application, scores={merit: 4, fit: 2}, recommendation=Outcome.ACCEPT
    )
    services.review_save(actor=users.campus_admin, application=application, scores={merit: 2})
    assert Review.objects.filter(application=application).count() == 2
    found = applications_for(users.campus_staff).get(pk=application.pk)
    # (4*3 + 2*1 + 2*3) / (3 + 1 + 3)
    assert found.score == round(20 / 7, 2)
    assert found.review_count == 2
    review = Review.objects.get(reviewer=users.campus_staff)
    assert review.recommendation == Outcome.ACCEPT and review.score == round(14 / 4, 2)
    assert review.history.count() == 2


def test_a_score_left_out_is_removed_from_the_review(users, application, criteria):
    merit, fit = criteria
    services.review_save(actor=users.campus_staff, application=application, scores={merit: 5, fit: 1})
    services.review_save(actor=users.campus_staff, application=application, scores={merit: 5, fit: None})
    assert list(ReviewScore.objects.values_list("criterion__name", "score")) == [("Scientific merit", 5)]


@pytest.mark.parametrize("score", [0, 6, "4", 2.5, True])
def test_scores_are_whole_numbers_from_1_to_5(users, application, criteria, score):
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.review_save(actor=users.campus_staff, application=application, scores={criteria[0]: score})
    assert "1 to 5" in " ".join(refused.value.message_dict["scores"])
    assert _counts() == before


def test_a_criterion_of_another_campus_is_refused(users, application, campus_b):
    elsewhere = services.criterion_create(actor=None, campus=campus_b, name="Chengdu merit")
    with pytest.raises(ValidationError) as refused:
        services.review_save(actor=users.campus_staff, application=application, scores={elsewhere: 3})
    assert "not a criterion of this campus" in " ".join(refused.value.message_dict["scores"])
    assert Review.objects.count() == 0


def test_an_empty_review_is_refused(users, application, criteria):
    with pytest.raises(ValidationError):
        services.review_save(actor=users.campus_staff, application=application, scores={}, comment="  ")
    assert Review.objects.count() == 0


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_campus_team_reviews(users, application, criteria, role):
    with pytest.raises(PermissionDenied):
        services.review_save(actor=getattr(users, role), application=application, scores={criteria[0]: 5})
    assert Review.objects.count() == 0


# --- decisions -------------------------------------------------------------------------------------


def test_wait_then_accept_keeps_both_decisions_and_emails_each(users, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            actor=users.campus_staff, application=application, outcome="wait", reasons="No lab free until June."
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITING and application.decided_at is not None
    assert "waiting list" in mail.outbox[-1].subject
    assert "No lab free until June." in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            actor=users.campus_admin, application=application, outcome="accept", reasons="A lab is free now."
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    decisions = list(application.decisions.all())
    assert [d.outcome for d in decisions] == ["wait", "accept"]
    assert all(d.emailed_at for d in decisions)
    assert decisions[1].decided_by == users.campus_admin
    assert "Welcome" in mail.outbox[-1].subject and mail.outbox[-1].to == [application.contact_email]


def test_accepting_a_new_company_creates_its_organisation_and_signed_residency(users, campus_a, submit):
    field = FieldFactory(slug="liquid-biopsy")
    application = submit(fields=[field])
    before = Organization.objects.count()
    services.application_decide(actor=users.campus_staff, application=application, outcome="accept", reasons="Fits.")
    application.refresh_from_db()
    assert Organization.objects.count() == before + 1
    organization = application.organization
    assert organization.name == "Helix Diagnostics GmbH"
    assert organization.steward == campus_a
    assert organization.country == "DE" and organization.website == "https://helix-dx.example.org"
    assert list(organization.fields.all()) == [field]
    residency = application.residency
    assert (residency.organization, residency.campus) == (organization, campus_a)
    assert residency.status == ResidencyStatus.SIGNED and residency.signed_on == timezone.localdate()
    assert application.reference in residency.notes
    assert organization.history.first().history_user == users.campus_staff


def test_accepting_a_company_the_registry_has_updates_it_without_a_duplicate(users, campus_a, submit):
    existing = OrganizationFactory(name="Helix Diagnostics", country="", website="", city="Mannheim", description="")
    application = submit(company_name="HELIX DIAGNOSTICS GmbH")
    before = Organization.objects.count()
    services.application_decide(actor=users.campus_staff, application=application, outcome="accept", reasons="Fits.")
    application.refresh_from_db()
    existing.refresh_from_db()
    assert Organization.objects.count() == before
    assert application.organization == existing
    # Blanks filled, what the registry had kept.
    assert existing.country == "DE" and existing.website == "https://helix-dx.example.org"
    assert existing.city == "Mannheim"
    assert existing.description.startswith("Liquid biopsy")
    assert Residency.objects.get(organization=existing, campus=campus_a).status == ResidencyStatus.SIGNED


def test_the_same_website_is_the_same_company(users, submit):
    existing = OrganizationFactory(name="Totally Different Name", website="https://www.helix-dx.example.org/")
    application = submit()
    services.application_decide(actor=users.campus_staff, application=application, outcome="accept", reasons="Ok.")
    application.refresh_from_db()
    assert application.organization == existing


def test_a_similar_name_must_be_chosen_or_confirmed_as_new(users, submit):
    similar = OrganizationFactory(name="Helix Diagnostics Medical")
    application = submit()
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.application_decide(actor=users.campus_staff, application=application, outcome="accept", reasons="Ok")
    assert "Helix Diagnostics Medical" in " ".join(refused.value.message_dict["organization"])
    assert _counts() == before
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    services.application_decide(
        actor=users.campus_staff, application=application, outcome="accept", reasons="Ok", new_organization=True
    )
    application.refresh_from_db()
    assert application.organization != similar


def test_accepting_with_a_chosen_organisation_moves_its_residency_to_signed(users, campus_a, submit):
    chosen = OrganizationFactory(name="Some Registry Name")
    residency = ResidencyFactory(
        organization=chosen, campus=campus_a, status=ResidencyStatus.APPLIED, signed_on=None, moved_in_on=None
    )
    application = submit()
    services.application_decide(
        actor=users.campus_staff, application=application, outcome="accept", reasons="Ok", organization=chosen
    )
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.SIGNED
    assert Residency.objects.filter(organization=chosen).count() == 1
    application.refresh_from_db()
    assert application.residency == residency


def test_an_ended_residency_cannot_be_signed_again(users, campus_a, submit):
    chosen = OrganizationFactory(name="Graduate Co")
    ResidencyFactory(organization=chosen, campus=campus_a, status=ResidencyStatus.GRADUATED)
    application = submit()
    with pytest.raises(ValidationError) as refused:
        services.application_decide(
            actor=users.campus_staff, application=application, outcome="accept", reasons="Ok", organization=chosen
        )
    assert "ended" in " ".join(refused.value.message_dict["organization"])
    assert Decision.objects.count() == 0


def test_decisions_need_reasons_and_an_accepted_application_takes_no_more(users, application):
    for reasons in ("", "   ", "bad \x00"):
        with pytest.raises(ValidationError) as refused:
            services.application_decide(actor=users.campus_staff, application=application, outcome="decline",
                                        reasons=reasons)  # fmt: skip
        assert "reasons" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.application_decide(actor=users.campus_staff, application=application, outcome="maybe", reasons="x")
    assert Decision.objects.count() == 0
    services.application_decide(actor=users.campus_staff, application=application, outcome="decline", reasons="No")
    services.application_decide(actor=users.campus_staff, application=application, outcome="accept", reasons="Yes")
    with pytest.raises(ValidationError):
        services.application_decide(actor=users.campus_staff, application=application, outcome="decline", reasons="x")
    assert Decision.objects.count() == 2


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_only_the_campus_team_decides(users, application, role):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=getattr(users, role), application=application, outcome="accept",
                                    reasons="x")  # fmt: skip
    assert _counts() == before


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "superuser"])
def test_the_campus_team_and_superusers_decide(users, application, role):
    services.application_decide(actor=getattr(users, role), application=application, outcome="decline", reasons="x")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


def test_a_failing_mail_server_leaves_the_decision_standing(users, application, settings, caplog):
    settings.EMAIL_BACKEND = "tests.intake.failing_backend.EmailBackend"
    decision = services.application_decide(
        actor=users.campus_staff, application=application, outcome="decline", reasons="x", notify=False
    )
    assert services.send_applicant_email(application.pk, "decision_decline", decision.pk) is False
    decision.refresh_from_db()
    assert decision.emailed_at is None


def test_emails_are_written_in_the_applicants_language(submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(language="zh-hans")
    from django.utils import translation

    assert translation.get_language() in ("en", "en-us", None)
    assert Application.objects.get().language == "zh-hans"
    assert len(mail.outbox) == 1


def test_decided_at_is_recent(users, application):
    services.application_decide(actor=users.campus_staff, application=application, outcome="wait", reasons="x")
    application.refresh_from_db()
    assert timezone.now() - application.decided_at < datetime.timedelta(minutes=5)
