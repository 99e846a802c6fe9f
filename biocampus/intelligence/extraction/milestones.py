"""Milestones: openings, certifications, market reach, funding, targets, launches and other quantified
achievements, with their value normalised ("more than 470 hospitals" -> 470 hospitals, "2.5 billion yuan" ->
2500000000 CNY, "over £100m" -> 100000000 GBP, "one million people" -> 1000000 people)."""

from __future__ import annotations

import bisect
import re

from .context import Context
from .gate import gated
from .lexicon import CURRENCY_SYMBOLS, CURRENCY_WORDS, MULTIPLIERS, NUMBER_WORDS
from .sentences import DATE_FULL, date_of

_NUMWORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_NUMWORD})"
_MUL = r"(?:thousand|million|billion|trillion|bn|mn|mln|m|k|b|tn)"
_SYMBOLS = "|".join(sorted((re.escape(s) for s in CURRENCY_SYMBOLS), key=len, reverse=True))
_CURWORDS = "|".join(sorted((re.escape(w) for w in CURRENCY_WORDS), key=len, reverse=True))
MONEY = gated(
    rf"(?P<sym>{_SYMBOLS})\s?(?P<n1>{_NUM})\s?(?P<m1>{_MUL})?\b"
    rf"|\b(?P<n2>{_NUM})\s?(?P<m2>{_MUL})?\s+(?P<word>{_CURWORDS}|USD|GBP|EUR|RMB|CNY|SEK|SGD|HKD|JPY|KRW|CHF)\b",
    re.I,
)
_UNITS = (
    r"listed companies|companies|company|firms|enterprises|start-?ups|startups|projects|hospitals|clinics|sites|"
    r"partners|tenants|people|patients|users|jobs|employees|staff|scientists|researchers|engineers|professionals|"
    r"products|square meters|square metres|square feet|sq ft|sqm|members|residents|institutions|"
    r"organi[sz]ations|cities|countries|labs|laboratories|beds|doctors|physicians|pharmacies|stores|"
    r"teams|ventures|innovators|entrepreneurs|exhibitors|visitors|participants|agreements|deals|programmes|"
    r"programs|talents|experts|investors|universities|schools|students|trials|drugs|devices"
)
_NUMBER_START = gated(rf"\b(?:\d|(?:{_NUMWORD})\b)", re.I)
COUNT = re.compile(
    rf"(?P<n>{_NUM})(?:\s?(?P<m>thousand|million|billion))?[\s-]+(?P<adj>(?:(?!and\b|or\b|of\b|in\b|to\b|from\b|at\b)"
    rf"[a-z][\w-]*\s+){{0,3}}?)(?P<unit>{_UNITS})\b",
    re.I,
)
_QUAL_BEFORE = gated(r"(?:\$|£|€|¥|#|No\.|Building|Phase|Series|Room|Hall|Floor|Level|version)\s*$", re.I)

OPEN_ACTIVE = gated(
    r"\b(?:opened|inaugurated|unveiled|launched|officially opened|officially launched|put into (?:full )?operation|"
    r"commissioned)\s+(?:its|their|the|a|an|a new|its new|the new)\s+(?P<obj>(?:[\w&@·'’-]+\s+){0,6}?)"
    r"(?P<noun>headquarters|HQ|campus|park|cent(?:re|er)|office|site|hub|incubator|accelerator|building|facility|"
    r"base|plant|lab|laboratory|laboratories|institute|station|workstation|clinic|branch)\b",
    re.I,
)
OPEN_PASSIVE = gated(
    r"\b(?:was|were|has been|have been|is|are)\s+(?:also\s+|officially\s+|formally\s+|now\s+)?(?:opened|unveiled|"
    r"inaugurated|launched|put into (?:full )?operation|commissioned)\b|\b(?:opened|launched) (?:its doors|for business)\b|"
    r"\b(?:held its|held an|hosted its) (?:grand )?opening ceremony\b|\b(?:announced|declared|became|was) fully "
    r"operational\b|\bofficially opened\b(?! \w)",
    re.I,
)
OPEN_INTRANSITIVE = gated(
    r"\b(?:opened|was opened|was launched|launched|was inaugurated)\s+(?:in|on)\s+"
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d\d\b",
    re.I,
)
INAUGURATION_OF = gated(r"\b(?:inauguration|opening|unveiling|launch) of (?:the )?", re.I)
CERTIFICATION = gated(
    r"\b(?:became|becomes|become|was certified|is certified)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:qualified|certified|"
    r"accredited|licensed|approved|designated)\b|\b(?:obtained|received|won|secured|gained|achieved|was granted|"
    r"were granted|earned|passed|awarded)\b[^.;]{0,60}?\b(?:certification|certificate|accreditation|approval|"
    r"clearance|qualification|CE mark|CE marking|ISO ?\d+|GMP|designation|licen[cs]e)\b|\b(?:certified|accredited) "
    r"(?:as|to|under|by)\b|\b(?:FDA|NMPA|EMA|MHRA|CFDA|PMDA) (?:approval|clearance)\b",
    re.I,
)
PRODUCT = gated(
    r"\b(?:launched|launches|introduced|unveiled|released|rolled out)\s+(?:its|their|the|a|an)\s+(?:first\s+|new\s+|latest\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:product|platform|app|application|device|kit|test|drug|therapy|solution|system|assay|"
    r"software|tool|vaccine|service|range|line)\b",
    re.I,
)
FUTURE = gated(
    r"\b(?:will|aims? to|aiming to|target(?:s|ing|ed)?|plans? to|planning to|expected to|expects to|goal|intends? to|"
    r"seeks? to|by (?:the end of )?20\d\d|within (?:the next )?\w+ years|in the coming|over the next|to create|to hire|"
    r"to screen|to incubate|to attract|to train|to reach|to advance|to serve|to cultivate|to achieve|projected|"
    r"is set to|are set to|in the next)\b",
    re.I,
)
FUNDING_CUE = gated(
    r"\b(?:raised|raise|raises|raising|secured|secures|received|receives|closed|closes|won|landed|awarded|grant|"
    r"financing|funding|Series [A-E]\b|seed round|seed financing|round)\b",
    re.I,
)
MARKET_CUE = gated(
    r"\b(?:extended|extends|rolled out|deployed|used (?:in|by)|reach(?:ed|es)?|covers|covering|"
    r"serves|serving|available (?:in|at)|installed (?:in|at)|adopted by|in use (?:in|at))\b",
    re.I,
)
OTHER_CUE = gated(
    r"\b(?:signed|signs|admitted|attracted|attracts|welcomed|welcomes|joined|join|introduced|"
    r"brought in|signed up|housed|incubated|lease|leases|leased|occupy|occupies|gathered|"
    r"has signed|have joined|settled|moved|create|created|creating|helped)\b",
    re.I,
)
BACKGROUND = gated(
    r"\b(?:home to|houses|employing|employs|can accommodate|capacity|accommodate|revenue|"
    r"revenues|sales of|turnover|founded in|since (?:its|it)|output value (?:reached|of|was|hit))\b",
    re.I,
)
CAPEX = gated(r"\b(?:investment of|invest(?:s|ed|ing)?|worth|valued at|total investment|for|fund|deal)\b", re.I)
_RAISE_VERB = gated(r"\b(?:raised|raises|secured|secures|received|receives|closed|closes|won|landed|obtained)\b", re.I)
_DIGIT = re.compile(r"\d")
_SPLIT_WORDS = re.compile(r"[^a-z]+")
_NUMBER_WORD_SET = frozenset(w for w in NUMBER_WORDS if " " not in w)
_NUMBER_WORD_LIST = tuple(w for w in NUMBER_WORDS if " " not in w)
_MONEY_WORDS = tuple(w.lower() for w in CURRENCY_WORDS) + tuple(s.lower() for s in CURRENCY_SYMBOLS if s.isalpha())
_CERT_WORDS = ("certif", "accredit", "approv", "qualif", "licen", "clearance", "iso", "gmp", "designat")
_OPEN_WORDS = ("open", "inaugur", "unveil", "launch", "operation", "commission")
_PRODUCT_WORDS = ("launch", "introduc", "unveil", "releas", "rolled")
_MONEY_SIGN = re.compile("[$£€¥₩₹]")
_RECEIVED = re.compile(r"\breceived\b")
_CURRENCY_WITHOUT_FIGURE = re.compile(
    r"\b(USD|RMB|yuan|dollar|euro|GBP|sterling)\b[\w\s-]{0,20}\b(?:investment|funding|financing)\b"
)
_RELATIVE_CLAUSE = re.compile(r"^(?:['’]s)?\s*,\s*(?:which|who|that)\b")
_FUTURE_OPENING = re.compile(
    r"\b(?:will|plans? to|to open|is set to|would|expected to)\s+(?:\w+\s+)?(?:open|launch|inaugurate)\b", re.I
)
_FUTURE_BEFORE = re.compile(r"\b(?:will|plans? to|to|is set to|expected to)\s+(?:\w+\s+)?$")
_SINCE_BEFORE = re.compile(r"\bsince\s+(?:it|its)?\s*$", re.I)
_SINCE_IT_BEFORE = re.compile(r"\bsince\s+(?:it\s+|its\s+)?$", re.I)
_WILL_BEFORE = re.compile(r"\bwill\s+(?:be\s+)?$")
_YEAR = re.compile(r"(?:19|20)\d\d")
_RESIDENTS_HAVE_RAISED = re.compile(
    r"\b(?:residents|tenants|portfolio companies|resident companies)\b[^.]{0,30}\bhave raised\b"
)
_TARGET_WORD = re.compile(r"\b(?:output|sales|revenue|tax|value|investment|target)\b", re.I)
_AWARDED = re.compile(r"\b(?:awarded|granted|gave)\b")
_AWARD_WORD = re.compile(r"\bgrant|funding|award\b", re.I)
_SUPPORT_WITH_BEFORE = re.compile(r"\b(?:support|fund|back|financ)\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,3}with\s+$")
_FROM_AFTER = re.compile(r"\s+from\b")
_ROUND_AFTER = re.compile(r"^\s*(?:in|of)?\s*(?:seed|Series|financing|funding)", re.I)
_CAPEX_AFTER = re.compile(r"^\s*(?:fund|deal|investment)", re.I)
_DEADLINE_AFTER = re.compile(
    r"^[^.;]*?\b(?:in the coming|by (?:the end of )?20\d\d|within (?:the next )?\w+ years|over the next|"
    r"next year|in the next)\b",
    re.I,
)
_HAVE_JOINED_AFTER = re.compile(r"^\s*(?:have|has)\s+(?:joined|signed|settled|moved)")
_JOINED_HOST_AFTER = re.compile(
    r"^\s*(?:have|has)\s+(?:\w+\s+)?(?:joined|signed (?:up )?(?:with|to)|moved into|settled in)\s+"
)
_LEASE_WORD = re.compile(r"\blease|leased|leases|occupy|rent", re.I)
# The first digit of each run of digits (a digit with no digit before it): where a number written in digits can
# start. (It starts with a character class, which the regex engine skips ahead to in C.)
# The words without one of which no unit of _UNITS matches (COUNT reads them under IGNORECASE).
_UNIT_WORDS = (
    "compan", "firms", "enterprises", "start", "projects", "hospitals", "clinics", "sites", "partners", "tenants",
    "people", "patients", "users", "jobs", "employees", "staff", "scientists", "researchers", "engineers",
    "professionals", "products", "square", "sq ft", "sqm", "members", "residents", "institutions", "organi",
    "cities", "countries", "labs", "laboratories", "beds", "doctors", "physicians", "pharmacies", "stores", "teams",
    "ventures", "innovators", "entrepreneurs", "exhibitors", "visitors", "participants", "agreements", "deals",
    "programmes", "programs", "talents", "experts", "investors", "universities", "schools", "students", "trials",
    "drugs", "devices",
)  # fmt: skip
_DIGIT_RUN_START = re.compile(r"\d(?<!\d\d)")
# Lower-case forms of what can start an amount or a count under IGNORECASE: number words and currency symbols.
_NUMBER_WORD_FORMS = tuple(NUMBER_WORDS)
_SYMBOL_FORMS = tuple({symbol.lower() for symbol in CURRENCY_SYMBOLS})


def _occurrences(text: str, forms) -> list[int]:
    """Every position where one of `forms` starts in `text`, in order."""
    found = []
    for form in forms:
        position = text.find(form)
        while position >= 0:
            found.append(position)
            position = text.find(form, position + 1)
    found.sort()
    return found


def _matches(pattern: re.Pattern, text: str, candidates: list[int]):
    """The matches `pattern.finditer(text)` gives, tried only at `candidates` (in order): the positions where a
    match can start. Leftmost and non-overlapping as finditer's, without trying the pattern everywhere else."""
    end = 0
    for position in candidates:
        if position >= end:
            m = pattern.match(text, position)
            if m:
                yield m
                end = m.end()


UNIT_NORMAL = {
    "company": "companies",
    "firms": "companies",
    "enterprises": "companies",
    "start-ups": "companies",
    "startups": "companies",
    "startup": "companies",
    "start-up": "companies",
    "square metres": "square meters",
    "sqm": "square meters",
    "sq ft": "square feet",
    "organizations": "organisations",
}


def number(text: str) -> float | None:
    low = text.lower().replace(",", "")
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    try:
        return float(low)
    except ValueError:
        return None


def _value(n: str, mul: str | None) -> int | float | None:
    v = number(n)
    if v is None:
        return None
    if mul:
        v *= MULTIPLIERS.get(mul.lower(), 1)
    return int(v) if float(v).is_integer() else v


class MilestoneFinder:
    def __init__(self, ctx: Context, relations: list[dict]):
        self.ctx = ctx
        self.out: list[dict] = []
        self.seen: set[tuple] = set()
        self.relations = relations
        # The sentences holding the words each rule needs, each sentence read when first asked: the same tests as
        # `any(w in lowered_sentence for w in words)`.
        self._open_sentences = ctx.words.holding(_OPEN_WORDS)
        # The words without one of which each opening pattern (IGNORECASE) cannot match, read from its alternatives.
        gate_words = ctx.gate_words
        self._open_active_sentences = gate_words.holding(
            ("opened", "inaugurated", "unveiled", "launched", "put into", "commissioned")
        )
        self._open_passive_sentences = gate_words.holding(
            (
                "opened",
                "unveiled",
                "inaugurated",
                "launched",
                "put into",
                "commissioned",
                "opening ceremony",
                "fully operational",
            )
        )
        self._open_intransitive_sentences = gate_words.holding(("opened", "launched", "inaugurated"))
        self._inauguration_sentences = gate_words.holding(
            ("inauguration of", "opening of", "unveiling of", "launch of")
        )
        self._certification_sentences = ctx.words.holding(_CERT_WORDS)
        self._product_sentences = ctx.words.holding(_PRODUCT_WORDS)
        self._money_word_sentences = ctx.words.holding(_MONEY_WORDS)
        # Where a number word or a currency symbol starts in the document (its gate text: the same offsets, what
        # IGNORECASE matches): with the digit runs of a sentence, the only places where _NUMBER_START or MONEY can
        # match (MONEY: a symbol then a number, or a number at a word start).
        self._number_words_at = _occurrences(ctx.gate_document, _NUMBER_WORD_FORMS)
        self._symbols_at = _occurrences(ctx.gate_document, _SYMBOL_FORMS)
        self._unit_sentences = ctx.gate_words.holding(_UNIT_WORDS)  # where a count ("three hospitals") can be

    def emit(self, org: int | None, kind: str, value, unit, index: int, date: str | None = None) -> None:
        if org is None:
            return
        name = self.ctx.orgs[org].name
        key = (name, kind, value, date)
        if key in self.seen:
            return
        self.seen.add(key)
        s = self.ctx.doc.sentences[index]
        self.out.append(
            {
                "org": name,
                "kind": kind,
                "value": value,
                "unit": unit,
                "date": date,
                "evidence": self.ctx.doc.text[s.start : s.end],
                "evidence_start": s.start,
                "evidence_end": s.end,
            }
        )

    def actor(self, index: int, position: int) -> list[int]:
        """Who did what is said at `position`: the subject before it (a relative clause's antecedent, a
        coordinated subject gives several), else the previous sentence's subject for "It"/"They"."""
        ctx = self.ctx
        before = ctx.after_colon(index, position)
        if not before:
            return []
        work = ctx.doc.work
        # "X, which … <verb>" / "X … <verb>": the nearest antecedent of a relative clause.
        for m in reversed(before):
            between = work[m.end : position]
            if _RELATIVE_CLAUSE.match(between) and between.count(",") <= 4:
                return [m.org]
        first = before[0]
        chain = [x for x in ctx.conjuncts(index, first) if x.end <= position]
        return [x.org for x in chain]

    def run(self) -> list[dict]:
        doc = self.ctx.doc
        for index, sentence in enumerate(doc.sentences):
            if not self.ctx.mentions(index):
                continue
            text, base = sentence.text, sentence.start
            # Cheap gates first: most sentences hold none of the words a rule needs.
            low = self.ctx.lowered[index]
            if index in self._open_sentences:
                self.openings(index, text, base)
            if index in self._certification_sentences:
                for m in CERTIFICATION.finditer(text):
                    for org in self.actor(index, base + m.start())[:1]:
                        self.emit(org, "certification", None, None, index, self._date_near(text, m.end()))
            if index in self._product_sentences:
                for m in PRODUCT.finditer(text):
                    for org in self.actor(index, base + m.start())[:1]:
                        self.emit(org, "product_launch", None, None, index, self._date_near(text, m.end()))
            if _DIGIT.search(text) or not _NUMBER_WORD_SET.isdisjoint(_SPLIT_WORDS.split(low)):
                self.quantities(index, text, base)
        return self.out

    def _date_near(self, text: str, position: int) -> str | None:
        d = DATE_FULL.search(text, position, position + 30)
        return date_of(d) if d else None

    def openings(self, index: int, text: str, base: int) -> None:
        ctx = self.ctx
        future = None  # does the sentence speak of an opening to come? (read at the first opening found)
        for m in OPEN_ACTIVE.finditer(text) if index in self._open_active_sentences else ():
            if future is None:
                future = bool(_FUTURE_OPENING.search(text))
            if future and _FUTURE_BEFORE.search(text[max(0, m.start() - 25) : m.start()]):
                continue
            noun = m.group("noun").lower()
            kind = "lab_opened" if noun in ("lab", "laboratory", "laboratories") else "facility_opened"
            for actor in self.actor(index, base + m.start()):
                self.emit(actor, kind, None, None, index, self._date_near(text, m.end()) or self._abs_date(text))
        for m in OPEN_PASSIVE.finditer(text) if index in self._open_passive_sentences else ():
            if _SINCE_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
                continue
            if future is None:
                future = bool(_FUTURE_OPENING.search(text))
            if future and _WILL_BEFORE.search(text[max(0, m.start() - 10) : m.start()]):
                continue
            actors = self.actor(index, base + m.start())
            if actors:
                kind = "lab_opened" if ctx.orgs[actors[0]].kind == "lab" else "facility_opened"
                self.emit(actors[0], kind, None, None, index, self._date_near(text, m.end()))
        for m in OPEN_INTRANSITIVE.finditer(text) if index in self._open_intransitive_sentences else ():
            if _SINCE_IT_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
                continue
            actors = self.actor(index, base + m.start())
            if actors and ctx.orgs[actors[0]].kind in ("campus", "hub", "service_center", "lab", "other"):
                d = DATE_FULL.search(m.group(0))
                self.emit(actors[0], "facility_opened", None, None, index, date_of(d) if d else None)
        for m in INAUGURATION_OF.finditer(text) if index in self._inauguration_sentences else ():
            target = next((x for x in ctx.mentions(index) if 0 <= x.start - (base + m.end()) <= 5), None)
            if target is not None:
                kind = "lab_opened" if ctx.orgs[target.org].kind == "lab" else "facility_opened"
                self.emit(target.org, kind, None, None, index)

    def quantities(self, index: int, text: str, base: int) -> None:
        money_spans = []
        has_money = bool(_MONEY_SIGN.search(text)) or index in self._money_word_sentences
        counted = index in self._unit_sentences
        number_starts = self._number_starts(text, base) if has_money or counted else []
        if has_money:
            candidates = sorted({*number_starts, *self._in_sentence(self._symbols_at, text, base)})
        for m in _matches(MONEY, text, candidates) if has_money else ():
            n, mul = (m.group("n1"), m.group("m1")) if m.group("sym") else (m.group("n2"), m.group("m2"))
            sym = m.group("sym")
            unit = (
                CURRENCY_SYMBOLS.get(sym.strip().upper() if sym and sym.strip().isalpha() else sym.strip())
                if sym
                else (CURRENCY_WORDS.get(m.group("word").lower()) or CURRENCY_SYMBOLS.get(m.group("word").upper()))
            )
            if mul and mul.lower() == "m" and not sym:
                continue
            value = _value(n, mul)
            if value is None or unit is None:
                continue
            money_spans.append((m.start(), m.end()))
            self.money(index, text, base, m, value, unit)
        # "USD investment" without a figure: funding with a null value.
        # (The cheap tests first: the figure-less pattern is read only when the others allow it.)
        m = None
        if not money_spans and "received" in text and _RECEIVED.search(text):
            m = _CURRENCY_WITHOUT_FIGURE.search(text)
        if m:
            unit = CURRENCY_WORDS.get(m.group(1).lower()) or CURRENCY_SYMBOLS.get(m.group(1).upper()) or "GBP"
            for org in self.actor(index, base + m.start())[:1]:
                self.emit(org, "funding", None, unit, index)
        for start in _matches(_NUMBER_START, text, number_starts) if counted else ():
            if start.start() and (text[start.start() - 1].isdigit() or text[start.start() - 1] in ".,-"):
                continue
            m = COUNT.match(text, start.start())
            if m is None:
                continue
            if any(a <= m.start() < b for a, b in money_spans):
                continue
            if _QUAL_BEFORE.search(text[max(0, m.start() - 10) : m.start()]):
                continue
            n = m.group("n")
            if _YEAR.fullmatch(n):
                continue
            value = _value(n, m.group("m"))
            if value is None or value == 0:
                continue
            unit = m.group("unit").lower()
            unit = UNIT_NORMAL.get(unit, unit)
            adj = m.group("adj").strip()
            if adj.startswith("listed") or unit == "listed companies":
                unit = "listed companies"
            self.count(index, text, base, m, value, unit)

    def _number_starts(self, text: str, base: int) -> list[int]:
        """Where a number can start in the sentence (offsets in its text): digit runs and number words."""
        digits = (m.start() for m in _DIGIT_RUN_START.finditer(text))
        return sorted({*digits, *self._in_sentence(self._number_words_at, text, base)})

    @staticmethod
    def _in_sentence(positions: list[int], text: str, base: int) -> list[int]:
        """The document positions that fall in the sentence at `base`, as offsets in its text."""
        first = bisect.bisect_left(positions, base)
        last = bisect.bisect_left(positions, base + len(text))
        return [p - base for p in positions[first:last]]

    def _clause_before(self, text: str, position: int) -> str:
        return text[max(0, position - 120) : position]

    def money(self, index, text, base, m, value, unit) -> None:
        before = self._clause_before(text, m.start())
        around = text[max(0, m.start() - 60) : m.end() + 60]
        if BACKGROUND.search(before[-60:]) and not FUTURE.search(before[-60:]):
            return
        if _RESIDENTS_HAVE_RAISED.search(before):
            owner = self._possessor(index)
            if owner is not None:
                self.emit(owner, "funding", value, unit, index)
            return
        if FUTURE.search(before[-80:]) and _TARGET_WORD.search(around):
            for org in self.actor(index, base + m.start()):
                self.emit(org, "programme_target", value, unit, index)
            return
        award_target = _AWARDED.search(before)
        if award_target and _AWARD_WORD.search(around):
            target = next(
                (
                    x
                    for x in self.ctx.mentions(index)
                    if x.start >= base + award_target.end() and x.start <= base + m.start()
                ),
                None,
            )
            if target is not None:
                self.emit(target.org, "funding", value, unit, index, self._abs_date(text))
                return
        support = _SUPPORT_WITH_BEFORE.search(before)
        if support:
            target = next(
                (x for x in self.ctx.mentions(index) if base + support.start() < x.start < base + m.start()), None
            )
            if target is not None:
                self.emit(target.org, "funding", value, unit, index, self._abs_date(text))
                return
        if _FROM_AFTER.match(text[m.end() : m.end() + 8]) and not _RAISE_VERB.search(before):
            return  # "£60m from A": a funder's share, not a round of its own
        if FUNDING_CUE.search(before[-100:]) or _ROUND_AFTER.search(text[m.end() : m.end() + 30]):
            actors = self.actor(index, base + m.start())
            if actors:
                self.emit(actors[0], "funding", value, unit, index, self._abs_date(text))
            return
        if CAPEX.search(before[-60:]) or _CAPEX_AFTER.search(text[m.end() : m.end() + 20]):
            actors = self.actor(index, base + m.start())
            if actors:
                self.emit(actors[0], "other", value, unit, index)

    def _abs_date(self, text: str) -> str | None:
        d = DATE_FULL.search(text)
        return date_of(d) if d else None

    def _possessor(self, index: int) -> int | None:
        for j in range(index, max(-1, index - 3), -1):
            subject = self.ctx.subjects[j] if j < len(self.ctx.subjects) else None
            if subject is not None:
                return subject
        return None

    def count(self, index, text, base, m, value, unit) -> None:
        before = self._clause_before(text, m.start())
        local = before[-70:]
        if BACKGROUND.search(local) and not FUTURE.search(local):
            return
        actors = self.actor(index, base + m.start())
        following = text[m.end() : m.end() + 40]
        if _DEADLINE_AFTER.search(following):
            local = local + " will "
        if (
            unit
            in (
                "hospitals",
                "clinics",
                "sites",
                "users",
                "patients",
                "cities",
                "countries",
                "pharmacies",
                "stores",
                "doctors",
                "physicians",
            )
            and MARKET_CUE.search(before)
            and not FUTURE.search(local)
        ):
            for org in actors[:1]:
                self.emit(org, "market_reach", value, unit, index)
            return
        if FUTURE.search(local):
            for org in self._target_orgs(index, base + m.start(), actors):
                self.emit(org, "programme_target", value, unit, index)
            return
        if OTHER_CUE.search(local) or _HAVE_JOINED_AFTER.search(text[m.end() : m.end() + 25]):
            if not actors:
                actors = [s for s in self.ctx.subjects[max(0, index - 3) : index] if s is not None][-1:]
            # "eight start-ups have joined X": the host after the verb.
            after = text[m.end() : m.end() + 60]
            joined = _JOINED_HOST_AFTER.match(after)
            if joined:
                host = next(
                    (
                        x
                        for x in self.ctx.mentions(index)
                        if x.start >= base + m.end() + joined.end() - 1
                        and x.start <= base + m.end() + joined.end() + 20
                        and self.ctx.orgs[x.org].kind in ("campus", "hub")
                    ),
                    None,
                )
                if host is not None:
                    self.emit(host.org, "other", value, unit, index)
                    return
            if unit in ("square meters", "square feet") and not _LEASE_WORD.search(local):
                return
            for org in actors[:1]:
                self.emit(org, "other", value, unit, index)

    def _target_orgs(self, index: int, position: int, actors: list[int]) -> list[int]:
        # A target shared by the parties of an agreement in the same sentence: one milestone per party.
        s = self.ctx.doc.sentences[index]
        for r in self.relations:
            if r["evidence_start"] == s.start and r["type"] in (
                "other_agreement",
                "cooperation_agreement",
                "framework_agreement",
                "strategic_cooperation",
            ):
                names = r["parties"]
                ids = [i for i, o in enumerate(self.ctx.orgs) if o.name in names]
                if ids:
                    return ids
        return actors
