"""Pages of import and export: upload -> check -> confirm -> import, exports of any list, duplicates, merge.

The views are thin: importing is `runs` + `importer`, exporting is `exporter`, matching is
`directory.dedupe`, merging is `directory.services.organization_merge`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biocampus.accounts.permissions import access_for, can_add
from biocampus.campuses.selectors import current_campus_for
from biocampus.core.views_generic import RecordListView
from biocampus.directory import services as directory_services
from biocampus.directory.dedupe import merge_preview, probable_duplicates_for
from biocampus.directory.forms import DirectoryFilterForm
from biocampus.directory.models import Organization
from biocampus.directory.selectors import organizations_for

from . import formats, runs
from .bulk import STAGE_LABELS
from .exporter import export_records
from .forms import ConfirmForm, MergeForm, UploadForm
from .kinds import KINDS, Kind, kind_for_model
from .models import ImportRun

RECENT_RUNS = 10


def _require_editor(user) -> None:
    """Importing writes records: campus admins and staff (and superusers), as for adding organisations."""
    if not can_add(user, Organization):
        raise PermissionDenied(_("Only campus admins and staff can import."))


def _runs_of(user):
    runs_ = ImportRun.objects.select_related("campus").defer("content")
    return runs_ if user.is_superuser else runs_.filter(created_by=user)


@require_http_methods(["GET", "POST"])
def import_start(request):
    _require_editor(request.user)
    initial = {"campus": current_campus_for(request).current, "kind": request.GET.get("kind")}
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = ImportRun(
            created_by=request.user,
            kind=form.cleaned_data["kind"],
            file_name=upload.name[-255:],
            content=upload.read(),
            size=upload.size,
            campus=form.cleaned_data["campus"],
        )
        runs.queue(run, stage=ImportRun.Stage.PREVIEW)
        return redirect(run)
    context = {"form": form, "kinds": [KINDS[name] for name, _label in form.fields["kind"].choices],
               "recent": _runs_of(request.user)[:RECENT_RUNS]}  # fmt: skip
    return render(request, "exchange/import_start.html", context)


def _run_context(request, run: ImportRun, **extra) -> dict:
    done, total, stage = runs.progress_of(run)
    report = runs.report_of(run) if run.status == ImportRun.Status.DONE else None
    context = {
        "run": run,
        "kind": KINDS[run.kind],
        "report": report,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "stage": STAGE_LABELS.get(stage) if stage else None,
        "inline_delay": runs.inline_delay(run),
    }
    if report is not None and run.stage == ImportRun.Stage.PREVIEW and not report.refused:
        context["confirm_form"] = ConfirmForm(report=report)
    context.update(extra)
    return context


@require_GET
def import_run(request, public_id):
    run = get_object_or_404(_runs_of(request.user), public_id=public_id)
    return render(request, "exchange/import_run.html", _run_context(request, run))


@require_GET
def import_run_status(request, public_id):
    """The progress element, polled every second; once the stage is over the page reloads to show it."""
    run = get_object_or_404(_runs_of(request.user), public_id=public_id)
    response = render(request, "exchange/partials/run_status.html", _run_context(request, run))
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def import_run_now(request, public_id):
    """Run a queued stage in this request: what the page does when no worker took it (see runs.py)."""
    run = get_object_or_404(_runs_of(request.user), public_id=public_id)
    runs.execute(run.pk)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(run)


@require_POST
def import_confirm(request, public_id):
    _require_editor(request.user)
    run = get_object_or_404(_runs_of(request.user), public_id=public_id, stage=ImportRun.Stage.PREVIEW)
    report = runs.report_of(run)
    if run.status != ImportRun.Status.DONE or report is None or report.refused:
        return redirect(run)
    form = ConfirmForm(request.POST, report=report)
    if not form.is_valid():
        return render(request, "exchange/import_run.html", _run_context(request, run, confirm_form=form), status=400)
    run.skip_invalid = form.cleaned_data["skip_invalid"]
    run.decisions = form.decisions()
    runs.queue(run, stage=ImportRun.Stage.IMPORT)
    return redirect(run)


# --- Exports ------------------------------------------------------------------------------------------


def _download(kind: Kind, queryset, request) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in formats.FORMATS:
        raise Http404(_("Export as csv, xlsx or json."))
    response = HttpResponse(export_records(kind, queryset, fmt), content_type=formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind.name}.{fmt}"'
    return response


@require_GET
def export_directory(request):
    """The directory as it is filtered on the page (search, kind, country, field, campus, status)."""
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "", [])}
    return _download(KINDS["organizations"], organizations_for(request.user, **filters), request)


@require_GET
def export_list(request, list_name: str):
    """Any record list page (`agreements:agreement_list`...) with the filters of its query string."""
    try:
        match = resolve(reverse(list_name))
    except NoReverseMatch:
        raise Http404(_("No such list.")) from None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, RecordListView):
        raise Http404(_("No such list."))
    kind = kind_for_model(view_class.model)
    if kind is None:
        raise Http404(_("This list cannot be exported."))
    view = view_class()
    view.setup(request)
    return _download(kind, view.get_queryset(), request)


# --- Duplicates and merging ------------------------------------------------------------------------------


@require_GET
def duplicates(request):
    _require_editor(request.user)
    pairs = probable_duplicates_for(request.user)
    return render(request, "exchange/duplicates.html", {"pairs": pairs, "can_merge": _may_merge(request.user)})


def _may_merge(user) -> bool:
    access = access_for(user)
    return access.is_superuser or bool(access.admin_campuses)


@require_http_methods(["GET", "POST"])
def merge(request):
    """Pick two organisations, see what moves, confirm. The service decides who may merge which."""
    if not _may_merge(request.user):
        raise PermissionDenied(_("Only campus admins and superusers can merge organisations."))
    data = request.POST if request.method == "POST" else (request.GET if "keep" in request.GET else None)
    form = MergeForm(data, user=request.user)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        keep, merged = form.cleaned_data["keep"], form.cleaned_data["merge"]
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                directory_services.organization_merge(actor=request.user, keep=keep, merge=merged)
            except (ValidationError, PermissionDenied) as error:
                messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
                context["refusal"] = messages_
            else:
                messages.success(
                    request, _("%(merged)s was merged into %(kept)s.") % {"merged": merged.name, "kept": keep.name}
                )
                return redirect(keep)
        context.update(keep=keep, merged=merged, moves=merge_preview(keep=keep, merge=merged))
    return render(request, "exchange/merge.html", context, status=400 if context.get("refusal") else 200)
