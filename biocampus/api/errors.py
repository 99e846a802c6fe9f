"""One error shape for every answer of the API that is not a success.

    {"error": {"status": 422, "code": "validation_error", "message": "name: …", "fields": {"name": ["…"]}}}

Whatever raised it (ninja's own request validation, a service's ValidationError or PermissionDenied, the
database refusing a write, a body too large), the client gets this shape, a status that says what kind of
problem it is and a message a person can act on. Django's own 404 and 405 answers for API paths get it
too (see urls.py), so a client never has to parse HTML.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

logger = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}

# Sent with every 401, as RFC 9110 asks: it tells a client which scheme to use.
WWW_AUTHENTICATE = 'Bearer realm="BioCampus API"'


# What a pattern means, in words: "String should match pattern '^[^\\x00-...'" helps nobody.
PATTERN_HINTS: dict[str, object] = {}


def explained(pattern: str, hint) -> str:
    """Register the sentence that explains `pattern` to a person; returns the pattern, for Field(pattern=...)."""
    PATTERN_HINTS[pattern] = hint
    return pattern


class ErrorDetail(Schema):
    status: int = Field(description="The HTTP status, repeated for clients that only keep the body.")
    code: str = Field(description="A stable, machine-readable name of the problem, e.g. validation_error.")
    message: str = Field(description="What went wrong and what to do about it, in a sentence.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For validation errors: the problems of each field, keyed by its path (parties.0.organization).",
    )


class ErrorOut(Schema):
    """Every error answer of the API has this shape."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API answers deliberately, with its status, message and field problems."""

    def __init__(self, status: int, message: str, *, fields: dict[str, list[str]] | None = None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_body(status: int, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    code = ERROR_CODES.get(status, "error")
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def error_response(status: int, message: str, *, fields=None, headers=None) -> JsonResponse:
    """The error shape outside ninja's operations (unknown API paths, methods a path does not have)."""
    response = JsonResponse(error_body(status, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_authenticated_message() -> str:
    return _(
        "Authentication required: send `Authorization: Bearer <token>` with a valid API token "
        "(create one with `biocampus create_api_token USER`), or sign in to use the browser session."
    )


def _summary(fields: dict[str, list[str]]) -> str:
    """ "name: This field is required." plus how many more problems `fields` lists."""
    problems = [(name, message) for name, messages in fields.items() for message in messages]
    name, message = problems[0]
    first = f"{name}: {message}" if name else message
    if not first.endswith("."):
        first += "."
    if len(problems) > 1:
        first += " " + _("%(count)d more problem(s) are listed in `fields`.") % {"count": len(problems) - 1}
    return first


def _location(loc) -> str:
    """Pydantic's location of a problem as the client knows it: ("body", "payload", "parties", 0, "role")
    is parties.0.role, ("query", "limit") is limit."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]  # drop "body" and the name of the view's payload argument
    elif parts[:1] in (["query"], ["path"], ["header"], ["cookie"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    if error.get("type") == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(str(error.get("ctx", {}).get("pattern")))
        if hint:
            return str(hint)
    if error.get("type") == "model_attributes_type" and tuple(error.get("loc", ()))[:1] == ("body",):
        return _("Send a JSON object with the fields of this operation (see /api/v1/docs).")
    return str(error.get("msg", _("Invalid value.")))


def fields_of_ninja_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_location(error.get("loc", ())), []).append(_message(error))
    return fields


def fields_of_django_error(error: DjangoValidationError) -> tuple[str, dict[str, list[str]]]:
    """A service's ValidationError as (message, fields); errors of the record as a whole go in the message."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages), {}
    fields = {name: messages for name, messages in error.message_dict.items() if name != NON_FIELD_ERRORS}
    general = error.message_dict.get(NON_FIELD_ERRORS, [])
    if general:
        return " ".join(general), fields
    return _summary(fields), fields


def _bad_request_message(exc: HttpError) -> str:
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return _("The request body is not valid JSON (line %(line)d, column %(column)d: %(problem)s).") % {
            "line": cause.lineno,
            "column": cause.colno,
            "problem": cause.msg,
        }
    if isinstance(cause, (UnicodeError, ValueError)):
        return _("The request body is not valid JSON in UTF-8: %(problem)s.") % {"problem": cause}
    return str(exc)


def install_error_handlers(api) -> None:
    """Route every exception an operation can raise to the one error shape."""

    def respond(request, status: int, message: str, fields=None, headers=None):
        response = api.create_response(request, error_body(status, message, fields), status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.message, exc.fields, exc.headers)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request, exc: NinjaValidationError):
        fields = fields_of_ninja_errors(exc.errors)
        return respond(request, 422, _summary(fields), fields)

    @api.exception_handler(DjangoValidationError)
    def record_invalid(request, exc: DjangoValidationError):
        message, fields = fields_of_django_error(exc)
        return respond(request, 422, message, fields)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc: AuthenticationError):
        message = getattr(request, "api_auth_problem", None) or not_authenticated_message()
        return respond(request, 401, message, headers={"WWW-Authenticate": WWW_AUTHENTICATE})

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = _bad_request_message(exc) if exc.status_code == 400 else str(exc)
        return respond(request, exc.status_code, message)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        return respond(request, 403, str(exc) or _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, 404, str(exc) or _("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return respond(request, 413, _("The request body is larger than %(mb)d MB; send less at once.") % {"mb": limit})

    @api.exception_handler(ProtectedError)
    @api.exception_handler(RestrictedError)
    def still_referenced(request, exc):
        return respond(request, 409, _("Other records still point at this one; remove those links first."))

    @api.exception_handler(IntegrityError)
    def integrity(request, exc: IntegrityError):
        # The services validate constraints first; this is a concurrent write winning the race.
        logger.warning("integrity error answered with 409: %s", exc)
        return respond(
            request, 409, _("The change conflicts with the current data (a duplicate or a broken link); reload.")
        )

    @api.exception_handler(DataError)
    def data_error(request, exc: DataError):
        # The schemas bound every value; the database refusing one means a schema is missing a rule.
        logger.error("database refused a value the API schema let through: %s", exc)
        return respond(request, 422, _("A value is out of the range the database can store."))

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        logger.exception("API operation failed: %s %s", request.method, request.path)
        return respond(request, 500, _("Something went wrong on our side; the error has been logged."))
