"""The life of one record through the API: find it (no leaks), show it with an ETag, create, update and
delete it with optimistic concurrency.

Every router calls these with its selector (what the user may read), its output schema (how a record
looks) and its service (how to write). None of them filters by role or writes a model by itself.

ETags are a hash of the record's full representation (the JSON a GET returns): any change that shows,
including child rows such as parties or investors that do not touch the record's updated_at, gives a new
ETag. A write with `If-Match` takes a row lock (SQLite: the write lock of its IMMEDIATE transaction),
compares, and writes in the same transaction, so no other write can slip in between.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema, Status

from .errors import ApiError


def etag_of(representation: Schema) -> str:
    data = json.dumps(representation.model_dump(mode="json"), sort_keys=True, cls=DjangoJSONEncoder)
    return '"' + hashlib.sha256(data.encode()).hexdigest()[:32] + '"'


def _name(model: type[Model]) -> str:
    return str(model._meta.verbose_name)


def get_visible(queryset: QuerySet, public_id: UUID) -> Model:
    """The record with this public id among those the user may read; 404 also for records of others, so
    that an id tells nothing about records the user may not see."""
    # Not .first(): a public id names one row, and first() would compile and sort by the model's default order
    # for nothing (a quarter of a detail request's time went to building queries).
    record = next(iter(queryset.filter(public_id=public_id).order_by()[:1]), None)
    return found(record, model=queryset.model, public_id=public_id)


def found(record, *, model: type[Model], public_id: UUID):
    """`record` (a model instance or a selector's row), or the 404 get_visible() gives when it is None."""
    if record is None:
        raise Http404(_("No %(kind)s with id %(id)s, or you may not see it.") % {"kind": _name(model), "id": public_id})
    return record


def show(response: HttpResponse, schema: type[Schema], record: Model) -> Schema:
    """The record's representation, with its ETag header."""
    representation = schema.from_orm(record)
    response["ETag"] = etag_of(representation)
    return representation


def created(request: HttpRequest, response: HttpResponse, schema: type[Schema], record: Model) -> Status:
    """201 with the new record as a GET would show it (and so with the ETag a GET would give)."""
    record.refresh_from_db()  # the stored values: 470 was sent, 470.00 is kept
    response["Location"] = f"{request.path.rstrip('/')}/{record.public_id}"
    return Status(201, show(response, schema, record))


def _matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: "*" or a list of entity tags compared strongly (weak tags never match)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag in tags


def _lock_and_check(queryset: QuerySet, public_id: UUID, schema: type[Schema], if_match: str | None) -> Model:
    """Inside a transaction: lock the row, read it as the user may see it, and check If-Match."""
    model = queryset.model
    # Lock through the plain manager: the selector's outer joins cannot be locked on PostgreSQL.
    list(model._default_manager.select_for_update().filter(public_id=public_id).order_by().values("pk")[:1])
    record = get_visible(queryset, public_id)
    if if_match is not None and not _matches(if_match, etag_of(schema.from_orm(record))):
        raise ApiError(
            412,
            _(
                "This %(kind)s changed since you read it (If-Match does not match its ETag). GET it again, "
                "reapply your change, and send the new ETag."
            )
            % {"kind": _name(queryset.model)},
        )
    return record


def _reread(queryset: QuerySet, record: Model) -> Model:
    # Read again so that prefetched children (parties, investors...) show the write.
    return queryset.filter(pk=record.pk).first() or type(record)._default_manager.get(pk=record.pk)


def update(
    response: HttpResponse,
    *,
    queryset: QuerySet,
    public_id: UUID,
    schema: type[Schema],
    if_match: str | None,
    write: Callable[[Model], object],
) -> Schema:
    """Apply `write(record)` (a service call) unless If-Match is stale; return the new representation."""
    with transaction.atomic():
        record = _lock_and_check(queryset, public_id, schema, if_match)
        write(record)
    return show(response, schema, _reread(queryset, record))


def delete(
    *,
    queryset: QuerySet,
    public_id: UUID,
    schema: type[Schema],
    if_match: str | None,
    remove: Callable[[Model], object],
) -> Status:
    """Delete through `remove(record)` (a service call) unless If-Match is stale; 204 when done.

    A service refusing a delete because other records depend on it is a conflict with the data (409),
    not a malformed request.
    """
    with transaction.atomic():
        record = _lock_and_check(queryset, public_id, schema, if_match)
        try:
            remove(record)
        except ValidationError as error:
            raise ApiError(409, " ".join(error.messages)) from error
    return Status(204, None)
