"""Which organisations are probably the same: "Teddy Lab" and "Teddy Lab Services", "ASTRAZENECA LTD" and
"AstraZeneca", "阿斯利康" and the organisation whose Chinese name it is.

Nothing here writes. Importers ask `DirectoryIndex.matches()` before creating an organisation (a probable
match is proposed for confirmation, never silently duplicated), and the duplicates page lists
`DirectoryIndex.duplicate_pairs()` for an admin to merge (`services.organization_merge`).

How names are compared:

- Every name, Chinese name and alias of an organisation is a *form* of it.
- Two forms that are equal once case and width are folded score 1.0; equal once punctuation and legal forms
  ("Co.", "Ltd", "Inc.", "有限公司") are dropped as well, 0.97; equal once spaces are dropped too, 0.95.
- Otherwise the forms are split into tokens (words; overlapping character pairs for Chinese) and each token
  is weighted by how rare it is in the directory: generic words ("lab", "services", "international",
  city names) weigh little, a distinctive word ("teddy", "liangzhun") much. A pair is probable only if it
  shares a distinctive token. Its score is the weighted overlap of the token sets; when every token of the
  shorter form occurs in the longer one ("Teddy Lab" in "Teddy Lab Services", or a name of three words or
  more, however generic) it is at least 0.85; a close spelling ("Omron Helthcare") counts through
  difflib's ratio.

Candidates come from an in-memory token index of the directory rather than from `search.py`: directory
search requires every term of a query to match, so it cannot find "Teddy Lab Services" from "Teddy Lab
Services Inc." or "Teddy Labs", and asking it once per imported row would cost a query per row. Building
the index reads the names of every organisation once (about half a second for 10,000 organisations; listing
their probable duplicate pairs takes about two more).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from biocampus.core.text import fold

# A pair at or above this score is proposed as a probable duplicate.
PROBABLE = 0.8


# Legal forms dropped from the end of a name ("Liangzhun Industrial Co., Ltd." is "Liangzhun Industrial").
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEGAL_FORMS = _words(
    "co company corp corporation inc incorporated llc llp lp ltd limited plc gmbh mbh ag kg sa sas sarl sl "
    "srl spa bv nv oy ab as aps pte pty kk sdn bhd"
)
LEGAL_FORMS_ZH = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司")

# Words that say what kind of organisation something is, or where: they do not tell two names apart.
GENERIC_WORDS = _words(
    """
    a an and the of for in at on de du la le der und
    academy agency alliance association bio biomedical biopharma biotech biotechnology bureau campus capital
    care center centre clinic clinical college commission committee consulting council department
    development devices diagnostics digital district education enterprise enterprises foundation fund
    global government group health healthcare holding holdings hospital hub industrial industries
    industry information innovation innovations institute international investment investments lab labs
    laboratories laboratory life management med medical medicine municipal network office park partners
    pharma pharmaceutical pharmaceuticals platform products research resources science sciences service
    services society solutions station systems tech technologies technology therapeutics trading
    university venture ventures workstation
    asia china chinese europe european international america american japan korea india germany uk usa us
    beijing shanghai wuxi hangzhou suzhou shenzhen guangzhou nanjing chengdu wuhan tianjin chongqing xiamen
    changzhou ningbo qingdao hefei jiangsu zhejiang guangdong hong kong taiwan singapore london boston
    """
)
GENERIC_WORDS_ZH = _words(
    """
    中国 无锡 上海 北京 杭州 苏州 深圳 广州 南京 成都 武汉 天津 江苏 浙江 国际 科技 生物 医药 医疗 健康 技术 发展
    投资 管理 服务 中心 研究 实验 集团 股份 有限 责任 公司 产业 创新 园区 协会 医院 大学 政府 管委 委员 市人 人民
    """
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN_WORD = re.compile(r"[^\W_]+")
_FUZZY_TOKEN = 0.85  # difflib ratio at which two tokens count as one spelling ("helthcare", "healthcare")
_GENERIC_WEIGHT = 0.2
_DIFFERING_GENERIC_WEIGHT = 0.5
# A name of this many words found whole in another counts even when every word is generic
# ("Wuxi Hi-tech District" in "Management Committee of Wuxi Hi-tech District").
_LONG_ENOUGH = 3


def normalise(name: str) -> str:
    """Fold case and width, turn punctuation into spaces, drop legal forms at the end."""
    text = fold(name).replace("&", " and ").replace(".", "").replace("'", "").replace("’", "")
    for suffix in LEGAL_FORMS_ZH:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    words = text.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def tokens(normalised: str) -> tuple[str, ...]:
    """Words of the Latin part; overlapping character pairs of each Chinese run (a single character alone)."""
    result: list[str] = []
    for part in normalised.split():
        for run in _CJK_RUN.findall(part):
            result += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        latin = _CJK_RUN.sub(" ", part)
        result += _LATIN_WORD.findall(latin)
    return tuple(dict.fromkeys(result))


def _is_generic(token: str) -> bool:
    return token in GENERIC_WORDS or token in GENERIC_WORDS_ZH or (len(token) < 2) or token.isdigit()


@dataclass(frozen=True)
class Form:
    """One name of an organisation, prepared for comparison."""

    text: str
    role: str  # "name", "name_zh" or "alias"
    folded: str
    normalised: str
    compact: str
    tokens: tuple[str, ...]

    @classmethod
    def of(cls, text: str, role: str) -> Form:
        normalised = normalise(text)
        return cls(text, role, fold(text), normalised, normalised.replace(" ", ""), tokens(normalised))


def forms_of(name: str = "", name_zh: str = "", aliases: Iterable[str] = ()) -> list[Form]:
    found, seen = [], set()
    for text, role in [(name, "name"), (name_zh, "name_zh"), *((alias, "alias") for alias in aliases)]:
        if text and text.strip() and fold(text) not in seen:
            seen.add(fold(text))
            found.append(Form.of(text, role))
    return found


@dataclass(frozen=True)
class Entry:
    """An organisation as the index knows it: enough to compare and to name it in a proposal."""

    pk: int
    public_id: str
    name: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    parent_id: int | None = None

    @property
    def forms(self) -> list[Form]:
        return forms_of(self.name, self.name_zh, self.aliases)


@dataclass(frozen=True)
class Similarity:
    score: float
    reason: str
    mine: str = ""  # the form of the first organisation that matched
    theirs: str = ""  # and of the second


@dataclass(frozen=True)
class Match:
    """An existing organisation that a name probably refers to."""

    entry: Entry
    score: float
    reason: str
    matched_form: str

    @property
    def public_id(self) -> str:
        return self.entry.public_id

    @property
    def name(self) -> str:
        return self.entry.name


@dataclass(frozen=True)
class Pair:
    """Two organisations of the directory that are probably one."""

    first: Entry
    second: Entry
    score: float
    reason: str


REASONS = {
    "same": _("same name"),
    "case": _("same name apart from case or width"),
    "legal": _("same name apart from punctuation or legal form (Co., Ltd, Inc.)"),
    "spacing": _("same name apart from spacing"),
    "zh": _("same Chinese name"),
    "contains": _("one name contains the other"),
    "similar": _("similar names"),
}


def _describe(code: str, mine: Form, theirs: Form) -> str:
    reason = str(REASONS[code])
    if code != "zh" and "name_zh" in (mine.role, theirs.role) and mine.role != theirs.role:
        reason = str(_("%(reason)s (one is the other's Chinese name)")) % {"reason": reason}
    elif theirs.role == "alias" or mine.role == "alias":
        alias = theirs.text if theirs.role == "alias" else mine.text
        reason = str(_("%(reason)s (alias “%(alias)s”)")) % {"reason": reason, "alias": alias}
    return reason


class TokenWeights:
    """How much a token tells names apart: rare tokens much, generic words and frequent tokens little."""

    def __init__(self, document_frequency: dict[str, int], documents: int):
        self.df = document_frequency
        self.documents = max(documents, 1)

    def weight(self, token: str, *, differing: bool = False) -> float:
        if _is_generic(token):
            return _DIFFERING_GENERIC_WEIGHT if differing else _GENERIC_WEIGHT
        return 1.0 + math.log((self.documents + 1) / (self.df.get(token, 0) + 1))

    def distinctive(self, token: str) -> bool:
        """Rare enough that sharing it suggests the same organisation (not a city or a common word)."""
        if _is_generic(token) or (len(token) < 3 and not _CJK_RUN.fullmatch(token)):
            return False
        return self.df.get(token, 0) <= max(5, self.documents // 100)


def compare_forms(mine: Form, theirs: Form, weights: TokenWeights) -> Similarity:
    """The similarity of two names, with the reason a person would give."""

    def result(score, code):
        return Similarity(score, _describe(code, mine, theirs), mine.text, theirs.text)

    if mine.folded == theirs.folded:
        if "name_zh" in (mine.role, theirs.role):
            return result(1.0, "zh")
        return result(1.0, "same" if mine.text == theirs.text else "case")
    if mine.normalised and mine.normalised == theirs.normalised:
        return result(0.97, "legal")
    if mine.compact and mine.compact == theirs.compact:
        return result(0.95, "spacing")
    if not mine.tokens or not theirs.tokens:
        return Similarity(0.0, "")
    small, large = sorted((mine.tokens, theirs.tokens), key=lambda ts: sum(weights.weight(t) for t in ts))
    shared, matched_small, matched_large = 0.0, set(), set()
    shares_distinctive = False
    for token in small:
        other, ratio = (token, 1.0) if token in large else _closest(token, large)
        if ratio >= _FUZZY_TOKEN:
            shared += ratio * weights.weight(token)
            matched_small.add(token)
            matched_large.add(other)
            # "icampus" spelled like "campus" shares nothing: both tokens must be distinctive
            shares_distinctive = shares_distinctive or (weights.distinctive(token) and weights.distinctive(other))
    # A generic word both names have says little, but one that only one of them has ("Diagnostics" against
    # "Medical") says more: they may be two companies of one group.
    different = sum(weights.weight(t, differing=True) for t in small if t not in matched_small)
    different += sum(weights.weight(t, differing=True) for t in large if t not in matched_large)
    overlap = shared / (shared + different) if shared else 0.0
    if len(matched_small) == len(small) and (shares_distinctive or len(small) >= _LONG_ENOUGH):
        return result(max(overlap, 0.85 + 0.1 * overlap), "contains")
    if not shares_distinctive:
        return Similarity(0.0, "")
    spelling = SequenceMatcher(None, mine.normalised, theirs.normalised, autojunk=False).ratio()
    return result(max(overlap, spelling), "similar")


def _closest(token: str, others: tuple[str, ...]) -> tuple[str, float]:
    return max(((other, _token_ratio(token, other)) for other in others), key=lambda pair: pair[1], default=("", 0.0))


def _token_ratio(a: str, b: str) -> float:
    """difflib's ratio of two words, 0 when it cannot reach _FUZZY_TOKEN (checked cheaply first: most pairs)."""
    shorter, longer = sorted((len(a), len(b)))
    if shorter < 4 or 2 * shorter / (shorter + longer) < _FUZZY_TOKEN or _CJK_RUN.match(a) or _CJK_RUN.match(b):
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < _FUZZY_TOKEN or matcher.quick_ratio() < _FUZZY_TOKEN:
        return 0.0
    return matcher.ratio()


def compare(mine: list[Form], theirs: list[Form], weights: TokenWeights) -> Similarity:
    """The best similarity between any name of one organisation and any name of the other."""
    best = Similarity(0.0, "")
    for form in mine:
        for other in theirs:
            similarity = compare_forms(form, other, weights)
            if similarity.score > best.score:
                best = similarity
    return best


_WHOLE, _PREFIX = "\x01", "\x02"  # index keys that are not tokens: a whole compact name, a 4-letter prefix


def _has_prefix_key(token: str) -> bool:
    return len(token) >= 5 and not _CJK_RUN.match(token)


def _keys(form: Form) -> set[str]:
    """What the index files a name under: its tokens, its compact whole, prefixes (so "Tencnet" meets "Tencent")."""
    keys = set(form.tokens)
    keys.add(_WHOLE + form.compact)
    keys.update(_PREFIX + token[:4] for token in form.tokens if _has_prefix_key(token))
    return keys


@dataclass
class DirectoryIndex:
    """The directory's names, indexed by token: finds the organisations a name probably refers to."""

    entries: dict[int, Entry] = field(default_factory=dict)
    _forms: dict[int, list[Form]] = field(default_factory=dict)  # prepared once per organisation
    _postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _df: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _keys_of: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, organizations: QuerySet) -> DirectoryIndex:
        index = cls()
        rows = organizations.order_by().values_list("pk", "public_id", "name", "name_zh", "aliases", "parent_id")
        for pk, public_id, name, name_zh, aliases, parent_id in rows.iterator(chunk_size=2000):
            index.add(Entry(pk, str(public_id), name, name_zh or "", tuple(aliases or ()), parent_id))
        return index

    @property
    def weights(self) -> TokenWeights:
        return TokenWeights(self._df, len(self.entries))

    def add(self, entry: Entry) -> None:
        """Index a new organisation, or re-index one whose names changed."""
        if entry.pk in self.entries:
            self.remove(entry.pk)
        keys = set()
        forms = entry.forms
        for form in forms:
            keys.update(_keys(form))
        self.entries[entry.pk] = entry
        self._forms[entry.pk] = forms
        self._keys_of[entry.pk] = keys
        for key in keys:
            self._postings[key].add(entry.pk)
            if key[0] not in (_WHOLE, _PREFIX):
                self._df[key] += 1

    def remove(self, pk: int) -> None:
        for key in self._keys_of.pop(pk, set()):
            self._postings[key].discard(pk)
            if key[0] not in (_WHOLE, _PREFIX):
                self._df[key] -= 1
        self.entries.pop(pk, None)
        self._forms.pop(pk, None)

    def _candidates(self, forms: list[Form], *, crowded: int) -> set[int]:
        """Organisations sharing a distinctive token, the whole compact name, or a prefix that is not crowded."""
        weights = self.weights
        found: set[int] = set()
        for form in forms:
            found.update(self._postings.get(_WHOLE + form.compact, ()))
            for token in form.tokens:
                if weights.distinctive(token):
                    found.update(self._postings.get(token, ()))
                if _has_prefix_key(token):
                    postings = self._postings.get(_PREFIX + token[:4], ())
                    if len(postings) <= crowded:
                        found.update(postings)
        return found

    def matches(
        self,
        *,
        name: str = "",
        name_zh: str = "",
        aliases: Iterable[str] = (),
        exclude: Iterable[int] = (),
        threshold: float = PROBABLE,
        limit: int = 5,
    ) -> list[Match]:
        """The organisations these names probably refer to, best first."""
        forms = forms_of(name, name_zh, aliases)
        if not forms:
            return []
        excluded = set(exclude)
        weights = self.weights
        found = []
        for pk in self._candidates(forms, crowded=200) - excluded:
            entry = self.entries[pk]
            similarity = compare(forms, self._forms[pk], weights)
            if similarity.score >= threshold:
                found.append(Match(entry, round(similarity.score, 2), similarity.reason, similarity.theirs))
        found.sort(key=lambda m: (-m.score, fold(m.entry.name), m.entry.pk))
        return found[:limit]

    def duplicate_pairs(self, *, threshold: float = PROBABLE, limit: int | None = None) -> list[Pair]:
        """Pairs of organisations that are probably one, best first. A unit and its parent are not proposed."""
        weights = self.weights
        seen: set[tuple[int, int]] = set()
        pairs = []
        for pk, entry in self.entries.items():
            forms = self._forms[pk]
            for other_pk in self._candidates(forms, crowded=50):
                key = (min(pk, other_pk), max(pk, other_pk))
                if other_pk == pk or key in seen:
                    continue
                seen.add(key)
                other = self.entries[other_pk]
                if entry.parent_id == other_pk or other.parent_id == pk:
                    continue
                similarity = compare(forms, self._forms[other_pk], weights)
                if similarity.score >= threshold:
                    first, second = sorted((entry, other), key=lambda e: (fold(e.name), e.pk))
                    pairs.append(Pair(first, second, round(similarity.score, 2), similarity.reason))
        pairs.sort(key=lambda p: (-p.score, fold(p.first.name), fold(p.second.name), p.first.pk, p.second.pk))
        return pairs[:limit] if limit is not None else pairs


def probable_duplicates_for(user, *, threshold: float = PROBABLE, limit: int = 200) -> list[Pair]:
    """The probable duplicate pairs among the organisations `user` may see."""
    from biocampus.accounts.permissions import visible

    from .models import Organization

    return DirectoryIndex.of(visible(Organization.objects.all(), user)).duplicate_pairs(
        threshold=threshold, limit=limit
    )


@dataclass(frozen=True)
class MergeMove:
    """What merging would do to one kind of link: rows moved over, rows combined with the kept organisation's."""

    label: str
    moved: int
    combined: int


def merge_preview(*, keep, merge) -> list[MergeMove]:
    """What services.organization_merge would move from `merge` to `keep`, per kind of link."""
    from .models import Organization
    from .services import link_label, links_to_organizations, rows_linked, unique_partner

    moves = []
    for link in links_to_organizations():
        rows = [row for row in rows_linked(link, merge) if row != keep]
        if rows:
            combined = sum(1 for row in rows if unique_partner(row, link, keep) is not None)
            moves.append(MergeMove(link_label(link), len(rows) - combined, combined))
    fields = merge.fields.exclude(pk__in=keep.fields.values("pk")).count()
    if fields:
        moves.append(MergeMove(str(Organization._meta.get_field("fields").verbose_name), fields, 0))
    programmes = merge.programmes.all()
    if programmes:
        shared = programmes.filter(organizations=keep).count()
        moves.append(MergeMove(str(_("programmes")), programmes.count() - shared, shared))
    return moves
