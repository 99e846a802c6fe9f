"""Linking proposed names to organisations already in the registry: exact name, alias, Chinese name, then a fuzzy
match (rapidfuzz) above a tested threshold. One query per document: `prepare(names)` loads only the candidates
that share a folded word with the names (never the whole table); `match()` then answers from memory."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q
from rapidfuzz import fuzz, process

from .names import fold

# token_sort_ratio >= 90 links "Teddy Lab Services Co" to "Teddy Lab Services"; "Teddy Lab" vs
# "Teddy Bear Lab" (82) and "Omron Healthcare" vs "Omron Corporation" (62) stay unlinked (tests/intelligence).
FUZZY_THRESHOLD = 90
_LEGAL = re.compile(r"[,.]?\s+(?:co|inc|ltd|llc|corp|corporation|limited|plc|gmbh|ag|group|holdings)\.?$", re.I)
_STOP = frozenset(
    ["the", "of", "and", "for", "&", "@", "co", "ltd", "inc", "llc", "corp", "group", "holdings", "company", "limited"]
)


def normal(name: str) -> str:
    name = unicodedata.normalize("NFKC", name or "")
    name = fold(name)
    previous = None
    while previous != name:
        previous = name
        name = _LEGAL.sub("", name).strip(" ,.")
    return re.sub(r"\s+", " ", name)


def words(name: str) -> set[str]:
    return {w for w in re.findall(r"[\w·*'-]+", normal(name)) if len(w) > 1 and w not in _STOP}


class RegistryLinker:
    def __init__(self, queryset, threshold: int = FUZZY_THRESHOLD):
        self.queryset = queryset
        self.threshold = threshold
        self.candidates: list | None = None
        self.queries = 0

    def prepare(self, names: list[tuple[str, list[str]]]) -> None:
        """Load, in one query, the organisations whose name, Chinese name or aliases share a word with any of
        the names (search_text holds the lower-cased names and aliases)."""
        terms: set[str] = set()
        chinese: set[str] = set()
        for name, aliases in names:
            for form in [name, *aliases]:
                terms |= {w for w in words(form) if len(w) >= 3}
                if re.search(r"[\u4e00-\u9fff]", form):
                    chinese.add(form)
        if not terms and not chinese:
            self.candidates = []
            return
        condition = Q()
        for term in sorted(terms)[:60]:
            condition |= Q(search_text__contains=term)
        for form in chinese:
            condition |= Q(name_zh=form)
        self.queries += 1
        self.candidates = list(
            self.queryset.filter(condition).only("id", "public_id", "name", "name_zh", "aliases")[:2000]
        )

    def match(self, name: str, aliases: list[str] | None = None) -> dict | None:
        aliases = list(aliases or [])
        if self.candidates is None:
            self.prepare([(name, aliases)])
        forms = [name, *aliases]
        folded = {fold(f) for f in forms if f}
        normals = {normal(f) for f in forms if f}
        for org in self.candidates:
            if fold(org.name) in folded:
                return _shape(org, "name", 100)
        for org in self.candidates:
            if any(fold(a) in folded for a in (org.aliases or []) if isinstance(a, str)):
                return _shape(org, "alias", 100)
        for org in self.candidates:
            if org.name_zh and (org.name_zh in forms or fold(org.name_zh) in folded):
                return _shape(org, "name_zh", 100)
        for org in self.candidates:
            if normal(org.name) in normals:
                return _shape(org, "name", 100)
        if not self.candidates:
            return None
        choices = {i: normal(o.name) for i, o in enumerate(self.candidates)}
        best = None
        for form in normals:
            if len(form) < 4:
                continue
            found = process.extractOne(form, choices, scorer=fuzz.token_sort_ratio, score_cutoff=self.threshold)
            if found and (best is None or found[1] > best[1]):
                best = found
        if best:
            return _shape(self.candidates[best[2]], "fuzzy", round(best[1], 1))
        return None


def _shape(org, how: str, score) -> dict:
    return {"public_id": str(org.public_id), "name": org.name, "how": how, "score": score}
