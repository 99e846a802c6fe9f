"""Throughput of `extract()` on one core: `python -m biocampus.intelligence.extraction.benchmark [SECONDS]`.

Documents are the annotated releases of `corpus/`, each extended with the next one's paragraphs to about 500
words (the size the issue's goal speaks of). Prints documents per second and, because this machine is shared,
the time of a fixed pure-Python loop measured just before, so that numbers taken under different loads compare.
Times are the process's CPU time (time.process_time): on a shared machine, waiting for a core is not counted,
which is what "documents per second on one core" means."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import extract

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def documents(words: int = 500) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("text.txt"))]
    out = []
    for i, text in enumerate(texts):
        doc = text
        j = i + 1
        while len(doc.split()) < words and texts:
            doc += "\n\n" + texts[j % len(texts)]
            j += 1
        out.append(" ".join(doc.split(" ")[: words + 40]))
    return out


def baseline() -> float:
    """Seconds for 10 million additions in a Python loop (about 0.4 s on an idle modern core)."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def run(seconds: float = 10.0) -> dict:
    docs = documents()
    for d in docs:
        extract(d)  # warm up: compiled patterns are module-level, nothing else is cached
    loop = baseline()
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for d in docs:
            extract(d)
            count += 1
    elapsed = time.process_time() - start
    words = sum(len(d.split()) for d in docs) / len(docs)
    return {
        "documents_per_second": round(count / elapsed, 1),
        "ms_per_document": round(elapsed / count * 1000, 2),
        "mean_words": round(words),
        "baseline_loop_seconds": round(loop, 2),
    }


if __name__ == "__main__":  # pragma: no cover - a measuring tool
    result = run(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
