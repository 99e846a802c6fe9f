"""Reads of campuses and residencies, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from biocampus.accounts.permissions import access_for, visible

from .models import Campus, Residency

SESSION_KEY = "biocampus_campus"


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
