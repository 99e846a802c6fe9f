"""Organisation names: capitalised chunks of each sentence, cut at their true boundaries, sorted into
organisations, people, titles, places and events, then grouped with their aliases.

Boundaries the rules keep whole: "Smith & Nephew", "X, Inc.", "X Co., Ltd.", "X @ City", "University of X",
"People's Hospital". Boundaries they cut: a possessive ("Sweden's Hub"), "X-based", a title before a name,
"and" between two names whose left part ends on an organisation keyword.

A chunk with an organisation keyword (University, Hospital, Therapeutics, Capital, Park, Hub, Co., …) and a
distinctive word is an organisation. A bare chunk ("Marrowgate") is one only in an organisation's context:
subject of a company verb (signed, joined, raised, launched, moved into, …), an apposition naming a company
(", a Boston-based antibody developer"), a descriptor before it ("biotech company X"), a party phrase ("led by X",
"agreement with X", "acquire X"), or a list of such names / of residents ("residents include A, B and C")."""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field

from .gate import gated
from .lexicon import (
    COMMON_LEADERS,
    COMPANY_VERBS,
    COUNTRIES,
    DEMONYMS,
    DESCRIPTOR_NOUNS,
    GENERIC_HEADS,
    HONORIFICS,
    LEGAL_SUFFIXES,
    PERSON_TITLE,
    PLACES,
    TITLE_WORDS,
    WEAK_DESCRIPTIVE_WORDS,
)

TOKEN = r"(?:[A-Z][A-Za-z0-9]*(?:[-·*'’.&][A-Za-z0-9]+)*|[a-z]{1,2}[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|\d+[A-Za-z][A-Za-z0-9]*)"  # noqa: S105 - a regex, not a secret
CONNECTOR = r"(?: (?:of|for|and|&|@|de|du|des|der|für|von|van|la|le|del|della|di|da|et|y)(?: the)? | )"
SUFFIX = rf"(?:,? (?:{LEGAL_SUFFIXES})\.?(?![\w-]))(?:,? (?:Ltd|Limited|Inc|LLC)\.?(?![\w-]))?"
CHUNK = re.compile(rf"(?<![\w·*&@'’-]){TOKEN}(?:{CONNECTOR}{TOKEN}){{0,14}}(?:{SUFFIX})?")
_TOKEN = re.compile(TOKEN)
_LEGAL_ABBREVIATIONS = frozenset({"Co", "Inc", "Ltd", "Corp", "Pte", "Pty", "Bros", "Mfg", "Intl"})
# "University of Texas at Austin"; "Ministry of Trade, Industry and Energy".
MAX_ORGANISATIONS = 300
MAX_CHUNKS = 3000
_OF_HEAD = re.compile(
    r"^(?:[A-Z][\w-]* )*(?:University|College|Ministry|Department|Agency|Institute|Office|Council|"
    r"Commission|Bureau|Academy|School|Centre|Center|Committee|Secretariat) (?:of|for) [A-Z][\w-]*$"
)
_AT_CAMPUS = re.compile(r" at [A-Z][\w-]+(?: [A-Z][\w-]+)?(?![\w-])")
_COMMA_LIST = re.compile(r"(?:, [A-Z][\w-]*(?: [A-Z][\w-]*)?)+,? and [A-Z][\w-]*(?: [A-Z][\w-]*)?(?![\w-])")
_LEGAL_TAIL = re.compile(r"\.(?:,? (?:Ltd|Limited|Inc|LLC|Pte|Co)\.?){0,2}")
_SUFFIX_AT_END = re.compile(rf"{SUFFIX}$")
# A text that `_SUFFIX_AT_END` matches ends with a legal form ("Co", "Ltd.", "GmbH", …): the pattern is tried only
# on a text that does (one C test instead of a search from every position; the same result).
_SUFFIX_ENDINGS = tuple(
    ending for form in LEGAL_SUFFIXES.replace("\\.", ".").split("|") for ending in (form, form + ".")
)


def _suffix_at_end(text: str, start: int, end: int) -> re.Match | None:
    """`_SUFFIX_AT_END.search(text, start, end)`."""
    # ("$" also matches before a final line break.)
    if text.endswith(_SUFFIX_ENDINGS, start, end) or text.endswith("\n", start, end):
        return _SUFFIX_AT_END.search(text, start, end)
    return None


CONNECTORS = frozenset(
    [
        "of",
        "for",
        "and",
        "&",
        "@",
        "de",
        "du",
        "des",
        "der",
        "für",
        "von",
        "van",
        "la",
        "le",
        "del",
        "della",
        "di",
        "da",
        "et",
        "y",
        "the",
    ]
)
# Words that qualify a keyword without making a name distinctive ("Science Park", "Innovation Centre").
GENERIC_MODIFIERS = frozenset(
    [
        "science",
        "sciences",
        "innovation",
        "innovative",
        "research",
        "international",
        "national",
        "life",
        "technology",
        "biomedical",
        "industrial",
        "development",
        "medical",
        "health",
        "global",
        "business",
        "industry",
        "enterprise",
        "hi-tech",
        "high-tech",
        "new",
        "joint",
        "key",
        "open",
        "digital",
        "clinical",
        "translational",
        "precision",
        "advanced",
        "applied",
        "municipal",
        "management",
        "central",
        "regional",
        "provincial",
        "city",
        "state",
        "people's",
        "public",
        "private",
        "economic",
        "technological",
        "engineering",
        "education",
        "venture",
        "foreign",
        "affairs",
        "affair",
        "service",
        "services",
        "certification",
        "liaison",
        "biotech",
        "bio",
        "pharmaceutical",
        "healthcare",
        "community",
        "commerce",
        "trade",
        "co-working",
        "shared",
        "wet",
        "incubation",
        "entrepreneurship",
        "startup",
        "start-up",
        "creative",
        "smart",
        "future",
        "strategic",
    ]
)
CORE_TITLES = frozenset(
    [
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cso",
        "cmo",
        "cio",
        "president",
        "director",
        "chief",
        "chairman",
        "chairwoman",
        "chairperson",
        "chair",
        "head",
        "professor",
        "prof",
        "mayor",
        "minister",
        "secretary",
        "governor",
        "dean",
        "founder",
        "co-founder",
        "cofounder",
        "manager",
        "officer",
        "executive",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "vp",
        "svp",
        "evp",
        "deputy",
        "commissioner",
        "chancellor",
        "provost",
        "ambassador",
        "senator",
    ]
)
PLACE_KEYWORDS = frozenset(
    ["province", "city", "district", "county", "state", "municipality", "prefecture", "region", "area"]
)
EVENT_HEADS = frozenset(
    [
        "expo",
        "exhibition",
        "forum",
        "summit",
        "conference",
        "convention",
        "congress",
        "fair",
        "festival",
        "week",
        "symposium",
        "meeting",
        "show",
        "awards",
        "day",
        "days",
        "olympiad",
        "roadshow",
        "hackathon",
        "workshop",
        "seminar",
        "webinar",
        "gala",
        "ceremony",
    ]
)
NON_ORG_HEADS = frozenset(
    [
        "programme",
        "program",
        "plan",
        "project",
        "projects",
        "challenge",
        "prize",
        "award",
        "initiative",
        "cluster",
        "strategy",
        "scheme",
        "tower",
        "building",
        "hall",
        "road",
        "street",
        "avenue",
        "square",
        "series",
        "round",
        "phase",
        "covid-19",
        "covid",
        "platform",
        "app",
    ]
)
_DEMONYM_TOKENS = {k: v for k, v in DEMONYMS.items() if " " not in k}

_PERSON_AFTER = re.compile(
    rf"^,\s*(?:the\s+|a\s+|an\s+|its\s+|our\s+|their\s+|his\s+|her\s+)?(?:[\w·]+(?:'s|’s)\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?{PERSON_TITLE}\b"
)
_PERSON_BEFORE = gated(
    r"(?:\b(?:said|says|according to|told|by Dr|Dr|Mr|Mrs|Ms|Prof|Professor|Sir|Dame)\.?|"
    r"\b(?:CEO|CTO|CFO|COO|CSO|President|Director|Mayor|Minister|Chairman|Chairwoman|Founder|founder|Governor|"
    r"Secretary|Dean|Chancellor|Executive|Officer|Manager|Head|Partner|Principal|Investigator|Professor|"
    r"[Ss]pokesperson|Analyst))\s+$"
)
_PERSON_VERB_AFTER = re.compile(r"^\s+(?:said|says|added|noted|explained|commented|told|stated|remarked)\b")
_COMPANY_VERB_AFTER = re.compile(
    rf"^(?:\s*,\s*(?:which|that|who)\s+|\s+)(?:also\s+|now\s+|recently\s+|today\s+|officially\s+|successfully\s+|"
    rf"jointly\s+|has\s+also\s+|will\s+also\s+|had\s+|have\s+)?{COMPANY_VERBS}\b"
)
_APPOSITIVE = re.compile(
    r"^,\s*(?:(?:a|an|the|one|its|our)\s+)(?P<desc>(?:[\w’'-]+\s+){0,6}?)(?P<noun>company|start-?up|startup|"
    r"developer|firm|maker|manufacturer|provider|spin-?out|spinout|subsidiary|organi[sz]ation|CRO|CDMO|"
    r"biotech|medtech|group|investor|fund|incubator|accelerator|network|hub|campus|park|platform|resident|"
    r"supplier|distributor|operator|pioneer|specialist|leader|innovator|enterprise|institute|charity|"
    r"foundation|university|hospital|venture capital firm|investment firm|bank|agency|laboratory|lab)\b"
)
_DESCRIPTOR_BEFORE = gated(rf"\b{DESCRIPTOR_NOUNS}\s+$")
_PARTY_BEFORE = gated(
    r"\b(?:led by|co-led by|participation (?:of|from)|investment from|investments from|funding from|backed by|"
    r"funded by|supported by|acquire|acquires|acquired|acquiring|acquisition of|merger with|invest(?:ed|s|ing)? in|"
    r"agreement with|agreements with|cooperation with|collaboration with|partnership with|partnered with|"
    r"partners with|partnering with|teamed up with|joined by|MOU with|memorandum of understanding with|"
    r"contract with|deal with|alliance with|licen[cs]e (?:\w+ ){0,4}to|licen[cs]ed (?:\w+ ){0,5}to|"
    r"licen[cs]ed (?:\w+ ){0,4}from|spun out of|spin-out of|spinout of|subsidiary of|run by|operated by|managed by|"
    r"owned by|developed by|organi[sz]ed by|co-hosted by|hosted by|sponsored by|(?:site|sites|unit|division|arm|"
    r"member|part|spin-off) of|awarded|granted)\s+(?:the\s+)?$",
    re.I,
)
_LIST_INTRO = gated(
    r"(?:\b(?:including|include|includes|included|such as|namely|are|were|like|among them|joined by)|:)\s*$"
)
_LOCATIVE_BEFORE = gated(r"\b(?:in|at|near|across|to|from|of|throughout|around|outside|inside|via)\s+(?:the\s+)?$")
_PARTY_LAST = frozenset(
    ["by", "of", "from", "in", "with", "to", "acquire", "acquires", "acquired", "acquiring", "awarded", "granted"]
)
_NON_ORG_LAST = frozenset(["of", "called", "named", "dubbed", "as"])
_PERSON_LAST = frozenset(
    [
        "said",
        "says",
        "to",
        "told",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "professor",
        "sir",
        "dame",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cso",
        "president",
        "director",
        "mayor",
        "minister",
        "chairman",
        "chairwoman",
        "founder",
        "governor",
        "secretary",
        "dean",
        "chancellor",
        "executive",
        "officer",
        "manager",
        "head",
        "partner",
        "principal",
        "investigator",
        "spokesperson",
        "analyst",
    ]
)
_DESCRIPTOR_WORD = re.compile(DESCRIPTOR_NOUNS, re.I)
_NON_ORG_BEFORE = gated(
    r"\b(?:project|projects|programme|program|plan|initiative|product|products|brand|device|drug|app|platform|"
    r"scheme|challenge|campaign)\s+(?:of|called|named|dubbed|known as)\s+(?:the\s+)?[\"“]?$",
    re.I,
)
_LIST_TAIL = re.compile(
    r"^,?\s*(?:and|as well as)\s+(?:other|more|several|many|some)\s+(?:\w+\s+){0,2}(?:companies|firms|"
    r"organi[sz]ations|partners|enterprises|institutions|investors|start-?ups|stakeholders)\b"
)
# Sort keys (operator.attrgetter: the same keys as a lambda, read in C).
_START = operator.attrgetter("start")
_FIRST = operator.attrgetter("first")
_BASED = re.compile(r"^(?P<place>.+?)-(?:based|headquartered)$")
_FOLD_SPACES = re.compile(r"[\s\u00a0]+")
_FOLD_THE = re.compile(r"^the ")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_DESCRIPTION_WORD = re.compile(r"[\w’'-]+")
_IN_PLACE = re.compile(r"\b(?:in|of)\s+([A-Z][\w’'-]+(?: [A-Z][\w-]+)?)")
_POSSESSIVE_END = re.compile(r"(?:'s|’s)$")
_CAPITALISED_BEFORE = re.compile(r"([A-Z][\w’'-]+)(?:\s+[\w-]+){0,4}\s*$")
_LIST_GAP = re.compile(r",\s*|,?\s+(?:and|&|or|as well as)\s+|,\s*and\s+|,\s*(?:and\s+)?the\s+|\s+and\s+the\s+")
_ACRONYM = re.compile(r"[A-Z0-9][\w·*&.'’-]*(?: [A-Z0-9][\w·*&.-]*){0,2}")


@dataclass(slots=True)
class Chunk:
    start: int
    end: int
    surface: str
    sentence: int
    tokens: list[str]
    kind_hint: str | None = None
    country_hint: str | None = None
    category: str = "bare"  # keyword | bare | person | place | event | title | other
    accepted: bool = False
    after_title: bool = False


@dataclass
class Organisation:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "company"
    country: str | None = None
    first: int = 0  # offset of the first mention
    sentence: int = 0
    chunks: list[Chunk] = field(default_factory=list)
    place_only: bool = False


@functools.lru_cache(maxsize=8192)
def fold(name: str) -> str:
    """The comparison form of a name: case, spaces, a leading "the" and end punctuation ignored."""
    name = _FOLD_SPACES.sub(" ", name.replace("’", "'")).strip().lower()
    name = _FOLD_THE.sub("", name)
    return name.rstrip(".,;: ")


@functools.lru_cache(maxsize=8192)
def _low(token: str) -> str:
    return token.lower().replace("’", "'")


@functools.lru_cache(maxsize=8192)
def _is_place_token(token: str) -> bool:
    return token in PLACES or token.rstrip(".") in PLACES or (token.isupper() and token.title() in PLACES)


def chunks_of(work: str, sentences, vocabulary: set[str]) -> list[Chunk]:
    found: list[Chunk] = []
    for index, sentence in enumerate(sentences):
        if len(found) > MAX_CHUNKS:  # far more names than any release: the rest is not read (partial result)
            break
        s = sentence.text
        base = sentence.start
        for m in CHUNK.finditer(s):
            for piece in _cut(s, m.start(), m.end(), vocabulary):
                a, b, hint_country, after_title, tokens, lows = piece
                surface = s[a:b]
                if tokens is None:  # the piece took the legal suffix: its tokens are read from the text
                    tokens = _TOKEN.findall(surface)
                    lows = None
                if not tokens:
                    continue
                ext = _LEGAL_TAIL.match(s, b) if tokens[-1] in _LEGAL_ABBREVIATIONS else None
                # (_OF_HEAD needs " of " or " for ": the cheap test first.)
                if ext is None and (" of " in surface or " for " in surface) and _OF_HEAD.search(surface):
                    ext = _AT_CAMPUS.match(s, b) if surface.startswith(("University", "College")) else None
                    ext = ext or _COMMA_LIST.match(s, b)
                if ext:
                    b = ext.end()
                    surface = s[a:b]
                    tokens = _TOKEN.findall(surface)
                    lows = None
                chunk = Chunk(
                    base + a, base + b, surface, index, tokens, country_hint=hint_country, after_title=after_title
                )
                _categorise(chunk, s, a, b, lows if lows is not None else [_low(t) for t in tokens])
                found.append(chunk)
    return found


def _cut(s: str, start: int, end: int, vocabulary: set[str]):
    """Cut one regex chunk into name pieces: (start, end, country hint, came after a title, tokens, their lower-case
    forms). The tokens of a piece are those `_TOKEN.findall` reads in its text (the same scan from the piece's
    first token on), except for a piece that takes the legal suffix: None, the caller reads them."""
    if s.find(" ", start, end) < 0:
        # No space: no connector and no legal suffix, the chunk is one token (half of all chunks).
        tokens = [(start, end, s[start:end])]
    else:
        tokens = [(t.start(), t.end(), t.group(0)) for t in _TOKEN.finditer(s, start, end)]
    # The legal suffix ("Co., Ltd.", ", Inc.") belongs to the last piece and is never cut.
    suffix = _suffix_at_end(s, start, end)
    suffix_start = suffix.start() if suffix and suffix.start() > start else end
    pieces: list[list[tuple[int, int, str]]] = [[]]
    hints: list[str | None] = [None]
    after_title = [False]
    for i, (a, b, t) in enumerate(tokens):
        if a >= suffix_start:
            break
        low = _low(t)
        current = pieces[-1]
        # (Only "X-based" / "X-headquartered" tokens can match: the suffix test first, for speed.)
        based = _BASED.match(t) if t.endswith(("-based", "-headquartered")) else None
        if based:  # "US-based", "Hangzhou-based": a place, and the country of what follows
            place = based.group("place")
            pieces.append([])
            hints.append(PLACES.get(place) or COUNTRIES.get(place))
            after_title.append(False)
            continue
        if low in CONNECTORS and not current:
            continue
        if (
            current
            and (s[tokens[i - 1][1] : a] if i else "").strip() in ("and",)
            and (_ends_on_keyword(current, t) or _right_is_name(tokens, i, suffix_start, current))
        ):
            pieces.append([])
            hints.append(None)
            after_title.append(False)
            current = pieces[-1]
        if not current:
            # Leading words that are not names: sentence starters, common words, titles.
            if low in COMMON_LEADERS and not (False):
                continue
            if (a == 0 or s[a - 1] in "\"“‘'(") and low in vocabulary and low not in GENERIC_HEADS:
                continue
            if t in _DEMONYM_TOKENS and i + 1 < len(tokens) and tokens[i + 1][0] < suffix_start:
                hints[-1] = _DEMONYM_TOKENS[t]
                rest_low = [_low(x[2]) for x in tokens[i + 1 :]]
                if any(r not in GENERIC_HEADS and r not in GENERIC_MODIFIERS and r not in CONNECTORS for r in rest_low):
                    continue
            if t in HONORIFICS or t.rstrip(".") in HONORIFICS:
                after_title[-1] = True
                continue
        if low in TITLE_WORDS and _title_run(tokens, i, s):
            # "Chief Executive of X" / "President and CEO of X": keep only X; "CEO Jane Doe": a person.
            pieces.append([])
            hints.append(None)
            after_title.append(True)
            continue
        if t.endswith(("'s", "’s")) and len(t) > 2:
            nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
            if _low(nxt) in GENERIC_HEADS and nxt and tokens[i + 1][0] - b <= 1:
                current.append((a, b, t))
            else:
                current.append((a, b - 2, t[:-2]))
                if _is_place_token(t[:-2]) or t[:-2] in COUNTRIES:
                    hints.append(COUNTRIES.get(t[:-2]) or PLACES.get(t[:-2]))
                else:
                    hints.append(None)
                pieces.append([])
                after_title.append(False)
            continue
        current.append((a, b, t))
    out = []
    for idx, piece in enumerate(pieces):
        # Drop trailing connectors ("X and", "X of").
        while piece and _low(piece[-1][2]) in CONNECTORS:
            piece.pop()
        if not piece:
            continue
        a, b = piece[0][0], piece[-1][1]
        if idx == len(pieces) - 1 and suffix_start < end:
            b = end
        elif idx == len(pieces) - 1 and suffix_start == end and b < end:
            pass
        # A legal suffix right after a non-final piece is impossible; keep b.
        if b == piece[-1][1]:
            words = [t for _a, _b, t in piece]
            out.append((a, b, hints[idx], after_title[idx], words, [_low(t) for t in words]))
        else:
            out.append((a, b, hints[idx], after_title[idx], None, None))
    return out


def _title_run(tokens, i, s) -> bool:
    """Is tokens[i] the start (or part) of a job title? True when the run of title words holds a core title."""
    j = i
    core = False
    while j < len(tokens):
        low = _low(tokens[j][2])
        if low in CORE_TITLES:
            core = True
        if low not in TITLE_WORDS and low not in ("of", "and", "&"):
            break
        j += 1
    if not core:
        return False
    # Only the tokens of the title run are skipped by the caller one by one: mark this token a title.
    return _low(tokens[i][2]) in TITLE_WORDS


def _right_is_name(tokens, i, suffix_start, current) -> bool:
    """ "Northern Gritstone and Praetura Ventures": the right side is a name of its own (a keyword and a distinctive
    word), and the left side is not the object of "of"/"for" ("Bureau of Healthcare and Security")."""
    if any(_low(x[2]) in ("of", "for") for x in current):
        return False
    right = []
    for a, _b, t in tokens[i:]:
        if a >= suffix_start or _low(t) in ("and", "&"):
            break
        right.append(_low(t))

    def distinctive(low: str) -> bool:
        return low not in GENERIC_HEADS and low not in GENERIC_MODIFIERS and low not in CONNECTORS

    has_key = any(r in GENERIC_HEADS for r in right)
    return (
        has_key and any(map(distinctive, right)) and any(distinctive(_low(x[2])) for x in current) and len(right) >= 2
    )


def _ends_on_keyword(current, next_token: str) -> bool:
    last = _low(current[-1][2])
    return bool(last in GENERIC_HEADS and last not in _WEAK_SPLIT)


_WEAK_SPLIT = WEAK_DESCRIPTIVE_WORDS | frozenset({"community", "development", "economic"})


# Unions of word sets, tested once instead of set by set (speed; the same tests).
_TITLE_OR_CONNECTOR = TITLE_WORDS | CONNECTORS
_NOT_DISTINCTIVE = GENERIC_HEADS | GENERIC_MODIFIERS | CONNECTORS


def _only_places(tokens: list[str], lows: list[str]) -> bool:
    """Is every word of the chunk but its connectors a place or a place keyword ("Jiangsu Province")?"""
    # (A loop, not all() over a generator: most chunks stop at their first word.)
    for token, low in zip(tokens, lows, strict=False):
        if low not in CONNECTORS and low not in PLACE_KEYWORDS and not _is_place_token(token):
            return False
    return True


def _categorise(chunk: Chunk, s: str, a: int, b: int, lows: list[str]) -> None:
    """`lows`: the chunk's tokens lower-cased (`_low`)."""
    tokens = chunk.tokens
    head = lows[-1]
    # Events ("Asia Pacific Medtech Forum") and named programmes, buildings, rounds are not organisations.
    if head in EVENT_HEADS or (len(lows) > 2 and lows[-2] in EVENT_HEADS and _is_place_token(tokens[-1])):
        chunk.category = "event"
        return
    if head in NON_ORG_HEADS or lows[0] in ("series",):
        chunk.category = "other"
        return
    if _only_places(tokens, lows) or chunk.surface in PLACES:
        chunk.category = "place"
        # A place acting as a party ("agreements with Jiangsu Province") is a candidate; it is kept only if a
        # relation names it (see extract()).
        before = s[max(0, a - 80) : a]
        chunk.accepted = bool(_PARTY_BEFORE.search(before) or _COMPANY_VERB_AFTER.match(s[b : b + 120]))
        return
    if chunk.surface in DEMONYMS:
        chunk.category = "place"
        return
    if _TITLE_OR_CONNECTOR.issuperset(lows):
        chunk.category = "title"
        return
    keyword = not GENERIC_HEADS.isdisjoint(lows) or bool(_suffix_at_end(chunk.surface, 0, len(chunk.surface)))
    if " @ " in chunk.surface:  # "BioLabs @ City": a named site of a network
        keyword = True
        chunk.kind_hint = chunk.kind_hint or "hub"
    elif " & " in chunk.surface and not all(_is_place_token(t) for t in tokens):  # "Smith & Nephew": a firm
        keyword = True
    if not keyword:
        multi = " ".join(lows)
        keyword = any(k in multi for k in ("science park", "innovation center", "innovation centre"))
    before, after = s[max(0, a - 50) : a], s[b : b + 120]
    # The end-anchored patterns below are tried only when the word before the chunk can end them (speed).
    words = before.rsplit(None, 2)  # (only the last two words are read)
    last = words[-1].lower().rstrip('."“') if words else ""
    if (last in _NON_ORG_LAST or before.endswith(('"', "“"))) and _NON_ORG_BEFORE.search(before):
        chunk.category = "other"
        return
    # A name with an organisation keyword is never a person: the person tests are read only for the others.
    person = not keyword and (
        _PERSON_AFTER.match(after)
        or (last in _PERSON_LAST and _PERSON_BEFORE.search(before))
        or _PERSON_VERB_AFTER.match(after)
        or chunk.after_title
    )
    if person:
        chunk.category = "person"
        return
    if keyword and (
        any(low not in _NOT_DISTINCTIVE for low in lows) or sum(low not in CONNECTORS for low in lows) >= 3
    ):
        chunk.category = "keyword"
        chunk.accepted = True
    elif keyword:
        chunk.category = "generic"  # "the University", "Management Committee": a reference, not a name
        return
    # Context that makes any capitalised chunk an organisation (and hints its kind).
    ap = _APPOSITIVE.match(after)
    if ap:
        chunk.accepted = True
        chunk.kind_hint = _kind_of_noun(ap.group("noun"), ap.group("desc"))
        desc = ap.group("desc")
        for word in _DESCRIPTION_WORD.findall(desc):
            based = _BASED.match(word)
            if based and (based.group("place") in PLACES):
                chunk.country_hint = chunk.country_hint or PLACES[based.group("place")]
            elif word in DEMONYMS:
                chunk.country_hint = chunk.country_hint or DEMONYMS[word]
        m_in = _IN_PLACE.search(after[: ap.end() + 30])
        if m_in:
            place = _POSSESSIVE_END.sub("", m_in.group(1))
            if place in PLACES and PLACES[place]:
                chunk.country_hint = chunk.country_hint or PLACES[place]
    # A party phrase before it or a company verb after it accepts a chunk; one already accepted (a keyword, an
    # apposition) is not read again for them.
    if not chunk.accepted:
        last_not_the = words[-2].lower() if last == "the" and len(words) > 1 else last
        if (last_not_the in _PARTY_LAST and _PARTY_BEFORE.search(before)) or _COMPANY_VERB_AFTER.match(after):
            chunk.accepted = True
    # A descriptor before it ("biotech company X") accepts it and hints its kind and country.
    d = _DESCRIPTOR_WORD.fullmatch(last) and _DESCRIPTOR_BEFORE.search(before)
    if d:
        chunk.accepted = True
        chunk.kind_hint = chunk.kind_hint or _kind_of_noun(d.group(0).strip(), "")
        pre = before[: d.start()]
        m = _CAPITALISED_BEFORE.search(pre)
        if m:
            word = m.group(1)
            based = _BASED.match(word)
            if word in DEMONYMS:
                chunk.country_hint = chunk.country_hint or DEMONYMS[word]
            elif based and based.group("place") in PLACES:
                chunk.country_hint = chunk.country_hint or PLACES[based.group("place")]


def _kind_of_noun(noun: str, desc: str) -> str | None:
    noun = noun.lower()
    desc = (desc or "").lower()
    if noun in ("incubator", "accelerator", "hub", "network") and (
        "incubat" in desc or "accelerat" in desc or "lab" in desc or noun != "network"
    ):
        return "hub"
    if noun in ("campus", "park"):
        return "campus"
    if (
        noun in ("investor", "investors", "fund", "venture capital firm", "investment firm", "bank")
        or "venture" in desc
        or "invest" in desc
    ):
        return "investor"
    if noun in ("university",):
        return "university"
    if noun in ("hospital",):
        return "hospital"
    if noun in ("institute", "charity", "foundation", "network"):
        return "other"
    if noun in ("agency",):
        return "government"
    if noun in ("laboratory", "lab"):
        return "lab"
    if "pharmaceutical" in desc or noun in ("drugmaker",) or "pharma" in desc:
        return (
            "pharma"
            if noun in ("group", "company", "giant", "drugmaker")
            and ("multinational" in desc or "global" in desc or "giant" in desc)
            else "company"
        )
    return "company"


def accept_in_lists(chunks: list[Chunk], sentences, work: str) -> None:
    """A list of names ("A, B, and C") shares its fate: accepted when one item is or when it is introduced as
    residents/companies; never when it follows a locative preposition (a list of cities)."""
    by_sentence: dict[int, list[Chunk]] = {}
    for c in chunks:
        by_sentence.setdefault(c.sentence, []).append(c)
    for index, items in by_sentence.items():
        items.sort(key=_START)
        groups: list[list[Chunk]] = []
        for c in items:
            if groups:
                prev = groups[-1][-1]
                gap = work[prev.end : c.start]
                if _LIST_GAP.fullmatch(gap):
                    groups[-1].append(c)
                    continue
            groups.append([c])
        for group in groups:
            if len(group) < 2:
                continue
            members = [c for c in group if c.category in ("bare", "keyword")]
            if len(members) < 2:
                continue
            first = group[0]
            sentence = sentences[index]
            before = work[max(sentence.start, first.start - 60) : first.start]
            if _LOCATIVE_BEFORE.search(before) and not any(c.category == "keyword" for c in group):
                continue
            last = group[-1]
            tail = work[last.end : last.end + 80]
            if (
                any(c.accepted for c in group)
                or _LIST_INTRO.search(before)
                or _LIST_TAIL.match(tail)
                or _COMPANY_VERB_AFTER.match(tail)
            ):
                for c in members:
                    c.accepted = True


def split_known_conjunctions(chunks: list[Chunk]) -> list[Chunk]:
    """ "A and B" kept whole by the first pass is cut when A or B is a name on its own elsewhere."""
    known = {fold(c.surface) for c in chunks if " and " not in c.surface}
    out: list[Chunk] = []
    for c in chunks:
        if " and " in c.surface and c.category in ("bare", "keyword"):
            # "Smith & Nephew and the University Hospitals X": a name never goes on across "and the".
            joint = " and the " if " and the " in c.surface else " and "
            left, _, right = c.surface.partition(joint)
            in_list = c.category == "bare" and c.accepted and " of " not in left and " for " not in left
            if joint == " and the " or fold(left) in known or fold(right) in known or in_list:
                for part, offset in ((left, 0), (right, len(left) + len(joint))):
                    piece = Chunk(
                        c.start + offset,
                        c.start + offset + len(part),
                        part,
                        c.sentence,
                        _TOKEN.findall(part),
                    )
                    piece.category = "keyword" if any(_low(t) in GENERIC_HEADS for t in piece.tokens) else "bare"
                    piece.accepted = c.accepted or fold(part) in known
                    out.append(piece)
                continue
        out.append(c)
    return out


_PARENTHESES_AFTER = re.compile(r"\s*\(([^()\n]{1,30})\)")


def group(chunks: list[Chunk], work: str, local_places: dict[str, str]) -> list[Organisation]:
    """Accepted chunks -> organisations, each with its aliases (acronyms in parentheses, later short forms and
    initialisms of a name), kind and country."""
    from .kinds import country_of, kind_of

    accepted_surfaces = {fold(c.surface) for c in chunks if c.accepted}
    blocked = {fold(c.surface) for c in chunks if c.category in ("person", "event", "title", "other")}
    orgs: dict[str, Organisation] = {}
    order: list[str] = []
    for c in sorted(chunks, key=_START):
        key = fold(c.surface)
        if not key or c.category in ("person", "event", "title", "other", "generic"):
            continue
        if c.category == "place" and not c.accepted:
            continue
        if not c.accepted and key not in accepted_surfaces:
            continue
        if c.category == "bare" and key in blocked:
            continue
        org = orgs.get(key)
        if org is None:
            org = orgs[key] = Organisation(name=_clean_name(c.surface), first=c.start, sentence=c.sentence)
            order.append(key)
        org.chunks.append(c)
    # Acronyms in parentheses right after a name: "Agency for Science, Technology and Research (A*STAR)".
    acronym_of: dict[str, str] = {}
    for key in order:
        for c in orgs[key].chunks:
            m = _PARENTHESES_AFTER.match(work, c.end, c.end + 34)
            if m:
                inner = m.group(1).strip()
                if _ACRONYM.fullmatch(inner) and inner not in PLACES and not inner.isdecimal():
                    acronym_of[fold(inner)] = key
                    if inner not in orgs[key].aliases and fold(inner) != key:
                        orgs[key].aliases.append(inner)
    # Short forms: merged into the long form they abbreviate.
    merged: dict[str, str] = {}
    if len(order) > MAX_ORGANISATIONS:  # not a press release: keep the first ones, linear from here
        for key in order[MAX_ORGANISATIONS:]:
            del orgs[key]
        order = order[:MAX_ORGANISATIONS]
    tokens_of = {key: _name_tokens(orgs[key].name) for key in order}
    token_sets = {key: frozenset(tokens) for key, tokens in tokens_of.items()}
    # Which names hold a word: a short form's longer candidates are the names holding all its words (in order).
    position = {key: i for i, key in enumerate(order)}
    holders: dict[str, set[str]] = {}
    for key in order:
        for token in token_sets[key]:
            holders.setdefault(token, set()).add(key)
    for key in order:
        if key in acronym_of and acronym_of[key] != key:
            merged[key] = acronym_of[key]
            continue
        mine = tokens_of[key]
        mine_set = token_sets[key]
        upper = orgs[key].name.isupper()
        candidates = order
        if not upper and mine_set:
            candidates = sorted(set.intersection(*(holders[t] for t in mine_set)), key=position.__getitem__)
        for other in candidates:
            if other == key or other in merged or len(tokens_of[other]) <= len(mine) and not upper:
                continue
            if not upper and not (mine_set <= token_sets[other]):
                continue
            if is_short_form(orgs[key].name, orgs[other].name) and not _distinct_unit(orgs[key], orgs[other]):
                merged[key] = other
                break
    # Chunks like "Agency for Science" that an acronym's long form contains are fragments of it.
    result: list[Organisation] = []
    for key in order:
        if key in merged:
            target = merged[key]
            while target in merged:
                target = merged[target]
            org = orgs[target]
            surface = orgs[key].name
            if fold(surface) != target and surface not in org.aliases:
                org.aliases.append(surface)
            org.chunks.extend(orgs[key].chunks)
            org.first = min(org.first, orgs[key].first)
            continue
        result.append(orgs[key])
    # Bare chunks nobody accepted may still be short forms of a listed name ("BioSpring" of "BioSpring GmbH").
    known = {fold(o.name) for o in result} | {fold(a) for o in result for a in o.aliases}
    # The names holding a word (as above): a lower-case short form's candidates hold all its words.
    result_holders: dict[str, set[int]] = {}
    for i, o in enumerate(result):
        for token in _name_tokens(o.name):
            result_holders.setdefault(token, set()).add(i)
    everyone = range(len(result))
    for c in chunks:
        if c.category != "bare" or c.accepted or c.surface.isupper() and len(c.surface) > 6:
            continue
        key = fold(c.surface)
        if key in known:
            continue
        mine = set(_name_tokens(c.surface))
        upper = c.surface.isupper()
        if upper or not mine:
            candidates = everyone
        else:
            candidates = sorted(set.intersection(*(result_holders.get(t, set()) for t in mine)))
        for i in candidates:
            org = result[i]
            if is_short_form(c.surface, org.name):
                org.aliases.append(_clean_name(c.surface))
                known.add(key)
                break
    work_lower = functools.cache(work.lower)  # (read only for "<Place> … <Head>" names, once)
    for org in result:
        _place_head_alias(org, work, work_lower)
        hints = [c.kind_hint for c in org.chunks if c.kind_hint]
        org.kind = kind_of(org.name, hints[0] if hints else None)
        org.country = country_of(org.name, [c.country_hint for c in org.chunks], local_places)
        org.place_only = all(
            _is_place_token(t) or _low(t) in PLACE_KEYWORDS or _low(t) in CONNECTORS for t in _TOKEN.findall(org.name)
        )
        org.chunks.sort(key=_START)
    result.sort(key=_FIRST)
    return result


def _distinct_unit(short: Organisation, long: Organisation) -> bool:
    """ "Osong Bio Valley" is not a short form of "Osong Bio Valley Foundation": a name with a place-like head
    (campus, hub, university, hospital) of its own names a different organisation than the longer one."""
    from .kinds import kind_of

    short_kind = kind_of(short.name)
    if short_kind not in ("campus", "hub", "university", "hospital"):
        return False
    if not any(c.category == "keyword" for c in short.chunks):
        return False
    return kind_of(long.name) != short_kind


def _clean_name(surface: str) -> str:
    surface = " ".join(surface.split())  # (the same as re.sub(r"\s+", " ", surface).strip(), faster)
    if surface.startswith(("the", "The")):
        surface = _LEADING_THE.sub("", surface)
    return surface


_REMOVABLE = GENERIC_HEADS | GENERIC_MODIFIERS | CONNECTORS | {"co", "ltd", "inc", "corp", "llc", "plc", "gmbh"}


@functools.lru_cache(maxsize=4096)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(_low(t).rstrip(".") for t in _NAME_WORD.findall(name))


_NAME_WORD = re.compile(r"[\w·*'’&@-]+")


def is_short_form(short: str, long: str) -> bool:
    """Is `short` a short form of `long`? An ordered subsequence of its words that keeps its distinctive word and
    drops only keywords, qualifiers, the legal form or a leading place ("Greenacre" of "Greenacre Science Park",
    "Kanglin Pharmaceutical" of "Shanghai Kanglin Pharmaceutical Co., Ltd."), or its initialism ("NUS").
    A trailing place or an "@ site" makes a separate unit ("X China", "X @ City"), never an alias."""
    s, l_ = _name_tokens(short), _name_tokens(long)
    if not s or len(s) >= len(l_) and s != l_:
        return False
    if "@" in l_ and "@" not in s:
        return False
    if short.isupper() and 2 <= len(short) <= 6 and "@" not in l_:
        initials = "".join(t[0] for t in l_ if t not in CONNECTORS and t not in ("co", "ltd", "inc"))
        if initials.upper() == short.upper():
            return True
    # ordered subsequence
    j = 0
    matched: list[int] = []
    for i, tok in enumerate(l_):
        if j < len(s) and tok == s[j]:
            matched.append(i)
            j += 1
    if j < len(s) or not matched:
        return False
    long_tokens = _NAME_WORD.findall(long)
    for i, tok in enumerate(l_):
        if i in matched:
            continue
        original = long_tokens[i] if i < len(long_tokens) else tok
        if tok in _REMOVABLE:
            continue
        if i < matched[0] and (_is_place_token(original) or original in PLACES):
            continue
        return False
    # The short form must keep a distinctive word of the long one.
    distinctive = [t for t in s if t not in _REMOVABLE]
    return distinctive


def _place_head_alias(org: Organisation, work: str, work_lower) -> None:
    """ "<Place> … <Head>" is also written "<Place> <head>": "the Wuxi government" for "Wuxi Municipal Government".
    `work_lower()`: work.lower(), computed once for all the names of a document."""
    tokens = org.name.split()
    if len(tokens) < 3 or not _is_place_token(tokens[0]) or _low(tokens[-1]) not in GENERIC_HEADS:
        return
    wanted = f"{tokens[0]} {tokens[-1]}".lower()
    position = work_lower().find(wanted)
    if position >= 0:
        end = position + len(wanted)
        if end < len(work) and work[end].isalnum():
            return
        surface = work[position:end]
        if surface not in org.aliases and surface != org.name:
            org.aliases.append(surface)
