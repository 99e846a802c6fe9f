"""Reads of the intake, scoped to what the user may see (applications and reviews: the campus's team only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from biocampus.accounts.permissions import visible
from biocampus.directory.dedupe import PROBABLE, DirectoryIndex
from biocampus.directory.models import Organization
from biocampus.directory.search import search_records

from .models import Application, ApplicationAttachment, Decision, IntakeCriterion, Review, ReviewScore

# Same name apart from case, width, punctuation, legal form or spacing, or the same Chinese name: the
# same company. Below this, a match is only proposed to a person.
SAME_COMPANY = 0.95


def criteria_for(user, *, campus=None) -> QuerySet[IntakeCriterion]:
    criteria = visible(IntakeCriterion.objects.select_related("campus__organization"), user)
    if campus is not None:
        criteria = criteria.filter(campus=campus)
    return criteria


def _with_scores(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Each application with the weighted sum of all its scores, the sum of their weights, and its reviews."""
    scores = ReviewScore.objects.filter(review__application=OuterRef("pk")).order_by().values("review__application")
    reviews = Review.objects.filter(application=OuterRef("pk")).order_by().values("application")
    return applications.annotate(
        score_total=Subquery(
            scores.annotate(total=Sum(F("score") * F("criterion__weight"))).values("total"),
            output_field=IntegerField(),
        ),
        score_weights=Subquery(
            scores.annotate(weights=Sum("criterion__weight")).values("weights"), output_field=IntegerField()
        ),
        review_count=Coalesce(
            Subquery(reviews.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
        ),
    )


def applications_for(user, *, campus=None, status: str = "", q: str = "") -> QuerySet[Application]:
    applications = visible(
        Application.objects.select_related("campus__organization", "organization", "residency"), user
    ).prefetch_related("fields")
    if campus is not None:
        applications = applications.filter(campus=campus)
    if status:
        applications = applications.filter(status=status)
    applications = search_records(
        applications, q, ("reference", "company_name", "company_name_zh", "contact_name", "city", "summary")
    )
    return _with_scores(applications)


def application_detail_for(user, *, q: str = "") -> QuerySet[Application]:
    """Applications with everything their page and the API show: files, every review's scores, decisions."""
    return applications_for(user, q=q).prefetch_related(
        Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("id")),
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("reviewer").prefetch_related(
                Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
            ),
        ),
        Prefetch("decisions", queryset=Decision.objects.select_related("decided_by", "organization")),
    )


def submissions_since(submitted_ip_hash: str, since: datetime.datetime) -> int:
    """How many applications came from this (hashed) address since then: the public form's rate limit."""
    return Application.objects.filter(submitted_ip_hash=submitted_ip_hash, created_at__gte=since).count()


def submissions_in_last_hour(submitted_ip_hash: str) -> int:
    return submissions_since(submitted_ip_hash, timezone.now() - datetime.timedelta(hours=1))


def website_host(url: str) -> str:
    """example.org of https://www.Example.org/about: what two websites of one company share."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower() if url else ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Proposal:
    """An organisation of the registry that an application's company probably is."""

    organization: Organization
    score: float
    reason: str


def _registry(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    from biocampus.directory.choices import OrganizationKind

    return organizations.exclude(kind=OrganizationKind.CAMPUS)


def _same_website(application: Application, organizations: QuerySet[Organization]) -> list[Organization]:
    host = website_host(application.website)
    if not host:
        return []
    return [o for o in organizations.filter(website__icontains=host) if website_host(o.website) == host]


def _proposals(application: Application, organizations: QuerySet[Organization], threshold: float) -> list[Proposal]:
    from django.utils.translation import gettext as _

    found: dict[int, Proposal] = {}
    for organization in _same_website(application, organizations):
        found[organization.pk] = Proposal(organization, 1.0, _("same website"))
    matches = DirectoryIndex.of(organizations).matches(
        name=application.company_name, name_zh=application.company_name_zh, threshold=threshold, limit=5
    )
    by_pk = Organization.objects.in_bulk([m.entry.pk for m in matches])
    for match in matches:
        if match.entry.pk not in found and match.entry.pk in by_pk:
            found[match.entry.pk] = Proposal(by_pk[match.entry.pk], match.score, match.reason)
    return sorted(found.values(), key=lambda p: (-p.score, p.organization.name))


def organization_proposals(application: Application, user, *, threshold: float = PROBABLE) -> list[Proposal]:
    """The organisations the user may see that the applicant probably is: same website, or a similar
    name or Chinese name (directory.dedupe), best first."""
    return _proposals(application, _registry(visible(Organization.objects.all(), user)), threshold)


def registry_matches(application: Application) -> list[Proposal]:
    """The organisations of the whole registry that the applicant probably is (whoever may see them):
    what accepting checks so that it never adds a company a second time. `score >= SAME_COMPANY` means
    certainly the same."""
    return _proposals(application, _registry(Organization.objects.all()), PROBABLE)
