"""The optional language-model extractor, against a real HTTP server in a thread that speaks the OpenAI
chat-completions protocol (this machine has no model): the same schema and evaluation as the rules, the request
it sends, the hallucination guard, clear failures, and the default never touching the network."""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from biocampus.intelligence import services
from biocampus.intelligence.extraction import llm
from biocampus.intelligence.extraction.evaluate import score_document
from biocampus.intelligence.models import DocumentStatus, ProposedFact, SourceDocument

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed"
EVIDENCE_KEYS = ("evidence_start", "evidence_end")

RELEASE = (
    "Harbourside Incubator welcomes two start-ups\n\n"
    "LEEDS, England, 3 June 2024 -- Harbourside Incubator announced that Quillon Bio and Marrowgate have joined "
    "Harbourside Incubator. Marrowgate raised £2m in a seed round led by Fenwick Ventures.\n"
)
RELEASE_ANSWER = {
    "title": "Harbourside Incubator welcomes two start-ups",
    "date": "2024-06-03",
    "organizations": [
        {"name": "Harbourside Incubator", "aliases": [], "kind": "incubator", "country": "UK"},
        {"name": "Quillon Bio", "aliases": [], "kind": "startup", "country": None},
        {"name": "Marrowgate", "aliases": [], "kind": "company", "country": None},
        {"name": "Fenwick Ventures", "aliases": [], "kind": "investor", "country": None},
    ],
    "relations": [
        {
            "type": "joined_campus",
            "parties": ["Quillon Bio", "Harbourside Incubator"],
            "event": None,
            "date": None,
            # as a model writes it: other spaces and quotes than the text's
            "evidence": "Harbourside Incubator announced that Quillon Bio and Marrowgate have joined  "
            "Harbourside Incubator.",
        },
        {
            "type": "investment",
            "parties": ["Fenwick Ventures", "Marrowgate"],
            "event": None,
            "date": None,
            "evidence": "Marrowgate raised £2m in a seed round led by Fenwick Ventures.",
        },
    ],
    "milestones": [
        {
            "org": "Marrowgate",
            "kind": "funding_round",
            "value": "2 million",
            "unit": "GBP",
            "date": None,
            "evidence": "Marrowgate raised £2m in a seed round led by Fenwick Ventures.",
        }
    ],
    "events": [],
}


@dataclass
class FakeModel:
    """What the server answers (a function of the request body) and what it received."""

    url: str
    requests: list[dict] = field(default_factory=list)
    answer: object = None  # a dict (the model's JSON), or a callable(body) -> (status, headers, bytes)
    release: threading.Event = field(default_factory=threading.Event)

    def content(self, payload) -> bytes:
        return json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": "test-model",
                "choices": [
                    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": payload}}
                ],
            }
        ).encode()


def _handler(model: FakeModel):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server interface
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            model.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = model.answer
            if callable(answer):
                status, headers, data = answer(body)
            else:
                status, headers, data = 200, {}, model.content(json.dumps(answer, ensure_ascii=False))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def fake_model(monkeypatch):
    for name in ("no_proxy", "NO_PROXY"):  # a proxy in the environment must not stand between us and the server
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    model = FakeModel(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield model
    model.release.set()  # a handler kept waiting (the timeout test) finishes
    server.shutdown()
    server.server_close()


@pytest.fixture
def llm_settings(settings, fake_model):
    settings.BIOCAMPUS_EXTRACTOR = "llm"
    settings.BIOCAMPUS_LLM_URL = fake_model.url
    settings.BIOCAMPUS_LLM_MODEL = "test-model"
    settings.BIOCAMPUS_LLM_API_KEY = "sk-test-key"
    settings.BIOCAMPUS_LLM_TIMEOUT = 5
    return settings


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def seed_gold_answer() -> dict:
    """The seed's gold annotation as the model's answer, without the evidence offsets a model cannot know."""
    gold = json.loads((SEED / "icampus-gold.json").read_text(encoding="utf-8"))
    for area in ("relations", "milestones", "events"):
        for item in gold[area]:
            for key in EVIDENCE_KEYS:
                item.pop(key, None)
    return gold


needs_seed = pytest.mark.skipif(
    not (SEED / "icampus-gold.json").is_file(), reason="the seed is not next to this checkout"
)


# (1) the same schema and the same evaluation ------------------------------------------------------------


@needs_seed
def test_extract_eval_with_the_llm_scores_the_gold_answer_perfectly(llm_settings, fake_model, tmp_path):
    folder = tmp_path / "gold" / "seed"
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text((SEED / "icampus-press-release.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "gold.json").write_text((SEED / "icampus-gold.json").read_text(encoding="utf-8"), encoding="utf-8")
    fake_model.answer = seed_gold_answer()
    report = json.loads(run("extract-eval", str(tmp_path / "gold"), "--extractor", "llm", "--format", "json"))
    assert report["extractor"] == {"name": "llm", "version": "test-model"}
    for area in ("organizations", "relations", "milestones"):
        overall = report["overall"][area]
        assert (overall["precision"], overall["recall"], overall["f1"]) == (1.0, 1.0, 1.0), (area, overall)
    assert len(fake_model.requests) == 1
    table = run("extract-eval", str(tmp_path / "gold"), "--extractor", "llm")
    assert "extractor: llm test-model" in table and "overall (micro)" in table


def test_the_checks_keep_every_true_item_of_the_annotated_corpus(llm_settings, fake_model):
    """A model answering each document's gold annotation scores 1.0 everywhere: no true name, alias or evidence
    of the development and held-out sets is mistaken for a hallucination."""
    corpus = ROOT / "biocampus" / "intelligence" / "corpus"
    golds = {
        (folder / "text.txt").read_text(encoding="utf-8"): json.loads(
            (folder / "gold.json").read_text(encoding="utf-8")
        )
        for folder in sorted(p.parent for p in corpus.rglob("gold.json"))
    }

    def answer(body):
        chunk = body["messages"][1]["content"]
        gold = next(gold for text, gold in golds.items() if chunk in text)
        return 200, {}, fake_model.content(json.dumps(gold, ensure_ascii=False))

    fake_model.answer = answer
    report = json.loads(run("extract-eval", str(corpus), "--extractor", "llm", "--format", "json"))
    assert len(report["documents"]) == len(golds) >= 8
    for area in ("organizations", "relations", "milestones"):
        assert report["overall"][area]["f1"] == 1.0, (area, report["overall"][area])


@needs_seed
def test_the_result_has_the_rules_extractors_keys_and_true_offsets(llm_settings, fake_model):
    from biocampus.intelligence.extraction import extract as rules_extract

    text = (SEED / "icampus-press-release.txt").read_text(encoding="utf-8")
    fake_model.answer = seed_gold_answer()
    result = llm.extract(text)
    rules = rules_extract(text)
    assert set(result) == set(rules)
    for area in ("organizations", "relations", "milestones", "events"):
        assert result[area], area
        assert {tuple(sorted(item)) for item in result[area]} == {tuple(sorted(rules[area][0]))}, area
        for item in result[area]:
            assert text[item["evidence_start"] : item["evidence_end"]] == item["evidence"]
    # the organisation's evidence is the sentence that first names it
    teddy = next(o for o in result["organizations"] if o["name"] == "Teddy Lab Services")
    assert teddy["evidence"].startswith("It is the second consecutive year") is False
    assert "Teddy Lab Services" in teddy["evidence"]


@needs_seed
def test_a_long_document_is_read_in_paragraph_chunks_and_merged(llm_settings, fake_model):
    text = (SEED / "icampus-press-release.txt").read_text(encoding="utf-8")
    llm_settings.BIOCAMPUS_LLM_CHUNK_CHARS = 1500
    fake_model.answer = seed_gold_answer()  # the whole gold for every part: merging must not double anything
    reading = llm.read(text)
    assert reading.requests == len(fake_model.requests) >= 4
    chunks = [r["body"]["messages"][1]["content"] for r in fake_model.requests]
    assert all(len(c) <= 1500 for c in chunks)
    assert all(c in text for c in chunks)  # whole paragraphs, as written
    names = [o["name"] for o in reading.result["organizations"]]
    assert len(names) == len(set(names)) == 34
    gold = json.loads((SEED / "icampus-gold.json").read_text(encoding="utf-8"))
    scores = score_document(gold, reading.result)
    assert all(scores[a]["f1"] == 1.0 for a in ("organizations", "relations", "milestones")), scores
    # later parts are told the names the earlier ones gave, so the model keeps to them
    assert (
        "Wuxi International Life Science Innovation Campus" in fake_model.requests[1]["body"]["messages"][0]["content"]
    )


@needs_seed
def test_evidence_retyped_by_the_model_is_found_where_the_text_has_it(llm_settings, fake_model):
    """Models often retype curly quotes as straight ones and reflow spaces: the span is still found, and the
    evidence is the text's own characters."""
    text = (SEED / "icampus-press-release.txt").read_text(encoding="utf-8")
    answer = seed_gold_answer()
    for item in answer["relations"] + answer["milestones"]:
        item["evidence"] = item["evidence"].replace("’", "'").replace(" ", "  ")
    fake_model.answer = answer
    result = llm.extract(text)
    gold = json.loads((SEED / "icampus-gold.json").read_text(encoding="utf-8"))
    scores = score_document(gold, result)
    assert all(scores[a]["f1"] == 1.0 for a in ("organizations", "relations", "milestones")), scores
    assert any("’" in r["evidence"] for r in result["relations"])
    for item in result["relations"] + result["milestones"]:
        assert text[item["evidence_start"] : item["evidence_end"]] == item["evidence"]


# (2) the request -----------------------------------------------------------------------------------------


def test_the_request_carries_the_model_temperature_key_and_text(llm_settings, fake_model):
    fake_model.answer = RELEASE_ANSWER
    result = llm.extract(RELEASE)
    (request,) = fake_model.requests
    body = request["body"]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test-key"
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert system["role"] == "system" and "joined_campus" in system["content"] and "evidence" in system["content"]
    assert user == {"role": "user", "content": RELEASE.strip()}
    # and the answer became the rules' schema, with the vocabulary of ANNOTATION.md
    kinds = {o["name"]: (o["kind"], o["country"]) for o in result["organizations"]}
    assert kinds["Harbourside Incubator"] == ("hub", "GB") and kinds["Quillon Bio"] == ("company", None)
    assert [(r["type"], r["parties"]) for r in result["relations"]] == [
        ("joined_campus", ["Quillon Bio", "Harbourside Incubator"]),
        ("investment", ["Fenwick Ventures", "Marrowgate"]),
    ]
    assert result["relations"][0]["evidence"] in RELEASE  # the text's own spaces, not the model's
    (milestone,) = result["milestones"]
    assert (milestone["kind"], milestone["value"], milestone["unit"]) == ("funding", 2000000, "GBP")
    assert (result["title"], result["date"]) == ("Harbourside Incubator welcomes two start-ups", "2024-06-03")


def test_no_key_no_authorization_header_and_a_full_endpoint_address_is_kept(llm_settings, fake_model):
    llm_settings.BIOCAMPUS_LLM_API_KEY = ""
    llm_settings.BIOCAMPUS_LLM_URL = fake_model.url + "/chat/completions"
    fake_model.answer = RELEASE_ANSWER
    llm.extract(RELEASE)
    (request,) = fake_model.requests
    assert request["path"] == "/v1/chat/completions"
    assert "Authorization" not in request["headers"]


@pytest.mark.parametrize(
    "wrapping", ["```json\n{}\n```", "Here is the JSON you asked for:\n{}\nI hope this helps."], ids=["code", "chat"]
)
def test_an_answer_wrapped_in_words_or_a_code_block_is_read(llm_settings, fake_model, wrapping):
    fake_model.answer = lambda body: (200, {}, fake_model.content(wrapping.format(json.dumps(RELEASE_ANSWER))))
    assert len(llm.extract(RELEASE)["organizations"]) == 4


# (3) never trust the model ----------------------------------------------------------------------------------


def test_what_the_text_does_not_say_is_dropped(llm_settings, fake_model):
    answer = copy.deepcopy(RELEASE_ANSWER)
    answer["organizations"] += [
        {"name": "Globex Pharma", "aliases": [], "kind": "pharma", "country": "US"},  # not in the text
        {"name": "Marrowgate", "aliases": ["Marrow Gate Ltd"], "kind": "company"},  # a second time, a made-up alias
        {"name": "Fenwick", "aliases": [], "kind": "galaxy"},  # in the text, unknown kind
    ]
    answer["relations"] += [
        {"type": "partnership", "parties": ["Quillon Bio", "Marrowgate"], "evidence": "Quillon Bio and Marrowgate "
         "signed a partnership agreement in Leeds."},  # evidence not in the text
        {"type": "acquisition", "parties": ["Globex Pharma", "Marrowgate"],
         "evidence": "Marrowgate raised £2m in a seed round led by Fenwick Ventures."},  # a party not listed
        {"type": "friendship", "parties": ["Quillon Bio", "Marrowgate"],
         "evidence": "Quillon Bio and Marrowgate have joined Harbourside Incubator."},  # unknown type
        {"type": "partnership", "parties": ["Quillon Bio", "Quillon Bio"],
         "evidence": "Quillon Bio and Marrowgate have joined Harbourside Incubator."},  # one party
        {"type": "joined_campus", "parties": ["Marrowgate", "Harbourside Incubator"], "date": "2031-01-05",
         "evidence": "Quillon Bio and Marrowgate have joined Harbourside Incubator."},  # a date the text lacks
    ]  # fmt: skip
    answer["milestones"] += [
        {"org": "Globex Pharma", "kind": "funding", "value": 5, "evidence": "Globex raised $5m."},
        {"org": "Quillon Bio", "kind": "lab_opened", "evidence": "Quillon Bio opened a lab in Leeds."},
    ]
    answer["events"] = [{"name": "BIO International Convention", "date": None, "place": "Boston"}]
    fake_model.answer = answer
    reading = llm.read(RELEASE)
    result = reading.result
    names = [o["name"] for o in result["organizations"]]
    assert names == ["Harbourside Incubator", "Quillon Bio", "Marrowgate", "Fenwick Ventures", "Fenwick"]
    assert next(o for o in result["organizations"] if o["name"] == "Fenwick")["kind"] == "other"
    assert next(o for o in result["organizations"] if o["name"] == "Marrowgate")["aliases"] == []
    assert [(r["type"], r["parties"], r["date"]) for r in result["relations"]] == [
        ("joined_campus", ["Quillon Bio", "Harbourside Incubator"], None),
        ("investment", ["Fenwick Ventures", "Marrowgate"], None),
        ("joined_campus", ["Marrowgate", "Harbourside Incubator"], None),
    ]
    assert len(result["milestones"]) == 1 and result["events"] == []
    reasons = [d["reason"] for d in reading.dropped]
    assert "“Globex Pharma” is not in the text" in reasons
    assert "alias “Marrow Gate Ltd” is not in the text" in reasons
    assert "its evidence is not in the text" in reasons
    assert "party “Globex Pharma” is not an organisation of the result" in reasons
    assert "unknown relation type “friendship”" in reasons
    assert "fewer than two parties" in reasons
    assert "event “BIO International Convention” is not in the text" in reasons
    assert len(reading.dropped) == 9
    for item in result["organizations"] + result["relations"] + result["milestones"]:
        assert RELEASE[item["evidence_start"] : item["evidence_end"]] == item["evidence"]


def test_a_relation_may_name_an_organisation_a_later_part_lists(llm_settings, fake_model):
    llm_settings.BIOCAMPUS_LLM_CHUNK_CHARS = 500
    text = (
        "Acme Bio joined Riverside Science Park.\n\n"
        + "Filler sentence about the weather. " * 20
        + "\n\nRiverside Science Park opened in 2020."
    )
    first = {"organizations": [{"name": "Acme Bio", "kind": "company"}],
             "relations": [{"type": "joined_campus", "parties": ["Acme Bio", "Riverside Science Park"],
                            "evidence": "Acme Bio joined Riverside Science Park."}]}  # fmt: skip
    later = {"organizations": [{"name": "Riverside Science Park", "kind": "science park"}]}
    fake_model.answer = lambda body: (
        200,
        {},
        fake_model.content(json.dumps(first if len(fake_model.requests) == 1 else later)),
    )
    result = llm.extract(text)
    assert len(fake_model.requests) == 3
    assert [(r["type"], r["parties"]) for r in result["relations"]] == [
        ("joined_campus", ["Acme Bio", "Riverside Science Park"])
    ]
    assert result["organizations"][1]["kind"] == "campus"


def test_an_empty_text_asks_nothing(llm_settings, fake_model):
    assert llm.extract("  \n\n ")["organizations"] == [] and llm.extract(None)["relations"] == []
    assert fake_model.requests == []


@pytest.mark.parametrize(
    ("written", "value"),
    [(12, 12), (2.5, 2.5), ("more than 470", 470), ("2.5 billion yuan", 2500000000), ("£2m", 2000000),
     ("1,200 hospitals", 1200), ("120 m2", 120), ("undisclosed", None), (True, None), (None, None)],
)  # fmt: skip
def test_values_become_plain_numbers(written, value):
    assert llm._number(written) == value


def test_answers_of_the_wrong_shape_give_an_empty_result_not_an_error(llm_settings, fake_model):
    fake_model.answer = {"organizations": "Acme", "relations": [1, None], "milestones": None}
    reading = llm.read(RELEASE)
    assert reading.result["organizations"] == reading.result["relations"] == []
    assert {d["reason"] for d in reading.dropped} == {"“organizations” is not a list", "not an object"}


# (4) failures are clear, and nothing is half-written -------------------------------------------------------


def _error_answer(status: int, message: str = "model exploded"):
    return lambda body: (status, {}, json.dumps({"error": {"message": message}}).encode())


def _not_json(body):
    return 200, {}, b"<html>Welcome to nginx</html>"


def _free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # closed again: nothing listens there


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("down", "cannot be reached"),
        ("500", "answered with an error (HTTP 500: model exploded)"),
        ("401", "Check BIOCAMPUS_LLM_API_KEY"),
        ("404", "Check BIOCAMPUS_LLM_URL and BIOCAMPUS_LLM_MODEL"),
        ("timeout", "did not answer within 0.5 seconds"),
        ("not json", "did not answer in the expected form"),
        ("content not json", "answered with text that is not JSON"),
        ("content a list", "JSON that is not an object"),
    ],
)
def test_failures_raise_one_clear_error(llm_settings, fake_model, case, message):
    if case == "down":
        llm_settings.BIOCAMPUS_LLM_URL = _free_port_url()
    elif case in ("500", "401", "404"):
        fake_model.answer = _error_answer(int(case))
    elif case == "timeout":
        llm_settings.BIOCAMPUS_LLM_TIMEOUT = 0.5

        def slow(body):
            fake_model.release.wait(10)  # released when the test ends
            return 200, {}, fake_model.content("{}")

        fake_model.answer = slow
    elif case == "not json":
        fake_model.answer = _not_json
    elif case == "content not json":
        fake_model.answer = lambda body: (200, {}, fake_model.content("Sure! Here are the organisations: Acme."))
    else:
        fake_model.answer = lambda body: (200, {}, fake_model.content("[1, 2]"))
    with pytest.raises(llm.LlmError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        llm.extract(RELEASE)
    assert "sk-test-key" not in str(error.value)


def test_a_busy_server_is_asked_again(llm_settings, fake_model):
    answers = iter([(503, {"Retry-After": "0"}, b"{}"), (200, {}, fake_model.content(json.dumps(RELEASE_ANSWER)))])
    fake_model.answer = lambda body: next(answers)
    assert len(llm.extract(RELEASE)["organizations"]) == 4
    assert len(fake_model.requests) == 2


def test_a_server_without_the_json_mode_is_asked_without_it(llm_settings, fake_model):
    def answer(body):
        if "response_format" in body:
            return 400, {}, json.dumps({"error": "'response_format.type' must be 'json_schema'"}).encode()
        return 200, {}, fake_model.content(json.dumps(RELEASE_ANSWER))

    fake_model.answer = answer
    assert len(llm.extract(RELEASE)["organizations"]) == 4
    assert ["response_format" in r["body"] for r in fake_model.requests] == [True, False]


def test_a_failed_extraction_is_recorded_on_the_document_and_proposes_nothing(
    llm_settings, fake_model, users, campus_a
):
    fake_model.answer = _error_answer(500)
    result = services.ingest_text(actor=users.campus_staff, text=RELEASE, campus=campus_a)
    document = result.document
    assert result.outcome == "new"
    assert document.status == DocumentStatus.FAILED
    assert "The language model at" in document.failure and "HTTP 500" in document.failure
    assert ProposedFact.objects.count() == 0
    # once the model answers, extracting again proposes its facts and records the model as the version
    fake_model.answer = RELEASE_ANSWER
    document = services.extract_document(actor=users.campus_staff, document=document)
    assert (document.status, document.failure) == (DocumentStatus.EXTRACTED, "")
    assert (document.extractor, document.extractor_version) == ("llm", "test-model")
    facts = list(document.facts.all())
    assert len(facts) == 4 + 2 + 1
    for fact in facts:
        assert document.text[fact.evidence_start : fact.evidence_end] == fact.evidence


def test_a_batch_goes_on_when_the_model_fails_on_one_document(llm_settings, fake_model, users, campus_a):
    def answer(body):
        if "Acme Bio" in body["messages"][1]["content"]:
            return 500, {}, b"{}"
        return 200, {}, fake_model.content(json.dumps(RELEASE_ANSWER))

    fake_model.answer = answer
    run = services.ingest_run_queue(
        actor=users.campus_staff,
        campus=campus_a,
        documents=[{"name": "a.txt", "title": "", "text": "Acme Bio joined Riverside Park."},
                   {"name": "b.txt", "title": "", "text": RELEASE}],
    )  # fmt: skip
    done = services.ingest_run_execute(run.pk)
    assert [line["outcome"] for line in done.results] == ["new", "new"]
    first, second = (SourceDocument.objects.get(file_name=name) for name in ("a.txt", "b.txt"))
    assert first.status == DocumentStatus.FAILED and "HTTP 500" in first.failure and not first.facts.exists()
    assert second.status == DocumentStatus.EXTRACTED and second.facts.count() == 7


def test_an_unconfigured_model_is_recorded_on_the_document(settings, users, campus_a):
    settings.BIOCAMPUS_EXTRACTOR = "llm"
    settings.BIOCAMPUS_LLM_URL = ""
    document = services.ingest_text(actor=users.campus_staff, text=RELEASE, campus=campus_a).document
    assert document.status == DocumentStatus.FAILED and "set BIOCAMPUS_LLM_URL" in document.failure
    assert ProposedFact.objects.count() == 0 and SourceDocument.objects.count() == 1


def test_the_commands_turn_failures_into_clear_command_errors(settings, fake_model, tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    settings.BIOCAMPUS_LLM_URL = ""
    with pytest.raises(CommandError, match="No language model is configured"):
        run("extract", str(path), "--extractor", "llm")
    settings.BIOCAMPUS_LLM_URL, settings.BIOCAMPUS_LLM_MODEL = fake_model.url, "test-model"
    fake_model.answer = _error_answer(500)
    with pytest.raises(CommandError, match="HTTP 500"):
        run("extract", str(path), "--extractor", "llm")
    settings.BIOCAMPUS_LLM_URL = "file:///etc/passwd"
    with pytest.raises(CommandError, match="must be an http:// or https:// address"):
        run("extract", str(path), "--extractor", "llm")
    settings.BIOCAMPUS_LLM_URL = fake_model.url
    fake_model.answer = RELEASE_ANSWER
    out = run("extract", str(path), "--extractor", "llm", "--format", "text")
    assert "joined_campus: Quillon Bio | Harbourside Incubator" in out


# (5) the default never touches the network -----------------------------------------------------------------


def test_the_default_extractor_is_the_rules_and_never_calls_the_model(settings, fake_model, users, campus_a, tmp_path):
    from biocampus.intelligence import extraction

    assert settings.BIOCAMPUS_EXTRACTOR == "rules"
    settings.BIOCAMPUS_LLM_URL, settings.BIOCAMPUS_LLM_MODEL = fake_model.url, "test-model"  # set, yet unused
    extract, name, version = services.extractor_named()
    assert (extract, name, version) == (extraction.extract, "rules", extraction.__version__)
    document = services.ingest_text(actor=users.campus_staff, text=RELEASE, campus=campus_a).document
    assert document.extractor == "rules" and document.status == DocumentStatus.EXTRACTED
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    assert json.loads(run("extract", str(path)))["organizations"]
    assert fake_model.requests == []


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"BIOCAMPUS_EXTRACTOR": "llm"}, "BIOCAMPUS_EXTRACTOR=llm needs BIOCAMPUS_LLM_URL"),
        ({"BIOCAMPUS_EXTRACTOR": "gpt"}, "BIOCAMPUS_EXTRACTOR must be rules or llm"),
        (
            {
                "BIOCAMPUS_EXTRACTOR": "llm",
                "BIOCAMPUS_LLM_URL": "http://localhost:11434/v1",
                "BIOCAMPUS_LLM_MODEL": "qwen2.5:7b",
            },
            None,
        ),
    ],  # fmt: skip
)
def test_the_settings_refuse_an_llm_without_an_endpoint_at_startup(environment, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIOCAMPUS_LLM") and k != "BIOCAMPUS_EXTRACTOR"}
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", "import config.settings.base as s; print(s.BIOCAMPUS_EXTRACTOR)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if message is None:
        assert done.returncode == 0 and done.stdout.strip() == "llm", done.stderr
    else:
        assert done.returncode != 0 and message in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_model_is_asked_after_the_document_is_committed(llm_settings, fake_model, users, campus_a):
    """A model may take a minute: the document's write transaction has ended by then (on SQLite an open one
    would keep every other writer waiting). Seen from the server's thread, with a connection of its own."""
    from django.db import connection

    seen = []

    def answer(body):
        try:
            seen.append(SourceDocument.objects.filter(title="Committed first").exists())
        finally:
            connection.close()  # this thread's own connection
        return 200, {}, fake_model.content(json.dumps(RELEASE_ANSWER))

    fake_model.answer = answer
    result = services.ingest_text(actor=users.campus_staff, text=RELEASE, title="Committed first", campus=campus_a)
    assert seen == [True]
    assert result.document.status == DocumentStatus.EXTRACTED
