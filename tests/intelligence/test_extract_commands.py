"""The extract and extract-eval commands, on files written by the test."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

RELEASE = (
    "Harbourside Incubator welcomes two start-ups\n\n"
    "LEEDS, England, 3 June 2024 -- Harbourside Incubator announced that Quillon Bio and Marrowgate have joined "
    "Harbourside Incubator. Marrowgate raised £2m in a seed round led by Fenwick Ventures.\n"
)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_extract_prints_json_with_evidence_offsets(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    result = json.loads(run("extract", str(path), "--format", "json"))
    assert result["title"] == "Harbourside Incubator welcomes two start-ups"
    assert result["date"] == "2024-06-03"
    names = {o["name"] for o in result["organizations"]}
    assert {"Harbourside Incubator", "Quillon Bio", "Marrowgate", "Fenwick Ventures"} <= names
    assert ("investment", ["Fenwick Ventures", "Marrowgate"]) in [
        (r["type"], r["parties"]) for r in result["relations"]
    ]
    for item in result["organizations"] + result["relations"] + result["milestones"]:
        assert RELEASE[item["evidence_start"] : item["evidence_end"]] == item["evidence"]


def test_extract_text_format(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    out = run("extract", str(path), "--format", "text")
    assert "joined_campus: Quillon Bio | Harbourside Incubator" in out


def test_extract_reads_html_through_the_readers(tmp_path):
    path = tmp_path / "release.html"
    path.write_text(
        "<html><head><title>T</title><script>Evil Corp joined Bad Park</script></head><body><p>"
        "Quillon Bio joined Harbourside Incubator.</p></body></html>",
        encoding="utf-8",
    )
    result = json.loads(run("extract", str(path)))
    names = {o["name"] for o in result["organizations"]}
    assert names == {"Quillon Bio", "Harbourside Incubator"}


def test_extract_refuses_a_missing_file_and_a_bad_format(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("extract", str(tmp_path / "nope.txt"))
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    with pytest.raises(CommandError, match="Unknown format"):
        run("extract", str(path), "--format", "xml")


def _gold_dir(tmp_path, gold: dict):
    doc = tmp_path / "gold" / "harbourside"
    doc.mkdir(parents=True)
    (doc / "text.txt").write_text(RELEASE, encoding="utf-8")
    (doc / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path / "gold"


def test_extract_eval_scores_a_known_gold(tmp_path):
    # Gold: 4 organisations of which the extractor finds all (plus none else) and one it cannot find
    # ("Absent Ltd" is not in the text): organisations P = 1.0, R = 0.8.
    gold = {
        "organizations": [
            {"name": "Harbourside Incubator", "aliases": []},
            {"name": "Quillon Bio", "aliases": []},
            {"name": "the Marrowgate", "aliases": []},  # "the" and case do not matter
            {"name": "Fenwick Ventures", "aliases": []},
            {"name": "Absent Ltd", "aliases": []},
        ],
        "relations": [
            {"type": "joined_campus", "parties": ["Quillon Bio", "Harbourside Incubator"]},
            {"type": "investment", "parties": ["Fenwick Ventures", "Marrowgate"]},
        ],
        "milestones": [{"org": "Marrowgate", "kind": "funding", "value": 2000000}],
    }
    root = _gold_dir(tmp_path, gold)
    report = json.loads(run("extract-eval", str(root), "--format", "json"))
    orgs = report["overall"]["organizations"]
    assert (orgs["tp"], orgs["fn"], orgs["fp"]) == (4, 1, 0)
    assert orgs["precision"] == 1.0 and orgs["recall"] == 0.8
    assert report["overall"]["milestones"]["tp"] == 1
    assert report["documents"][0]["name"] == "harbourside"
    table = run("extract-eval", str(root / "harbourside"))  # one document folder works too
    assert "overall (micro)" in table and "harbourside" in table


def test_extract_eval_refuses_a_folder_without_gold(tmp_path):
    with pytest.raises(CommandError, match="No annotated documents"):
        run("extract-eval", str(tmp_path))
