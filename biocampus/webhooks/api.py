"""API of webhooks and their delivery log, mounted at /api/v1/webhooks (biocampus/api/api.py).

Campus admins manage their campus's webhooks, superusers all of them and the network-wide ones; everyone
else gets 403, as on the pages. A webhook's signing secret is in exactly two answers: its creation and
a rotation. Every write goes through webhooks.services, every read through webhooks.selectors.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from biocampus.api import records
from biocampus.api.errors import ApiError, ErrorOut
from biocampus.api.filters import by_id
from biocampus.api.operations import creates, deletes, if_match_header, lists, reads, updates
from biocampus.api.pagination import PageQuery, page_schema, paginate
from biocampus.api.references import resolve_links
from biocampus.api.schemas import CampusRef, Choice, InputSchema, Line, PublicId, RecordOut, patch_of
from biocampus.core.events import EVENT_TYPES

from . import selectors, services
from .choices import TEST_EVENT, DeliveryStatus
from .targets import MAX_URL_LENGTH

router = Router(tags=["Webhooks"])

EventName = Annotated[
    Literal[tuple(EVENT_TYPES)],
    Field(description="; ".join(f"`{name}`: {meaning}" for name, meaning in EVENT_TYPES.items())),
]
WebhookUrl = Annotated[
    str,
    Field(
        max_length=MAX_URL_LENGTH,
        pattern=r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$",
        description="Where to POST: an http:// or https:// URL, without user name or password.",
    ),
]
NEWEST_FIRST = ("-created_at", "-public_id")


def _also(declaration: dict, *statuses: int) -> dict:
    """An operation declaration of biocampus.api.operations, answering these error statuses as well
    (403 for callers who manage no webhooks, 404 for a webhook they cannot see)."""
    return {**declaration, "response": {**declaration["response"], **dict.fromkeys(statuses, ErrorOut)}}


def _manager(request):
    """The caller, if they may manage webhooks at all (campus admins, superusers); 403 otherwise."""
    user = request.auth
    if not selectors.may_manage_webhooks(user):
        raise PermissionDenied(_("Only campus admins and superusers manage webhooks."))
    return user


# --- schemas ---------------------------------------------------------------------------------------


class WebhookIn(InputSchema):
    campus: PublicId | None = Field(
        None, description="The campus whose events it hears. Leave out for the whole network (superusers only)."
    )
    url: WebhookUrl
    events: list[EventName] = Field(min_length=1, max_length=len(EVENT_TYPES), description="Each at most once.")
    description: Line(300) = ""
    is_active: bool = True


WebhookPatch = patch_of(WebhookIn, "WebhookPatch", exclude=("campus",))


class WebhookOut(RecordOut):
    campus: CampusRef | None = Field(description="Null for a network-wide webhook.")
    url: str
    events: list[str]
    description: str
    is_active: bool
    secret_rotated_at: datetime.datetime | None = Field(description="When the signing secret was last set.")
    created_by: str | None

    @staticmethod
    def resolve_created_by(webhook):
        return webhook.created_by.get_username() if webhook.created_by_id else None


class WebhookWithSecretOut(WebhookOut):
    secret: str = Field(
        description="The signing secret. Shown in this answer only: store it now (rotate it if it is lost)."
    )


class WebhookFilters(Schema):
    search: Line(200) = Field("", description="Words in the URL or description.")
    campus: PublicId | None = None
    is_active: bool | None = None


class AttemptOut(Schema):
    number: int
    started_at: datetime.datetime
    duration_ms: int
    status_code: int | None = Field(description="The receiver's HTTP status; null if none was received.")
    succeeded: bool
    error: str
    response_excerpt: str = Field(description="The start of the receiver's answer.")


class DeliveryOut(Schema):
    id: UUID = Field(validation_alias="public_id", description="Sent as X-BioCampus-Delivery and payload `id`.")
    webhook: UUID
    event: str
    status: Choice(DeliveryStatus)
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_error: str
    last_duration_ms: int | None
    delivered_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    payload: dict

    @staticmethod
    def resolve_webhook(delivery):
        return delivery.webhook.public_id


class DeliveryDetailOut(DeliveryOut):
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_attempt_log(delivery):
        return list(selectors.attempts_of(delivery))


class DeliveryFilters(Schema):
    status: Choice(DeliveryStatus) | None = None
    event: Literal[(*EVENT_TYPES, TEST_EVENT)] | None = None


WebhookPage = page_schema(WebhookOut, "WebhookPage")
DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")


# --- deliveries (declared first: /deliveries/... is not a webhook id) ---------------------------------


@router.get(
    "/deliveries/{public_id}", response={200: DeliveryDetailOut, **dict.fromkeys((401, 403, 404, 422), ErrorOut)}
)
def get_webhook_delivery(request, public_id: UUID):
    """One delivery with every attempt: status, response and error of each."""
    user = _manager(request)
    return records.get_visible(selectors.deliveries_for(user), public_id)


@router.post(
    "/deliveries/{public_id}/retry",
    response={202: DeliveryOut, **dict.fromkeys((401, 403, 404, 409, 422), ErrorOut)},
)
def retry_webhook_delivery(request, public_id: UUID):
    """Send a failed (or given-up) delivery again now, as its next attempt."""
    user = _manager(request)
    delivery = records.get_visible(selectors.deliveries_for(user), public_id)
    try:
        services.delivery_retry(actor=user, delivery=delivery)
    except ValidationError as error:
        raise ApiError(409, " ".join(error.messages)) from error
    return Status(202, delivery)


# --- webhooks ----------------------------------------------------------------------------------------


@router.get("", **_also(lists(WebhookPage), 403))
def list_webhooks(request, filters: Query[WebhookFilters], page: Query[PageQuery]):
    user = _manager(request)
    found = by_id(selectors.webhooks_for(user, q=filters.search), campus=filters.campus)
    if filters.is_active is not None:
        found = found.filter(is_active=filters.is_active)
    return paginate(request, found, page)


@router.post("", **creates(WebhookWithSecretOut))
def create_webhook(request, response: HttpResponse, payload: WebhookIn):
    """Register a URL for events. The answer carries the signing secret, this once."""
    user = _manager(request)
    values = resolve_links(user, payload.model_dump(), {"campus": "campus"})
    webhook = services.webhook_create(actor=user, **values)
    records.show(response, WebhookOut, webhook)  # the ETag a GET will give
    response["Location"] = f"{request.path.rstrip('/')}/{webhook.public_id}"
    return Status(201, WebhookWithSecretOut.from_orm(webhook))


@router.get("/{public_id}", **_also(reads(WebhookOut), 403))
def get_webhook(request, response: HttpResponse, public_id: UUID):
    user = _manager(request)
    return records.show(response, WebhookOut, records.get_visible(selectors.webhooks_for(user), public_id))


@router.patch("/{public_id}", **updates(WebhookOut))
def update_webhook(
    request, response: HttpResponse, public_id: UUID, payload: WebhookPatch, if_match: str = if_match_header()
):
    user = _manager(request)
    changes = payload.changes()
    return records.update(
        response,
        queryset=selectors.webhooks_for(user),
        public_id=public_id,
        schema=WebhookOut,
        if_match=if_match,
        write=lambda webhook: services.webhook_update(actor=user, webhook=webhook, **changes),
    )


@router.delete("/{public_id}", **deletes())
def delete_webhook(request, public_id: UUID, if_match: str = if_match_header()):
    """Delete the webhook and its delivery log."""
    user = _manager(request)
    return records.delete(
        queryset=selectors.webhooks_for(user),
        public_id=public_id,
        schema=WebhookOut,
        if_match=if_match,
        remove=lambda webhook: services.webhook_delete(actor=user, webhook=webhook),
    )


@router.post("/{public_id}/rotate-secret", **_also(reads(WebhookWithSecretOut), 403))
def rotate_webhook_secret(request, response: HttpResponse, public_id: UUID):
    """Replace the signing secret; the answer carries the new one, this once. Retries are signed with it."""
    user = _manager(request)
    webhook = records.get_visible(selectors.webhooks_for(user), public_id)
    webhook = services.webhook_rotate_secret(actor=user, webhook=webhook)
    records.show(response, WebhookOut, webhook)
    return WebhookWithSecretOut.from_orm(webhook)


@router.post("/{public_id}/test", response={202: DeliveryOut, **dict.fromkeys((401, 403, 404, 422), ErrorOut)})
def send_webhook_test(request, public_id: UUID):
    """Queue a `webhook.test` delivery to the URL (also when the webhook is inactive)."""
    user = _manager(request)
    webhook = records.get_visible(selectors.webhooks_for(user), public_id)
    return Status(202, services.webhook_send_test(actor=user, webhook=webhook))


@router.get("/{public_id}/deliveries", **_also(lists(DeliveryPage), 403, 404))
def list_webhook_deliveries(request, public_id: UUID, filters: Query[DeliveryFilters], page: Query[PageQuery]):
    """The delivery log of a webhook, newest first."""
    user = _manager(request)
    webhook = records.get_visible(selectors.webhooks_for(user), public_id)
    found = selectors.deliveries_for(user, webhook=webhook, status=filters.status or "", event=filters.event or "")
    return paginate(request, found, page, NEWEST_FIRST)
