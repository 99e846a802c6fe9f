"""What each kind of operation answers, declared once: routers write `@router.get("", **lists(Page))`.

Declaring every status an operation can answer (with the one error schema) keeps the OpenAPI document
honest: clients and schemathesis can rely on it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from ninja import Header, Schema

from .errors import ErrorOut, explained

ETAG_HEADER = {
    "description": "The version of the record; send it back as If-Match to update only that version.",
    "required": True,
    "schema": {"type": "string", "pattern": '^"[0-9a-f]{32}"$'},
}
LOCATION_HEADER = {"description": "The URL of the new record.", "required": True, "schema": {"type": "string"}}

# What a client may send as If-Match: "*" or a list of entity tags (RFC 9110).
IF_MATCH_PATTERN = explained(
    r'^\s*(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)\s*$',
    gettext_lazy('Send the ETag exactly as received, quotes included ("…"), or * for any version.'),
)


def if_match_header():
    """The If-Match request header of PATCH and DELETE (optional: without it the write goes ahead).

    Views declare it as `if_match: str = if_match_header()` (None when absent): `str | None` would
    document a header that can be null, which no HTTP header can be.
    """
    return Header(
        None,
        alias="If-Match",
        pattern=IF_MATCH_PATTERN,
        max_length=1000,
        description=(
            "The ETag of the version you read. If the record changed since, nothing is written and the answer "
            "is 412. Leave it out to write regardless."
        ),
    )


def _errors(*statuses: int) -> dict[int, type[Schema]]:
    return dict.fromkeys(statuses, ErrorOut)


def _headers(status: int, **headers: dict) -> dict:
    return {"responses": {str(status): {"headers": headers}}}


def lists(page: type[Schema]) -> dict:
    return {"response": {200: page, **_errors(401, 422)}}


def reads(schema: type[Schema], *, versioned: bool = True) -> dict:
    """GET of one record; `versioned` records answer with their ETag."""
    declaration = {"response": {200: schema, **_errors(401, 404, 422)}}
    if versioned:
        declaration["openapi_extra"] = _headers(200, ETag=ETAG_HEADER)
    return declaration


def creates(schema: type[Schema], *, versioned: bool = True) -> dict:
    """POST to a collection; `versioned` records answer with their ETag and Location."""
    declaration = {"response": {201: schema, **_errors(400, 401, 403, 409, 413, 422)}}
    if versioned:
        declaration["openapi_extra"] = _headers(201, ETag=ETAG_HEADER, Location=LOCATION_HEADER)
    return declaration


def updates(schema: type[Schema]) -> dict:
    return {
        "response": {200: schema, **_errors(400, 401, 403, 404, 409, 412, 413, 422)},
        "openapi_extra": _headers(200, ETag=ETAG_HEADER),
    }


def adds_to(schema: type[Schema]) -> dict:
    """POST of a child row (an identifier, an observation): answers with the parent as it is now."""
    return {
        "response": {200: schema, **_errors(400, 401, 403, 404, 409, 413, 422)},
        "openapi_extra": _headers(200, ETag=ETAG_HEADER),
    }


def deletes(*, versioned: bool = True) -> dict:
    """DELETE of one record; `versioned` records take If-Match (412 when stale)."""
    statuses = (401, 403, 404, 409, 412, 422) if versioned else (401, 404, 422)
    return {"response": {204: None, **_errors(*statuses)}}
