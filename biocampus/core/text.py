"""Text hygiene shared by forms, services and importers."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED_CONTROL = {"\n", "\r", "\t"}


def clean_text(value: str) -> str:
    """Trim and NFC-normalise text; refuse NUL bytes and other control characters.

    PostgreSQL cannot store NUL in text at all and SQLite would store it silently, so the rule is the
    same on both: refuse with a message rather than lose or smuggle characters.
    """
    if value.isprintable():  # no control character at all: the common case, checked in C (bulk imports)
        return unicodedata.normalize("NFC", value).strip()
    if "\x00" in value:
        raise ValidationError(_("Text may not contain NUL bytes (\\x00)."), code="nul")
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL for ch in value):
        raise ValidationError(_("Text may not contain control characters."), code="control")
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Case- and width-folded form for matching names ("ＴＥＤＤＹ lab" matches "Teddy Lab")."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())
