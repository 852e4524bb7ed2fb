"""Is extraction unchanged? Write every prediction in full, then diff two such runs.

    .venv/bin/python bench/compare_extraction.py write OUT.jsonl [--long 1,2] [--corpus 600]
    .venv/bin/python bench/compare_extraction.py diff BEFORE.jsonl AFTER.jsonl

``write`` analyses (screening and extraction, ``pipeline.analyse``) the long texts of
``bench/bench_long_document.py`` (dense single line and paragraphs, at the sizes of ``--long``
in MB) and a fixed sample of gold documents (``--corpus`` of them, every n-th line of the
development corpus ``../shared/corpus`` when it is there and of ``corpus/``), and writes one JSON
line per document: its language, relevance, reasons and every incident with every field, every
evidence span and every confidence. ``diff`` says which documents differ, and how; it exits 1 when
any does. Run ``write`` before and after a change meant to be invisible (a speed-up), from the
same inputs, and ``diff`` the two files. To get the "before" of a change already made, run
``write`` with ``PYTHONPATH`` pointing at an unpacked copy of the earlier commit's ``src/``
(``git archive COMMIT src | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _gold_files() -> list[Path]:
    shared = ROOT.parent / "shared" / "corpus"
    for candidate in (shared, Path("/work/shared/corpus")):
        if candidate.is_dir():
            shared = candidate
            break
    files = sorted(shared.glob("dev/*.jsonl")) + sorted(shared.glob("seed/*.jsonl")) if shared.is_dir() else []
    return files + sorted((ROOT / "corpus").rglob("*.jsonl"))


def _documents(corpus: int):
    from recruitwatch.records import Document

    rows = []
    for path in _gold_files():
        for number, line in enumerate(path.open(encoding="utf-8"), 1):
            if line.strip():
                rows.append((path, number, line))
    step = max(1, len(rows) // corpus) if corpus else 0
    picked = rows[::step][:corpus] if corpus else []
    for path, number, line in picked:
        row = json.loads(line)
        yield Document(id=str(row["id"]), origin=f"{path.name}#{number}", text=row["text"], lang=row.get("lang"),
                       title=row.get("title"), published=row.get("published"), url=row.get("url"))


def _long_documents(sizes: list[float]):
    from bench_long_document import make

    from recruitwatch.records import Document

    for mb in sizes:
        for single in (True, False):
            text = make(int(mb * 1_000_000), single, 0.3)
            yield Document(id=f"long-{mb}-{'line' if single else 'paragraphs'}", origin="bench", text=text,
                           published="2024-05-01")


def write(out: Path, sizes: list[float], corpus: int) -> None:
    from recruitwatch.pipeline import analyse

    with out.open("w", encoding="utf-8") as handle:
        for doc in [*_documents(corpus), *_long_documents(sizes)]:
            start = time.perf_counter()
            result = analyse(doc)
            d = result.document
            row = {"id": doc.id, "origin": doc.origin, "lang": d.lang, "relevance": d.relevance, "relevant": d.relevant,
                   "reasons": d.reasons, "incidents": [i.to_dict() for i in result.incidents]}
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            if len(doc.text) > 100_000:
                print(f"{doc.id}: {time.perf_counter() - start:.1f} s, {len(result.incidents)} incidents", flush=True)


def diff(before: Path, after: Path) -> int:
    def load(path: Path) -> dict[str, dict]:
        return {(r := json.loads(line))["origin"] + "|" + r["id"]: r for line in path.open(encoding="utf-8")}

    a, b = load(before), load(after)
    bad = 0
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            bad += 1
            if bad <= 20:
                print(f"DIFFERS: {key}")
                x, y = a.get(key) or {}, b.get(key) or {}
                for field in sorted(set(x) | set(y)):
                    if x.get(field) != y.get(field):
                        print(f"  {field}: {json.dumps(x.get(field), ensure_ascii=False)[:300]}")
                        print(f"  {' ' * len(field)}  {json.dumps(y.get(field), ensure_ascii=False)[:300]}")
    incidents = sum(len(r["incidents"]) for r in a.values())
    print(f"{len(a)} / {len(b)} documents, {incidents} incidents before; {bad} differ")
    return 1 if bad or set(a) != set(b) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("--long", default="1,2", help="sizes in MB of the long texts (both variants); '' for none")
    w.add_argument("--corpus", type=int, default=1000, help="gold documents to sample (a large number: all)")
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, [float(s) for s in args.long.split(",") if s], args.corpus)
    else:
        sys.exit(diff(args.before, args.after))


if __name__ == "__main__":
    main()
