"""Pages of the service desk: the catalogue of the current campus, its centres, and service requests.

Thin: reads through selectors, writes through services, permission questions to accounts.permissions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biocampus.accounts.permissions import CHANGE, can, can_add, may_act_for
from biocampus.campuses.selectors import current_campus_for
from biocampus.core.history import history_for
from biocampus.core.views_generic import RecordDetailView, RecordFormView

from . import selectors, services
from .choices import OPEN_STATUSES, RequestStatus
from .forms import AssignForm, CentreForm, CommentForm, RequestForm, ServiceForm, StatusForm
from .models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment

REQUESTS_PER_PAGE = 50


def _campus(request):
    return current_campus_for(request).current


def _attach(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])


# --------------------------------------------------------------------------------------------------
# The catalogue and its centres
# --------------------------------------------------------------------------------------------------


@require_GET
def catalogue(request):
    campus = _campus(request)
    team = campus is not None and services.handles_requests(request.user, campus)
    centres = selectors.catalogue_for(request.user, campus=campus, active_only=not team) if campus else []
    context = {
        "campus": campus,
        "centres": centres,
        "can_request": campus is not None and can_add(request.user, ServiceRequest, campus=campus),
        "can_manage": team,
    }
    return render(request, "servicedesk/catalogue.html", context)


class CentreDetailView(RecordDetailView):
    model = ServiceCentre
    template_name = "servicedesk/centre_detail.html"
    history_children = ((Service, "centre"),)

    def selector(self, user):
        return selectors.catalogue_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_request"] = can_add(self.request.user, ServiceRequest, campus=self.object.campus)
        return context


class CentreFormView(RecordFormView):
    model = ServiceCentre
    form_class = CentreForm

    def selector(self, user):
        return selectors.centres_for(user)

    def get_initial(self):
        return {"campus": _campus(self.request)} if self.object is None else {}

    def perform(self, form, formsets):
        values = dict(form.cleaned_data)
        if self.object is None:
            return services.centre_create(actor=self.request.user, **values)
        return services.centre_update(actor=self.request.user, centre=self.object, **values)


class ServiceFormView(RecordFormView):
    """A service of a centre: added from the centre's page (/services/centres/<id>/services/new/)."""

    model = Service
    form_class = ServiceForm

    def dispatch(self, request, *args, **kwargs):
        self.centre = None
        if "centre_id" in kwargs:
            self.centre = get_object_or_404(selectors.centres_for(request.user), public_id=kwargs["centre_id"])
            if not can_add(request.user, Service, campus=self.centre.campus):
                raise PermissionDenied(_("Only the campus team changes its catalogue."))
        return super().dispatch(request, *args, **kwargs)

    def selector(self, user):
        return selectors.services_for(user)

    def get_title(self):
        if self.object is None:
            return _("New service of %(centre)s") % {"centre": self.centre}
        return super().get_title()

    def perform(self, form, formsets):
        if self.object is None:
            return services.service_create(actor=self.request.user, centre=self.centre, **form.cleaned_data)
        return services.service_update(actor=self.request.user, service=self.object, **form.cleaned_data)


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


@require_GET
def request_list(request):
    user, campus = request.user, _campus(request)
    team = campus is not None and services.handles_requests(user, campus)
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    centres = selectors.centres_for(user, campus=campus) if campus else ServiceCentre.objects.none()
    centre = _pick(centres, request.GET.get("centre", ""))
    members = selectors.team_of(campus) if team else []
    assignee_choice = request.GET.get("assignee", "")
    assignee = None
    if assignee_choice == "me":
        assignee = user
    elif assignee_choice.isdigit():
        assignee = next((member for member in members if member.pk == int(assignee_choice)), None)
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "").replace("\x00", "")
    found = (
        selectors.requests_for(
            user,
            campus=campus,
            centre=centre,
            assignee=assignee,
            unassigned=assignee_choice == "none",
            overdue=True if overdue else None,
            q=q,
        )
        if campus
        else ServiceRequest.objects.none()
    )
    counts = selectors.status_counts(found) if campus else {}
    shown = found.filter(status=status) if status else found
    page = Paginator(shown.order_by("-is_overdue", "-opened_at", "-id"), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    without_status = query.copy()
    without_status.pop("status", None)
    context = {
        "campus": campus,
        "team": team,
        "page_obj": page,
        "requests": page.object_list,
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in RequestStatus.choices],
        "open_count": sum(counts.get(value, 0) for value in OPEN_STATUSES),
        "overdue_count": selectors.overdue_count(user, campus=campus) if campus else 0,
        "filters": {"status": status, "centre": centre, "assignee": assignee_choice, "overdue": overdue, "q": q},
        "centres": centres,
        "members": members,
        "statuses": RequestStatus.choices,
        "can_add": campus is not None and can_add(user, ServiceRequest, campus=campus),
        "query_string": query.urlencode(),
        "query_without_status": without_status.urlencode(),
    }
    return render(request, "servicedesk/request_list.html", context)


def _pick(queryset, public_id: str):
    """The record with this public id in `queryset`, or None for an empty or malformed id."""
    try:
        return queryset.filter(public_id=public_id).first() if public_id else None
    except ValidationError:
        return None


@require_http_methods(["GET", "POST"])
def request_create(request):
    campus = _campus(request)
    if campus is None or not can_add(request.user, ServiceRequest, campus=campus):
        raise PermissionDenied(_("Only the campus team and its residents' members open service requests."))
    initial = {}
    service = _pick(selectors.services_for(request.user, campus=campus), request.GET.get("service", ""))
    if service is not None:
        initial.update(service=service, centre=service.centre)
    else:
        initial["centre"] = _pick(selectors.centres_for(request.user, campus=campus), request.GET.get("centre", ""))
    form = RequestForm(request.POST or None, user=request.user, campus=campus, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.request_open(actor=request.user, campus=campus, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request,
                _("Request %(reference)s is open. %(centre)s answers by %(due)s.")
                % {"reference": opened.reference, "centre": opened.centre, "due": _when(opened.due_at)},
            )
            return redirect(opened)
    context = {"form": form, "campus": campus, "title": _("New service request")}
    return render(request, "servicedesk/request_form.html", context)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _request(request, public_id) -> ServiceRequest:
    found = selectors.request_detail_for(request.user).filter(public_id=public_id).first()
    if found is None:
        raise Http404(_("No such request, or you may not see it."))
    return found


def _detail(request, record: ServiceRequest, **forms):
    user = request.user
    team = can(user, CHANGE, record)
    may_comment = may_act_for(user, record.organization, campus=record.campus)
    context = {
        "object": record,
        "team": team,
        "may_comment": may_comment,
        "comments": record.visible_comments,
        "status_form": forms.get("status_form") or (StatusForm(request=record) if team else None),
        "assign_form": forms.get("assign_form")
        or (AssignForm(request=record, initial={"assignee": record.assignee}) if team else None),
        "comment_form": forms.get("comment_form") or (CommentForm(may_write_internal=team) if may_comment else None),
        # Residents read the request's own history; the team also that of the conversation, internal notes included.
        "history": history_for(record, children=((ServiceRequestComment, "request"),) if team else ()),
    }
    return render(request, "servicedesk/request_detail.html", context)


@require_GET
def request_detail(request, public_id):
    return _detail(request, _request(request, public_id))


@require_POST
def request_change_status(request, public_id):
    record = _request(request, public_id)
    form = StatusForm(request.POST, request=record)
    if form.is_valid():
        try:
            services.request_change_status(actor=request.user, request=record, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("The request is now: %(status)s.") % {"status": record.get_status_display()})
            return redirect(record)
    return _detail(request, _request(request, public_id), status_form=form)


@require_POST
def request_assign(request, public_id):
    record = _request(request, public_id)
    if not can(request.user, CHANGE, record):
        raise PermissionDenied(_("Only the campus team assigns requests."))
    form = AssignForm(request.POST, request=record)
    if form.is_valid():
        try:
            services.request_assign(actor=request.user, request=record, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            assignee = record.assignee
            messages.success(
                request,
                _("Assigned to %(user)s.") % {"user": assignee.get_full_name() or assignee.get_username()}
                if assignee
                else _("The request is unassigned."),
            )
            return redirect(record)
    return _detail(request, _request(request, public_id), assign_form=form)


@require_POST
def request_comment(request, public_id):
    record = _request(request, public_id)
    team = can(request.user, CHANGE, record)
    form = CommentForm(request.POST, may_write_internal=team)
    if form.is_valid():
        was_waiting = record.status == RequestStatus.WAITING_FOR_RESIDENT
        try:
            services.request_comment(actor=request.user, request=record, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            if was_waiting and record.status == RequestStatus.IN_PROGRESS:
                messages.success(request, _("Thank you: your answer is posted and the request is back in progress."))
            else:
                messages.success(request, _("Your message is posted."))
            return redirect(record)
    return _detail(request, _request(request, public_id), comment_form=form)
