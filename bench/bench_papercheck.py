"""Paper-check benchmark: accuracy and speed on generated, damaged pages (one core).

    .venv/bin/python bench/bench_papercheck.py --per-type 10 --seed 1

Generates a seeded set of pages of every type with scanner and phone-photo damage (and some
torn/partial pages), runs the check on each page as a JPEG file in memory, and prints per-type
precision and recall, military-page recall and precision, and seconds per page (check only,
generation excluded). Targets (DESIGN.md): military recall >= 0.99, precision >= 0.95,
<= 2 s per page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections import Counter

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from recruitwatch.papercheck import MILITARY_TYPES, PAGE_TYPES, PaperChecker

# the synthetic page generator lives with the tests, outside the runtime package
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))
from papergen import generate_pages


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-type", type=int, default=10, help="pages per type and damage kind (default 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--damage", default="scan,photo", help="comma-separated: clean, scan, photo")
    ap.add_argument("--partial", type=float, default=0.15, help="share of pages torn or cut off (default 0.15)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--errors", action="store_true", help="list misclassified pages")
    args = ap.parse_args(argv)
    pin_to_one_core()

    checker = PaperChecker()
    _ = checker.ocr  # start Tesseract before timing
    gold: list[str] = []
    pred: list[str] = []
    wrong: list[tuple[str, str, str, int]] = []
    seconds = 0.0
    kinds = tuple(args.damage.split(","))
    for page in generate_pages(seed=args.seed, per_type=args.per_type, damage=kinds, partial_share=args.partial):
        buffer = io.BytesIO()
        page.image.save(buffer, "JPEG", quality=85)
        data = buffer.getvalue()
        start = time.process_time()
        result = checker.check_file(f"{page.type}-{page.damage}-{page.index}.jpg", data)
        seconds += time.process_time() - start
        got = result.pages[0].type if result.ok and result.pages else "error"
        gold.append(page.type)
        pred.append(got)
        if got != page.type:
            wrong.append((page.type, got, page.damage, page.index))
    checker.close()

    n = len(gold)
    rows = {}
    for t in PAGE_TYPES:
        tp = sum(g == t and p == t for g, p in zip(gold, pred))
        fp = sum(g != t and p == t for g, p in zip(gold, pred))
        fn = sum(g == t and p != t for g, p in zip(gold, pred))
        rows[t] = {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
                   "support": tp + fn}
    gm = [g in MILITARY_TYPES for g in gold]
    pm = [p in MILITARY_TYPES for p in pred]
    tp = sum(a and b for a, b in zip(gm, pm))
    fp = sum(b and not a for a, b in zip(gm, pm))
    fn = sum(a and not b for a, b in zip(gm, pm))
    summary = {
        "pages": n, "seed": args.seed, "damage": kinds, "partial_share": args.partial,
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / n,
        "military_recall": tp / (tp + fn) if tp + fn else 1.0,
        "military_precision": tp / (tp + fp) if tp + fp else 1.0,
        "seconds_per_page": seconds / n,
        "per_type": rows,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{n} pages, seed {args.seed}, damage {','.join(kinds)}, partial {args.partial:.0%}, one core (CPU time)")
        print(f"{'type':32} {'prec':>6} {'recall':>6} {'n':>4}")
        for t, r in rows.items():
            print(f"{t:32} {r['precision']:6.3f} {r['recall']:6.3f} {r['support']:4d}")
        print(f"accuracy {summary['accuracy']:.3f}")
        print(f"military pages: recall {summary['military_recall']:.3f}  precision {summary['military_precision']:.3f}")
        print(f"seconds per page: {summary['seconds_per_page']:.2f}")
    if args.errors:
        for g, p, d, i in wrong:
            print(f"  {g} -> {p} ({d} #{i})", file=sys.stderr)
        print(Counter((g, p) for g, p, _, _ in wrong).most_common(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
