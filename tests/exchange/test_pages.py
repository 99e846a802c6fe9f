"""The pages, with the test client on the demo campus: upload -> check -> decide -> import, the progress
element, the worker path, exports of the filtered directory and of record lists, duplicates and merge."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from biocampus.directory.models import Organization
from biocampus.directory.services import organization_create
from biocampus.exchange import runs
from biocampus.exchange.models import ImportRun
from biocampus.exchange.tasks import run_import_stage
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ["name", "kind", "country", "city"],
    ["Liangzhun Industrial Co., Ltd.", "company", "CN", "Wuxi"],  # probably the demo's Liangzhun Industrial Co.
    ["Brand New Therapeutics", "company", "CN", "Suzhou"],
    ["Bad Co", "not-a-kind", "XX", ""],
]


@pytest.fixture
def staff(demo, client):
    client.force_login(demo.user("staff"))
    return client


def upload(client, rows=ROWS, name="orgs.csv", kind="organizations", data=None):
    file = SimpleUploadedFile(name, data if data is not None else csv_bytes(rows))
    return client.post("/imports/", {"kind": kind, "file": file, "campus": ""})


def run_queued(client, run: ImportRun):
    """What the run page's htmx element does when no worker took the stage."""
    response = client.post(f"/imports/{run.public_id}/run/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    run.refresh_from_db()
    return run


class TestImportPage:
    @pytest.mark.parametrize("username", ["resident", "partner", "gov"])
    def test_only_editors_may_import(self, demo, client, username):
        client.force_login(demo.user(username))
        assert client.get("/imports/").status_code == 403
        assert 'href="/imports/"' not in client.get("/").content.decode()

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        assert client.get("/imports/")["Location"].startswith("/accounts/login/")

    def test_the_page_lists_the_columns_of_every_kind(self, staff):
        page = staff.get("/imports/").content.decode()
        assert 'href="/imports/"' in page  # the nav link
        for column in (
            "<code>parties</code>",
            "<code>investors</code>",
            "<code>round_type</code>",
            "<code>match</code>",
        ):
            assert column in page

    def test_upload_check_decide_import(self, staff, demo, db_rows):
        before = db_rows()
        response = upload(staff)
        run = ImportRun.objects.get()
        assert response["Location"] == f"/imports/{run.public_id}/"
        page = staff.get(response["Location"]).content.decode()
        assert 'id="import-progress"' in page and 'hx-trigger="load delay:0s"' in page

        run_queued(staff, run)

        assert (run.stage, run.status) == ("preview", "done")
        assert db_rows() == before  # the check writes nothing
        page = staff.get(f"/imports/{run.public_id}/").content.decode()
        assert 'id="count-created">1<' in page and 'id="count-invalid">1<' in page
        assert 'id="count-duplicate">1<' in page
        assert "<td>4</td><td>kind</td><td>“not-a-kind” is not a kind of organisation" in page
        liangzhun = demo.org("Liangzhun Industrial Co.")
        assert f'value="{liangzhun.public_id}"' in page and "Line 2: Liangzhun Industrial Co., Ltd." in page

        refused = staff.post(f"/imports/{run.public_id}/confirm/", {"line_2": str(liangzhun.public_id)})
        assert refused.status_code == 400
        assert "1 rows would not be imported" in refused.content.decode()

        confirmed = staff.post(
            f"/imports/{run.public_id}/confirm/", {"line_2": str(liangzhun.public_id), "skip_invalid": "on"}
        )
        assert confirmed.status_code == 302
        run.refresh_from_db()
        assert (run.stage, run.status, run.decisions) == ("import", "queued", {"2": str(liangzhun.public_id)})
        run_queued(staff, run)

        assert (run.stage, run.status) == ("import", "done")
        page = staff.get(f"/imports/{run.public_id}/").content.decode()
        assert "Imported; 1 rows were skipped." in page
        liangzhun.refresh_from_db()
        assert "Liangzhun Industrial Co., Ltd." in liangzhun.aliases
        assert Organization.objects.get(name="Brand New Therapeutics").provenance.file_name == "orgs.csv"
        assert not Organization.objects.filter(name="Bad Co").exists()

    def test_a_duplicate_can_be_created_as_new_or_skipped(self, staff):
        upload(staff, ROWS[:3])
        run = run_queued(staff, ImportRun.objects.get())
        staff.post(f"/imports/{run.public_id}/confirm/", {"line_2": "skip", "skip_invalid": "on"})
        run_queued(staff, run)
        assert not Organization.objects.filter(name="Liangzhun Industrial Co., Ltd.").exists()
        assert Organization.objects.filter(name="Brand New Therapeutics").exists()

        upload(staff, ROWS[:2], name="again.csv")
        run = run_queued(staff, ImportRun.objects.get(file_name="again.csv"))
        staff.post(f"/imports/{run.public_id}/confirm/", {"line_2": "new"})
        run_queued(staff, run)
        assert Organization.objects.filter(name="Liangzhun Industrial Co., Ltd.").exists()

    def test_the_progress_element_polls_until_the_stage_is_over(self, staff, tmp_path, settings):
        settings.BIOCAMPUS_IMPORT_PROGRESS_DIR = tmp_path
        upload(staff)
        run = ImportRun.objects.get()
        status = staff.get(f"/imports/{run.public_id}/status/")
        assert 'hx-trigger="every 1s"' in status.content.decode() and "HX-Refresh" not in status

        ImportRun.objects.filter(pk=run.pk).update(status="running")
        run.refresh_from_db()
        runs.RunProgress(run)(2, 3)
        status = staff.get(f"/imports/{run.public_id}/status/").content.decode()
        assert '<progress id="import-progress" value="2" max="3">' in status and "2 / 3 (66%)" in status
        # A bulk import past its last row: the page says what it does, its progress element turns indeterminate.
        runs.RunProgress(run)(3, 3, "finishing")
        status = staff.get(f"/imports/{run.public_id}/status/").content.decode()
        assert "now checking the names and building the indexes" in status
        assert '<progress id="import-progress"></progress>' in status

        ImportRun.objects.filter(pk=run.pk).update(status="queued")
        run_queued(staff, run)
        assert staff.get(f"/imports/{run.public_id}/status/")["HX-Refresh"] == "true"
        assert not list(tmp_path.iterdir())  # the progress file goes with the run

    def test_a_large_file_waits_for_a_worker_first(self, staff, settings):
        settings.BIOCAMPUS_IMPORT_INLINE_BYTES = 10
        settings.BIOCAMPUS_IMPORT_WORKER_GRACE_SECONDS = 4
        upload(staff)
        page = staff.get(f"/imports/{ImportRun.objects.get().public_id}/").content.decode()
        assert 'hx-trigger="load delay:4s"' in page

    def test_a_worker_runs_the_queued_stage_once(self, staff, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            upload(staff)
        run = ImportRun.objects.get()
        assert DBTaskResult.objects.filter(task_path__endswith="run_import_stage", args_kwargs__args=[run.pk]).exists()

        run_import_stage.call(run.pk)  # what `biocampus db_worker` does with the task
        run.refresh_from_db()
        assert run.status == "done" and run.preview["counts"]["created"] == 1
        finished_at = run.finished_at

        assert runs.execute(run.pk) is None  # the page's fallback finds it taken
        run.refresh_from_db()
        assert run.finished_at == finished_at

    def test_a_fifty_megabyte_file_is_refused_before_it_is_read(self, staff, settings):
        settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
        response = upload(staff, data=b"name,kind\n" + b"x" * (50 * 1024 * 1024))
        assert response.status_code == 200
        assert "The file is 50.0 MB; the limit is 20.0 MB." in response.content.decode()
        assert not ImportRun.objects.exists()

    def test_a_refused_file_shows_why(self, staff):
        upload(staff, data="name,kind\nÉcole,company\n".encode("latin-1"))
        run = run_queued(staff, ImportRun.objects.get())
        page = staff.get(f"/imports/{run.public_id}/").content.decode()
        assert "Nothing was imported: the file was refused." in page and "not UTF-8" in page
        assert 'id="confirm-form"' not in page

    def test_someone_else_s_run_is_not_found(self, staff, demo, client):
        upload(staff)
        run = ImportRun.objects.get()
        client.force_login(demo.user("demo"))
        assert client.get(f"/imports/{run.public_id}/").status_code == 404
        assert client.post(f"/imports/{run.public_id}/run/").status_code == 404


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


class TestExports:
    def test_the_filtered_directory_in_three_formats(self, staff, demo):
        pharma = list(Organization.objects.filter(kind="pharma").values_list("name", flat=True))
        assert pharma == ["AstraZeneca"]

        as_csv = staff.get("/exports/directory/?kind=pharma&format=csv")
        assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
        assert as_csv["Content-Disposition"] == 'attachment; filename="organizations.csv"'
        assert [row["name"] for row in csv_rows(as_csv)] == pharma

        as_xlsx = staff.get("/exports/directory/?kind=pharma&format=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
        assert [cell.value for cell in sheet[1]][:3] == ["public_id", "name", "name_zh"]
        assert sheet["B2"].value == "AstraZeneca" and sheet.max_row == 2

        as_json = json.loads(staff.get("/exports/directory/?kind=pharma&format=json").content)
        assert [item["name"] for item in as_json] == pharma and as_json[0]["fields"] == [
            "chronic-respiratory-disease",
            "drug-rd",
            "oncology",
        ]

    def test_search_and_facets_filter_the_export(self, staff):
        rows = csv_rows(staff.get("/exports/directory/?q=teddy&campus=icampus-wuxi&status=resident"))
        assert [row["name"] for row in rows] == ["Teddy Lab Services"]

    def test_a_record_list_with_its_search(self, staff):
        rows = csv_rows(staff.get("/exports/agreements:agreement_list/?q=screening&format=csv"))
        assert [row["title"] for row in rows] == [
            "Zhenfu–Shenzhi agreement on screening services for one million people"
        ]
        assert rows[0]["parties"] == "Zhenfu; role=party | Shenzhi; role=party"

    @pytest.mark.parametrize(
        "list_name",
        ["campuses:residency_list", "progress:milestone_list", "progress:fundinground_list", "directory:person_list",
         "events:event_list", "progress:programme_list", "progress:target_list", "campuses:campus_list"],
    )  # fmt: skip
    def test_every_record_list_exports(self, staff, list_name):
        response = staff.get(f"/exports/{list_name}/?format=json")
        assert response.status_code == 200 and json.loads(response.content)

    def test_a_resident_exports_only_what_it_reads(self, demo, client):
        client.force_login(demo.user("resident"))
        rows = csv_rows(client.get("/exports/campuses:residency_list/"))
        assert [row["organization"] for row in rows] == ["Teddy Lab Services"]

    @pytest.mark.parametrize(
        "url",
        [
            "/exports/nowhere:list/",
            "/exports/home/",
            "/exports/directory:organization_detail/",
            "/exports/directory/?format=pdf",
        ],
    )
    def test_unknown_lists_and_formats(self, staff, url):
        assert staff.get(url).status_code == 404

    def test_the_list_pages_link_their_exports(self, staff):
        assert 'href="/exports/directory/?format=csv"' in staff.get("/organizations/").content.decode()
        page = staff.get("/agreements/?q=screening").content.decode()
        assert 'href="/exports/agreements:agreement_list/?q=screening&amp;format=xlsx"' in page


class TestDuplicatesAndMerge:
    def test_the_duplicates_page_and_a_merge(self, demo, client):
        admin = demo.user("demo")
        twin = organization_create(actor=admin, name="LIANGZHUN INDUSTRIAL CO LTD", kind="company", city="Wuxi")
        keep = demo.org("Liangzhun Industrial Co.")
        client.force_login(admin)

        page = client.get("/organizations/duplicates/").content.decode()
        assert "LIANGZHUN INDUSTRIAL CO LTD" in page and "Merge…" in page

        preview = client.get("/organizations/merge/", {"keep": keep.name, "merge": f"x [{twin.public_id}]"})
        assert preview.status_code == 200 and 'id="merge-moves"' in preview.content.decode()
        response = client.post(
            "/organizations/merge/",
            {"keep": f"{keep.name} [{keep.public_id}]", "merge": f"x [{twin.public_id}]", "confirm": "1"},
        )

        assert response["Location"] == keep.get_absolute_url()
        assert not Organization.objects.filter(pk=twin.pk).exists()
        keep.refresh_from_db()
        assert "LIANGZHUN INDUSTRIAL CO LTD" in keep.aliases

    def test_a_refused_merge_says_why_and_changes_nothing(self, demo, client, db_rows):
        client.force_login(demo.user("demo"))
        keep, merge = demo.org("Zhenfu"), demo.org("Shenzhi")
        before = db_rows()
        response = client.post(
            "/organizations/merge/",
            {"keep": f"x [{keep.public_id}]", "merge": f"x [{merge.public_id}]", "confirm": "1"},
        )
        assert response.status_code == 400
        assert "Both are the only parties" in response.content.decode()
        assert db_rows() == before

    def test_staff_may_list_but_not_merge(self, staff):
        assert staff.get("/organizations/duplicates/").status_code == 200
        assert "Merge…" not in staff.get("/organizations/duplicates/").content.decode()
        assert staff.get("/organizations/merge/").status_code == 403


def test_without_a_task_queue_the_page_still_runs_the_import(demo, client, monkeypatch):
    class Unreachable:
        def enqueue(self, *args):
            raise RuntimeError("no task table")

    monkeypatch.setattr("biocampus.exchange.tasks.run_import_stage", Unreachable())
    client.force_login(demo.user("staff"))

    response = upload(client)

    run = run_queued(client, ImportRun.objects.get())
    assert response.status_code == 302 and run.status == "done"


def test_superusers_can_look_into_runs_in_the_admin(demo, client, users):
    client.force_login(demo.user("staff"))
    upload(client)
    client.force_login(users.superuser)
    run = ImportRun.objects.get()
    assert "orgs.csv" in client.get("/admin/exchange/importrun/").content.decode()
    assert client.get(f"/admin/exchange/importrun/{run.pk}/change/").status_code == 200
