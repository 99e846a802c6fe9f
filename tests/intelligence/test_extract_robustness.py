"""Hostile input never breaks the extractor, and every evidence offset points at its evidence."""

import json
import time
from pathlib import Path

import pytest

from biocampus.intelligence.extraction import extract

CORPUS = Path(__file__).resolve().parents[2] / "biocampus" / "intelligence" / "corpus"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "icampus-press-release.txt"
KEYS = {"id", "source", "title", "date", "organizations", "relations", "milestones", "events"}


def corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("text.txt"))]
    if SEED.is_file():
        texts.append(SEED.read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "\x00" * 100,
        "Acme\x00 Therapeutics\x00 signed an MOU with Beta University.\x00",
        bytes(range(256)).decode("latin-1") * 50,
        "\ufffd\ufffd\ufffd garbage \ud7ff",
        "<html><head><script>var x = 'Evil Corp signed with Bad University';</script><style>.a{}</style></head>"
        "<body><p>Acme Therapeutics signed an MOU with Beta University.</p><!-- Hidden Ventures --></body></html>",
        "A" * 100_000,
        ("Co. " * 20000),
        "University of " * 5000,
        "(" * 10000 + ")" * 10000,
        "1, " * 30000 + "companies",
    ],
)
def test_hostile_input_gives_a_well_formed_result(text):
    result = extract(text)
    assert set(result) == KEYS
    json.dumps(result)  # serialisable
    _check_offsets(text, result)


@pytest.mark.parametrize("value", [None, 5, 3.2, ["list"], {"a": 1}, b"Acme Therapeutics joined Harbour Campus."])
def test_non_text_input_gives_an_empty_or_decoded_result(value):
    result = extract(value)
    assert set(result) == KEYS


def test_html_scripts_and_comments_yield_nothing():
    result = extract(
        "<script>Evil Corp signed an MOU with Bad University.</script><p>Acme Therapeutics signed an MOU with "
        "Beta University.</p><!-- Hidden Ventures joined Harbour Campus -->"
    )
    names = {o["name"] for o in result["organizations"]}
    assert names == {"Acme Therapeutics", "Beta University"}


def test_five_megabytes_finish_quickly_and_return_a_partial_result():
    text = "Acme Therapeutics signed an MOU with Beta University. " * 100_000  # ~5.3 MB
    assert len(text) > 5_000_000
    start = time.perf_counter()
    result = extract(text)
    elapsed = time.perf_counter() - start
    assert {o["name"] for o in result["organizations"]} == {"Acme Therapeutics", "Beta University"}
    assert elapsed < 60  # generous: a guard against quadratic blow-ups, not a speed claim


def _check_offsets(text: str, result: dict) -> None:
    for area in ("organizations", "relations", "milestones", "events"):
        for item in result[area]:
            start, end = item["evidence_start"], item["evidence_end"]
            assert 0 <= start <= end <= len(text)
            assert text[start:end] == item["evidence"]


@pytest.mark.parametrize("index", range(len(corpus_texts())))
def test_offsets_invariant_on_every_annotated_text(index):
    text = corpus_texts()[index]
    result = extract(text)
    assert result["organizations"]
    _check_offsets(text, result)
    names = {o["name"] for o in result["organizations"]}
    for r in result["relations"]:
        assert set(r["parties"]) <= names and len(r["parties"]) >= 2
    for m in result["milestones"]:
        assert m["org"] in names
    events = {e["name"] for e in result["events"]}
    for r in result["relations"]:
        assert r["event"] is None or r["event"] in events


def test_extract_is_a_pure_function():
    text = corpus_texts()[0]
    assert extract(text) == extract(text)
    assert extract(text, title="T", source="https://example.org/a")["source"] == "https://example.org/a"
    assert extract(text, title="T")["title"] == "T"
