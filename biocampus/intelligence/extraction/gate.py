r"""`gated(pattern, flags)`: the same pattern, compiled with a first-character test in front (speed).

Python's `re` skips ahead to a possible first character only for patterns that start with a literal; most rule
patterns start with `\b` and an alternation of words (under re.IGNORECASE), so the engine tries every
alternative at every position. A lookahead for the set of characters a match can start with, computed from the
parsed pattern, rejects most positions in one test. It never changes what matches: when the set cannot be
computed exactly (a class like `\\w`, a negated set, inline flags, an empty match), the pattern is compiled as is."""

from __future__ import annotations

import re

try:  # the parser behind `re` (Python 3.11+); without it every pattern is compiled as written
    from re import _constants as C  # noqa: N812
    from re import _parser
except ImportError:  # pragma: no cover - another Python
    C = _parser = None

_TOO_MANY = 200  # a range wider than this (e.g. `\w`-like) makes the gate pointless


def _first(items) -> tuple[set[str] | None, bool]:
    """(characters a match of `items` can start with, may `items` match the empty string); None = unknown."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(re.escape(chr(av)))
            return chars, False
        if op is C.IN:
            for sub_op, sub_av in av:
                if sub_op is C.LITERAL:
                    chars.add(re.escape(chr(sub_av)))
                elif sub_op is C.RANGE and sub_av[1] - sub_av[0] <= _TOO_MANY:
                    chars.add(f"{re.escape(chr(sub_av[0]))}-{re.escape(chr(sub_av[1]))}")
                elif sub_op is C.CATEGORY and sub_av is C.CATEGORY_DIGIT:
                    chars.add(r"\d")
                else:
                    return None, True
            return chars, False
        if op is C.CATEGORY:
            if av is not C.CATEGORY_DIGIT:
                return None, True
            chars.add(r"\d")
            return chars, False
        if op is C.BRANCH:
            nullable = False
            for branch in av[1]:
                sub, empty = _first(branch)
                if sub is None:
                    return None, True
                chars |= sub
                nullable = nullable or empty
            if not nullable:
                return chars, False
            continue
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub_items = av
            if add_flags or del_flags:
                return None, True
            sub, empty = _first(sub_items)
            if sub is None:
                return None, True
            chars |= sub
            if not empty:
                return chars, False
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, sub_items = av
            sub, empty = _first(sub_items)
            if sub is None:
                return None, True
            chars |= sub
            if low and not empty:
                return chars, False
            continue
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the next item decides the first character (the assertion only narrows it)
        return None, True
    return chars, True


def first_characters(pattern: str, flags: int = 0) -> str | None:
    """A character class of what a match can start with, or None when unknown or the pattern may match empty."""
    if _parser is None:
        return None
    try:
        chars, nullable = _first(_parser.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - pragma: no cover - an unexpected parse tree: no gate, same pattern
        return None
    if chars is None or nullable or not chars:
        return None
    return "[" + "".join(sorted(chars)) + "]"


def gated(pattern: str, flags: int = 0) -> re.Pattern:
    first = first_characters(pattern, flags)
    if first is None:
        return re.compile(pattern, flags)
    return re.compile(f"(?={first})(?:{pattern})", flags)


# Under re.IGNORECASE a pattern's "s" also matches "ſ" and its "i" matches "ı" and "İ" (and its "k" the Kelvin
# sign, which lower() already maps to "k"). The gate text maps them too, so that a plain substring test on it never
# rejects a sentence the pattern would match.
_CASE_VARIANTS = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})
_HAS_CASE_VARIANT = re.compile("[ſıİ]")


def has_case_variants(text: str) -> bool:
    return _HAS_CASE_VARIANT.search(text) is not None


def gate_text(text: str) -> str:
    """The lower-cased text that word gates (`words_gate`) read."""
    if _HAS_CASE_VARIANT.search(text):
        text = text.translate(_CASE_VARIANTS)
    return text.lower()


class SentenceWords:
    """Which sentences of a document hold any of some words, each a plain substring of the lower-cased sentence:
    `index in words.holding(WORDS)` is `any(w in lowered_sentences[index] for w in WORDS)`, read when first asked
    (most sentences are never asked about) and kept for the rules that ask again."""

    def __init__(self, lowered_sentences: list[str]):
        self._sentences = lowered_sentences

    def holding(self, words) -> Holding:
        return Holding(self._sentences, tuple(words))


class Holding:
    """The sentences that hold one of `words` (see SentenceWords); `a & b`, `a | b` combine the tests."""

    __slots__ = ("_sentences", "_words", "_known")

    def __init__(self, sentences: list[str], words: tuple[str, ...]):
        self._sentences = sentences
        self._words = words
        self._known: dict[int, bool] = {}

    def __contains__(self, index: int) -> bool:
        known = self._known.get(index)
        if known is None:
            low = self._sentences[index]
            known = self._known[index] = any(word in low for word in self._words)
        return known

    def __and__(self, other) -> _Combined:
        return _Combined(self, other, both=True)

    def __or__(self, other) -> _Combined:
        return _Combined(self, other, both=False)


class _Combined:
    __slots__ = ("_first", "_second", "_both")

    def __init__(self, first, second, both: bool):
        self._first, self._second, self._both = first, second, both

    def __contains__(self, index: int) -> bool:
        if self._both:
            return index in self._first and index in self._second
        return index in self._first or index in self._second

    def __and__(self, other) -> _Combined:
        return _Combined(self, other, both=True)

    def __or__(self, other) -> _Combined:
        return _Combined(self, other, both=False)
