"""Press release -> proposed records (issue 7). `extract(text)` returns the schema of
../shared/seed/icampus-gold.json (ANNOTATION.md) with evidence offsets; see docs/intelligence-extraction.md.

The default extractor is rule- and pattern-based and works offline: a masked copy of the text (credit lines,
HTML and control characters blanked, offsets unchanged), sentences, organisation names from capitalised chunks
with generic keyword and context rules, then relations, milestones and events from trigger patterns."""

from __future__ import annotations

import bisect
import re

from .context import Context
from .events import event_pattern, find_events
from .kinds import local_gazetteer
from .milestones import MilestoneFinder
from .names import accept_in_lists, chunks_of, fold, group, split_known_conjunctions
from .relations import RelationFinder
from .sentences import Sentence, read

__all__ = ["extract", "empty_result", "EXTRACTOR_NAME", "__version__"]

# Recorded on every document it reads: raise the version when the rules change what they propose, so a
# campus can tell which documents were read by an older extractor (and read them again).
EXTRACTOR_NAME = "rules"
__version__ = "1.0"
# The lower-case words of a text: `\b[a-z][a-z'-]+\b`, written to start with a character class (its first letter,
# then "no word character before it"), which lets the regex engine skip ahead in C: about twice as fast.
_LOWER_WORD = re.compile(r"[a-z](?<!\w[a-z])[a-z'-]+\b")


def empty_result(title: str | None = None, source: str | None = None) -> dict:
    return {
        "id": None,
        "source": source,
        "title": title,
        "date": None,
        "organizations": [],
        "relations": [],
        "milestones": [],
        "events": [],
    }


def extract(text, title: str | None = None, source: str | None = None, linker=None) -> dict:
    """What one document says. Never raises on bad input: anything that is not text gives an empty result."""
    if not isinstance(text, str):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        else:
            return empty_result(title, source)
    try:
        result = _extract(text, title, source)
    except RecursionError:  # pragma: no cover - defensive: a pathological input never breaks a caller
        return empty_result(title, source)
    if linker is not None:
        link(result, linker)
    return result


def link(result: dict, linker) -> None:
    organisations = result["organizations"]
    prepare = getattr(linker, "prepare", None)
    if prepare is not None:
        prepare([(o["name"], o["aliases"]) for o in organisations])
    for o in organisations:
        try:
            o["match"] = linker.match(o["name"], o["aliases"])
        except Exception:  # noqa: BLE001 - a linker failure leaves the proposal unlinked, never loses it
            o["match"] = None


def _extract(text: str, title: str | None, source: str | None) -> dict:
    doc = read(text)
    result = empty_result(title if title is not None else doc.title, source)
    result["date"] = doc.date
    if not doc.sentences and not doc.title:
        return result
    # The headline is read for names (it mentions organisations) but yields no relations or milestones.
    name_sentences = list(doc.sentences)
    if doc.title:
        start = text.find(doc.title)
        if start >= 0:
            name_sentences = [
                Sentence(start, start + len(doc.title), doc.work[start : start + len(doc.title)], -1),
                *name_sentences,
            ]
    vocabulary = set(_LOWER_WORD.findall(doc.work))
    chunks = chunks_of(doc.work, name_sentences, vocabulary)
    accept_in_lists(chunks, name_sentences, doc.work)
    chunks = split_known_conjunctions(chunks)
    events = find_events(doc)
    event_keys = {fold(e.name) for e in events} | {fold(a) for e in events for a in e.aliases}
    chunks = [c for c in chunks if fold(c.surface) not in event_keys and not _inside_event(c, events)]
    orgs = group(chunks, doc.work, local_gazetteer(doc.work))
    ctx = Context(doc, orgs)
    event_re = event_pattern(events)
    relations = RelationFinder(ctx, events, event_re).run()
    # A place (city, province, country) is an organisation only when it acts as a party.
    parties = {p for r in relations for p in r["parties"]}
    kept = [o for o in orgs if not o.place_only or o.name in parties]
    for o in kept:
        if o.place_only:
            o.kind = "government"
    milestones = MilestoneFinder(ctx, relations).run()
    kept_names = {o.name for o in kept}
    starts = [s.start for s in doc.sentences]
    result["organizations"] = [_org_out(o, doc, starts) for o in kept]
    result["relations"] = [r for r in relations if all(p in kept_names for p in r["parties"])]
    result["milestones"] = [m for m in milestones if m["org"] in kept_names]
    result["events"] = [_event_out(e, doc, starts) for e in events]
    return result


def _inside_event(chunk, events) -> bool:
    return any(e.start <= chunk.start and chunk.end <= e.end for e in events)


def _sentence_span(doc, starts: list[int], position: int) -> tuple[int, int]:
    # The sentences (`starts`: where each starts) are in order and do not overlap: the one that can hold `position`
    # is the last one starting at or before it.
    i = bisect.bisect_right(starts, position) - 1
    if i >= 0 and position < doc.sentences[i].end:
        s = doc.sentences[i]
        return s.start, s.end
    # The headline.
    line_start = doc.text.rfind("\n", 0, position) + 1
    line_end = doc.text.find("\n", position)
    return line_start, line_end if line_end >= 0 else len(doc.text)


def _org_out(o, doc, starts: list[int]) -> dict:
    start, end = _sentence_span(doc, starts, o.first)
    return {
        "name": o.name,
        "aliases": o.aliases,
        "kind": o.kind,
        "country": o.country,
        "evidence": doc.text[start:end],
        "evidence_start": start,
        "evidence_end": end,
        "match": None,
    }


def _event_out(e, doc, starts: list[int]) -> dict:
    start, end = _sentence_span(doc, starts, e.start)
    return {
        "name": e.name,
        "date": e.date,
        "place": e.place,
        "evidence": doc.text[start:end],
        "evidence_start": start,
        "evidence_end": end,
    }
