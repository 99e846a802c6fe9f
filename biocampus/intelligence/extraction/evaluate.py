"""Scores an extractor against annotated folders (each holding text.txt and gold.json, ANNOTATION.md).

Organisations match by name or alias (case, spaces and a leading "the" ignored); relations by type and party set
(parties matched to gold organisations through their names and aliases); milestones by (organisation, kind,
value). Precision, recall and F1 per document and overall (micro: counts summed over documents)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from .names import fold

AREAS = ("organizations", "relations", "milestones")


def gold_folders(root: str | Path) -> list[Path]:
    root = Path(root)
    if (root / "text.txt").is_file() and (root / "gold.json").is_file():
        return [root]
    return sorted(p.parent for p in root.rglob("gold.json") if (p.parent / "text.txt").is_file())


def _key(name: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", fold(name or ""))


class _Resolver:
    """Maps any surface form to one canonical gold organisation (or to itself when gold does not know it)."""

    def __init__(self, gold_orgs: list[dict]):
        self.canonical: dict[str, str] = {}
        for o in gold_orgs:
            canon = _key(o["name"])
            for form in [o["name"], *(o.get("aliases") or [])]:
                self.canonical.setdefault(_key(form), canon)

    def __call__(self, name: str, aliases: list[str] | None = None) -> str:
        for form in [name, *(aliases or [])]:
            k = _key(form)
            if k in self.canonical:
                return self.canonical[k]
        return "?" + _key(name)


def _value(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return int(f) if f.is_integer() else round(f, 6)


def score_document(gold: dict, predicted: dict) -> dict:
    resolve = _Resolver(gold.get("organizations") or [])
    predicted_orgs = predicted.get("organizations") or []
    alias_of = {o["name"]: o.get("aliases") or [] for o in predicted_orgs}

    def org(name: str) -> str:
        return resolve(name, alias_of.get(name))

    gold_sets = {
        "organizations": {_key(o["name"]) for o in gold.get("organizations") or []},
        "relations": {(r["type"], frozenset(resolve(p) for p in r["parties"])) for r in gold.get("relations") or []},
        "milestones": {(resolve(m["org"]), m["kind"], _value(m.get("value"))) for m in gold.get("milestones") or []},
    }
    predicted_sets = {
        "organizations": {
            org(o["name"]).lstrip("?") if not org(o["name"]).startswith("?") else org(o["name"]) for o in predicted_orgs
        },
        "relations": {(r["type"], frozenset(org(p) for p in r["parties"])) for r in predicted.get("relations") or []},
        "milestones": {(org(m["org"]), m["kind"], _value(m.get("value"))) for m in predicted.get("milestones") or []},
    }
    out = {}
    for area in AREAS:
        g, p = gold_sets[area], predicted_sets[area]
        tp = len(g & p)
        out[area] = {
            "tp": tp,
            "fp": len(p - g),
            "fn": len(g - p),
            **_prf(tp, len(p) - tp, len(g) - tp),
            "missed": sorted(map(str, g - p)),
            "spurious": sorted(map(str, p - g)),
        }
    return out


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(root: str | Path, extractor: Callable[[str], dict] | None = None) -> dict:
    """{"documents": [{"name", area: {...}}], "overall": {area: {tp, fp, fn, precision, recall, f1}}}."""
    if extractor is None:
        from . import extract as extractor
    documents = []
    totals = {area: {"tp": 0, "fp": 0, "fn": 0} for area in AREAS}
    for folder in gold_folders(root):
        text = (folder / "text.txt").read_text(encoding="utf-8")
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        scores = score_document(gold, extractor(text))
        documents.append({"name": folder.name, "path": str(folder), **scores})
        for area in AREAS:
            for k in ("tp", "fp", "fn"):
                totals[area][k] += scores[area][k]
    overall = {
        area: {**totals[area], **_prf(totals[area]["tp"], totals[area]["fp"], totals[area]["fn"])} for area in AREAS
    }
    return {"documents": documents, "overall": overall}
