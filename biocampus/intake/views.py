"""Pages of the intake: the public application form, the staff's board, an application's page, criteria."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biocampus.accounts import permissions
from biocampus.campuses.models import Campus
from biocampus.campuses.selectors import current_campus_for
from biocampus.core.files import max_attachment_bytes, serve_attached_file
from biocampus.core.history import history_for
from biocampus.core.views_generic import Column, RecordFormView, RecordListView
from biocampus.directory.search import search_records

from . import selectors, services
from .choices import MAX_ATTACHMENTS, OPEN_STATUSES, ApplicationStatus
from .forms import CriterionForm, DecisionForm, PublicApplicationForm, ReviewForm, StaffApplicationForm
from .models import Application, ApplicationAttachment, Decision, IntakeCriterion, Review, ReviewScore

THANKS_SESSION_KEY = "intake_reference"

# --- the public form --------------------------------------------------------------------------------


def _largest_request() -> int:
    """The most an application may send: its files at their limit, and room for the text."""
    return MAX_ATTACHMENTS * max_attachment_bytes() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _too_large(request, campus) -> object:
    message = _(
        "What you sent is too large. Send at most %(count)d files of up to %(mb)d MB each, and shorter texts."
    ) % {"count": MAX_ATTACHMENTS, "mb": max_attachment_bytes() // (1024 * 1024)}
    return render(request, "intake/apply_refused.html", {"campus": campus, "message": message}, status=413)


@login_not_required
@csrf_exempt  # checked below by csrf_protect, once a too-large body has had its readable answer
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    """GET/POST /apply/<campus>/: the public application form, for anyone, without an account."""
    campus = get_object_or_404(Campus.objects.select_related("organization"), slug=slug)
    _use_chosen_language(request)
    if request.method == "POST":
        # Django refuses bodies beyond its limits with a bare "400 Bad Request"; an applicant gets a page.
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > _largest_request():
                return _too_large(request, campus)
            request.POST, request.FILES  # noqa: B018 - parse now, so the limits are met here
        except (ValueError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return _too_large(request, campus)
    return _apply(request, campus)


def _use_chosen_language(request) -> None:
    """?language=zh-hans: the public cannot use the signed-in users' language menu, so the form offers links."""
    wanted = request.GET.get("language", "")
    if wanted in dict(settings.LANGUAGES):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted


@csrf_protect
def _apply(request, campus):
    criteria = IntakeCriterion.objects.filter(campus=campus)  # the public form shows what counts
    form = PublicApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot():  # answer as if it worked: a bot learns nothing
            request.session[THANKS_SESSION_KEY] = ""
            return redirect(_thanks_url(request, campus))
        address = request.META.get("REMOTE_ADDR", "")
        limit = settings.BIOCAMPUS_INTAKE_APPLICATIONS_PER_HOUR
        if address and selectors.submissions_in_last_hour(services.ip_hash(address)) >= limit:
            message = _(
                "We received %(count)d applications from your network in the last hour, the most we take. "
                "Please try again in an hour, or write to the campus team."
            ) % {"count": limit}
            return render(request, "intake/apply_refused.html", {"campus": campus, "message": message}, status=429)
        data = dict(form.cleaned_data)
        data.pop("homepage", None)
        try:
            application = services.application_submit(
                campus=campus,
                fields=list(data.pop("fields")),
                attachments=data.pop("attachments"),
                language=get_language() or settings.LANGUAGE_CODE,
                ip_address=address,
                **data,
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            request.session[THANKS_SESSION_KEY] = application.reference
            return redirect(_thanks_url(request, campus))
    context = {"campus": campus, "criteria": criteria, "form": form}
    return render(request, "intake/apply.html", context, status=422 if form.errors else 200)


@login_not_required
@never_cache
@require_GET
def apply_thanks(request, slug):
    campus = get_object_or_404(Campus.objects.select_related("organization"), slug=slug)
    if THANKS_SESSION_KEY not in request.session:
        return redirect("intake:apply", slug=slug)
    _use_chosen_language(request)
    reference = request.session[THANKS_SESSION_KEY]
    return render(request, "intake/apply_thanks.html", {"campus": campus, "reference": reference})


def _thanks_url(request, campus) -> str:
    url = reverse("intake:apply_thanks", kwargs={"slug": campus.slug})
    return f"{url}?language={request.LANGUAGE_CODE}" if request.GET.get("language") else url


def _attach_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        messages_ = [message for e in errors for message in e.messages]
        form.add_error(name if name in form.fields else None, messages_)


# --- the board --------------------------------------------------------------------------------------


def _board_campus(request):
    """The campus whose board to show: ?campus=<slug> among the user's, else the current one."""
    campuses = list(permissions.campuses_editable_by(request.user))
    wanted = request.GET.get("campus", "")
    chosen = next((c for c in campuses if c.slug == wanted), None)
    if chosen is None:
        current = current_campus_for(request).current
        chosen = next((c for c in campuses if current and c.pk == current.pk), campuses[0] if campuses else None)
    return chosen, campuses


@require_GET
def application_board(request):
    campus, campuses = _board_campus(request)
    if campus is None:
        raise PermissionDenied(_("Only a campus's admins and staff see its applications."))
    query = request.GET.get("q", "").replace("\x00", "")
    applications = list(selectors.applications_for(request.user, campus=campus, q=query))
    columns = [
        {"status": value, "label": label, "applications": [a for a in applications if a.status == value]}
        for value, label in ApplicationStatus.choices
    ]
    context = {
        "campus": campus,
        "campuses": campuses,
        "columns": columns,
        "query": query,
        "total": len(applications),
        "public_url": request.build_absolute_uri(f"/apply/{campus.slug}/"),
        "can_add": permissions.can_add(request.user, Application, campus=campus),
    }
    return render(request, "intake/application_board.html", context)


# --- one application --------------------------------------------------------------------------------


def _application(request, public_id) -> Application:
    application = selectors.application_detail_for(request.user).filter(public_id=public_id).first()
    if application is None:
        raise Http404(_("No such application, or you may not see it."))
    return application


def _detail_context(request, application, *, review_form=None, decision_form=None) -> dict:
    criteria = list(IntakeCriterion.objects.filter(campus=application.campus_id))
    reviews = list(application.reviews.all())
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    can_change = permissions.can(request.user, permissions.CHANGE, application)
    is_open = application.status in OPEN_STATUSES or application.status == ApplicationStatus.DECLINED
    if review_form is None and can_change and application.status in OPEN_STATUSES:
        initial = {"comment": mine.comment, "recommendation": mine.recommendation} if mine else {}
        if mine:
            initial.update({f"score_{s.criterion_id}": str(s.score) for s in mine.scores.all()})
        review_form = ReviewForm(initial=initial, criteria=criteria)
    if decision_form is None and can_change and is_open:
        proposals = selectors.organization_proposals(application, request.user)
        decision_form = DecisionForm(user=request.user, proposals=proposals)
    return {
        "object": application,
        "application": application,
        "criteria": criteria,
        "reviews": reviews,
        "my_review": mine,
        "review_form": review_form if application.status in OPEN_STATUSES else None,
        "decision_form": decision_form if is_open else None,
        "can_edit": can_change,
        "history": history_for(
            application,
            children=((ApplicationAttachment, "application"), (Review, "application"), (Decision, "application")),
        ),
        "score_history": ReviewScore.history.filter(review__application=application).exists(),
    }


@require_GET
def application_detail(request, public_id):
    application = _application(request, public_id)
    return render(request, "intake/application_detail.html", _detail_context(request, application))


@require_POST
def application_review(request, public_id):
    application = _application(request, public_id)
    if not permissions.can(request.user, permissions.CHANGE, application):
        raise PermissionDenied(_("Only the campus's admins and staff review its applications."))
    criteria = list(IntakeCriterion.objects.filter(campus=application.campus_id))
    form = ReviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.review_save(
                actor=request.user,
                application=application,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect(application.get_absolute_url() + "#reviews")
    context = _detail_context(request, application, review_form=form)
    return render(request, "intake/application_detail.html", context, status=422)


@require_POST
def application_decide(request, public_id):
    application = _application(request, public_id)
    if not permissions.can(request.user, permissions.CHANGE, application):
        raise PermissionDenied(_("Only the campus's admins and staff decide on its applications."))
    proposals = selectors.organization_proposals(application, request.user)
    form = DecisionForm(request.POST, user=request.user, proposals=proposals)
    if form.is_valid():
        organization, new_organization = form.chosen()
        outcome = form.cleaned_data["outcome"]
        try:
            services.application_decide(
                actor=request.user,
                application=application,
                outcome=outcome,
                reasons=form.cleaned_data["reasons"],
                organization=organization if outcome == "accept" else None,
                new_organization=new_organization,
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded; the applicant is emailed."))
            return redirect(application.get_absolute_url())
    context = _detail_context(request, application, decision_form=form)
    return render(request, "intake/application_detail.html", context, status=422)


@require_GET
def attachment_download(request, public_id, attachment_id):
    """Files of an application go only to those who may read the application."""
    application = _application(request, public_id)
    attachment = get_object_or_404(ApplicationAttachment, application=application, public_id=attachment_id)
    return serve_attached_file(attachment.file, download_name=attachment.name)


class ApplicationCreateView(RecordFormView):
    """An application the staff enter for a company (received by email, on paper, at an event)."""

    model = Application
    form_class = StaffApplicationForm
    title = gettext_lazy("Enter an application")

    def selector(self, user):
        return selectors.applications_for(user)

    def get_initial(self):
        current = current_campus_for(self.request).current
        return {"campus": current, "language": get_language()}

    def perform(self, form, formsets):
        data = dict(form.cleaned_data)
        return services.application_create(
            actor=self.request.user,
            campus=data.pop("campus"),
            language=data.pop("language"),
            fields=list(data.pop("fields")),
            attachments=data.pop("attachments"),
            **data,
        )


# --- criteria ---------------------------------------------------------------------------------------


class CriterionListView(RecordListView):
    model = IntakeCriterion
    title = gettext_lazy("Intake criteria")
    create_url_name = "intake:criterion_create"
    template_name = "intake/criterion_list.html"
    columns = [
        Column(gettext_lazy("Criterion"), "display_name"),
        Column(gettext_lazy("Weight"), "weight"),
        Column(gettext_lazy("Position"), "position"),
        Column(gettext_lazy("Description"), "description"),
        Column(gettext_lazy("Campus"), "campus"),
    ]

    def selector(self, user):
        criteria = selectors.criteria_for(user)
        campus = self.request.GET.get("campus", "")
        if campus:
            criteria = criteria.filter(campus__slug=campus)
        query = self.request.GET.get("q", "").replace("\x00", "")
        return search_records(criteria, query, ("name", "name_zh", "description"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = IntakeCriterion.objects.filter(pk__in=[c.pk for c in context["object_list"]])
        context["editable"] = set(permissions.editable(shown, self.request.user).values_list("pk", flat=True))
        return context


class CriterionFormView(RecordFormView):
    model = IntakeCriterion
    form_class = CriterionForm

    def selector(self, user):
        return selectors.criteria_for(user)

    def get_initial(self):
        return {"campus": current_campus_for(self.request).current, "weight": 1}

    def perform(self, form, formsets):
        if self.object is None:
            return services.criterion_create(actor=self.request.user, **form.cleaned_data)
        return services.criterion_update(actor=self.request.user, criterion=self.object, **form.cleaned_data)
