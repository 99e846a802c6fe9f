"""Reads of the service desk, scoped to what the user may see (permissions.visible)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from biocampus.accounts.models import User
from biocampus.accounts.permissions import campus_team, visible
from biocampus.campuses.choices import ACTIVE_STATUSES
from biocampus.campuses.models import Residency
from biocampus.directory.models import Organization
from biocampus.directory.search import search_records

from .choices import RequestStatus
from .models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment


def centres_for(user, *, campus=None, q: str = "") -> QuerySet[ServiceCentre]:
    centres = visible(ServiceCentre.objects.select_related("campus__organization", "operator"), user)
    if campus is not None:
        centres = centres.filter(campus=campus)
    return search_records(centres, q.replace("\x00", ""), ("name", "name_zh", "description"))


def catalogue_for(user, *, campus=None, active_only: bool = False) -> QuerySet[ServiceCentre]:
    """The centres with their services (only those still offered, when `active_only`)."""
    services = Service.objects.order_by("name")
    if active_only:
        services = services.filter(is_active=True)
    return centres_for(user, campus=campus).prefetch_related(Prefetch("services", queryset=services))


def services_for(user, *, campus=None) -> QuerySet[Service]:
    services = visible(Service.objects.select_related("centre__campus__organization"), user)
    if campus is not None:
        services = services.filter(centre__campus=campus)
    return services


def requests_for(
    user,
    *,
    campus=None,
    status: str = "",
    centre=None,
    assignee=None,
    unassigned: bool = False,
    overdue: bool | None = None,
    organization=None,
    q: str = "",
) -> QuerySet[ServiceRequest]:
    """The requests the user may read, each with `is_overdue` and `answered_in_time` (see models)."""
    requests = visible(
        ServiceRequest.objects.with_deadlines().select_related(
            "campus__organization", "centre", "service", "organization", "requested_by", "assignee"
        ),
        user,
    )
    if campus is not None:
        requests = requests.filter(campus=campus)
    if status:
        requests = requests.filter(status=status)
    if centre is not None:
        requests = requests.filter(centre=centre)
    if assignee is not None:
        requests = requests.filter(assignee=assignee)
    if unassigned:
        requests = requests.filter(assignee__isnull=True)
    if overdue is not None:
        requests = requests.filter(is_overdue=overdue)
    if organization is not None:
        requests = requests.filter(organization=organization)
    fields = ("reference", "subject", "organization__name", "organization__name_zh", "centre__name", "service__name")
    return search_records(requests, q.replace("\x00", ""), fields)


def comments_for(user, request: ServiceRequest) -> QuerySet[ServiceRequestComment]:
    """The conversation of a request as `user` may read it (internal notes only for the campus team)."""
    return visible(ServiceRequestComment.objects.select_related("author"), user).filter(request=request)


def request_detail_for(user) -> QuerySet[ServiceRequest]:
    """Requests with the comments the user may read prefetched as `visible_comments`."""
    comments = visible(ServiceRequestComment.objects.select_related("author"), user)
    return requests_for(user).prefetch_related(Prefetch("comments", queryset=comments, to_attr="visible_comments"))


def status_counts(requests: QuerySet[ServiceRequest]) -> dict[str, int]:
    """How many of `requests` are in each status (every status, zero included)."""
    found = dict(requests.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: found.get(status, 0) for status in RequestStatus.values}


def overdue_count(user, *, campus=None) -> int:
    """The number behind the overdue badge."""
    return requests_for(user, campus=campus, overdue=True).count()


def team_of(campus) -> QuerySet[User]:
    """The people a request of `campus` can be assigned to: its admins and staff."""
    return campus_team(campus).order_by("username")


def requesting_organizations(user, campus) -> QuerySet[Organization]:
    """The residents of `campus` the user may open requests for: every one for the campus team, its own
    organisation for a resident member (it sees only its own residency)."""
    residencies = visible(Residency.objects.filter(campus=campus, status__in=ACTIVE_STATUSES), user)
    return Organization.objects.filter(pk__in=residencies.values("organization")).order_by("name")
