"""The reports page: who may ask for a campus's report, its generation in the background, the download."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.urls import include, path

import config.urls
from biocampus.insight import urls as insight_urls
from biocampus.insight.models import ReportRun
from biocampus.insight.reports import runs
from tests.factories import ResidencyFactory

# The site's URLs with the reports page mounted where insight.urls includes it.
_reports = path("insight/reports/", include("biocampus.insight.report_urls"))
_insight = [*insight_urls.urlpatterns]
if not any(getattr(p, "urlconf_name", None) == "biocampus.insight.report_urls" for p in _insight):
    _insight.append(_reports)
urlpatterns = [
    *(p for p in config.urls.urlpatterns if getattr(p, "namespace", None) != "insight"),
    path("", include((_insight, "insight"))),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

START = "/insight/reports/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client, campus, *, year=2020, fmt="pdf", language="en"):
    return client.post(START, {"campus": campus.slug, "year": year, "format": fmt, "language": language})


@pytest.fixture
def signed(campus_a, users):
    """A resident of campus A signed in 2020 whose name looks like markup and a formula."""
    return ResidencyFactory(
        campus=campus_a,
        organization__name="=SUM(A1) <i>Lab</i>",
        signed_on=datetime.date(2020, 11, 6),
        moved_in_on=None,
    )


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "partner", "government", "superuser"])
def test_campus_wide_readers_get_the_form(users, role):
    response = client_for(getattr(users, role)).get(START)
    assert response.status_code == 200
    assert b'id="report-form"' in response.content


@pytest.mark.parametrize("role", ["resident_member", "no_membership"])
def test_resident_members_and_users_without_a_role_are_refused(users, campus_a, role):
    client = client_for(getattr(users, role))
    assert client.get(START).status_code == 403
    assert ask(client, campus_a).status_code == 403
    assert ReportRun.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(db):
    response = Client().get(START)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_campus_the_user_does_not_read_is_not_offered(users, campus_a, campus_b):
    client = client_for(users.campus_staff)
    content = client.get(START).content.decode()
    assert 'value="campus-a"' in content and 'value="campus-b"' not in content
    response = ask(client, campus_b)
    assert response.status_code == 400
    assert ReportRun.objects.count() == 0


@pytest.mark.parametrize(("year", "message"), [("1800", b"1900"), ("2999", b"less than or equal"), ("x", b"number")])
def test_a_bad_year_is_refused(users, campus_a, year, message):
    response = client_for(users.campus_admin).post(
        START, {"campus": "campus-a", "year": year, "format": "pdf", "language": "en"}
    )
    assert response.status_code == 400
    assert message in response.content
    assert ReportRun.objects.count() == 0


def test_asking_generating_and_downloading_a_pdf(users, campus_a, signed, django_capture_on_commit_callbacks):
    client = client_for(users.government)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, campus_a)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # The task backend may have generated it already (the test settings run tasks at once); if not, the
    # page's fallback does, as a browser would after the grace period.
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    if run.status == ReportRun.Status.QUEUED:
        assert b"<progress" in page.content
        status = client.get(f"{run.get_absolute_url()}status/")
        assert status.status_code == 200 and b"<progress" in status.content
        assert client.post(f"{run.get_absolute_url()}run/", HTTP_HX_REQUEST="true").status_code == 204
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert client.get(f"{run.get_absolute_url()}status/")["HX-Refresh"] == "true"
    page = client.get(run.get_absolute_url())
    assert b'id="report-download"' in page.content
    download = client.get(f"{run.get_absolute_url()}download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="campus-a-report-2020-en.pdf"' in download["Content-Disposition"]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(download.content)).pages)
    flat = " ".join(text.split())
    assert "2020" in flat and "Campus A" in flat and "=SUM(A1) <i>Lab</i>" in flat


def test_a_chinese_spreadsheet(users, campus_a, signed):
    client = client_for(users.campus_admin)
    ask(client, campus_a, fmt="xlsx", language="zh-hans")
    run = ReportRun.objects.get()
    runs.execute(run.pk)  # a worker's turn (a no-op if the task backend already ran it)
    download = client.get(f"{run.get_absolute_url()}download/")
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    sheet = workbook["Residents signed"]
    assert sheet["A1"].value == "机构"
    cells = {cell.value: cell for cell in sheet["A"][1:]}
    assert {"Teddy Lab", "=SUM(A1) <i>Lab</i>"} <= set(cells)
    assert cells["=SUM(A1) <i>Lab</i>"].data_type == "s"


def test_a_run_is_only_for_the_user_who_asked(users, campus_a, signed):
    run = runs.queue(user=users.campus_admin, campus=campus_a, year=2020, fmt="pdf", language="en")
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    for other in (users.campus_staff, users.resident_member, users.government):
        client = client_for(other)
        assert client.get(run.get_absolute_url()).status_code == 404
        assert client.get(f"{run.get_absolute_url()}download/").status_code == 404
        assert client.post(f"{run.get_absolute_url()}run/").status_code == 404
    assert client_for(users.campus_admin).get(f"{run.get_absolute_url()}download/").status_code == 200


def test_a_run_is_generated_once(users, campus_a):
    run = runs.queue(user=users.campus_admin, campus=campus_a, year=2020, fmt="xlsx", language="en")
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.QUEUED, content=None)
    assert runs.execute(run.pk) is not None
    assert runs.execute(run.pk) is None  # already taken
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.steps_done == run.steps_total


def test_no_download_before_the_report_is_done(users, campus_a):
    run = runs.queue(user=users.campus_admin, campus=campus_a, year=2020, fmt="pdf", language="en")
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.QUEUED)
    client = client_for(users.campus_admin)
    assert client.get(f"{run.get_absolute_url()}download/").status_code == 404
    assert b"<progress" in client.get(run.get_absolute_url()).content
