"""Field types and small schemas every router shares.

Input rules live in the types, so the OpenAPI document states them and a bad value is refused with 422
before any code runs: lengths match the model columns, text refuses NUL bytes and control characters
(PostgreSQL cannot store NUL; SQLite would store it silently), codes come from the choices.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from django.db import models
from django.utils.translation import gettext_lazy
from django_countries import countries
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, create_model

from .errors import explained

# No C0/C1 control characters but tab and line breaks: what core.text.clean_text accepts.
_MULTILINE = explained(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
    gettext_lazy("Text may not contain NUL bytes or other control characters (tabs and line breaks are fine)."),
)
# Names and titles are one line.
_ONE_LINE = explained(
    r"^[^\x00-\x1f\x7f-\x9f]*$",
    gettext_lazy("One line of text, without NUL bytes, line breaks or other control characters."),
)

# TextFields have no length in the database; this bounds what one request may store in one of them.
LONG_TEXT_MAX = 20_000


def Line(max_length: int, *, min_length: int = 0):  # noqa: N802 (a type factory, used like a type)
    """One line of text of at most `max_length` characters (the model column's length); names and titles
    that cannot be empty say so with min_length=1."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=_ONE_LINE)]


def Text(max_length: int = LONG_TEXT_MAX):  # noqa: N802
    """Text that may span lines."""
    return Annotated[str, Field(max_length=max_length, pattern=_MULTILINE)]


def Choice(choices: type[models.TextChoices]):  # noqa: N802
    """One of the codes of a Django choices class; the description lists what each code means."""
    meanings = "; ".join(f"`{value}`: {label}" for value, label in choices.choices)
    return Annotated[Literal[tuple(choices.values)], Field(description=meanings)]


def _known_country(code: str) -> str:
    if code and code not in countries:
        raise ValueError(f"{code} is not an ISO 3166-1 alpha-2 country code (such as CN, GB or US).")
    return code


# A pattern and a check rather than an enum of 250 codes, which would bloat every schema that has a country.
CountryCode = Annotated[
    str,
    Field(
        pattern=explained(
            r"^([A-Z]{2})?$", gettext_lazy("Use a two-letter country code in capitals, such as CN or GB.")
        ),
        description='ISO 3166-1 alpha-2 code, such as CN or GB; "" when unknown.',
    ),
    AfterValidator(_known_country),
]
CurrencyCode = Annotated[
    str,
    Field(
        pattern=explained(
            r"^([A-Z]{3})?$", gettext_lazy("Use a three-letter currency code in capitals, such as USD or CNY.")
        ),
        description="ISO 4217 code such as USD or CNY.",
    ),
]
Url = Annotated[
    str,
    Field(
        max_length=200,
        pattern=explained(
            r"^(https?://[^\s\x00-\x1f\x7f]+)?$",
            gettext_lazy("Use a full http:// or https:// address, without spaces."),
        ),
    ),
]
Amount = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2, allow_inf_nan=False)]
SignedAmount = Annotated[Decimal, Field(max_digits=20, decimal_places=2, allow_inf_nan=False)]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE)


def _iso_only(pattern: re.Pattern, example: str):
    """Pydantic would also read 0 or "1700000000" as a date (seconds since 1970): refuse all but ISO 8601."""

    def check(value):
        if isinstance(value, (datetime.date, datetime.datetime)) or (
            isinstance(value, str) and pattern.fullmatch(value)
        ):
            return value
        raise ValueError(f"Use ISO 8601, such as {example}.")

    return check


Date = Annotated[datetime.date, BeforeValidator(_iso_only(_ISO_DATE, "2020-11-05"))]
# With its offset: a time without one would be read in the server's time zone, which the client cannot know.
DateTime = Annotated[datetime.datetime, BeforeValidator(_iso_only(_ISO_DATETIME, "2026-12-31T18:00:00+08:00"))]
PublicId = Annotated[UUID, Field(description="The public id of a record (a UUID).")]
Slug = Annotated[
    str,
    Field(max_length=64, pattern=explained(r"^[-a-zA-Z0-9_]+$", gettext_lazy("A code of letters, digits, - and _."))),
]


class InputSchema(Schema):
    """Request bodies refuse unknown fields: a misspelt field name is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _without_null_defaults(schema: dict, model) -> None:
    # A patch field defaults to "not sent", not to null: the document must not suggest sending null.
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None:
            del prop["default"]


class PatchSchema(InputSchema):
    """A partial update: only the fields sent change; a field left out keeps its value."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_null_defaults)

    def changes(self) -> dict:
        # Only the top level is partial: a child row sent (a party) is whole, with its defaults.
        return self.model_dump(include=self.model_fields_set)


def patch_of(schema: type[InputSchema], name: str, *, exclude: tuple[str, ...] = ()) -> type[PatchSchema]:
    """The PATCH body of a resource: the fields of its POST body, none required.

    A field keeps its type and rules but not its nullability: sending null for a field that cannot be
    empty (a name) is refused with 422, while fields that may be null (a parent) accept it.
    """
    fields = {
        field_name: (info.rebuild_annotation(), Field(None, description=info.description))
        for field_name, info in schema.model_fields.items()
        if field_name not in exclude
    }
    doc = f"Changes to a record: any fields of {schema.__name__}; those left out keep their value."
    return create_model(name, __base__=PatchSchema, __doc__=doc, **fields)


class OrganizationRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class CampusRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    slug: str
    name: str


class EventRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class AgreementRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str


class ProgrammeRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class RecordOut(Schema):
    """What every record shows: its public id and when it was created and last changed."""

    id: UUID = Field(validation_alias="public_id")
    created_at: datetime.datetime
    updated_at: datetime.datetime
