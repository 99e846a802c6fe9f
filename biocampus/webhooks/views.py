"""Pages for campus admins and superusers: webhooks, their secrets (shown once), deliveries, retries.

Thin: every read goes through selectors, every write through services, every permission question
through accounts.permissions (via the selectors and services).
"""

from __future__ import annotations

import copy
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biocampus.core.history import history_for
from biocampus.core.views_generic import Column, RecordListView

from . import selectors, services
from .choices import DeliveryStatus
from .forms import WebhookForm
from .models import Webhook

DELIVERIES_PER_PAGE = 50


def _require_manager(user) -> None:
    if not selectors.may_manage_webhooks(user):
        raise PermissionDenied(_("Only campus admins manage webhooks."))


def _webhook(request, public_id) -> Webhook:
    _require_manager(request.user)
    return get_object_or_404(selectors.webhooks_for(request.user), public_id=public_id)


def _events(webhook) -> str:
    return ", ".join(webhook.events)


def _scope(webhook) -> str:
    return str(webhook.campus) if webhook.campus_id else _("whole network")


class WebhookListView(RecordListView):
    model = Webhook
    title = gettext_lazy("Webhooks")
    create_url_name = "webhooks:webhook_create"
    columns = [
        Column(gettext_lazy("Webhook"), "__str__", link=True),
        Column(gettext_lazy("Campus"), _scope),
        Column(gettext_lazy("Events"), _events),
        Column(gettext_lazy("Active"), lambda w: _("yes") if w.is_active else _("no")),
        Column(gettext_lazy("Failing deliveries"), "failing_count"),
    ]

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def selector(self, user):
        return selectors.webhooks_for(user, q=self.request.GET.get("q", ""))


def _secret_page(request, webhook: Webhook, *, created: bool):
    """The one page that ever shows the secret; never cached."""
    response = render(request, "webhooks/webhook_secret.html", {"webhook": webhook, "created": created})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def webhook_create(request):
    _require_manager(request.user)
    form = WebhookForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _secret_page(request, webhook, created=True)
    return render(request, "core/record_form.html", {"form": form, "title": _("New webhook")})


@require_http_methods(["GET", "POST"])
def webhook_update(request, public_id):
    webhook = _webhook(request, public_id)
    form = WebhookForm(request.POST or None, user=request.user, instance=copy.copy(webhook))
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(actor=request.user, webhook=webhook, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect(webhook)
    return render(request, "core/record_form.html", {"form": form, "object": webhook, "title": _("Edit %s") % webhook})


@require_GET
def webhook_detail(request, public_id):
    webhook = _webhook(request, public_id)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    deliveries = selectors.deliveries_for(request.user, webhook=webhook, status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "webhook": webhook,
        "page_obj": page,
        "deliveries": page.object_list,
        "status": status,
        "statuses": DeliveryStatus.choices,
        "history": history_for(webhook),
        "query_string": f"status={status}" if status else "",
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "webhooks/partials/delivery_table.html", context)
    return render(request, "webhooks/webhook_detail.html", context)


@never_cache
@require_POST
def webhook_rotate_secret(request, public_id):
    webhook = services.webhook_rotate_secret(actor=request.user, webhook=_webhook(request, public_id))
    return _secret_page(request, webhook, created=False)


@require_POST
def webhook_send_test(request, public_id):
    webhook = _webhook(request, public_id)
    services.webhook_send_test(actor=request.user, webhook=webhook)
    messages.success(request, _("A test event is queued; it shows below once a worker has sent it."))
    return redirect(webhook)


@require_POST
def webhook_delete(request, public_id):
    webhook = _webhook(request, public_id)
    services.webhook_delete(actor=request.user, webhook=webhook)
    messages.success(request, _("Webhook deleted."))
    return redirect("webhooks:webhook_list")


@require_GET
def delivery_detail(request, public_id):
    _require_manager(request.user)
    delivery = get_object_or_404(selectors.deliveries_for(request.user), public_id=public_id)
    context = {
        "delivery": delivery,
        "webhook": delivery.webhook,
        "attempts": selectors.attempts_of(delivery),
        "payload": json.dumps(delivery.payload, indent=2, ensure_ascii=False),
    }
    return render(request, "webhooks/delivery_detail.html", context)


@require_POST
def delivery_retry(request, public_id):
    _require_manager(request.user)
    delivery = get_object_or_404(selectors.deliveries_for(request.user), public_id=public_id)
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The delivery is queued to be sent again now."))
    return redirect(delivery)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])
