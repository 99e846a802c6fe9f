"""Regression floors: the extractor's scores on the seed, the development set and the held-out set (written and
annotated before any rule; never tuned on) must not fall below these, a little under what was measured."""

from pathlib import Path

import pytest

from biocampus.intelligence.extraction.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "biocampus" / "intelligence" / "corpus"
SEED = ROOT.parent / "shared" / "seed"

# measured (organisations, relations, milestones F1): held-out 0.88 / 0.80 / 0.75, dev 0.98 / 0.97 / 0.85,
# seed 1.00 / 1.00 / 1.00 — see docs/intelligence-extraction.md.
FLOORS = {
    "heldout": (0.84, 0.74, 0.70),
    "dev": (0.94, 0.90, 0.80),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corpus_floor(name):
    report = evaluate(CORPUS / name)
    assert len(report["documents"]) >= 4
    floor = FLOORS[name]
    got = tuple(report["overall"][a]["f1"] for a in ("organizations", "relations", "milestones"))
    assert all(g >= f for g, f in zip(got, floor, strict=True)), got


def test_seed_floor(tmp_path):
    if not (SEED / "icampus-gold.json").is_file():
        pytest.skip("the seed is not next to this checkout")
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / "text.txt").write_text((SEED / "icampus-press-release.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "gold.json").write_text((SEED / "icampus-gold.json").read_text(encoding="utf-8"), encoding="utf-8")
    report = evaluate(folder)
    got = tuple(report["overall"][a]["f1"] for a in ("organizations", "relations", "milestones"))
    assert all(g >= 0.95 for g in got), got
