"""Relations: one per (type, party set, event), multi-label from one sentence ("signed a cooperation agreement on
the joint development and commercialization of …" gives three). Party sets follow ANNOTATION.md: joiner first
and host second for joined_campus, investor first for investment, co-builders (not the built entity) for a
co-built organisation, otherwise text order."""

from __future__ import annotations

import functools
import re

from .context import Context, Mention
from .events import event_forms
from .gate import SentenceWords, gated
from .sentences import DATE_FULL, date_of

_NOT_AFTER_STRATEGIC = r"(?<!strategic )(?<!framework )"
TYPE_TRIGGERS: list[tuple[str, re.Pattern]] = [
    (
        "strategic_cooperation",
        gated(
            r"\bstrategic (?:cooperation|collaboration|partnership|partners?|alliance|co-operation)\b|\bStrategic Cooperation\b",
            re.I,
        ),
    ),
    ("framework_agreement", gated(r"\bframework (?:agreement|agreements|contract)\b", re.I)),
    (
        "cooperation_agreement",
        gated(
            _NOT_AFTER_STRATEGIC + r"(?:\b(?:(?:research|investment|industry|clinical|technical|technology) and )?"
            r"(?:cooperation|collaboration|co-operation|collaborative)(?: and \w+)? (?:agreement|agreements)\b|"
            r"\b(?:research|clinical|development) collaboration agreements?\b|\bcooperation agreements? with\b)",
            re.I,
        ),
    ),
    (
        "other_agreement",
        gated(
            r"\b(?:memorand(?:um|a) of understanding|MOUs?|MoUs?|letters? of intent|LOIs?|term sheet|contracts?|"
            r"(?:fund|service|supply|sponsorship|research|lease|project|procurement|sign(?:ed)?) agreements?)\b"
        ),
    ),
    (
        "joint_development",
        gated(
            r"\b(?:co-?develop\w*|jointly develop\w*|joint(?:ly)? (?:research and )?development|develop\w* (?:\w+ ){0,3}jointly|"
            r"co-creat\w*|co-design\w*|together develop\w*)\b",
            re.I,
        ),
    ),
    (
        "commercialization",
        gated(
            r"\b(?:commerciali[sz]ation|commerciali[sz]e|co-market\w*|co-promot\w*|distribution (?:agreement|deal|partnership|rights))\b",
            re.I,
        ),
    ),
    (
        "acquisition",
        gated(
            r"\b(?:acquir(?:e|es|ed|ing)|acquisition of|takeover of|buy(?:s|ing)? out|bought|merge[ds]? with)\b", re.I
        ),
    ),
    ("licensing", gated(r"\b(?:licen[cs](?:e|es|ed|ing)|out-licen\w+|in-licen\w+)\b", re.I)),
]
PARTNERSHIP = gated(
    r"\b(?:entered (?:into )?(?:a |an )?(?:\w+ )?(?:cooperation|collaboration|partnership)|cooperat(?:e|es|ed|ing) with|"
    r"collaborat(?:e|es|ed|ing) with|partner(?:s|ed|ing)? with|in partnership with|in collaboration with|"
    r"in cooperation with|teamed up with|join(?:ed|s)? forces with|(?:formed|form|forming|launched|established) "
    r"(?:a |an )?(?:\w+ )?(?:partnership|alliance|collaboration)|(?:partnership|collaboration|cooperation) "
    r"(?:with|between)|committed to support\w*)\b",
    re.I,
)
CO_BUILD = gated(
    r"\b(?:co-?buil[dt]\w*|co-?found\w*|co-?establish\w*|co-?creat\w* by|jointly (?:built|established|founded|set up|"
    r"launched|released|developed|operated|run|hosted|initiated|announced|build|establish|found|set up|launch|release)|"
    r"(?:built|established|founded|set up|launched) jointly)\b",
    re.I,
)
GENERIC_AGREEMENT = gated(
    r"\b(?:signed|signs|sign|signing|inked|concluded|entered into|reached)\b(?:[^.;]|\.(?=\d)){0,80}?\bagreements?\b",
    re.I,
)
INVESTMENT_AGREEMENT = gated(r"\binvestment (?:agreement|contract)s?\b", re.I)
FUNDING = gated(
    r"\b(?:raised|raises|raise|secured|secures|closed|closes|completed|received|receives|receiving|won|landed|"
    r"obtained|attracted)\b(?:[^.;]|\.(?=\d)){0,120}?\b(?:led by|co-led by|from|backed by|funded by|participation (?:of|from)|"
    r"with (?:participation|support|backing) from)\b",
    re.I,
)
INVESTS = gated(
    r"\b(?:invest(?:s|ed|ing)?|will invest|has invested|made an investment)\b(?:[^.;]|\.(?=\d)){0,60}?\bin\b", re.I
)
GRANT = gated(r"\b(?:awarded|awards|granted|grants|gave|gives|provided|provides)\b", re.I)
JOIN = gated(
    r"\b(?:joined|joins|join|joining|(?:signed|agreed|decided)(?: up)? to (?:settle|move|locate|be based)(?: in| into| at)?|"
    r"settled in|settles in|settle in|moved? (?:[\w-]+ ){0,4}(?:into|to)|moving (?:[\w-]+ ){0,4}(?:into|to)|"
    r"relocat\w+ (?:[\w-]+ ){0,4}(?:to|into)|start(?:ed|s)? operations (?:in|at)|(?:was|were|been|be) admitted (?:to|into)|"
    r"will be based (?:in|at|on)|(?:is|are|will be) (?:based|located|housed|headquartered) (?:in|at|on)|"
    r"lease[sd]? (?:[\w,.-]+ ){0,6}(?:in|at)|(?:open|opens|opened|opening|establish|set up) (?:its|their|an?|the) "
    r"(?:[\w&-]+ ){0,5}(?:headquarters|HQ|office|offices|site|centre|center|lab|laboratory|laboratories|facility|base|hub)"
    r" (?:at|in)|build (?:an? |its |their )?(?:[\w,-]+ ){0,6}(?:in|at)(?= the (?:zone|park|campus))|"
    r"(?:is|are|became|become|becoming) (?:an? |the )?(?:\w+ ){0,2}(?:resident|tenant)s? (?:of|at|in))\b",
    re.I,
)
RESIDENT_LIST = gated(
    r"\b(?:resident (?:companies|firms|start-?ups|organi[sz]ations|teams)|(?:new )?residents|tenants|newcomers|"
    r"new members|portfolio companies|cohort|(?:new )?companies|start-?ups)\b(?:[^.;]|\.(?=\d)){0,120}?"
    r"(?P<intro>\b(?:including|include|includes|included|are|were|such as|namely)\b|:)",
    re.I,
)
WELCOME = gated(
    r"\b(?:welcom(?:e|es|ed|ing)|signed up|admitted|attracted|brought in)\b(?:[^.;]|\.(?=\d)){0,140}?"
    r"(?P<intro>\b(?:including|such as|namely)\b|:)",
    re.I,
)
HOST_KINDS = ("campus", "hub")
_DIGIT = re.compile(r"\d")
_MONEY_WORDS = r"(?:[$£€¥]|US\$|USD|RMB|SEK|EUR|GBP|yuan|won|dollars|euros|pounds|kronor)"
MONEY_FROM = gated(
    rf"(?:{_MONEY_WORDS}\s?[\d.,]+\s?(?:m|bn|k|million|billion)?|\d[\d.,]*\s?(?:m|bn|million|billion)?\s?{_MONEY_WORDS}|"
    r"\b(?:loan|grant|funding|investment|financing|backing|subsidy))\s+from\s+(?:the\s+)?",
    re.I,
)
SUPPORT_WITH_MONEY = gated(
    rf"\b(?:committed to|pledged to|will|agreed to)?\s*(?:support|fund|finance|back)\w*\b(?=[^.;]{{0,40}}\bwith\s+{_MONEY_WORDS})",
    re.I,
)
# Words one of which a sentence must contain before a type's pattern is tried (speed: most sentences have none).
_TYPE_WORDS = {
    "strategic_cooperation": ("strategic",),
    "framework_agreement": ("framework",),
    "cooperation_agreement": ("agreement",),
    "other_agreement": ("memorand", "mou", "letter", "intent", "loi", "term sheet", "contract", "agreement"),
    "joint_development": ("develop", "co-creat", "cocreat", "co-design", "codesign"),
    "commercialization": ("commerciali", "co-market", "co-promot", "distribution"),
    "acquisition": ("acqui", "takeover", "buy", "bought", "merge"),
    "licensing": ("licen",),
}
_PARTNER_WORDS = ("cooperat", "collaborat", "partner", "forces", "teamed", "alliance", "support")
# Cheap gates (plain substring tests on the lower-cased sentence) before any pattern of a family is tried.
_JOIN_WORDS = (
    "join",
    "settl",
    "move",
    "moving",
    "relocat",
    "operation",
    "admit",
    "based",
    "located",
    "housed",
    "headquarter",
    "lease",
    "open",
    "establish",
    "set up",
    "build",
    "resident",
    "tenant",
    "welcom",
    "newcomer",
    "compan",
    "start",
    "cohort",
    "member",
    "signed up",
    "attract",
    "brought",
)
_RELATION_WORDS = (
    "agree",
    "cooperat",
    "collaborat",
    "partner",
    "memorand",
    "mou",
    "letter",
    "contract",
    "develop",
    "commerciali",
    "market",
    "promot",
    "acqui",
    "takeover",
    "buy",
    "bought",
    "merge",
    "licen",
    "build",
    "built",
    "found",
    "establish",
    "jointly",
    "support",
    "invest",
    "fund",
    "grant",
    "rais",
    "financ",
    "term sheet",
    "alliance",
    "forces",
    "teamed",
    "award",
    "secur",
    "receiv",
    "closed",
    "creat",
    "released",
    "launched",
    "both parties",
    "backed",
    "loan",
    "from",
)


_RELATIVE_GAP = re.compile(r"(?:['’]s)?\s*,\s*(?:which|who|that)\b[^;:]{0,140},\s*(?:also\s+|jointly\s+|then\s+)?")


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_GRANT_WORD = gated(r"\b(?:grant|funding|subsidy|award)\b", re.I)
_FUNDING_FROM = gated(r"\b(?:grant|funding|investment|financing)s? (?:\w+ ){0,3}from\b", re.I)
# The gaps between two adjacent mentions that "X, a <Host> resident" and "X opened its site in <Host>" read.
_GAP_ARTICLE = re.compile(r"\s*,\s*(?:an?|the)\s+")
_GAP_RESIDENT_OF = re.compile(
    r"\s*,\s*(?:an?|the)\s+(?:\w+\s+)?(?:resident|tenant|member|portfolio company)\s+(?:of|at|in)\s+(?:the\s+)?"
)
_GAP_LOCATIVE = re.compile(r"\s+(?:in|at|on)\s+(?:the\s+)?")


# Words without one of which a pattern cannot match (each read from the pattern's alternatives), looked up in the
# sentence's gate text (`Context.gate_words`) before the pattern itself is tried.
# JOIN: a verb that says so on its own ("joined", "moved into", "is based in", …), or "open/establish/set up" with
# a kind of site ("its office in"), or "build" before "the zone/park/campus".
_JOIN_VERB_WORDS = (
    "join",
    "settl",
    "move",
    "moving",
    "relocat",
    "operations",
    "admitted",
    "locate",
    "based",
    "housed",
    "headquartered",
    "lease",
    "resident",
    "tenant",
)
_OPEN_SITE_WORDS = ("open", "establish", "set up")
_SITE_WORDS = ("headquarters", "hq", "office", "site", "centre", "center", "lab", "facility", "base", "hub")
_BUILD_PLACE_WORDS = ("the zone", "the park", "the campus")
_RESIDENT_LIST_WORDS = (
    "resident",
    "tenants",
    "newcomers",
    "new members",
    "companies",
    "cohort",
    "startups",
    "start-ups",
)
_WELCOME_VERB_WORDS = ("welcom", "signed up", "admitted", "attracted", "brought in")
_WELCOME_INTRO_WORDS = ("including", "such as", "namely", ":")
_SUPPORT_WORDS = ("support", "fund", "financ", "back")
_FUNDING_SOURCE_WORDS = ("led by", "from", "backed by", "funded by", "participation")
_GRANT_WORDS = ("grant", "funding", "subsidy", "award")
_BOTH_PARTIES = re.compile(r"\b(?:both parties|the two parties|the parties)\b")
_STRATEGIC = re.compile(r"\bstrategic\b", re.I)
_OTHER_AGREEMENT_TYPE = re.compile(
    r"\b(?:distribution|licen[cs]ing|licen[cs]e|investment|supply|service)\s+agreements?\b", re.I
)
_EVENT_REFERENCE = gated(
    r"\b(?:the|this year[’']s|this) (?:event|expo|exhibition|conference|forum|summit|fair|convention|"
    r"congress|show)\b",
    re.I,
)
_FRAMING_PHRASE = re.compile(r"^(?:At|During|For|Through|On the sidelines of|At the sidelines of)\b[^,]{0,80},")
_HOST_AREA = re.compile(r"\b(?:zone|park|district|area)\b", re.I)
_SUBJECT_GAP = re.compile(
    r"(?:['’]s)?\s*(?:,\s*(?:which|who|that)\s+(?:\w+\s+){0,3}|\s*(?:also\s+|has\s+|have\s+|will\s+|"
    r"had\s+|is\s+|are\s+|was\s+|were\s+|now\s+|jointly\s+|recently\s+|today\s+|officially\s+|"
    r"successfully\s+|then\s+|agreed to\s+|plans to\s+|said it had agreed to\s+|said it has agreed to\s+)*)"
)
_PASSIVE_ACQUIRED = re.compile(r"\b(?:was|were|been|being) (?:\w+ )?acquired by\b")
_ACQUISITION_OF = re.compile(r"acquisition of", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
_RESIDENT_AFTER = re.compile(r"\s+(?:resident|tenant|company|start-?up|portfolio company|member)\b")
_OPENED_BEFORE = re.compile(
    r"\b(?:opened|launched|inaugurated|unveiled|established|set up|located|housed)\s+(?:the\s+|a\s+|its\s+|their\s+)?$"
)


class RelationFinder:
    def __init__(self, ctx: Context, events, event_re):
        self.ctx = ctx
        self.events = events
        self.event_re = event_re
        self.out: list[dict] = []
        self.seen: set[tuple] = set()
        self._dates: dict[int, str | None] = {}
        self._events: dict[int, str | None] = {}  # event_for() of each sentence, read once per document
        self._hosts: dict[int, bool] = {}  # is_host() of each organisation, read once per document
        # The sentences holding the words of each gate, each sentence read when first asked: the same tests as
        # `any(w in lowered_sentence for w in words)` (`ctx.words`: the word lists above; `ctx.gate_words`: the
        # gates in front of IGNORECASE patterns).
        words, gate_words = ctx.words, ctx.gate_words
        self._join_sentences = words.holding(_JOIN_WORDS)
        self._relation_sentences = words.holding(_RELATION_WORDS)
        self._type_sentences = {kind: words.holding(kind_words) for kind, kind_words in _TYPE_WORDS.items()}
        self._partner_sentences = words.holding(_PARTNER_WORDS)
        self._join_verb_sentences = (
            gate_words.holding(_JOIN_VERB_WORDS)
            | (gate_words.holding(_OPEN_SITE_WORDS) & gate_words.holding(_SITE_WORDS))
            | (gate_words.holding(("build",)) & gate_words.holding(_BUILD_PLACE_WORDS))
        )
        self._resident_list_sentences = gate_words.holding(_RESIDENT_LIST_WORDS)
        self._welcome_sentences = gate_words.holding(_WELCOME_VERB_WORDS) & gate_words.holding(_WELCOME_INTRO_WORDS)
        self._support_sentences = gate_words.holding(_SUPPORT_WORDS) & gate_words.holding(("with",))
        self._funding_source_sentences = gate_words.holding(_FUNDING_SOURCE_WORDS)
        self._grant_sentences = gate_words.holding(_GRANT_WORDS)
        # The first sentence of each paragraph: where a framing phrase ("At the conference, …") names the event.
        self._paragraph_first: dict[int, int] = {}
        for i, sentence in enumerate(ctx.doc.sentences):
            self._paragraph_first.setdefault(sentence.paragraph, i)
        # The sentences that hold a name of an event (event_re can match nowhere else).
        doc = ctx.doc
        self._event_name_sentences = (
            SentenceWords([s.text for s in doc.sentences]).holding(event_forms(events))
            if event_re is not None
            else frozenset()
        )

    # ------------------------------------------------------------------ helpers
    def org_name(self, index: int) -> str:
        return self.ctx.orgs[index].name

    def is_host(self, org: int) -> bool:
        if org not in self._hosts:
            o = self.ctx.orgs[org]
            self._hosts[org] = o.kind in HOST_KINDS or (
                o.kind == "government" and bool(_HOST_AREA.search(" ".join([o.name, *o.aliases])))
            )
        return self._hosts[org]

    def emit(
        self, kind: str, parties: list[int], index: int, evidence: tuple[int, int] | None = None, ordered: bool = False
    ) -> None:
        seen_parties: list[int] = []
        for p in parties:
            if p not in seen_parties:
                seen_parties.append(p)
        if len(seen_parties) < 2:
            return
        names = [self.org_name(p) for p in seen_parties]
        event = self.event_for(index)
        key = (kind, tuple(names) if ordered else frozenset(names), event)
        if key in self.seen:
            return
        self.seen.add(key)
        sentence = self.ctx.doc.sentences[index]
        start, end = evidence or (sentence.start, sentence.end)
        if index not in self._dates:
            d = DATE_FULL.search(sentence.text) if _DIGIT.search(sentence.text) else None
            self._dates[index] = date_of(d) if d else None
        date = self._dates[index]
        self.out.append(
            {
                "type": kind,
                "parties": names,
                "event": event,
                "date": date,
                "evidence": self.ctx.doc.text[start:end],
                "evidence_start": start,
                "evidence_end": end,
            }
        )

    def event_for(self, index: int) -> str | None:
        if index not in self._events:
            self._events[index] = self._event_for(index)
        return self._events[index]

    def _event_for(self, index: int) -> str | None:
        doc = self.ctx.doc
        sentence = doc.sentences[index]
        name = self._event_in(sentence.text, index in self._event_name_sentences)
        if name:
            return name
        # The framing sentence of the paragraph ("For this year's expo, …", "At the conference, …").
        first_index = self._paragraph_first[sentence.paragraph]
        first = doc.sentences[first_index].text
        if _FRAMING_PHRASE.match(first):
            head = first.split(",", 1)[0]
            return self._event_in(head, first_index in self._event_name_sentences, allow_reference=True)
        return None

    def _event_in(self, text: str, may_name: bool, allow_reference: bool = True) -> str | None:
        """`may_name`: the sentence `text` comes from holds a name of an event (else event_re cannot match)."""
        if self.event_re is not None and may_name:
            m = self.event_re.search(text)
            if m:
                found = m.group(0)
                for e in self.events:
                    if found == e.name or found in e.aliases or e.name.endswith(found):
                        return e.name
        if allow_reference and len(self.events) == 1 and _EVENT_REFERENCE.search(text):
            return self.events[0].name
        return None

    def subject(self, index: int, before: int) -> list[Mention]:
        mentions = self.ctx.after_colon(index, before)
        if not mentions:
            return []
        # A relative clause ("X, which joined …") or the nearest mention right before the verb.
        last = mentions[-1]
        gap = self.ctx.doc.work[last.end : before]
        if _RELATIVE_GAP.fullmatch(gap):
            return self._chain_ending(index, last)
        if _SUBJECT_GAP.fullmatch(gap) and not self._in_list_tail(index, last):
            chain = self._chain_ending(index, last)
            return chain
        first = mentions[0]
        return [m for m in self.ctx.conjuncts(index, first) if m.end <= before]

    def _chain_ending(self, index: int, last: Mention) -> list[Mention]:
        mentions = [m for m in self.ctx.mentions(index) if m.end <= last.end]
        for m in mentions:
            chain = self.ctx.conjuncts(index, m)
            if chain[-1] is last:
                return chain
        return [last]

    def _in_list_tail(self, index: int, last: Mention) -> bool:
        return False

    def after(
        self, index: int, position: int, pattern: str = r"\bwith\b", window: int = 80, anchored: bool = False
    ) -> list[Mention]:
        s = self.ctx.doc.work
        sentence = self.ctx.doc.sentences[index]
        if anchored:
            m = _compiled(pattern).match(s[position : sentence.end])
            if not m:
                return []
            m_end = position + m.end()
            for mention in self.ctx.mentions(index):
                if mention.start >= m_end and mention.start - m_end <= window:
                    return self.ctx.conjuncts(index, mention)
            return []
        m = _compiled(pattern).search(s, position, sentence.end)
        if not m:
            return []
        for mention in self.ctx.mentions(index):
            if mention.start >= m.end() and mention.start - m.end() <= window:
                return self.ctx.conjuncts(index, mention)
        return []

    def first_after(self, index: int, position: int, window: int = 120, host: bool = False) -> Mention | None:
        for mention in self.ctx.mentions(index):
            if 0 <= mention.start - position <= window and (not host or self.is_host(mention.org)):
                return mention
        return None

    # ------------------------------------------------------------------ rules
    def run(self) -> list[dict]:
        doc = self.ctx.doc
        for index, sentence in enumerate(doc.sentences):
            mentions = self.ctx.mentions(index)
            text = sentence.text
            base = sentence.start
            if not mentions:
                continue
            low = self.ctx.lowered[index]
            if index in self._join_sentences:
                self.joined(index, text, base)
            if index not in self._relation_sentences:
                continue
            if len(mentions) < 2 and not ("parties" in text and _BOTH_PARTIES.search(text)):
                continue
            self.investment(index, text, base)
            types = []
            for kind, pattern in TYPE_TRIGGERS:
                if index not in self._type_sentences[kind]:
                    continue
                m = pattern.search(text)
                if m:
                    types.append((kind, m))
            kinds = {k for k, _ in types}
            if not kinds & {
                "other_agreement",
                "cooperation_agreement",
                "framework_agreement",
                "strategic_cooperation",
                "licensing",
            }:
                g = GENERIC_AGREEMENT.search(text) if "agreement" in low else None
                if g and _OTHER_AGREEMENT_TYPE.search(g.group(0)):
                    g = None
                if g and not INVESTMENT_AGREEMENT.search(text):
                    types.append(("other_agreement", g))
            if "framework_agreement" in kinds and _STRATEGIC.search(text):
                kinds.add("strategic_cooperation")
                if not any(k == "strategic_cooperation" for k, _ in types):
                    types.append(("strategic_cooperation", TYPE_TRIGGERS[1][1].search(text)))
            co = CO_BUILD.search(text) if ("co" in low or "jointly" in low) else None
            partner = PARTNERSHIP.search(text) if index in self._partner_sentences else None
            agreement_kinds = {
                "other_agreement",
                "cooperation_agreement",
                "framework_agreement",
                "strategic_cooperation",
            }
            if co:
                types.append(("partnership", co))
            elif partner and not (kinds & agreement_kinds):
                types.append(("partnership", partner))
            for kind, m in types:
                parties = self.parties(kind, index, base + m.start(), base + m.end(), m)
                if kind == "partnership" and co is not None and m is co:
                    parties = self.co_builders(index, base + m.start(), base + m.end())
                self.emit(kind, [p.org for p in parties], index, ordered=kind == "acquisition")
        return self.out

    def parties(self, kind: str, index: int, start: int, end: int, match) -> list[Mention]:
        subject = self.subject(index, start)
        if kind == "acquisition":
            passive = _PASSIVE_ACQUIRED.search(match.string[max(0, match.start() - 12) : match.end() + 4])
            target = self.first_after(index, end)
            if passive:
                target_by = self.first_after(index, end)
                return ([target_by] if target_by else []) + subject[:1]
            if _ACQUISITION_OF.match(match.group(0)) and not subject:
                by = self.after(index, end, r"\bby\b")
                return by[:1] + ([target] if target else [])
            return subject[:1] + ([target] if target else [])
        if kind == "licensing":
            to = self.after(index, end, r"\bto\b", window=60)
            frm = self.after(index, end, r"\bfrom\b", window=60)
            w = self.after(index, self._subject_end(subject, start), r"\bwith\b")
            if frm:
                return frm[:1] + subject[:1]
            return subject[:1] + (to[:1] or w[:1])
        # Agreements and cooperation: the subject and those "with" / "between" them. A "with" right after this
        # trigger ("a strategic partnership with A, and a collaboration agreement with B") binds to it.
        own = self.after(index, end, r"^\s*(?:\w+\s+){0,2}?(?:with|between)\b", window=40, anchored=True)
        if own:
            if not subject:
                subject = self.previous_subject(index)
            return subject + own
        between = self.after(
            index,
            self._subject_end(subject, start) if subject else self.ctx.doc.sentences[index].start,
            r"\bbetween\b",
            window=60,
        )
        if between and not subject:
            return between
        w = self.after(index, self._subject_end(subject, start), r"\bwith\b")
        if not subject and w:
            subject = self.previous_subject(index)
        parties = subject + w
        if not w and len(subject) < 2:
            # "A signed an agreement … to support B", "A committed to support the hub": the next organisation.
            nxt = self.first_after(index, end, window=25)
            parties = subject + ([nxt] if nxt else [])
        return parties

    def previous_subject(self, index: int) -> list[Mention]:
        """For a sentence without a subject of its own ("The MOU was signed with X"): the last sentence's."""
        for j in range(index - 1, max(-1, index - 4), -1):
            subject = self.ctx.subjects[j]
            if subject is not None:
                return [Mention(0, 0, subject, j)]
        return []

    def _subject_end(self, subject: list[Mention], fallback: int) -> int:
        return subject[-1].end if subject else fallback

    def co_builders(self, index: int, start: int, end: int) -> list[Mention]:
        by = self.after(index, start, r"\b(?:by|between)\b", window=40)
        if by:
            return by
        subject = self.subject(index, start)
        w = self.after(index, self._subject_end(subject, start), r"\bwith\b")
        # The entity built (first mention right after an active "co-build") is not a party.
        built = self.first_after(index, end, window=30)
        parties = [m for m in subject + w if built is None or m.org != built.org or m in subject]
        return parties

    def investment(self, index: int, text: str, base: int) -> None:
        # "£60m from A", "a loan from B": A and B fund the subject (or the last sentence's subject).
        low = self.ctx.lowered[index]
        gate = self.ctx.gate_texts[index]
        for m in MONEY_FROM.finditer(text) if " from " in low else ():
            funder = self.first_after(index, base + m.end(), window=6)
            if funder is None:
                continue
            recipients = [
                x
                for x in self.subject(index, base + m.start())
                if x.org != funder.org and not _FROM_BEFORE.search(self.ctx.doc.work[x.start - 12 : x.start])
            ]
            recipients = recipients or self.previous_subject(index)
            if recipients and recipients[0].org != funder.org:
                self.emit("investment", [funder.org, recipients[0].org], index, ordered=True)
        m = SUPPORT_WITH_MONEY.search(text) if index in self._support_sentences else None
        if m:
            givers = self.subject(index, base + m.start())
            target = self.first_after(index, base + m.end(), window=25)
            if givers and target and givers[0].org != target.org:
                self.emit("investment", [givers[0].org, target.org], index, ordered=True)
        m = FUNDING.search(text) if index in self._funding_source_sentences else None
        if m:
            recipients = self.subject(index, base + m.start())
            funders = self.after(
                index,
                base + m.start(),
                r"\b(?:led by|co-led by|from|backed by|funded by|participation (?:of|from)|support from|backing from)\b",
                window=60,
            )
            more = self.after(index, base + m.end(), r"\b(?:participation (?:of|from)|and|with)\b", window=60)
            for f in funders + [x for x in more if x not in funders]:
                for r in recipients[:1]:
                    if f.org != r.org:
                        self.emit("investment", [f.org, r.org], index, ordered=True)
            return
        m = INVESTS.search(text) if "invest" in gate else None
        if m:  # (a "will invest … in new/the/a" test here decided nothing: every match is read)
            investors = self.subject(index, base + m.start())
            target = self.first_after(index, base + m.end() - 2, window=40)
            if investors and target:
                self.emit("investment", [investors[0].org, target.org], index, ordered=True)
                return
        # (Both patterns must match: the one that fails more often, after its word gate, is tried first.)
        m = GRANT.search(text) if index in self._grant_sentences and _GRANT_WORD.search(text) else None
        if m:
            givers = self.subject(index, base + m.start())
            target = self.first_after(index, base + m.end(), window=30)
            if givers and target:
                self.emit("investment", [givers[0].org, target.org], index, ordered=True)
                return
        m = _FUNDING_FROM.search(text) if "from" in gate else None
        if m:
            recipients = self.subject(index, base + m.start())
            funders = self.after(index, base + m.start(), r"\bfrom\b", window=40)
            for f in funders:
                for r in recipients[:1]:
                    if f.org != r.org:
                        self.emit("investment", [f.org, r.org], index, ordered=True)
        m = INVESTMENT_AGREEMENT.search(text) if "investment" in gate else None
        if m:
            subject = self.subject(index, base + m.start())
            w = self.after(index, self._subject_end(subject, base), r"\bwith\b")
            if subject and w:
                self.emit("investment", [subject[0].org, *(x.org for x in w)], index, ordered=True)

    def joined(self, index: int, text: str, base: int) -> None:
        ctx = self.ctx
        mentions = ctx.mentions(index)
        # "X, a <Host> resident/tenant/company"
        for a, b in zip(mentions, mentions[1:], strict=False):
            if not self.is_host(b.org):  # (each reading below needs a host second: the cheap test first)
                continue
            gap = ctx.doc.work[a.end : b.start]
            if _GAP_ARTICLE.fullmatch(gap) and _RESIDENT_AFTER.match(ctx.doc.work[b.end : b.end + 30]):
                self._join([a], b, index)
            if _GAP_RESIDENT_OF.fullmatch(gap):
                self._join([a], b, index)
            if _GAP_LOCATIVE.fullmatch(gap) and _OPENED_BEFORE.search(ctx.doc.work[max(0, a.start - 40) : a.start]):
                self._join([a], b, index)
        for m in JOIN.finditer(text) if index in self._join_verb_sentences else ():
            verb_start, verb_end = base + m.start(), base + m.end()
            host = self.first_after(index, verb_end, window=60, host=True)
            if host is None:
                continue
            joiners = self.subject(index, verb_start)
            self._join(joiners, host, index)
        read_lists = (index in self._resident_list_sentences, index in self._welcome_sentences)
        for pattern, worth_reading in zip((RESIDENT_LIST, WELCOME), read_lists, strict=True):
            for m in pattern.finditer(text) if worth_reading else ():
                intro_end = base + m.end("intro")
                listed = [x for x in mentions if x.start >= intro_end]
                if not listed:
                    continue
                chain = ctx.conjuncts(index, listed[0])
                if listed[0].start - intro_end > 80:
                    continue
                host = None
                in_sentence = [x for x in mentions if x.end <= intro_end and self.is_host(x.org)]
                host = in_sentence[-1] if in_sentence else self._previous_host(index)
                if host is not None:
                    self._join(chain, host, index)

    def _previous_host(self, index: int) -> Mention | None:
        for j in range(index - 1, max(-1, index - 4), -1):
            hosts = [x for x in self.ctx.mentions(j) if self.is_host(x.org)]
            if hosts:
                return hosts[-1]
        return None

    def _join(self, joiners: list[Mention], host: Mention, index: int) -> None:
        for j in joiners:
            if j.org == host.org:
                continue
            if self.ctx.orgs[j.org].kind == "campus":
                continue  # a park inside a park does not join it
            self.emit("joined_campus", [j.org, host.org], index, ordered=True)
