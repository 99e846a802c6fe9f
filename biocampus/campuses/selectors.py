"""Reads of campuses and residencies, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import access_for, visible

from .models import Campus, Residency

SESSION_KEY = "biocampus_campus"


def campus_with_its_organization(path: str = "campus") -> Prefetch:
    """The campus of each row (and its organisation, which names it) in one extra query, for long lists that
    must not join the campuses: see agreements.selectors.agreements_for."""
    return Prefetch(path, queryset=Campus.objects.select_related("organization"))


def campuses_for(user) -> QuerySet[Campus]:
    return visible(Campus.objects.select_related("organization"), user)


def campuses_of_user(user) -> QuerySet[Campus]:
    """The campuses where the user has a role (all for superusers): the ones to choose between."""
    access = access_for(user)
    campuses = Campus.objects.select_related("organization")
    if access.is_superuser:
        return campuses.order_by("pk")
    return campuses.filter(memberships__user=user).distinct().order_by("pk")


def residencies_for(user, *, campus: Campus | None = None, organization=None) -> QuerySet[Residency]:
    residencies = visible(Residency.objects.select_related("organization", "campus__organization"), user)
    if campus is not None:
        residencies = residencies.filter(campus=campus)
    if organization is not None:
        residencies = residencies.filter(organization=organization)
    return residencies


@dataclass
class CampusChoice:
    current: Campus | None
    available: list[Campus]


def current_campus_for(request) -> CampusChoice:
    """The campus chosen in this session, else the user's first campus; cached on the request."""
    cached = getattr(request, "_campus_choice", None)
    if cached is not None:
        return cached
    available = list(campuses_of_user(request.user))
    wanted = request.session.get(SESSION_KEY)
    current = next((c for c in available if c.slug == wanted), available[0] if available else None)
    request._campus_choice = CampusChoice(current=current, available=available)
    return request._campus_choice


def residencies_filtered(residencies: QuerySet[Residency], params) -> QuerySet[Residency]:
    """The residency list's filters, from a GET query (so that a KPI's number links to exactly the rows
    behind it): status, signed=1 (signed, resident, graduated or exited), campus (slug), country (code, or
    "unknown"), field (code, with its sub-fields), signed_from / signed_to (the signing date: signed_on,
    else the first day of the event it was signed at). A malformed value filters nothing."""
    import datetime

    from django.db.models.functions import Coalesce

    from biocampus.directory.models import Field
    from biocampus.directory.selectors import field_and_descendants

    from .choices import SIGNED_STATUSES

    if params.get("status"):
        residencies = residencies.filter(status=params["status"])
    if params.get("signed") == "1":
        residencies = residencies.filter(status__in=SIGNED_STATUSES)
    if params.get("campus"):
        residencies = residencies.filter(campus__slug=params["campus"])
    country = params.get("country", "")
    if country:
        residencies = residencies.filter(organization__country="" if country == "unknown" else country.upper())
    if params.get("field"):
        field = Field.objects.filter(slug=params["field"]).first()
        wanted = field_and_descendants(field) if field else ()
        residencies = residencies.filter(organization__fields__in=wanted).distinct()
    bounds = {}
    for name in ("signed_from", "signed_to"):
        try:
            bounds[name] = datetime.date.fromisoformat(params.get(name, ""))
        except ValueError:
            continue
    if bounds:
        residencies = residencies.annotate(signed_date=Coalesce("signed_on", "signed_at__starts_on"))
        if "signed_from" in bounds:
            residencies = residencies.filter(signed_date__gte=bounds["signed_from"])
        if "signed_to" in bounds:
            residencies = residencies.filter(signed_date__lte=bounds["signed_to"])
    return residencies
