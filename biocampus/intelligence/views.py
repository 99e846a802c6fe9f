"""Pages of the intelligence app: the inbox of ingested documents, adding press releases, reviewing the
facts proposed from them, and the progress of a batch on the background worker.

The views are thin: reading files is `readers`, writing is `services`, reading records is `selectors`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biocampus.accounts.permissions import CHANGE, can, can_add
from biocampus.campuses.selectors import current_campus_for
from biocampus.core import background
from biocampus.directory.selectors import organization_detail_for, organization_sources_for

from . import selectors, services
from .forms import PasteForm, UploadForm, fact_form
from .models import DocumentStatus, FactKind, FactStatus, IngestRun, SourceDocument
from .readers import UnreadableDocument, read_document

PAGE_SIZE = 50


def worker_grace_seconds() -> int:
    return background.grace_seconds("BIOCAMPUS_INGEST_WORKER_GRACE_SECONDS", 5)


def _require_reviewer(user) -> None:
    """Documents and their facts are the campus team's (STAFF_ONLY in permissions.py)."""
    if not can_add(user, SourceDocument):
        raise PermissionDenied(_("Only campus admins and staff review press releases."))


@require_GET
def inbox(request):
    _require_reviewer(request.user)
    status = request.GET.get("status", "")
    if status not in DocumentStatus.values:
        status = ""
    documents = selectors.documents_for(request.user, status=status, query=request.GET.get("q", "")[:200])
    before = request.GET.get("before")
    if before:  # keyset: the page after the document named, in (created_at, id) order
        anchor = documents.filter(public_id=before).values("created_at", "id").first() if _is_uuid(before) else None
        if anchor:
            documents = documents.filter(created_at__lte=anchor["created_at"]).exclude(
                created_at=anchor["created_at"], id__gte=anchor["id"]
            )
    page = list(documents[: PAGE_SIZE + 1])
    return render(request, "intelligence/inbox.html", {
        "documents": page[:PAGE_SIZE],
        "next_before": page[PAGE_SIZE - 1].public_id if len(page) > PAGE_SIZE else None,
        "status": status,
        "statuses": DocumentStatus.choices,
        "q": request.GET.get("q", ""),
    })  # fmt: skip


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
def document_add(request):
    _require_reviewer(request.user)
    initial = {"campus": current_campus_for(request).current}
    paste_form = PasteForm(user=request.user, initial=initial, prefix="paste")
    upload_form = UploadForm(user=request.user, initial=initial, prefix="upload")
    status = 200
    if request.method == "POST" and "paste-text" in request.POST:
        paste_form = PasteForm(request.POST, user=request.user, prefix="paste")
        if paste_form.is_valid():
            data = paste_form.cleaned_data
            try:
                result = services.ingest_text(
                    actor=request.user, text=data["text"], title=data["title"], url=data["url"],
                    published_on=data["published_on"], campus=data["campus"],
                )  # fmt: skip
            except ValidationError as error:
                _add_errors(paste_form, error)
            else:
                _say(request, result)
                return redirect("intelligence:document_review", public_id=result.document.public_id)
        status = 400
    elif request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES, user=request.user, prefix="upload")
        if upload_form.is_valid():
            response = _ingest_uploads(request, upload_form)
            if response is not None:
                return response
        status = 400
    return render(request, "intelligence/document_add.html",
                  {"paste_form": paste_form, "upload_form": upload_form}, status=status)  # fmt: skip


def _add_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, messages_)


def _say(request, result: services.IngestResult) -> None:
    name = result.name or str(result.document or "")
    if result.outcome == "new":
        messages.success(request, _("“%(name)s” was ingested.") % {"name": name})
    elif result.outcome == "existing":
        messages.info(request, _("“%(name)s” was already ingested; here it is.") % {"name": name})
    else:
        messages.error(
            request, _("“%(name)s” could not be ingested: %(reason)s") % {"name": name, "reason": result.reason}
        )


def _ingest_uploads(request, form):
    """Read every upload now (so an unreadable one is reported at once); store them here if few, else queue
    them for the background worker and show the run's progress."""
    campus = form.cleaned_data["campus"]
    read, failures = [], []
    for upload in form.cleaned_data["files"]:
        try:
            title, text = read_document(upload.read(), upload.name)
        except UnreadableDocument as error:
            failures.append({"name": upload.name, "reason": str(error)})
        else:
            read.append({"name": upload.name, "title": title, "text": text})
    try:
        if len(read) > services.background_threshold():
            run = services.ingest_run_queue(actor=request.user, documents=read, campus=campus, failures=failures)
            return redirect("intelligence:run_detail", public_id=run.public_id)
        results = [services.IngestResult(None, False, name=f["name"], reason=f["reason"]) for f in failures]
        for item in read:
            try:
                results.append(services.ingest_text(actor=request.user, text=item["text"], title=item["title"],
                                                    campus=campus, file_name=item["name"]))  # fmt: skip
            except ValidationError as error:
                results.append(services.IngestResult(None, False, name=item["name"], reason=" ".join(error.messages)))
    except ValidationError as error:
        _add_errors(form, error)
        return None
    for result in results:
        _say(request, result)
    stored = [result for result in results if result.document is not None]
    if len(results) == 1 and stored:
        return redirect("intelligence:document_review", public_id=stored[0].document.public_id)
    if not stored:
        form.add_error("files", _("No file could be ingested."))
        return None
    return redirect("intelligence:inbox")


@require_GET
def document_review(request, public_id):
    _require_reviewer(request.user)
    document = selectors.document_for(request.user, public_id)
    if document is None:
        raise Http404
    facts = list(selectors.facts_of(document))
    pieces = selectors.highlighted(document.text, [(f.evidence_start, f.evidence_end, str(f.public_id)) for f in facts
                                                   if f.status != FactStatus.REJECTED])  # fmt: skip
    may_change = can(request.user, CHANGE, document)
    groups = [(label, [_fact_context(f, may_change) for f in facts if f.kind == kind]) for kind, label in
              FactKind.choices]  # fmt: skip
    return render(request, "intelligence/document_review.html", {
        "document": document, "pieces": pieces, "groups": groups, "may_change": may_change,
        "counts": {status: sum(1 for f in facts if f.status == status) for status in FactStatus.values},
    })  # fmt: skip


def _fact_context(fact, may_change: bool, *, form=None, error: str = "") -> dict:
    return {
        "fact": fact,
        "may_change": may_change,
        "form": form,
        "error": error,
        "names_organizations": fact.kind in (FactKind.RELATION, FactKind.MILESTONE),
    }


def _fact_or_404(request, public_id):
    _require_reviewer(request.user)
    fact = selectors.fact_for(request.user, public_id)
    if fact is None:
        raise Http404
    if not can(request.user, CHANGE, fact):
        raise PermissionDenied
    return fact


def _fact_response(request, fact, *, form=None, error: str = "", status: int = 200):
    """The fact's card for htmx (which swaps it in place), or back to the review page."""
    if request.htmx:
        fact = selectors.facts_of(fact.document).get(pk=fact.pk)
        context = _fact_context(fact, True, form=form, error=error)
        return render(request, "intelligence/partials/fact.html", context, status=status)
    if error:
        messages.error(request, error)
    url = reverse("intelligence:document_review", kwargs={"public_id": fact.document.public_id})
    return redirect(f"{url}#fact-{fact.public_id}")


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
def fact_accept(request, public_id):
    fact = _fact_or_404(request, public_id)
    try:
        services.accept_fact(
            actor=request.user, fact=fact, with_organizations=request.POST.get("with_organizations") == "1"
        )
    except ValidationError as error:
        fact.refresh_from_db()
        return _fact_response(request, fact, error=_error_text(error), status=400)
    return _fact_response(request, fact)


@require_POST
def fact_reject(request, public_id):
    fact = _fact_or_404(request, public_id)
    try:
        services.reject_fact(actor=request.user, fact=fact, note=request.POST.get("note", "")[:300])
    except ValidationError as error:
        return _fact_response(request, fact, error=_error_text(error), status=400)
    return _fact_response(request, fact)


@require_http_methods(["GET", "POST"])
def fact_edit(request, public_id):
    fact = _fact_or_404(request, public_id)
    if request.method == "GET":
        if not request.htmx:
            return render(request, "intelligence/fact_edit.html", _fact_context(fact, True, form=fact_form(fact)))
        return _fact_response(request, fact, form=fact_form(fact))
    form = fact_form(fact, request.POST)
    if form.is_valid():
        try:
            services.edit_and_accept_fact(actor=request.user, fact=fact, payload=form.payload(),
                                          with_organizations=request.POST.get("with_organizations") == "1")  # fmt: skip
        except ValidationError as error:
            fact.refresh_from_db()
            _add_errors(form, error)
        else:
            return _fact_response(request, fact)
    if not request.htmx:
        return render(request, "intelligence/fact_edit.html", _fact_context(fact, True, form=form), status=400)
    return _fact_response(request, fact, form=form, status=400)


@require_POST
def document_extract(request, public_id):
    """Read the document again (after the extractor improved): decided facts stay, undecided are replaced."""
    _require_reviewer(request.user)
    document = selectors.document_for(request.user, public_id)
    if document is None:
        raise Http404
    services.extract_document(actor=request.user, document=document)
    messages.success(request, _("The document was read again."))
    return redirect("intelligence:document_review", public_id=document.public_id)


@require_GET
def run_detail(request, public_id):
    _require_reviewer(request.user)
    run = selectors.ingest_run_for(request.user, public_id)
    if run is None:
        raise Http404
    return render(request, "intelligence/run_detail.html", _run_context(run))


def _run_context(run: IngestRun) -> dict:
    total, done = run.progress_total, run.progress_done
    results = run.results if run.is_finished else []
    named = [line["document"] for line in results if line.get("document")]
    documents = {
        str(d.public_id): d for d in SourceDocument.objects.filter(public_id__in=named).only("public_id", "title")
    }
    return {
        "run": run,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "results": [{**line, "record": documents.get(line.get("document") or "")} for line in results],
    }


@require_GET
def run_progress(request, public_id):
    """The progress element, polled every second. If no worker took the run within the grace period, this
    request runs it (claimed once, so never twice); once done, the page reloads to show the results."""
    _require_reviewer(request.user)
    run = selectors.ingest_run_for(request.user, public_id)
    if run is None:
        raise Http404
    waited = (timezone.now() - run.created_at).total_seconds()
    if run.status == IngestRun.Status.QUEUED and waited >= worker_grace_seconds():
        services.ingest_run_execute(run.pk)
        run.refresh_from_db()
    response = render(request, "intelligence/partials/run_progress.html", _run_context(run))
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_GET
def organization_sources(request, public_id):
    """'According to <source>' on an organisation's page (loaded there with htmx): the accepted facts of
    documents that made or involve it, for those who review documents (others get nothing)."""
    organization = organization_detail_for(request.user).filter(public_id=public_id).first()
    if organization is None:
        raise Http404
    if not can_add(request.user, SourceDocument):
        return HttpResponse("")
    facts = organization_sources_for(request.user, organization)[:50]
    return render(request, "intelligence/partials/organization_sources.html",
                  {"organization": organization, "facts": facts})  # fmt: skip
