"""The reports page: ask for a campus's yearly report, follow its generation, download it.

Who: a campus's admins, staff, partner and government viewers (and superusers), the roles that read a
campus's records campus-wide; a resident member reads only its own share, so it gets no campus-wide
report (reports.campuses_reportable_by). A run is followed and downloaded only by the user who asked.
The views are thin: gathering and drawing is `reports`, queueing and generating is `reports.runs`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .models import ReportRun
from .reports import FORMATS, STEPS, campuses_reportable_by, file_name, runs
from .reports.forms import ReportForm

RECENT_RUNS = 10


def _require_reporter(user) -> None:
    if not campuses_reportable_by(user).exists():
        raise PermissionDenied(_("Reports are for campus admins, staff, partner and government viewers."))


@require_http_methods(["GET", "POST"])
def report_start(request):
    _require_reporter(request.user)
    language = get_language() or "en"
    if request.method == "POST":
        form = ReportForm(request.POST, user=request.user, language=language)
        if form.is_valid():
            data = form.cleaned_data
            run = runs.queue(
                user=request.user,
                campus=data["campus"],
                year=data["year"],
                fmt=data["format"],
                language=data["language"],
            )
            return redirect(run)
        status = 400
    else:
        form = ReportForm(user=request.user, language=language)
        status = 200
    recent = runs.runs_of(request.user)[:RECENT_RUNS]
    return render(request, "insight/report_start.html", {"form": form, "recent": recent}, status=status)


def _run_context(run: ReportRun) -> dict:
    total = run.steps_total or len(STEPS)
    return {
        "run": run,
        "done": run.steps_done,
        "total": total,
        "percent": round(100 * run.steps_done / total) if total else 0,
        "inline_delay": runs.inline_delay(),
    }


@require_GET
def report_run(request, public_id):
    run = get_object_or_404(runs.runs_of(request.user), public_id=public_id)
    return render(request, "insight/report_run.html", _run_context(run))


@require_GET
def report_run_status(request, public_id):
    """The progress element, polled every second; once the run is over the page reloads to offer the file."""
    run = get_object_or_404(runs.runs_of(request.user), public_id=public_id)
    response = render(request, "insight/report_run_status.html", _run_context(run))
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def report_run_now(request, public_id):
    """Generate a queued report in this request: what the page does when no worker took it."""
    run = get_object_or_404(runs.runs_of(request.user), public_id=public_id)
    runs.execute(run.pk)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(run)


@require_GET
def report_download(request, public_id):
    run = get_object_or_404(runs.runs_of(request.user).filter(status=ReportRun.Status.DONE), public_id=public_id)
    response = HttpResponse(bytes(run.content), content_type=FORMATS[run.format])
    name = file_name(run.campus, run.year, run.format, run.language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
