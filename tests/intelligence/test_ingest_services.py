"""Ingesting documents: stored once (the same text twice is recognised), filed under a campus, extracted
by the real extractor into proposed facts whose sentences are where their offsets say."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.intelligence import services
from biocampus.intelligence.models import DocumentStatus, FactKind, IngestRun, ProposedFact, SourceDocument

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "icampus-press-release.txt"


@pytest.fixture
def seed_text():
    return SEED.read_text(encoding="utf-8")


def test_ingest_text_stores_the_document_and_proposes_facts(users, campus_a, seed_text):
    result = services.ingest_text(actor=users.campus_staff, text=seed_text, campus=campus_a, title="I·Campus")
    document = result.document
    assert result.outcome == "new"
    assert (document.campus, document.ingested_by, document.status) == (campus_a, users.campus_staff, "extracted")
    assert document.extractor and document.extraction["organizations"]
    facts = list(document.facts.all())
    assert {fact.kind for fact in facts} >= {FactKind.ORGANIZATION, FactKind.RELATION}
    for fact in facts:  # every sentence is exactly where its offsets say, and cited by its provenance
        assert document.text[fact.evidence_start : fact.evidence_end] == fact.evidence
        assert fact.provenance.document == document and fact.provenance.excerpt == fact.evidence
    assert any(f.values.get("name") == "AstraZeneca" for f in facts if f.kind == FactKind.ORGANIZATION)


def test_the_same_document_twice_is_recognised_and_not_processed_again(users, campus_a, seed_text, db_rows):
    first = services.ingest_text(actor=users.campus_staff, text=seed_text, campus=campus_a)
    before = db_rows()
    # The same release with Windows line ends, a BOM and trailing blanks is the same document.
    again = services.ingest_text(actor=users.campus_admin, text="\ufeff" + seed_text.replace("\n", "  \r\n"),
                                 campus=campus_a)  # fmt: skip
    assert again.outcome == "existing" and again.document == first.document
    assert db_rows() == before


def test_ingest_files_reports_each_file(users, campus_a):
    results = services.ingest_files(
        actor=users.campus_staff,
        campus=campus_a,
        files=[("a.txt", b"Acme Bio joined the Riverside Science Park."), ("b.bin", b"\x00\x01\x02"),
               ("c.txt", b""), ("d.txt", b"Acme Bio joined the Riverside Science Park.")],
    )  # fmt: skip
    assert [r.outcome for r in results] == ["new", "failed", "failed", "existing"]
    assert "cannot be read" in results[1].reason and "empty" in results[2].reason
    assert SourceDocument.objects.count() == 1


def test_a_campus_team_member_of_one_campus_need_not_choose_it(users, campus_a):
    document = services.ingest_text(actor=users.campus_staff, text="Acme Bio news.", extract=False).document
    assert document.campus == campus_a


def test_someone_of_several_campuses_must_choose(users, campus_a, campus_b, db_rows):
    from tests.factories import MembershipFactory

    MembershipFactory(user=users.campus_staff, campus=campus_b, role="campus_staff")
    before = db_rows()
    with pytest.raises(ValidationError, match="Choose the campus"):
        services.ingest_text(actor=users.campus_staff, text="Acme Bio news.", extract=False)
    assert db_rows() == before


def test_no_text_is_refused(users, campus_a, db_rows):
    before = db_rows()
    for text in ("", "  \n \x00 ", "\x00"):
        with pytest.raises(ValidationError, match="no text"):
            services.ingest_text(actor=users.campus_staff, text=text, campus=campus_a)
    assert db_rows() == before


def test_too_long_text_is_refused(users, campus_a, settings, db_rows):
    settings.BIOCAMPUS_INGEST_MAX_BYTES = 100
    before = db_rows()
    with pytest.raises(ValidationError, match="limit"):
        services.ingest_text(actor=users.campus_staff, text="x" * 101, campus=campus_a)
    assert db_rows() == before


def test_nul_bytes_in_pasted_text_are_dropped(users, campus_a):
    document = services.ingest_text(actor=users.campus_staff, text="Acme\x00 Bio.", campus=campus_a).document
    assert document.text == "Acme Bio."


def test_a_document_at_another_campus_may_not_be_ingested(users, campus_b, db_rows):
    before = db_rows()
    with pytest.raises(PermissionDenied):
        services.ingest_text(actor=users.campus_staff, text="Acme Bio.", campus=campus_b)
    assert db_rows() == before


def test_extracting_again_keeps_decided_facts_and_replaces_the_others(users, campus_a, seed_text):
    document = services.ingest_text(actor=users.campus_staff, text=seed_text, campus=campus_a).document
    facts = list(document.facts.filter(kind=FactKind.ORGANIZATION))
    services.reject_fact(actor=users.campus_staff, fact=facts[0])
    count = document.facts.count()
    services.extract_document(actor=users.campus_staff, document=document)
    assert document.facts.count() == count  # the rejected one is not proposed again
    assert document.facts.get(pk=facts[0].pk).status == "rejected"
    assert not document.facts.filter(pk=facts[1].pk).exists()  # replaced by the new reading


def test_hostile_text_is_stored_as_text_and_extracted_without_error(users, campus_a):
    hostile = "<script>alert(1)</script> Acme Bio & Co., Inc. signed with <b>Beta</b>.\n" * 200
    document = services.ingest_text(actor=users.campus_staff, text=hostile, campus=campus_a).document
    assert document.status in (DocumentStatus.EXTRACTED, DocumentStatus.REVIEWED)
    assert "<script>" in document.text  # verbatim: escaping is the page's job


def test_queued_run_is_executed_once_with_progress(users, campus_a):
    run = services.ingest_run_queue(
        actor=users.campus_staff, campus=campus_a,
        documents=[{"name": f"{n}.txt", "title": "", "text": f"Acme Bio news number {n}."} for n in range(3)]
        + [{"name": "again.txt", "title": "", "text": "Acme Bio news number 0."}],
        failures=[{"name": "bad.pdf", "reason": "The content of this file is not a PDF."}],
    )  # fmt: skip
    assert run.status == IngestRun.Status.QUEUED and run.progress_total == 4
    done = services.ingest_run_execute(run.pk)
    assert services.ingest_run_execute(run.pk) is None  # claimed once
    assert done.status == IngestRun.Status.DONE and done.progress_done == 4 and done.pending == []
    assert [line["outcome"] for line in done.results] == ["failed", "new", "new", "new", "existing"]
    assert SourceDocument.objects.filter(run=done).count() == 3
    assert all(d.ingested_by == users.campus_staff for d in SourceDocument.objects.all())


def test_queueing_enqueues_the_task(users, campus_a, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        run = services.ingest_run_queue(actor=users.campus_staff, campus=campus_a,
                                        documents=[{"name": "a.txt", "text": "Acme Bio."}])  # fmt: skip
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk]
    assert "run_ingest" in task.task_path


def test_facts_are_counted_per_status_in_the_inbox(users, campus_a, seed_text):
    from biocampus.intelligence.selectors import documents_for

    document = services.ingest_text(actor=users.campus_staff, text=seed_text, campus=campus_a).document
    fact = document.facts.first()
    services.reject_fact(actor=users.campus_staff, fact=fact)
    row = documents_for(users.campus_admin).get()
    assert row.rejected == 1 and row.proposed == ProposedFact.objects.filter(status="proposed").count()
    assert not documents_for(users.resident_member).exists()
    assert not documents_for(users.partner).exists()


def test_names_are_linked_to_the_registry_the_actor_reads(users, campus_a, seed_text):
    from tests.factories import OrganizationFactory

    astrazeneca = OrganizationFactory(name="AstraZeneca", kind="pharma")
    # The system (the command, the worker) and a campus team member.
    for copy, actor in enumerate((None, users.campus_staff)):
        document = services.ingest_text(actor=actor, text=seed_text + " " * copy + ".", campus=campus_a).document
        fact = next(f for f in document.facts.filter(kind=FactKind.ORGANIZATION) if f.values["name"] == "AstraZeneca")
        assert fact.payload["match"]["public_id"] == str(astrazeneca.public_id)
