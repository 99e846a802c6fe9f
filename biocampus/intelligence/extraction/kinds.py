"""Kind and country of an organisation, from its name's head keyword and what the text says around it."""

from __future__ import annotations

import re

from .lexicon import COUNTRIES, DEMONYMS, KIND_KEYWORDS, PLACES

# Multi-word keys first, so "Medical Center" wins over "Center", "Service Center" over "Center".
_KEYS: list[tuple[str, str]] = sorted(
    ((k, kind) for kind, ks in KIND_KEYWORDS.items() for k in ks), key=lambda kv: -len(kv[0].split())
)
_ALL_KEYS = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k, _ in _KEYS) + r")(?![\w-])")
_KIND_OF_KEY = dict(reversed(_KEYS))
_KIND_OF_KEY.update({k: kind for k, kind in _KEYS if k not in _KIND_OF_KEY})
# When several keywords occur, the one nearest the head wins; these kinds beat "company" words anywhere.
_PRIORITY = (
    "service_center",
    "hospital",
    "university",
    "lab",
    "hub",
    "campus",
    "government",
    "association",
    "investor",
    "other",
    "company",
)
_PRIORITY_RANK = {kind: rank for rank, kind in enumerate(_PRIORITY)}
_OF_FOR = re.compile(r" (?:of|for) ")
_ZONE_WORD = re.compile(r"\b(?:zone|district|area)\b")
_CAPITALISED_PAIRS = re.compile(r"[A-Z][\w'’-]*(?: [A-Z][\w'-]*)?")
_CAPITALISED_WORDS = re.compile(r"[A-Z][\w'’-]*")


def kind_of(name: str, hint: str | None = None) -> str:
    low = name.lower().replace("’", "'")
    # The head of "X of Y" / "X for Y" is X ("University of Reading", "Bureau of Healthcare and Security").
    head_part = _OF_FOR.split(low, maxsplit=1)[0]
    # Without "of"/"for" both parts are the same text: reading it twice finds nothing new.
    for part in (head_part, low) if head_part != low else (low,):
        best: tuple[int, int, str] | None = None  # (end position, -priority, kind)
        position = 0
        while True:
            m = _ALL_KEYS.search(part, position)
            if not m:
                break
            kind = _KIND_OF_KEY[m.group(0)]
            cand = (m.end(), -_PRIORITY_RANK[kind], kind)
            if best is None or cand > best:
                best = cand
            position = m.start() + 1
        if best:
            kind = best[2]
            if kind == "company" and hint and hint != "company":
                return hint
            if kind == "other" and hint in ("hub", "investor", "company", "campus", "hospital", "university"):
                return hint
            if kind == "government" and _ZONE_WORD.search(part) and "committee" not in part and hint == "campus":
                return "campus"
            return kind
    return hint or "company"


def country_of(name: str, hints: list[str | None], local_places: dict[str, str]) -> str | None:
    for hint in hints:
        if hint:
            return hint
    # A country, demonym or unambiguous place written in the name.
    tokens = _CAPITALISED_PAIRS.findall(name)
    words = _CAPITALISED_WORDS.findall(name)
    for phrase in tokens + words:
        for candidate in (phrase, phrase.split("-")[0]):
            if candidate in COUNTRIES:
                return COUNTRIES[candidate]
            if candidate in DEMONYMS:
                return DEMONYMS[candidate]
            if candidate in PLACES and PLACES[candidate]:
                return PLACES[candidate]
            if candidate in local_places:
                return local_places[candidate]
    return None


_PLACE_COUNTRY = re.compile(
    r"\b([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?),\s+(?:the\s+)?([A-Z][A-Za-z. ]{1,30}?)(?=[,.\s])"
)


def local_gazetteer(work: str) -> dict[str, str]:
    """Places the text itself ties to a country: "ABINGDON, England", "Leiden, the Netherlands"."""
    out: dict[str, str] = {}
    # Scan ", <Capitalised>" (a literal start the regex engine finds fast), then look back for the place.
    for m in _COMMA_CAPITAL.finditer(work, 0, min(len(work), 20000)):
        name = m.group(1).strip()
        country = COUNTRIES.get(name) or (PLACES.get(name) if name in PLACES else None)
        if not country:
            continue
        before = _PLACE_BEFORE.search(work, max(0, m.start() - 40), m.start())
        if before:
            place = before.group(1)
            out[place] = country
            out[place.title()] = country
    return out


_COMMA_CAPITAL = re.compile(r", (?:the )?([A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)(?=[,.\s])")
_PLACE_BEFORE = re.compile(r"([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?)$")
