"""Cursor pagination: every list walks its records in a stable order, a page at a time.

A page ends with `next_cursor` (and `next`, the same request with that cursor): the position after the
last record of the page, as the values of the ordering fields (keyset pagination). Unlike an offset, a
position does not move when records are added or removed meanwhile, so a walk sees every record that
existed throughout exactly once, and the database seeks to it through an index instead of counting.

Cursors are signed (django.core.signing): opaque to clients, tamper-proof, and tied to the list and
ordering they came from. They hold public values only (timestamps, names, public ids), never a pk.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import Field, create_model

from biocampus.core.keyset import rows_after

from .errors import explained

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Oldest first: records created while a client walks the list land on pages it has yet to read.
DEFAULT_ORDERING = ("created_at", "public_id")
_SALT = "biocampus.api.cursor"


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Records per page, 1 to {MAX_LIMIT}.")
    cursor: str | None = Field(
        None,
        max_length=2000,
        pattern=explained(r"^[A-Za-z0-9_:.\-]+$", gettext_lazy("Pass `next_cursor` of the previous page unchanged.")),
        description="The `next_cursor` of the previous page; leave out for the first page.",
    )


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The response of a list operation: a page of `item_schema` records and where the next one starts."""
    return create_model(
        name,
        __base__=Schema,
        __doc__=f"One page of {item_schema.__name__} records, in a stable order.",
        results=(list[item_schema], ...),
        next_cursor=(str | None, Field(..., description="Pass as `cursor` for the next page; null on the last.")),
        next=(str | None, Field(..., description="The URL of the next page (this request with `cursor`).")),
    )


def _position(record, ordering: tuple[str, ...]) -> list:
    values = []
    for field in ordering:
        value = getattr(record, field.lstrip("-"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else str(value) if value is not None else None)
    return values


def _decode(cursor: str, *, path: str, ordering: tuple[str, ...]) -> list:
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as error:
        raise ValidationError({"cursor": _("This cursor is not one we issued; start again without it.")}) from error
    if not isinstance(payload, dict) or payload.get("p") != path or tuple(payload.get("o", ())) != ordering:
        raise ValidationError({"cursor": _("This cursor belongs to another list or search; start again without it.")})
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(ordering):
        raise ValidationError({"cursor": _("This cursor is damaged; start again without it.")})
    return values


def paginate(request, queryset: QuerySet, page: PageQuery, ordering: tuple[str, ...] = DEFAULT_ORDERING) -> dict:
    """One page of `queryset` in `ordering`, which must end with a unique, non-null field (public_id)."""
    queryset = queryset.order_by(*ordering)
    if page.cursor:
        queryset = queryset.filter(rows_after(ordering, _decode(page.cursor, path=request.path, ordering=ordering)))
    records = list(queryset[: page.limit + 1])
    has_more = len(records) > page.limit
    records = records[: page.limit]
    next_cursor = next_url = None
    if has_more:
        payload = {"p": request.path, "o": list(ordering), "v": _position(records[-1], ordering)}
        next_cursor = signing.dumps(payload, salt=_SALT, compress=True)
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"
    return {"results": records, "next_cursor": next_cursor, "next": next_url}
