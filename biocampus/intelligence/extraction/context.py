"""Where each organisation is mentioned (names, aliases and references such as "the campus", "the company",
"They"), and who is the subject of a sentence: what the relation and milestone rules read."""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass

from .gate import SentenceWords, gate_text, gated, has_case_variants
from .names import Organisation

REFERENCE = gated(
    r"\b(?:[Tt]he|[Ii]ts|[Tt]his|[Oo]ur)\s+(?:(?:new|science|research|innovation|life science|state|county|"
    r"management|municipal|local|two|Korean|US|UK|Japanese|Chinese|German|Swedish|British)\s+)?"
    r"(?P<noun>campus|park|zone|district|incubator|accelerator|hub|centre|center|company|firm|start-?up|group|"
    r"university|hospital|council|agency|committee|government|fund|institute|investor|association|lab|"
    r"laboratory|network|bureau|ministry|department|valley|cluster|biopolis|quarter|site)\b"
    r"|\b(?P<pronoun>They|It|The company|The firm|The group)\b(?=\s+(?:also\s+|has\s+|have\s+|will\s+|had\s+|is\s+|was\s+)?[a-z])"
    r"|\b(?P<both>[Bb]oth parties|[Tt]he two parties|[Bb]oth companies|[Tt]he two companies|[Tt]he parties)\b"
)
_CONJUNCT_GAP = re.compile(
    r"(?:['’]s)?\s*(?:\([^()]{1,40}\))?\s*(?:,\s*(?:an?|the)\s+[^,;()]{1,80},\s*(?:and\s+)?|,\s*|"
    r",?\s*(?:and|&|as well as|along with|together with|plus|alongside)\s+)(?:the\s+)?"
)
MAX_MENTIONS = 40
_START = operator.attrgetter("start")  # (a sort key read in C)
PLURAL = gated(
    r"\b(?:[Tt]he two (?:institutions|parties|companies|organi[sz]ations|universities|hospitals|partners|sides)|"
    r"[Bb]oth (?:institutions|parties|companies|organi[sz]ations|partners|sides))\b"
)
NOUN_KINDS = {
    "campus": ("campus",),
    "park": ("campus",),
    "zone": ("government", "campus"),
    "district": ("government",),
    "incubator": ("hub",),
    "accelerator": ("hub",),
    "hub": ("hub",),
    "centre": ("hub", "service_center", "other"),
    "center": ("hub", "service_center", "other"),
    "company": ("company", "pharma"),
    "firm": ("company", "investor"),
    "startup": ("company",),
    "start-up": ("company",),
    "group": ("company", "pharma"),
    "university": ("university",),
    "hospital": ("hospital",),
    "council": ("government",),
    "agency": ("government",),
    "committee": ("government",),
    "government": ("government",),
    "fund": ("investor",),
    "institute": ("other", "university"),
    "investor": ("investor",),
    "association": ("association",),
    "lab": ("lab",),
    "laboratory": ("lab",),
    "network": ("hub", "other"),
    "bureau": ("government",),
    "ministry": ("government",),
    "department": ("government",),
    "valley": ("campus",),
    "cluster": ("campus",),
    "biopolis": ("campus",),
    "quarter": ("campus",),
    "site": ("hub", "campus"),
}


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    org: int  # index in the organisation list
    sentence: int
    reference: bool = False


_WORDISH = set("·*@&-_")


def _occurrences(work: str, forms: dict[str, int]) -> dict[int, list[tuple[int, int, int]]]:
    taken = bytearray(len(work))
    found: list[tuple[int, int, int]] = []
    for form in sorted(forms, key=len, reverse=True):
        if not form:
            continue
        org = forms[form]
        position = work.find(form)
        while position >= 0:
            end = position + len(form)
            before = work[position - 1] if position else " "
            after = work[end] if end < len(work) else " "
            if (
                not (before.isalnum() or before in _WORDISH)
                and not (after.isalnum() or after in _WORDISH)
                and not work.startswith(" @", end)
                and taken.find(1, position, end) < 0  # (no byte of the span taken yet)
            ):
                taken[position:end] = b"\x01" * (end - position)
                found.append((position, end, org))
            position = work.find(form, position + 1)
    return sorted(found)


_LEADING_THE = re.compile(r"^(?:The|the)\s+")


class Context:
    def __init__(self, doc, orgs: list[Organisation]):
        self.doc = doc
        self.orgs = orgs
        self.by_sentence: list[list[Mention]] = [[] for _ in doc.sentences]
        self._conjuncts: dict[int, tuple[Mention, int, list[Mention]]] = {}
        # Each sentence lower-cased once for every rule that reads it: `lowered` exactly as str.lower() gives it
        # (what the word tests of the rules read), `gate_texts` also with the case variants re.IGNORECASE matches
        # (what the word gates in front of IGNORECASE patterns read); the same list when the text has none.
        self.lowered = [s.text.lower() for s in doc.sentences]
        # Which sentences hold a word, for the word tests (`words`) and the word gates (`gate_words`).
        if has_case_variants(doc.work):
            self.gate_texts = [gate_text(s.text) for s in doc.sentences]
            self.gate_document = gate_text(doc.work)
        else:
            self.gate_texts = self.lowered
            self.gate_document = doc.work.lower()  # the whole document's gate text (same offsets)
        self.words = SentenceWords(self.lowered)
        self.gate_words = SentenceWords(self.gate_texts) if self.gate_texts is not self.lowered else self.words
        forms: dict[str, int] = {}
        for i, org in enumerate(orgs):
            for form in [org.name, *org.aliases]:
                forms.setdefault(form, i)
                forms.setdefault(_LEADING_THE.sub("", form), i)
        # Mentions by plain substring search (no per-document regex to compile), longest forms first, each
        # occurrence bounded by non-word characters and not overlapping a longer form already found.
        starts = [s.start for s in doc.sentences]
        buckets: dict[int, list[tuple[int, int, int]]] = {}
        for start, end, org in _occurrences(doc.work, forms):
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and end <= doc.sentences[i].end:
                buckets.setdefault(i, []).append((start, end, org))
        self.subjects: list[int | None] = []
        last_subject: int | None = None
        last_chain: list[int] = []
        for index, sentence in enumerate(doc.sentences):
            mentions = self.by_sentence[index]
            for start, end, org in buckets.get(index, ()):
                mentions.append(Mention(start, end, org, index))
            plural = PLURAL.search(sentence.text) if len(last_chain) >= 2 else None
            if plural:
                for org in last_chain:
                    mentions.append(
                        Mention(sentence.start + plural.start(), sentence.start + plural.end(), org, index, True)
                    )
            for m in REFERENCE.finditer(sentence.text):
                org = self._resolve(m, index, sentence.start + m.start(), mentions, last_subject)
                if org is not None:
                    mentions.append(Mention(sentence.start + m.start(), sentence.start + m.end(), org, index, True))
            mentions.sort(key=_START)
            if len(mentions) > MAX_MENTIONS:  # no sentence names this many: garbage, keep the rules linear
                del mentions[MAX_MENTIONS:]
            subject = self.subject_at(index, sentence.start)
            self.subjects.append(subject)
            if subject is not None:
                last_subject = subject
                first = next(m for m in mentions if m.org == subject)
                last_chain = [m.org for m in self.conjuncts(index, first)]

    def _resolve(self, m: re.Match, index: int, position: int, mentions, last_subject) -> int | None:
        if m.group("both"):
            return None
        if m.group("pronoun"):
            # "They"/"It"/"The company" at a sentence start: the previous sentence's subject.
            if position - self.doc.sentences[index].start > 2:
                return None
            return last_subject
        kinds = NOUN_KINDS.get(m.group("noun").lower().replace("startup", "startup"), ())
        # The nearest earlier mention of an organisation of that kind (this sentence first, then before).
        for j in range(index, max(-1, index - 6), -1):
            for mention in reversed(self.by_sentence[j] if j != index else mentions):
                if mention.start < position and self.orgs[mention.org].kind in kinds and not mention.reference:
                    return mention.org
        # Or the document's first organisation of that kind.
        for i, org in enumerate(self.orgs):
            if org.kind in kinds:
                return i
        return None

    def mentions(self, index: int) -> list[Mention]:
        return self.by_sentence[index]

    def subject_at(self, index: int, start: int) -> int | None:
        """The organisation a sentence is about: its first mention, unless it sits in a leading phrase that
        ends in a comma ("At the conference, X signed") — then the first mention after that comma."""
        mentions = self.after_colon(index, self.doc.sentences[index].end)
        if not mentions:
            return None
        return mentions[0].org

    def after_colon(self, index: int, position: int) -> list[Mention]:
        """Mentions before `position`, restricted to the clause after the last colon ("…: X did Y")."""
        sentence = self.doc.sentences[index]
        colon = self.doc.work.rfind(": ", sentence.start, position)
        floor = colon if colon >= 0 else sentence.start
        return [m for m in self.by_sentence[index] if floor <= m.start and m.end <= position]

    def conjuncts(self, index: int, anchor: Mention) -> list[Mention]:
        """The mention and the ones coordinated with it ("A, B and C", "A as well as B")."""
        # The rules ask for the same chains many times: each is read once (a sentence's mentions are final by the
        # time they are asked for; the anchor kept in the cache makes its id safe to reuse as the key).
        cached = self._conjuncts.get(id(anchor))
        if cached is not None and cached[0] is anchor and cached[1] == index:
            return list(cached[2])
        out = self._read_conjuncts(index, anchor)
        self._conjuncts[id(anchor)] = (anchor, index, out)
        return list(out)

    def _read_conjuncts(self, index: int, anchor: Mention) -> list[Mention]:
        work = self.doc.work
        mentions = self.by_sentence[index]
        out = [anchor]
        i = mentions.index(anchor)
        prev = anchor
        for m in mentions[i + 1 :]:
            gap = work[prev.end : m.start]
            if _CONJUNCT_GAP.fullmatch(gap) or (m.start == prev.start and m.org != prev.org):
                out.append(m)
                prev = m
            else:
                break
        return out
