"""biocampus ingest PATH...: files and folders, one line per file, already ingested the second time,
a non-zero exit when every file failed, big batches (or --background) queued for the worker."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from biocampus.intelligence.models import IngestRun, SourceDocument


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "one.txt").write_text("Acme Bio joined the Riverside Science Park.", encoding="utf-8")
    (tmp_path / "two.html").write_text(
        "<html><head><title>Beta</title><script>x()</script></head><body><p>Beta Pharma opened a lab in Lund.</p>"
        "</body></html>", encoding="utf-8",
    )  # fmt: skip
    (tmp_path / "nested" / "three.txt").write_text("Gamma Ventures invested in Acme Bio.", encoding="utf-8")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_of_three_files_then_again(campus_a, folder):
    out, _err = run(str(folder), "--campus", campus_a.slug)
    assert out.count("new: ") == 3 and "3 new, 0 already ingested, 0 failed." in out
    assert SourceDocument.objects.filter(campus=campus_a).count() == 3
    assert SourceDocument.objects.get(file_name="two.html").title == "Beta"
    out, _err = run(str(folder), "--campus", campus_a.slug)
    assert out.count("already ingested: ") == 3 and "0 new, 3 already ingested" in out
    assert SourceDocument.objects.count() == 3


def test_failed_files_are_named_with_their_reason(campus_a, folder):
    (folder / "empty.txt").write_bytes(b"")
    out, _err = run(str(folder), str(folder / "missing.pdf"), "--campus", campus_a.slug)
    assert "failed: " in out and "empty.txt: The file is empty." in out
    assert "missing.pdf: no such file or folder" in out


def test_exit_status_is_non_zero_when_every_file_failed(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CommandError) as raised:
        run(str(tmp_path / "empty.txt"))
    assert raised.value.returncode == 1


def test_acting_as_a_user_uses_their_permissions(users, campus_b, folder):
    with pytest.raises(CommandError):
        run(str(folder / "one.txt"), "--user", users.campus_staff.username, "--campus", campus_b.slug)
    assert SourceDocument.objects.count() == 0
    out, _err = run(str(folder / "one.txt"), "--user", users.campus_staff.username)
    assert SourceDocument.objects.get().ingested_by == users.campus_staff


def test_background_queues_a_run_the_worker_executes(campus_a, folder):
    from biocampus.intelligence.services import ingest_run_execute

    out, _err = run(str(folder), "--campus", campus_a.slug, "--background")
    run_ = IngestRun.objects.get()
    assert f"queued: 3 documents as run {run_.public_id}" in out
    assert SourceDocument.objects.count() == 0
    ingest_run_execute(run_.pk)
    assert SourceDocument.objects.filter(run=run_).count() == 3


def test_batches_over_the_threshold_go_to_the_background(campus_a, folder, settings):
    settings.BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD = 2
    out, _err = run(str(folder), "--campus", campus_a.slug)
    assert "queued: 3 documents" in out and IngestRun.objects.count() == 1
