"""The optional language-model extractor: the same result as the rules extractor (`extract(text, title, source,
linker)`, the schema of ../shared/seed/icampus-gold.json with evidence offsets), read by a model behind an
OpenAI-compatible chat-completions endpoint (a local vLLM, llama.cpp or Ollama server, or a hosted one).

Nothing the model says is trusted as is (docs/intelligence-extraction.md, "A language-model extractor"):

* every name, alias, event and place must be written in the text, and every relation's and milestone's
  evidence must be a span of the text — we find it ourselves (exactly, then with spaces, quotes and dashes
  normalised) and compute `evidence_start`/`evidence_end`; what cannot be found is dropped;
* kinds, relation types and milestone kinds are mapped onto the ANNOTATION.md vocabulary (an unknown
  organisation or milestone kind becomes `other`, an unknown relation type is dropped);
* relation parties and milestone organisations must be organisations of the result (by name or alias);
* dates must be `YYYY-MM-DD` or `YYYY-MM` with a year the text writes; numbers must be numbers.

What was dropped, and why, is returned by `read()` (`Reading.dropped`) and logged by `extract()`; the result
itself carries exactly the keys of the rules extractor, so evaluate.py and the review inbox read both alike.

Long documents are read in chunks of whole paragraphs (`BIOCAMPUS_LLM_CHUNK_CHARS`), one request each, and the
readings merged: the same organisation name (or alias) is one organisation.

Any failure to get a usable answer (no endpoint configured, unreachable, timeout, HTTP error, an answer that is
not JSON) raises `LlmError`, whose message is meant for a campus admin. Only the standard library is used.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

__all__ = ["extract", "read", "LlmError", "LlmConfig", "Reading", "EXTRACTOR_NAME", "SYSTEM_PROMPT"]

logger = logging.getLogger(__name__)

EXTRACTOR_NAME = "llm"
DEFAULT_TIMEOUT = 60.0
DEFAULT_CHUNK_CHARS = 12_000
# Retried (with a short pause) because servers answer them while loading a model or under load.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRIES = 2
MAX_RETRY_PAUSE = 10.0
MAX_ANSWER_BYTES = 8 * 1024 * 1024
# The organisation names of earlier parts repeated to the model with each later part (a long list costs tokens).
KNOWN_NAMES = 200

# The vocabulary of ANNOTATION.md.
ORG_KINDS = (
    "pharma", "company", "investor", "government", "association", "hospital", "university", "campus", "hub",
    "service_center", "lab", "other",
)  # fmt: skip
RELATION_TYPES = (
    "joined_campus", "strategic_cooperation", "framework_agreement", "cooperation_agreement", "investment",
    "joint_development", "commercialization", "partnership", "acquisition", "licensing", "other_agreement",
)  # fmt: skip
MILESTONE_KINDS = (
    "lab_opened", "facility_opened", "certification", "market_reach", "funding", "programme_target",
    "product_launch", "other",
)  # fmt: skip

# What models write instead of the vocabulary (after lower-casing, spaces and hyphens made underscores).
ORG_KIND_SYNONYMS = {
    "pharmaceutical": "pharma", "pharmaceutical_company": "pharma", "big_pharma": "pharma",
    "startup": "company", "start_up": "company", "biotech": "company", "medtech": "company", "cro": "company",
    "corporation": "company", "firm": "company", "business": "company", "enterprise": "company", "sme": "company",
    "vc": "investor", "venture_capital": "investor", "fund": "investor", "bank": "investor", "private_equity": "investor",
    "investment_firm": "investor",
    "authority": "government", "agency": "government", "ministry": "government", "municipality": "government",
    "city": "government", "province": "government", "district": "government", "country": "government",
    "public_body": "government", "development_zone": "government",
    "industry_association": "association", "alumni_association": "association", "society": "association",
    "clinic": "hospital", "medical_center": "hospital", "medical_centre": "hospital",
    "college": "university", "school": "university", "academy": "university",
    "science_park": "campus", "park": "campus", "industrial_park": "campus", "innovation_campus": "campus",
    "incubator": "hub", "accelerator": "hub", "innovation_hub": "hub", "innovation_center": "hub",
    "innovation_centre": "hub", "coworking": "hub",
    "service_centre": "service_center", "service": "service_center", "workstation": "service_center",
    "laboratory": "lab", "research_lab": "lab",
}  # fmt: skip
RELATION_SYNONYMS = {
    "joined": "joined_campus", "join": "joined_campus", "residency": "joined_campus", "resident": "joined_campus",
    "tenant": "joined_campus", "settled": "joined_campus", "moved_in": "joined_campus",
    "strategic_partnership": "strategic_cooperation", "strategic_collaboration": "strategic_cooperation",
    "strategic_agreement": "strategic_cooperation",
    "framework": "framework_agreement", "strategic_framework_agreement": "framework_agreement",
    "cooperation": "partnership", "collaboration": "partnership", "co_building": "partnership",
    "co_founding": "partnership", "joint_initiative": "partnership",
    "collaboration_agreement": "cooperation_agreement", "cooperation_contract": "cooperation_agreement",
    "funding": "investment", "financing": "investment", "grant": "investment", "investment_agreement": "investment",
    "co_development": "joint_development", "codevelopment": "joint_development",
    "commercialisation": "commercialization", "co_marketing": "commercialization", "distribution": "commercialization",
    "license": "licensing", "licence": "licensing", "license_agreement": "licensing",
    "acquired": "acquisition", "merger": "acquisition",
    "mou": "other_agreement", "memorandum_of_understanding": "other_agreement", "letter_of_intent": "other_agreement",
    "agreement": "other_agreement", "contract": "other_agreement",
}  # fmt: skip
MILESTONE_SYNONYMS = {
    "laboratory_opened": "lab_opened", "lab_opening": "lab_opened",
    "opening": "facility_opened", "facility_opening": "facility_opened", "launch": "facility_opened",
    "inauguration": "facility_opened", "office_opened": "facility_opened",
    "accreditation": "certification", "approval": "certification", "qualification": "certification",
    "rollout": "market_reach", "market_access": "market_reach",
    "funding_round": "funding", "fundraising": "funding", "investment_received": "funding", "financing": "funding",
    "target": "programme_target", "goal": "programme_target", "program_target": "programme_target",
    "product_launched": "product_launch", "launch_product": "product_launch",
}  # fmt: skip

# The instructions: the schema and ANNOTATION.md's rules, condensed.
SYSTEM_PROMPT = """\
You read one press release (or one part of it) and return what it states about organisations, as ONE JSON \
object and nothing else. Record only what the text states; when in doubt, leave it out. Copy names and \
evidence character for character from the text.

The object has these keys:
{"title": headline as written or null,
 "date": publication date "YYYY-MM-DD" only if the text states it, else null,
 "organizations": [{"name", "aliases": [...], "kind", "country"}],
 "relations": [{"type", "parties": [organisation names], "event": event name or null, "date", "evidence"}],
 "milestones": [{"org", "kind", "value": number or null, "unit": string or null, "date", "evidence"}],
 "events": [{"name", "date", "place"}]}
Dates anywhere: "YYYY-MM-DD" or "YYYY-MM" only when the text gives an absolute date with a year, else null.
"evidence": the shortest verbatim span of the text that supports the item, normally one whole sentence.

ORGANIZATIONS: every organisation named in the text, once each. Not organisations: people and their titles, \
products, drugs, devices, programmes, projects, prizes, plans and initiatives, buildings, unnamed facilities, \
events, and news outlets named only in credit lines ("Source: ...", "[Photo/...]", "/PRNewswire/"). A city, \
district, province or country is an organisation only when it acts as a party (signs, co-builds, cooperates); \
then its kind is "government". "name" is the fullest form written (without a leading "the"); "aliases" are the \
other forms the text uses for it (abbreviations, short forms), never "the company", "the campus" or \
possessives. Separately named units (a company and its subsidiary, a network and one of its sites) are \
separate organisations.
"kind" is one of: pharma (established pharmaceutical corporations and their units), company (any other \
company), investor (VC/PE firms, investment banks, funds), government (governments, agencies, \
development-zone authorities), association, hospital, university, campus (science, innovation, industrial \
and hi-tech parks and their named sites), hub (incubators, accelerators, innovation centres and hubs), \
service_center, lab (named laboratories), other.
"country": ISO 3166-1 alpha-2 code (UK is "GB") only when the text states it or ties the organisation to an \
unambiguous place; else null.

RELATIONS: one per (type, set of parties, event); when one statement supports several types, one relation \
per type with the same evidence. Parties must be organisations of your "organizations" list, written as their \
"name". Order matters only for joined_campus (joiner, then host) and investment (investor, then recipient); \
otherwise text order. "type" is one of:
joined_campus (an organisation joined, settled in, moved into, is a resident or tenant of, or will be based at \
a named campus, park, hub or incubator; never from mere co-mention or unnamed counts), strategic_cooperation \
("strategic cooperation/collaboration/partnership"), framework_agreement, cooperation_agreement (a \
cooperation or collaboration agreement), investment (money from a named investor or funder to a named \
recipient), joint_development, commercialization, partnership (cooperation, collaboration, joint initiatives, \
co-building or co-founding an organisation: the parties are the builders), acquisition, licensing, \
other_agreement (MOU, letter of intent, contract, a bare agreement).
"event": the event's name as in "events", only when the evidence places the act at that event; else null.

MILESTONES: "org" is an organisation name of your list; "kind" is one of: lab_opened, facility_opened \
(a campus, centre, office or site opened or put into operation), certification, market_reach (rolled out to N \
sites or users), funding (money raised or received), programme_target (a stated future target), \
product_launch, other (other counted achievements: companies signed, partners welcomed, own investment \
commitments, leased space). Not milestones: founding years, revenue, capacities, plans without a figure. \
"value": a plain number without qualifiers ("more than 470" -> 470, "2.5 billion yuan" -> 2500000000); \
"unit": an ISO currency code for money (CNY for yuan/RMB), else a plural noun ("companies", "hospitals").

EVENTS: named gatherings (expos, forums, summits, conferences) named as fully as written; not generic \
ceremonies. "place" as stated for the event, else null.
"""


class LlmError(Exception):
    """The language model could not give a usable answer. The message is written for a campus admin."""


@dataclass(frozen=True)
class LlmConfig:
    url: str
    model: str
    api_key: str = field(default="", repr=False)  # never in a log line
    timeout: float = DEFAULT_TIMEOUT
    chunk_chars: int = DEFAULT_CHUNK_CHARS

    @property
    def endpoint(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else url + "/chat/completions"

    @classmethod
    def from_settings(cls) -> LlmConfig:
        from django.conf import settings

        url = str(getattr(settings, "BIOCAMPUS_LLM_URL", "") or "").strip()
        model = str(getattr(settings, "BIOCAMPUS_LLM_MODEL", "") or "").strip()
        if not url or not model:
            raise LlmError(
                "No language model is configured: set BIOCAMPUS_LLM_URL (the address of an OpenAI-compatible "
                "server, e.g. http://localhost:11434/v1) and BIOCAMPUS_LLM_MODEL, or use the rules extractor."
            )
        try:
            timeout = float(getattr(settings, "BIOCAMPUS_LLM_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)
            chunk_chars = int(
                getattr(settings, "BIOCAMPUS_LLM_CHUNK_CHARS", DEFAULT_CHUNK_CHARS) or DEFAULT_CHUNK_CHARS
            )
        except (TypeError, ValueError) as error:
            raise LlmError(f"BIOCAMPUS_LLM_TIMEOUT and BIOCAMPUS_LLM_CHUNK_CHARS must be numbers ({error}).") from None
        config = cls(
            url=url,
            model=model,
            api_key=str(getattr(settings, "BIOCAMPUS_LLM_API_KEY", "") or ""),
            timeout=timeout,
            chunk_chars=max(chunk_chars, 500),
        )
        config.check()
        return config

    def check(self) -> None:
        scheme = urllib.parse.urlsplit(self.url).scheme.lower()
        if scheme not in ("http", "https") or not urllib.parse.urlsplit(self.url).netloc:
            raise LlmError(
                f"BIOCAMPUS_LLM_URL must be an http:// or https:// address, not {_safe_address(self.url)!r}."
            )
        if not self.timeout > 0:
            raise LlmError("BIOCAMPUS_LLM_TIMEOUT must be a number of seconds above 0.")


@dataclass
class Reading:
    """A result (the rules extractor's schema) and what was left out of it because the text does not bear it
    out: [{"area": "organizations"|…, "item": the model's item, "reason": why}]."""

    result: dict
    dropped: list[dict] = field(default_factory=list)
    requests: int = 0


def extract(text, title: str | None = None, source: str | None = None, linker=None, *, config=None) -> dict:
    """What one document says, read by the configured language model. Raises LlmError when it cannot."""
    reading = read(text, title=title, source=source, linker=linker, config=config)
    if reading.dropped:
        logger.info(
            "llm extractor dropped %d item(s) the text does not bear out: %s",
            len(reading.dropped),
            "; ".join(f"{d['area']}: {d['reason']}" for d in reading.dropped[:20]),
        )
    return reading.result


def read(text, title: str | None = None, source: str | None = None, linker=None, *, config=None) -> Reading:
    config = config or LlmConfig.from_settings()
    config.check()
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str):
        text = ""
    merger = _Merger(text)
    requests = 0
    for start, end in chunks(text, config.chunk_chars):
        answer = ask(config, text[start:end], known=merger.names())
        requests += 1
        merger.add(answer, start, end)
    result = merger.result(title=title, source=source)
    if linker is not None:
        from . import link

        link(result, linker)
    return Reading(result, merger.dropped, requests)


# --- the request ---------------------------------------------------------------------------------------


def request_body(config: LlmConfig, chunk: str, known: list[str] | tuple = (), *, json_mode: bool = True) -> dict:
    system = SYSTEM_PROMPT
    if known:  # a later part of a long document: the names the earlier parts gave, so the same ones are used
        system += "\nOrganisations already named earlier in this document (use these names): " + "; ".join(known)
    body = {
        "model": config.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": chunk}],
    }
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    return body


def ask(config: LlmConfig, chunk: str, known: list[str] | tuple = ()) -> dict:
    """One chat-completions request; the model's JSON object."""
    headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "BioCampus"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    where = _safe_address(config.endpoint)
    json_mode = True
    attempt = 0
    while True:
        data = json.dumps(request_body(config, chunk, known, json_mode=json_mode), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(config.endpoint, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310 - http(s) only, checked
                body = response.read(MAX_ANSWER_BYTES + 1)
            break
        except urllib.error.HTTPError as error:
            if error.code in RETRY_STATUSES and attempt < RETRIES:
                attempt += 1
                time.sleep(_retry_pause(error, attempt - 1))
                continue
            detail = _error_detail(error)
            if error.code == 400 and json_mode and "response_format" in detail:
                # Some servers (LM Studio, older llama.cpp) refuse the JSON mode: ask again without it; the
                # prompt asks for JSON anyway, and the answer is checked like any other.
                json_mode = False
                continue
            raise LlmError(_http_message(error.code, detail, where, config)) from None
        except TimeoutError:
            raise LlmError(_timeout_message(where, config)) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise LlmError(_timeout_message(where, config)) from None
            raise LlmError(
                f"The language model at {where} cannot be reached ({error.reason}). Check that the server runs "
                "and that BIOCAMPUS_LLM_URL is right."
            ) from None
        except (OSError, ValueError) as error:  # connection reset, bad status line, …
            raise LlmError(f"The language model at {where} broke off the answer ({error}).") from None
    if len(body) > MAX_ANSWER_BYTES:
        raise LlmError(f"The language model at {where} answered with more than {MAX_ANSWER_BYTES // 1048576} MB.")
    return parse_answer(body, where)


def _timeout_message(where: str, config: LlmConfig) -> str:
    return (
        f"The language model at {where} did not answer within {config.timeout:g} seconds (BIOCAMPUS_LLM_TIMEOUT). "
        "The document can be extracted again later."
    )


def _safe_address(url: str) -> str:
    """The endpoint as shown in messages: without any user:password written into the URL."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _retry_pause(error: urllib.error.HTTPError, attempt: int) -> float:
    try:
        pause = float(error.headers.get("Retry-After", ""))
    except (TypeError, ValueError, AttributeError):
        pause = 1.0 + attempt
    return max(0.0, min(pause, MAX_RETRY_PAUSE))


def _error_detail(error: urllib.error.HTTPError) -> str:
    """The server's own explanation: OpenAI's {"error": {"message": …}}, {"error": "…"} or {"detail": …}."""
    try:
        payload = json.loads(error.read(4096).decode("utf-8", "replace"))
    except (ValueError, OSError, AttributeError):
        return ""
    if not isinstance(payload, dict):
        return ""
    message = payload.get("error") or payload.get("detail") or ""
    if isinstance(message, dict):
        message = message.get("message") or ""
    return re.sub(r"\s+", " ", str(message)).strip()[:300]


def _http_message(code: int, detail: str, where: str, config: LlmConfig) -> str:
    detail = f": {detail}" if detail else ""
    if code in (401, 403):
        return f"The language model at {where} refused the request (HTTP {code}{detail}). Check BIOCAMPUS_LLM_API_KEY."
    if code == 404:
        return (
            f"The language model at {where} does not know this address or the model {config.model!r} "
            f"(HTTP 404{detail}). Check BIOCAMPUS_LLM_URL and BIOCAMPUS_LLM_MODEL."
        )
    return f"The language model at {where} answered with an error (HTTP {code}{detail})."


_NOT_JSON = object()
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S | re.I)


def parse_answer(body: bytes, where: str = "the endpoint") -> dict:
    """The JSON object in a chat-completions answer's first choice."""
    not_json = f"The language model at {where} did not answer in the expected form (an OpenAI chat completion)."
    try:
        envelope = json.loads(body.decode("utf-8", "replace"))
        choice = envelope["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LlmError(not_json) from None
    if not isinstance(content, str):
        raise LlmError(not_json)
    fenced = _FENCE.match(content)
    if fenced:  # some models wrap the object in a Markdown code block despite response_format
        content = fenced.group(1)
    try:
        answer = json.loads(content)
    except ValueError:
        answer = _object_within(content)
    if answer is _NOT_JSON:
        cut = choice.get("finish_reason") == "length"
        raise LlmError(
            f"The language model at {where} answered with text that is not JSON"
            + (
                " (its answer was cut off: lower BIOCAMPUS_LLM_CHUNK_CHARS or raise the server's limit)."
                if cut
                else "."
            )
        )
    if not isinstance(answer, dict):
        raise LlmError(f"The language model at {where} answered with JSON that is not an object.")
    return answer


def _object_within(content: str):
    """The JSON object in a chatty answer ("Here is the JSON: {…} I hope this helps"), or _NOT_JSON."""
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        return _NOT_JSON
    try:
        return json.loads(content[start : end + 1])
    except ValueError:
        return _NOT_JSON


# --- chunks ---------------------------------------------------------------------------------------------


def chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) spans of whole paragraphs (lines), each under `limit` characters when the paragraphs allow; a
    longer paragraph is cut at sentence ends, and a longer sentence at a space. Only the blank text between spans
    is left out."""
    if not text.strip():
        return []
    pieces: list[tuple[int, int]] = []
    start = 0
    for gap in [*re.finditer(r"\n\s*", text), None]:
        end = gap.start() if gap else len(text)
        lo, hi = start, end
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            pieces.extend(_cut(text, lo, hi, limit))
        if gap:
            start = gap.end()
    spans: list[tuple[int, int]] = []
    for start, end in pieces:
        if spans and end - spans[-1][0] <= limit:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    out = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind(".\n"), window.rfind("。"))
        if cut < limit // 4:
            cut = window.rfind(" ")
        if cut < limit // 4:
            cut = limit - 1
        out.append((start, start + cut + 1))
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


# --- finding things in the text -------------------------------------------------------------------------

_QUOTES = {"'": "'‘’`´", '"': '"“”„', "-": "-‐‑‒–—"}
_CLASS_OF = {c: key for key, chars in _QUOTES.items() for c in chars}


def _pattern(fragment: str, *, words: bool) -> re.Pattern | None:
    """A pattern matching `fragment` with any run of spaces, any quote style and any dash."""
    fragment = fragment.strip()
    if not fragment:
        return None
    parts = []
    for token in re.split(r"(\s+)", fragment):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
            continue
        parts.append(
            "".join(f"[{re.escape(_QUOTES[_CLASS_OF[c]])}]" if c in _CLASS_OF else re.escape(c) for c in token)
        )
    body = "".join(parts)
    if words:
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body)


def locate(text: str, fragment: str, *, near: tuple[int, int] | None = None, words: bool = False):
    """(start, end) of `fragment` in `text`: exactly, then with spaces, quotes and dashes normalised, then (for
    names) regardless of case; inside `near` first. None when the text does not hold it."""
    fragment = unicodedata.normalize("NFC", str(fragment or "")).strip()
    if not fragment:
        return None
    regions = [near, None] if near else [None]
    pattern = _pattern(fragment, words=words)
    folded = re.compile(pattern.pattern, re.I) if words and pattern else None
    for region in regions:
        lo, hi = region or (0, len(text))
        if not words:
            found = text.find(fragment, lo, hi)
            if found >= 0:
                return found, found + len(fragment)
        for candidate in (pattern, folded):
            if candidate is None:
                continue
            match = candidate.search(text, lo, hi)
            if match:
                return match.start(), match.end()
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u4e00-\u9fff])|\n")
SENTENCE_WINDOW = 5000
_ABBREVIATION = re.compile(r"\b(?:Co|Inc|Ltd|Corp|Dr|Mr|Mrs|Ms|Prof|St|No|Jr|Sr|vs|etc|[A-Z])\.$")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or headline line) holding text[start:end]: from the previous sentence end to the next."""
    # Look no further than a long sentence away, so that a huge document costs no more per name.
    lo = max(0, start - SENTENCE_WINDOW)
    for match in _SENTENCE_END.finditer(text, lo, min(len(text), start + 1)):  # +1: the lookahead sees `start`
        if match.end() <= start and not _ABBREVIATION.search(text[max(0, match.start() - 6) : match.start()]):
            lo = match.end()
    hi = min(len(text), end + SENTENCE_WINDOW)
    for match in _SENTENCE_END.finditer(text, end, hi):
        if not _ABBREVIATION.search(text[max(0, match.start() - 6) : match.start()]):
            hi = match.start()
            break
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


# --- validating and merging -----------------------------------------------------------------------------


def _fold(name) -> str:
    name = unicodedata.normalize("NFKC", str(name or "")).casefold()
    name = re.sub(r"[\s\u00a0]+", " ", name).strip(" .,;:")
    name = re.sub(r"^the ", "", name)
    return "".join(_CLASS_OF.get(c, c) for c in name)


def _vocabulary(value, allowed: tuple, synonyms: dict) -> str | None:
    key = re.sub(r"[\s\-/]+", "_", str(value or "").strip().casefold())
    if key in allowed:
        return key
    return synonyms.get(key)


def _text_or_none(value) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    value = re.sub(r"\s+", " ", str(value)).strip()
    return value or None


_MULTIPLIERS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12,
}  # fmt: skip


def _number(value):
    """A plain number from what the model wrote (a number, or "1,200", "2.5 billion", "more than 470")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*([a-zA-Z]+)?(?![\w²³])", str(value))
        if not match:
            return None
        number = float(match.group(1).replace(",", ""))
        number *= _MULTIPLIERS.get((match.group(2) or "").casefold(), 1)
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


class _Merger:
    """Collects the model's readings of each chunk into one checked result."""

    def __init__(self, text: str):
        self.text = text
        self.title = None
        self.date = None
        self.orgs: list[dict] = []
        self.org_by_key: dict[str, dict] = {}
        self.relations: list[dict] = []
        self.relation_keys: set = set()
        self.milestones: list[dict] = []
        self.milestone_keys: set = set()
        self.events: list[dict] = []
        self.event_by_key: dict[str, dict] = {}
        self.dropped: list[dict] = []
        self.later: list[tuple[str, dict, tuple[int, int]]] = []

    def names(self) -> list[str]:
        return [o["name"] for o in self.orgs[:KNOWN_NAMES]]

    def drop(self, area: str, item, reason: str) -> None:
        self.dropped.append({"area": area, "item": item, "reason": reason})

    def add(self, answer: dict, start: int, end: int) -> None:
        near = (start, end)
        if self.title is None:
            title = _text_or_none(answer.get("title"))
            if title and locate(self.text, title, near=near):
                self.title = title
        if self.date is None:
            self.date = self.check_date(answer.get("date"), day_only=True)
        for item in self.items(answer, "organizations"):
            self.add_org(item, near)
        for item in self.items(answer, "events"):
            self.add_event(item, near)
        # Relations and milestones wait for the last part: their organisations and events may come in any part.
        self.later.extend(
            (area, item, near) for area in ("relations", "milestones") for item in self.items(answer, area)
        )

    def finish(self) -> None:
        for area, item, near in self.later:
            (self.add_relation if area == "relations" else self.add_milestone)(item, near)
        self.later = []

    def items(self, answer: dict, area: str) -> list[dict]:
        items = answer.get(area) or []
        if not isinstance(items, list):
            self.drop(area, items, f"“{area}” is not a list")
            return []
        good = [item for item in items if isinstance(item, dict)]
        for item in items:
            if not isinstance(item, dict):
                self.drop(area, item, "not an object")
        return good

    def check_date(self, value, *, day_only: bool = False) -> str | None:
        value = _text_or_none(value)
        if not value:
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                dt.date.fromisoformat(value)
            elif not day_only and re.fullmatch(r"\d{4}-\d{2}", value):
                dt.date.fromisoformat(value + "-01")
            else:
                return None
        except ValueError:
            return None
        # A date whose year the text never writes was not read from it.
        return value if value[:4] in self.text else None

    def evidence(self, value, near) -> tuple[int, int] | None:
        value = _text_or_none(value)
        if not value or len(value) < 8:
            return None
        return locate(self.text, value, near=near)

    # organisations

    def add_org(self, item: dict, near) -> None:
        name = _text_or_none(item.get("name"))
        if not name:
            self.drop("organizations", item, "no name")
            return
        name = re.sub(r"^(?:the|The)\s+", "", name)
        span = locate(self.text, name, near=near, words=True)
        if span is None:
            self.drop("organizations", item, f"“{name}” is not in the text")
            return
        aliases = []
        raw_aliases = item.get("aliases") if isinstance(item.get("aliases"), list) else []
        for alias in raw_aliases:
            alias = _text_or_none(alias)
            if not alias or _fold(alias) == _fold(name):
                continue
            if locate(self.text, alias, words=True) is None:
                self.drop("organizations", {"name": name, "alias": alias}, f"alias “{alias}” is not in the text")
                continue
            aliases.append(alias)
        kind = _vocabulary(item.get("kind"), ORG_KINDS, ORG_KIND_SYNONYMS) or "other"
        country = _country(item.get("country"))
        existing = next((self.org_by_key[k] for k in [_fold(name), *map(_fold, aliases)] if k in self.org_by_key), None)
        if existing is not None:  # the same organisation, named again (another chunk, or twice in one answer)
            for form in [name, *aliases]:
                if _fold(form) != _fold(existing["name"]) and _fold(form) not in map(_fold, existing["aliases"]):
                    existing["aliases"].append(form)
                self.org_by_key.setdefault(_fold(form), existing)
            if existing["kind"] == "other" and kind != "other":
                existing["kind"] = kind
            existing["country"] = existing["country"] or country
            return
        start, end = sentence_around(self.text, *span)
        org = {
            "name": name,
            "aliases": aliases,
            "kind": kind,
            "country": country,
            "evidence": self.text[start:end],
            "evidence_start": start,
            "evidence_end": end,
            "match": None,
        }
        self.orgs.append(org)
        for form in [name, *aliases]:
            self.org_by_key.setdefault(_fold(form), org)

    def org_named(self, value) -> str | None:
        org = self.org_by_key.get(_fold(value)) if _text_or_none(value) else None
        return org["name"] if org else None

    # events

    def add_event(self, item: dict, near) -> None:
        name = _text_or_none(item.get("name"))
        span = locate(self.text, name, near=near, words=True) if name else None
        if span is None:
            self.drop("events", item, f"event “{name}” is not in the text" if name else "no name")
            return
        if _fold(name) in self.event_by_key:
            return
        place = _text_or_none(item.get("place"))
        if place and locate(self.text, place, words=True) is None:
            place = None
        found = self.evidence(item.get("evidence"), near)
        start, end = found if found else sentence_around(self.text, *span)
        event = {
            "name": name,
            "date": self.check_date(item.get("date")),
            "place": place,
            "evidence": self.text[start:end],
            "evidence_start": start,
            "evidence_end": end,
        }
        self.events.append(event)
        self.event_by_key[_fold(name)] = event

    # relations

    def add_relation(self, item: dict, near) -> None:
        kind = _vocabulary(item.get("type"), RELATION_TYPES, RELATION_SYNONYMS)
        if kind is None:
            self.drop("relations", item, f"unknown relation type “{item.get('type')}”")
            return
        raw_parties = item.get("parties") if isinstance(item.get("parties"), list) else []
        parties: list[str] = []
        for raw in raw_parties:
            party = self.org_named(raw)
            if party is None:
                self.drop("relations", item, f"party “{raw}” is not an organisation of the result")
                return
            if party not in parties:
                parties.append(party)
        if len(parties) < 2:
            self.drop("relations", item, "fewer than two parties")
            return
        found = self.evidence(item.get("evidence"), near)
        if found is None:
            self.drop("relations", item, "its evidence is not in the text")
            return
        event_name = _text_or_none(item.get("event"))
        event = self.event_by_key.get(_fold(event_name)) if event_name else None
        ordered = kind in ("joined_campus", "investment")
        key = (kind, tuple(parties) if ordered else frozenset(parties), event["name"] if event else None)
        if key in self.relation_keys:
            return
        self.relation_keys.add(key)
        start, end = found
        self.relations.append(
            {
                "type": kind,
                "parties": parties,
                "event": event["name"] if event else None,
                "date": self.check_date(item.get("date")),
                "evidence": self.text[start:end],
                "evidence_start": start,
                "evidence_end": end,
            }
        )

    # milestones

    def add_milestone(self, item: dict, near) -> None:
        org = self.org_named(item.get("org"))
        if org is None:
            self.drop("milestones", item, f"“{item.get('org')}” is not an organisation of the result")
            return
        kind = _vocabulary(item.get("kind"), MILESTONE_KINDS, MILESTONE_SYNONYMS) or "other"
        found = self.evidence(item.get("evidence"), near)
        if found is None:
            self.drop("milestones", item, "its evidence is not in the text")
            return
        value = _number(item.get("value"))
        date = self.check_date(item.get("date"))
        start, end = found
        key = (org, kind, value, date, start)
        if key in self.milestone_keys:
            return
        self.milestone_keys.add(key)
        self.milestones.append(
            {
                "org": org,
                "kind": kind,
                "value": value,
                "unit": _text_or_none(item.get("unit")),
                "date": date,
                "evidence": self.text[start:end],
                "evidence_start": start,
                "evidence_end": end,
            }
        )

    def result(self, *, title, source) -> dict:
        self.finish()
        return {
            "id": None,
            "source": source,
            "title": title if title is not None else self.title,
            "date": self.date,
            "organizations": self.orgs,
            "relations": self.relations,
            "milestones": self.milestones,
            "events": self.events,
        }


_COUNTRY_NAMES = {"UK": "GB", "CHINA": "CN", "USA": "US", "UNITED STATES": "US", "UNITED KINGDOM": "GB"}


def _country(value) -> str | None:
    value = (_text_or_none(value) or "").upper()
    value = _COUNTRY_NAMES.get(value, value)
    return value if re.fullmatch(r"[A-Z]{2}", value) else None
