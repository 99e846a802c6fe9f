"""The document as the rules see it: a masked working copy of the text (same length, so every offset found in
it is an offset of the original), its sentences, its headline and its publication date.

Masking blanks out what must never yield a fact: leftover HTML and scripts, control characters, and the
credit lines of outlets ("/PRNewswire/", "[Photo/people.com.cn]", "Source: …", "(Credit: …)")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gate import gated
from .lexicon import MONTHS

# A press release is a few thousand characters; beyond this the rules read only the beginning (a partial
# result), so that a 5 MB paste is still answered in a fraction of a second.
MAX_CHARS = 100_000

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,500}>|<!--.*?-->|&[a-z]{2,8};|&#\d{1,6};", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_CREDIT = re.compile(
    r"/\s?(?:PRNewswire|PR\s?Newswire|Business\s?Wire|GLOBE\s?NEWSWIRE|Globe\s?Newswire|Xinhua|ACCESSWIRE|EQS[\w-]*)"
    r"(?:-[A-Z]+)?\s?/"
    r"|\((?:GLOBE NEWSWIRE|BUSINESS WIRE|Business Wire|PRNewswire|Xinhua|Reuters|AP|AFP|ACCESSWIRE)\)"
    r"|\[(?:Photo|Image|Video|Graphic)s?(?:\s?/[^\]\n]{0,80}|:[^\]\n]{0,80})\]"
    r"|\((?:Photo|Image|Credit|Source|Photo credit)s?\s?[:/][^)\n]{0,80}\)"
    r"|\((?:[\w-]+\.)+(?:com|cn|org|net|gov|co\.uk|com\.cn|gov\.cn|org\.cn)\)"
    r"|^\s*(?:Source|Sources|Photo|Credit|Credits|Image|Editor|Editors|Edited by|Reporting by|Written by|By|"
    r"Media contact|Media contacts|Contact|Press contact|Post sponsored by|Sponsored by|MIL OSI[^\n]*|"
    r"Copyright|©)\b[^\n]{0,200}$"
    r"|^[^\n]{0,60}\b(?:News|Daily|Times|Post|Wire|Newswire|\.com|\.cn|\.org)\b,\s+\w+\.? \d{1,2},? \d{4}\s*$"
    r"|MIL OSI[^\n]*",
    re.M,
)

_ABBREV = (
    r"(?:Co|Inc|Ltd|Corp|Dr|Mr|Mrs|Ms|Prof|St|No|Nos|Jr|Sr|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|"
    r"Dec|U\.S|U\.K|e\.g|i\.e|approx|Fig|Vol|Dept|Gov|Rep|Sen|Mt|Ave|Pte|Bros|Plc|Pty|S\.A|N\.V|B\.V|[A-Z])"
)
# A sentence ends at . ! ? (with closing quotes/brackets) before a space and an upper-case letter, digit or
# quote, unless the word before the dot is a known abbreviation; a line break always ends a sentence.
# (Written as `[.!?]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n+`, with the first character taken first: a pattern
# that starts with a character class lets the regex engine skip ahead to it in C, several times faster.)
_SPLIT = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|(?<=\n)\n*)")
_ABBREV_WORD = re.compile(r"(?:^|[\s(])(" + _ABBREV + r")\.$")


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str  # the masked text of the sentence (same length as the original span)
    paragraph: int


@dataclass(slots=True)
class Document:
    text: str  # original
    work: str  # masked copy, same length as the part read
    sentences: list[Sentence]
    title: str | None
    title_end: int  # where the body starts (after the headline), 0 when no headline
    date: str | None


_NOT_NEWLINE = re.compile(r"[^\n]")


def _mask(match: re.Match) -> str:
    found = match.group(0)
    return _NOT_NEWLINE.sub(" ", found) if "\n" in found else " " * len(found)


# Where a credit line can start: "/", "(" or "[" (the outlets' marks), "MIL OSI", or the start of a line.
_CREDIT_MARK = re.compile(r"[/(\[M]|\n")


def _credit_starts(work: str):
    """The offsets, in order, where a match of _CREDIT can start (its alternatives begin with one of the marks or
    with "^", a line start)."""
    yield 0
    for mark in _CREDIT_MARK.finditer(work):
        yield mark.end() if mark.group(0) == "\n" else mark.start()


def _mask_credits(work: str) -> str:
    """`_CREDIT.sub(_mask, work)`, with the pattern tried only where a credit line can start: the same matches
    (leftmost, non-overlapping) as sub() finds by trying every offset."""
    pieces: list[str] = []
    done = 0  # the text before this offset is copied or masked
    for position in _credit_starts(work):
        if position < done:
            continue
        m = _CREDIT.match(work, position)
        if m:
            pieces.append(work[done : m.start()])
            pieces.append(_mask(m))
            done = m.end()
    if not pieces:
        return work
    pieces.append(work[done:])
    return "".join(pieces)


def mask(text: str) -> str:
    work = _CONTROL.sub(" ", text)
    work = _SCRIPT.sub(_mask, work)
    work = _TAG.sub(_mask, work)
    work = _mask_credits(work)
    return work


def split_sentences(work: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    paragraph = 0
    for m in _SPLIT.finditer(work):
        if m.group(0).startswith("\n"):
            end = m.start()
        else:
            end = m.end()
            # "Co." / "Inc." / "Dr." / initials do not end a sentence.
            if m.group(0)[0] == "." and _ABBREV_WORD.search(work, max(start, m.start() - 8), m.start() + 1):
                continue
        _add(sentences, work, start, end, paragraph)
        if m.group(0).startswith("\n"):
            paragraph += 1
        start = m.end()
    _add(sentences, work, start, len(work), paragraph)
    return sentences


_LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _add(sentences: list[Sentence], work: str, start: int, end: int, paragraph: int) -> None:
    while start < end and work[start].isspace():
        start += 1
    while end > start and work[end - 1].isspace():
        end -= 1
    if end - start < 2 or not _LETTER.search(work, start, end):
        return
    # Very long "sentences" (tables, garbage) are cut into windows so that every rule stays linear.
    while end - start > 2000:
        cut = work.rfind(" ", start, start + 2000)
        cut = cut if cut > start else start + 2000
        sentences.append(Sentence(start, cut, work[start:cut], paragraph))
        start = cut + 1
    sentences.append(Sentence(start, end, work[start:end], paragraph))


_MONTH_NAMES = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_FULL = gated(
    r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>" + _MONTH_NAMES + r"),?\s+(?P<y1>(?:19|20)\d\d)\b"
    r"|\b(?P<m2>" + _MONTH_NAMES + r")\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)[-/.年](?P<m3>\d{1,2})[-/.月](?P<d3>\d{1,2})\b"
    r"|\b(?P<m4>" + _MONTH_NAMES + r"),?\s+(?P<y4>(?:19|20)\d\d)\b"
)


def date_of(match: re.Match) -> str | None:
    g = match.groupdict()
    try:
        if g["y1"]:
            y, m, d = int(g["y1"]), MONTHS[g["m1"].rstrip(".").lower()], int(g["d1"])
        elif g["y2"]:
            y, m, d = int(g["y2"]), MONTHS[g["m2"].rstrip(".").lower()], int(g["d2"])
        elif g["y3"]:
            y, m, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            return f"{int(g['y4']):04d}-{MONTHS[g['m4'].rstrip('.').lower()]:02d}"
    except (KeyError, ValueError):
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


_DATELINE_END = re.compile(r"\s*(?:\(|/|-{1,2}|—|–|:|$)")
_DATE_LABEL = re.compile(r"(?:Updated|Published|Posted|Date)\s*:?\s*")
_BOILER_TITLE = re.compile(r"^(?:post sponsored|sponsored|source|share|home|news|press release|for immediate)", re.I)


def read(text: str) -> Document:
    if len(text) > MAX_CHARS:
        cut = max(text.rfind("\n", 0, MAX_CHARS), text.rfind(". ", 0, MAX_CHARS) + 1)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    work = mask(text)
    title, title_end = _headline(text, work)
    sentences = [s for s in split_sentences(work) if s.start >= title_end]
    date = _publication_date(work, title_end)
    return Document(text, work, sentences, title, title_end, date)


def _headline(text: str, work: str) -> tuple[str | None, int]:
    pos = 0
    for _ in range(4):
        nl = work.find("\n", pos)
        line_end = nl if nl >= 0 else len(work)
        line = work[pos:line_end].strip()
        if line and not _BOILER_TITLE.match(line):
            words = line.split()
            if (
                3 <= len(words) <= 30
                and (line[-1] not in '.:;,!?"”' or line.endswith((" Inc.", " Ltd.", " Co.", " Corp.", " LLC.")))
                and nl >= 0
                and len(line) < 250
                and not DATE_FULL.match(line)
            ):
                start = pos + (len(work[pos:line_end]) - len(work[pos:line_end].lstrip()))
                return text[start : start + len(line)], line_end
            return None, 0
        if nl < 0:
            break
        pos = nl + 1
    return None, 0


def _publication_date(work: str, body_start: int) -> str | None:
    head = work[body_start : body_start + 400].lstrip()
    # A dateline: the date in the first line of the body, before the first sentence's verb.
    first_line = head.split("\n", 1)[0]
    m = DATE_FULL.search(first_line[:160])
    # A dateline's date ends the dateline ("CITY, 14 March 2024 /PRNewswire/ --", "2023-06-18" alone); a date
    # inside the first sentence ("… opened … on March 18, 2023.") is the date of an act, not of publication.
    if m and m.group("y4") is None and _DATELINE_END.match(first_line[m.end() :]):
        return date_of(m)
    m = _DATE_LABEL.search(work[:2000])
    if m:
        m2 = DATE_FULL.search(work, m.end(), m.end() + 40)
        if m2 and m2.group("y4") is None:
            return date_of(m2)
    return None
