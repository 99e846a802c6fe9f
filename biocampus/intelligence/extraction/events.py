"""Named gatherings: expos, forums, summits, conferences (ordinal kept: "third China International Import Expo"),
their acronyms ("(CIIE)", "3rd CIIE"), places ("held in Jinhu") and absolute dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import ORDINAL_WORDS, PLACES
from .sentences import DATE_FULL, date_of

_HEADS = (
    r"Expo|Exposition|Exhibition|Forum|Summit|Conference|Convention|Congress|Fair|Festival|Week|Symposium|"
    r"Meeting|Show|Roadshow|Hackathon|Demo Day|Dialogue|Assembly"
)
_ORDINAL = (
    r"(?:\d{1,3}(?:st|nd|rd|th)|"
    + "|".join(ORDINAL_WORDS)
    + r"|"
    + "|".join(w.capitalize() for w in ORDINAL_WORDS)
    + r"|[Ii]naugural|(?:19|20)\d\d)"
)
_WORD = r"(?:[A-Z][\w·'’-]*|and|of|for|on|the|in|&)"
EVENT = re.compile(
    rf"(?<![\w·'’-])(?:(?P<ordinal>{_ORDINAL})\s+)?(?P<name>(?:[A-Z][\w·'’-]{{0,40}}\s+)(?:{_WORD}\s+){{0,10}}?(?:{_HEADS}))\b"
    rf"(?:\s+(?P<year>(?:19|20)\d\d))?"
)
_HEAD_WORDS = re.compile(_HEADS)
_KEY_WORD = re.compile(r"[\w·'’-]+")
_ORDINAL_LOWER = re.compile(_ORDINAL.lower())
_ORDINAL_START = re.compile(_ORDINAL)
_LEADING_ORDINAL = re.compile(rf"^{_ORDINAL}\s+")
_LEADING_WORDS = re.compile(r"^(?:(?:At|In|During|For|Through|The|This|At the|Before|After|On)\s+)+")
_GENERIC_NAME = re.compile(r"^(?:Demo Day|Annual Meeting)$")
_GENERIC = {
    "opening ceremony",
    "signing ceremony",
    "launch ceremony",
    "demo day",
    "annual meeting",
    "the expo",
    "the conference",
    "the forum",
    "the summit",
    "the event",
}
_PLACE_AFTER = re.compile(
    r"^(?:\s*\([^()]{1,20}\))?,?\s+(?:(?:was|is|will be|being)\s+)?(?:held|hosted|taking place|that took place|which took place)?\s*in\s+(?P<place>[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)"
)
_ACRONYM_AFTER = re.compile(r"^\s*\((?P<acr>[A-Z][A-Z0-9&·*-]{1,12})\)")


@dataclass
class Event:
    name: str
    key: str
    date: str | None = None
    place: str | None = None
    aliases: list[str] = field(default_factory=list)
    sentence: int = 0
    start: int = 0
    end: int = 0


def _key(name: str) -> str:
    words = [w for w in _KEY_WORD.findall(name.lower()) if w not in ("the",)]
    words = [w for w in words if not _ORDINAL_LOWER.fullmatch(w)]
    return " ".join(words)


def find_events(doc) -> list[Event]:
    events: dict[str, Event] = {}
    for index, sentence in enumerate(doc.sentences):
        s = sentence.text
        if not _HEAD_WORDS.search(s):
            continue
        for m in EVENT.finditer(s):
            name = m.group("name").strip()
            # Leading sentence words ("At the", "During") are not part of the name.
            name = _LEADING_WORDS.sub("", name)
            if not name or name.lower() in _GENERIC or len(name.split()) < 2:
                continue
            if _GENERIC_NAME.match(name):
                continue
            ordinal = m.group("ordinal")
            start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
            start = m.start("name") + m.group("name").find(name)
            full = f"{ordinal} {name}" if ordinal else name
            if ordinal:
                start = m.start("ordinal")
            if m.group("year") and not ordinal:
                full = f"{name} {m.group('year')}"
            end = m.end()
            key = _key(name)
            event = events.get(key)
            if event is None:
                event = events[key] = Event(
                    full, key, sentence=index, start=sentence.start + start, end=sentence.start + end
                )
            elif ordinal and not _ORDINAL_START.match(event.name):
                event.name = full
            after = s[m.end() : m.end() + 80]
            acr = _ACRONYM_AFTER.match(after)
            if acr and acr.group("acr") not in event.aliases:
                event.aliases.append(acr.group("acr"))
            place = _PLACE_AFTER.match(after)
            if place and event.place is None:
                candidate = place.group("place")
                if not DATE_FULL.match(candidate):
                    event.place = candidate
            date = DATE_FULL.search(after[:60])
            if date and event.date is None:
                event.date = date_of(date)
    # Acronyms written with an ordinal elsewhere ("the 3rd CIIE") are the same event.
    return list(events.values())


def event_forms(events: list[Event]) -> list[str]:
    """The texts that name the events: their names, their names without the ordinal, their acronyms."""
    forms = []
    for e in events:
        forms.append(e.name)
        forms.append(_LEADING_ORDINAL.sub("", e.name))
        forms.extend(e.aliases)
    return forms


def event_pattern(events: list[Event]) -> re.Pattern | None:
    forms = [re.escape(form) for form in event_forms(events)]
    if not forms:
        return None
    return re.compile(r"(?<![\w·])(?:" + "|".join(sorted(set(forms), key=len, reverse=True)) + r")(?![\w·])")


def is_place(word: str) -> bool:
    return word in PLACES
