"""Reads of webhooks and deliveries, scoped by accounts.permissions (campus admins and superusers only)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from biocampus.accounts.permissions import can_add, visible
from biocampus.campuses.models import Campus

from .choices import RETRYABLE_STATUSES
from .models import Webhook, WebhookAttempt, WebhookDelivery


def webhooks_for(user, *, campus=None, q: str = "") -> QuerySet[Webhook]:
    webhooks = visible(Webhook.objects.select_related("campus__organization", "created_by"), user)
    if campus is not None:
        webhooks = webhooks.filter(campus=campus)
    q = q.replace("\x00", "").strip()
    if q:
        webhooks = webhooks.filter(Q(url__icontains=q) | Q(description__icontains=q))
    # Meta.ordering does not apply to an aggregating query: say it again.
    return webhooks.annotate(
        failing_count=Count("deliveries", filter=Q(deliveries__status__in=sorted(RETRYABLE_STATUSES)))
    ).order_by(*Webhook._meta.ordering)


def deliveries_for(user, *, webhook=None, status: str = "", event: str = "") -> QuerySet[WebhookDelivery]:
    deliveries = visible(WebhookDelivery.objects.select_related("webhook__campus__organization"), user)
    if webhook is not None:
        deliveries = deliveries.filter(webhook=webhook)
    if status:
        deliveries = deliveries.filter(status=status)
    if event:
        deliveries = deliveries.filter(event=event)
    return deliveries


def attempts_of(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    """The attempts of a delivery the caller has already read through deliveries_for()."""
    return delivery.attempt_log.order_by("-number")


def webhook_campuses_for(user) -> QuerySet[Campus]:
    """The campuses at which `user` may add webhooks (each asked of permissions.can_add)."""
    campuses = list(Campus.objects.select_related("organization"))
    allowed = [campus.pk for campus in campuses if can_add(user, Webhook, campus=campus)]
    return Campus.objects.select_related("organization").filter(pk__in=allowed)


def may_manage_webhooks(user) -> bool:
    """Whether the Webhooks pages are for `user` at all (the nav link, the list page)."""
    return can_add(user, Webhook)
