"""How a list, or a list of small records, fits in one spreadsheet cell.

    aliases:  I·Campus | I-Campus | iCampus
    parties:  AstraZeneca; role=lead; signatory=Leon Wang | Teddy Lab Services

Items are separated by `|` (or line breaks); within an item the first part is its main value and the
others are `key=value`, separated by `;`. A literal `|`, `;` or `\\` in a value is written `\\|`, `\\;`,
`\\\\`. JSON files carry the same data as arrays and objects instead.
"""

from __future__ import annotations

import re

_ESCAPABLE = "\\|;"


def escape(value: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in value)


def _split(text: str, separators: str, *, keep_escapes: bool = False) -> list[str]:
    """Split on unescaped separators; undo the escapes unless a later split still needs them."""
    if "\\" not in text:  # nothing escaped (nearly every cell): split in C
        if not separators:
            return [text]
        if len(separators) == 1:
            return text.split(separators)
        return re.split("[" + re.escape(separators) + "]", text)
    parts, current, index = [], [], 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text):
            following = text[index + 1]
            current.append(text[index : index + 2] if keep_escapes or following not in _ESCAPABLE else following)
            index += 2
            continue
        if ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        index += 1
    parts.append("".join(current))
    return parts


def split_items(text: str) -> list[str]:
    """`a | b\\nc` -> ["a", "b", "c"], blanks dropped; escapes stay for split_record or unescape to undo."""
    return [item.strip() for item in _split(text, "|\n", keep_escapes=True) if item.strip()]


def unescape(text: str) -> str:
    return _split(text, "")[0]


def split_list(text: str) -> list[str]:
    """A cell holding a list of plain values."""
    return [unescape(item).strip() for item in split_items(text)]


def split_record(item: str) -> tuple[str, list[tuple[str, str]]]:
    """`AstraZeneca; role=lead` -> ("AstraZeneca", [("role", "lead")]). A part without `=` is an error."""
    parts = [part.strip() for part in _split(item, ";")]
    main, attributes = parts[0], []
    for part in parts[1:]:
        if not part:
            continue
        key, equals, value = part.partition("=")
        if not equals:
            raise ValueError(part)
        attributes.append((key.strip().lower().replace(" ", "_"), value.strip()))
    return main, attributes


def join_list(values: list[str]) -> str:
    return " | ".join(escape(value) for value in values)


def join_record(main: str, attributes: list[tuple[str, str]]) -> str:
    parts = [escape(main)] + [f"{key}={escape(value)}" for key, value in attributes if value != ""]
    return "; ".join(parts)
