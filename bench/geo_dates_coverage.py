"""How well place, nationality and date mentions cover a gold corpus (no corpus text is stored).

    .venv/bin/python bench/geo_dates_coverage.py [corpus.jsonl ...] [-v]

Default corpus: ../shared/corpus/dev/*.jsonl and ../shared/corpus/seed/seed.jsonl.
For every relevant document it compares the set of gold codes (union over incidents) with the
set of codes of *all* mentions found in the text (an upper bound for the assembler):

* coverage (recall): gold codes some mention supports. A mention more specific than a gold
  country (``RU-MOW`` for ``RU``) supports it; a date mention supports a gold date when it
  agrees to the gold's precision (``2022-09-29`` supports ``2022-09``);
* spurious: mention codes that support no gold code of the document.

It also times find_* per document after warm-up.
"""

from __future__ import annotations

import glob
import json
import sys
import time
from pathlib import Path

from recruitwatch.extract.dates import find_dates
from recruitwatch.extract.nationalities import find_nationalities
from recruitwatch.extract.places import find_places

ROOT = Path(__file__).resolve().parents[1]


def _place_ok(pred: str, gold: str) -> bool:
    return pred == gold or (len(gold) == 2 and pred.split("-")[0] == gold)


def _date_ok(pred: str, gold: str) -> bool:
    return pred[: len(gold)] == gold


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if not a.startswith("-")]
    if not paths:
        shared = ROOT.parent / "shared" / "corpus"
        paths = sorted(glob.glob(str(shared / "dev" / "*.jsonl"))) + [str(shared / "seed" / "seed.jsonl")]
    docs = [json.loads(line) for p in paths for line in open(p, encoding="utf-8") if line.strip()]
    fields = {
        "places": (lambda d: {m.value for m in find_places(d["text"], d["lang"]) if m.kind == "place"}, _place_ok),
        "places+adj": (lambda d: {m.value for m in find_places(d["text"], d["lang"])}, _place_ok),
        "nationalities": (lambda d: {m.value for m in find_nationalities(d["text"], d["lang"])}, lambda p, g: p == g),
        "dates": (lambda d: {m.value for m in find_dates(d["text"], d["lang"], d.get("published"))}, _date_ok),
    }
    gold_key = {"places": "places", "places+adj": "places", "nationalities": "nationalities", "dates": "date"}
    for d in docs:  # warm-up
        for fn, _ in fields.values():
            fn(d)
    relevant = [d for d in docs if d.get("relevant")]
    for name, (fn, ok) in fields.items():
        hit = total = spurious = npred = 0
        t0 = time.perf_counter()
        for d in relevant:
            pred = fn(d)
            gold: set[str] = set()
            for inc in d["incidents"]:
                v = inc.get(gold_key[name])
                if isinstance(v, list):
                    gold.update(v)
                elif v:
                    gold.add(v)
            covered = {g for g in gold if any(ok(p, g) for p in pred)}
            extra = {p for p in pred if not any(ok(p, g) for g in gold)}
            hit += len(covered)
            total += len(gold)
            spurious += len(extra)
            npred += len(pred)
            if verbose and (gold - covered or extra):
                print(f"  {name:13} {d['id']:12} missed={sorted(gold - covered)} spurious={sorted(extra)}")
        ms = (time.perf_counter() - t0) * 1000 / max(1, len(relevant))
        print(f"{name:13} coverage {hit}/{total} = {hit / max(1, total):.2f}   spurious {spurious}/{npred} predicted"
              f"   {ms:.2f} ms/doc")
    chars = sum(len(d["text"]) for d in relevant) / max(1, len(relevant))
    print(f"{len(relevant)} relevant documents, {chars:.0f} characters on average")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
