"""Milestone evidence (files and links) and deleting programmes and targets: services, each role, bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from biocampus.progress.models import MilestoneEvidence, Observation, Programme, Target
from biocampus.progress.services import evidence_add, evidence_remove, programme_delete, target_delete
from tests.factories import MilestoneFactory, ObservationFactory, ProgrammeFactory, TargetFactory

from .conftest import PDF

pytestmark = pytest.mark.django_db

EDITORS = ["campus_admin", "campus_staff", "superuser"]
REFUSED = ["resident_member", "partner", "government", "resident_b", "no_membership"]


@pytest.fixture
def milestone(campus_a, resident_org):
    return MilestoneFactory(campus=campus_a, organization=resident_org, title="Qualified testing laboratory")


def pdf(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize("role", EDITORS)
def test_campus_staff_attach_a_file_kept_with_history(users, role, milestone):
    actor = getattr(users, role)
    evidence = evidence_add(actor=actor, milestone=milestone, file=pdf(), note="CNAS certificate")
    assert evidence.title == "certificate.pdf"  # no title given: the file's name
    assert evidence.file.name.startswith(f"evidence/{datetime.date.today().year}/")
    assert evidence.file.read() == PDF
    entry = evidence.history.get()
    assert (entry.history_type, entry.history_user) == ("+", actor)


def test_a_link_is_evidence_too(staff, milestone):
    evidence = evidence_add(actor=staff, milestone=milestone, url="https://example.org/press", title="Press release")
    assert (evidence.title, evidence.url, bool(evidence.file)) == ("Press release", "https://example.org/press", False)


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_add_or_remove_evidence(users, role, milestone, staff, db_rows):
    existing = evidence_add(actor=staff, milestone=milestone, url="https://example.org/a")
    before = db_rows()
    with pytest.raises(PermissionDenied):
        evidence_add(actor=getattr(users, role), milestone=milestone, url="https://example.org/b")
    with pytest.raises(PermissionDenied):
        evidence_remove(actor=getattr(users, role), evidence=existing)
    assert db_rows() == before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "file", "Choose a file or give a link"),
        ({"file": "both", "url": "https://example.org"}, "url", "not both"),
        ({"file": ("virus.exe", b"MZ\x90\x00")}, "file", "are not accepted"),
        ({"file": ("fake.pdf", b"<html>not a pdf</html>")}, "file", "is not a pdf file"),
        ({"file": ("empty.pdf", b"")}, "file", "empty"),
        ({"url": "javascript:alert(1)"}, "url", "valid URL"),
        ({"url": "ftp://example.org/file"}, "url", "valid URL"),
        ({"url": "https://example.org", "title": "bad\x00title"}, "title", "NUL"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message_and_nothing_saved(staff, milestone, values, field, message,
                                                                       db_rows, settings):  # fmt: skip
    if values.get("file") == "both":
        values["file"] = pdf()
    elif isinstance(values.get("file"), tuple):
        values["file"] = SimpleUploadedFile(*values["file"])
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        evidence_add(actor=staff, milestone=milestone, **values)
    assert field in refused.value.message_dict
    assert message.lower() in " ".join(refused.value.message_dict[field]).lower()
    assert db_rows() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_over_the_limit_is_refused(staff, milestone, settings, db_rows):
    settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 10
    before = db_rows()
    with pytest.raises(ValidationError) as refused:
        evidence_add(actor=staff, milestone=milestone, file=pdf())
    assert "limit" in refused.value.message_dict["file"][0]
    assert db_rows() == before


def test_removing_evidence_deletes_its_file_and_keeps_history(staff, milestone, django_capture_on_commit_callbacks):
    evidence = evidence_add(actor=staff, milestone=milestone, file=pdf())
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(actor=staff, evidence=evidence)
    assert not MilestoneEvidence.objects.exists()
    assert not __import__("os").path.exists(path)
    assert [h.history_type for h in MilestoneEvidence.history.order_by("history_id")] == ["+", "-"]


# --- deleting programmes and targets --------------------------------------------------------------------


@pytest.fixture
def programme_with_target(campus_a, resident_org):
    programme = ProgrammeFactory(campus=campus_a, organizations=[resident_org])
    target = TargetFactory(campus=campus_a, programme=programme, organization=None)
    ObservationFactory(target=target, observed_on=datetime.date(2021, 5, 1), value=Decimal(10))
    return programme, target


@pytest.mark.parametrize("role", EDITORS)
def test_a_programme_goes_with_its_targets_and_observations_each_in_history(users, role, programme_with_target):
    programme, target = programme_with_target
    actor = getattr(users, role)
    programme_delete(actor=actor, programme=programme)
    assert not Programme.objects.exists() and not Target.objects.exists() and not Observation.objects.exists()
    for history in (Programme.history, Target.history, Observation.history):
        deleted = history.filter(history_type="-").get()
        assert deleted.history_user == actor


@pytest.mark.parametrize("role", EDITORS)
def test_a_target_goes_with_its_observations(users, role, programme_with_target):
    programme, target = programme_with_target
    target_delete(actor=getattr(users, role), target=target)
    assert Programme.objects.exists()
    assert not Target.objects.exists() and not Observation.objects.exists()


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_delete_programmes_or_targets(users, role, programme_with_target, db_rows):
    programme, target = programme_with_target
    before = db_rows()
    with pytest.raises(PermissionDenied):
        target_delete(actor=getattr(users, role), target=target)
    with pytest.raises(PermissionDenied):
        programme_delete(actor=getattr(users, role), programme=programme)
    assert db_rows() == before


def test_deleting_a_milestone_removes_its_evidence(staff, milestone, django_capture_on_commit_callbacks):
    from biocampus.progress.services import milestone_delete

    evidence = evidence_add(actor=staff, milestone=milestone, file=pdf())
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        milestone_delete(actor=staff, milestone=milestone)
    assert not MilestoneEvidence.objects.exists()
    assert not __import__("os").path.exists(path)
