"""Writes to service centres, their catalogue, and service requests with their conversation.

Who may do what is asked of accounts.permissions: the campus's admins and staff keep the catalogue and
handle requests; a resident member opens requests for its own organisation (`may_act_for`) and takes part
in their conversation. Each function is one transaction: a refused or invalid write leaves nothing.

`opened_at` and `at` (when something happened, if not now) exist for imports and the demo campus; pages
and the API never pass them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, VIEW, can, can_add, may_act_for, require
from biocampus.campuses.choices import ACTIVE_STATUSES
from biocampus.campuses.models import Residency
from biocampus.core.events import publish
from biocampus.core.services import apply_changes, record_save

from .choices import CLOSED_STATUSES, REQUEST_TRANSITIONS, RequestPriority, RequestStatus
from .models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment

REFERENCE_ATTEMPTS = 5


def handles_requests(user, campus) -> bool:
    """Whether `user` is on the team that handles `campus`'s requests: those who keep its catalogue (its
    admins and staff; the system too)."""
    return user is None or can_add(user, ServiceCentre, campus=campus)


# --------------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def centre_create(*, actor, campus, name: str, provenance=None, **attributes) -> ServiceCentre:
    require(actor, ADD, ServiceCentre, campus=campus)
    centre = ServiceCentre(campus=campus, name=name, **attributes)
    return record_save(centre, actor=actor, provenance=provenance)


@transaction.atomic
def centre_update(*, actor, centre: ServiceCentre, reason: str = "", **changes) -> ServiceCentre:
    require(actor, CHANGE, centre)
    campus = changes.pop("campus", centre.campus)
    if campus != centre.campus:
        raise ValidationError({"campus": _("A service centre stays at its campus; create one at the other campus.")})
    if apply_changes(centre, changes):
        record_save(centre, actor=actor, reason=reason)
    return centre


@transaction.atomic
def service_create(*, actor, centre: ServiceCentre, name: str, provenance=None, **attributes) -> Service:
    require(actor, ADD, Service, campus=centre.campus)
    service = Service(centre=centre, name=name, **attributes)
    return record_save(service, actor=actor, provenance=provenance)


@transaction.atomic
def service_update(*, actor, service: Service, reason: str = "", **changes) -> Service:
    require(actor, CHANGE, service)
    centre = changes.pop("centre", service.centre)
    if centre != service.centre:
        raise ValidationError({"centre": _("A service stays with its centre; add it to the other centre instead.")})
    if apply_changes(service, changes):
        record_save(service, actor=actor, reason=reason)
    return service


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    """SR-<year>-<number>: numbered across the network within each year, at least four digits."""
    prefix = f"SR-{year}-"
    last = (
        ServiceRequest.objects.filter(reference__startswith=prefix)
        .annotate(reference_length=Length("reference"))
        .order_by("-reference_length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _is_resident(organization, campus) -> bool:
    return Residency.objects.filter(organization=organization, campus=campus, status__in=ACTIVE_STATUSES).exists()


@transaction.atomic
def request_open(
    *,
    actor,
    campus,
    centre: ServiceCentre,
    organization,
    subject: str,
    description: str = "",
    service: Service | None = None,
    priority: str = RequestPriority.NORMAL,
    requested_by=None,
    opened_at: datetime.datetime | None = None,
    provenance=None,
) -> ServiceRequest:
    """Open a request of `organization` (a resident of `campus`) to one of the campus's centres.

    A resident member opens requests for its own organisation and is their requester; the staff may open
    one on a resident's behalf (a phone call) and name the requester or leave it empty.
    """
    require(actor, ADD, ServiceRequest, campus=campus)
    if not may_act_for(actor, organization, campus=campus):
        raise PermissionDenied(_("You may open requests only for your own organisation."))
    staff = handles_requests(actor, campus)
    if not staff:
        requested_by = actor
        if opened_at is not None:
            raise PermissionDenied(_("Only the campus team records requests that came in earlier."))
    errors: dict[str, list[str]] = {}
    if centre.campus_id != campus.pk:
        errors.setdefault("centre", []).append(
            _("%(centre)s is not a service centre of %(campus)s.") % {"centre": centre, "campus": campus}
        )
    if service is not None:
        if service.centre_id != centre.pk:
            errors.setdefault("service", []).append(
                _("%(service)s is not a service of %(centre)s.") % {"service": service, "centre": centre}
            )
        elif not service.is_active:
            errors.setdefault("service", []).append(_("%(service)s is no longer offered.") % {"service": service})
    if organization is not None and not _is_resident(organization, campus):
        errors.setdefault("organization", []).append(
            _("%(organization)s is not a resident of %(campus)s: only residents open service requests.")
            % {"organization": organization, "campus": campus}
        )
    if requested_by is not None and not may_act_for(requested_by, organization, campus=campus):
        errors.setdefault("requested_by", []).append(
            _("%(user)s does not act for %(organization)s.") % {"user": requested_by, "organization": organization}
        )
    if errors:
        raise ValidationError(errors)
    opened_at = opened_at or timezone.now()
    hours = service.effective_response_hours if service is not None else centre.target_response_hours
    request = ServiceRequest(
        campus=campus,
        centre=centre,
        service=service,
        organization=organization,
        requested_by=requested_by,
        subject=subject,
        description=description,
        priority=priority,
        opened_at=opened_at,
        due_at=opened_at + datetime.timedelta(hours=hours),
    )
    year = timezone.localtime(opened_at).year
    for attempt in range(REFERENCE_ATTEMPTS):
        # Two requests opened at the same moment may draw the same number: the second one draws again.
        request.reference = _next_reference(year)
        try:
            with transaction.atomic():
                record_save(request, actor=actor, provenance=provenance)
            break
        except (IntegrityError, ValidationError) as error:
            taken = isinstance(error, IntegrityError) or "reference" in getattr(error, "error_dict", {})
            if not taken or attempt == REFERENCE_ATTEMPTS - 1:
                raise
            request.pk = None
            request.provenance = provenance
    publish("service_request.opened", request, actor=actor)
    return request


@transaction.atomic
def request_assign(*, actor, request: ServiceRequest, assignee) -> ServiceRequest:
    """Give the request to someone of the campus team (or to nobody, with None)."""
    require(actor, CHANGE, request)
    if assignee is not None and not can(assignee, CHANGE, request):
        raise ValidationError(
            {"assignee": _("%(user)s is not on the team of %(campus)s.") % {"user": assignee, "campus": request.campus}}
        )
    if request.assignee_id != (assignee.pk if assignee else None):
        request.assignee = assignee
        record_save(request, actor=actor)
    return request


@transaction.atomic
def request_set_priority(*, actor, request: ServiceRequest, priority: str) -> ServiceRequest:
    require(actor, CHANGE, request)
    if apply_changes(request, {"priority": priority}):
        record_save(request, actor=actor)
    return request


def _check_transition(current: str, new: str) -> None:
    if new not in REQUEST_TRANSITIONS.get(current, frozenset()):
        labels = dict(RequestStatus.choices)
        raise ValidationError(
            {
                "status": _("A request cannot go from %(current)s to %(new)s.")
                % {"current": labels.get(current, current), "new": labels.get(new, new)}
            }
        )


def _move(*, actor, request: ServiceRequest, status: str, at: datetime.datetime, reason: str = "") -> None:
    request.status = status
    request.closed_at = at if status in CLOSED_STATUSES else None
    record_save(request, actor=actor, reason=reason)
    publish("service_request.status_changed", request, actor=actor)


@transaction.atomic
def request_change_status(
    *, actor, request: ServiceRequest, status: str, reason: str = "", at: datetime.datetime | None = None
) -> ServiceRequest:
    """Move the request along REQUEST_TRANSITIONS. Declining needs a reason; a reason is also posted to the
    conversation, so the resident reads it. The staff's first status change is the request's first answer."""
    require(actor, CHANGE, request)
    if status == request.status:
        return request
    _check_transition(request.status, status)
    reason = (reason or "").strip()
    if status == RequestStatus.DECLINED and not reason:
        raise ValidationError({"reason": _("Say why the request is declined: the resident reads it.")})
    at = at or timezone.now()
    if request.first_response_at is None:
        request.first_response_at = at
    _move(actor=actor, request=request, status=status, at=at, reason=reason)
    if reason:
        comment = ServiceRequestComment(request=request, author=_person(actor), body=reason, posted_at=at)
        record_save(comment, actor=actor, provenance=request.provenance)
    return request


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def request_comment(
    *,
    actor,
    request: ServiceRequest,
    body: str,
    is_internal: bool = False,
    at: datetime.datetime | None = None,
    provenance=None,
) -> ServiceRequestComment:
    """Add to the conversation. The campus team may write internal notes; a resident member writes to
    the team, and its answer to a request waiting for it puts the request back in progress."""
    require(actor, VIEW, request)
    if not may_act_for(actor, request.organization, campus=request.campus):
        raise PermissionDenied(_("Only the campus team and the resident's own members write on this request."))
    staff = handles_requests(actor, request.campus)
    if is_internal and not staff:
        raise PermissionDenied(_("Only the campus team writes internal notes."))
    at = at or timezone.now()
    comment = ServiceRequestComment(request=request, author=_person(actor), body=body, is_internal=is_internal)
    comment.posted_at = at
    record_save(comment, actor=actor, provenance=provenance)
    if staff and not is_internal and request.first_response_at is None:
        request.first_response_at = at
        record_save(request, actor=actor)
    elif not staff and request.status == RequestStatus.WAITING_FOR_RESIDENT:
        _move(actor=actor, request=request, status=RequestStatus.IN_PROGRESS, at=at, reason=_("The resident answered."))
    return comment
