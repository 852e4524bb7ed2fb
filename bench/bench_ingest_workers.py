"""`recruitwatch ingest --workers 1` against `--workers 2` on a folder of generated news files.

    .venv/bin/python bench/bench_ingest_workers.py [--files 2000] [--rounds 3] [--db-url URL]

Writes the bench/newsgen stream (about 1% relevant) as one ``.txt`` file per document, then runs
the installed command on the folder into a fresh SQLite store (or, with ``--db-url``, a
PostgreSQL database emptied before each run), alternating 1 and 2 workers round by round so
that noise from other processes on the machine hits both alike. Prints documents/s for each run,
the medians and the ratio (2 workers / 1 worker). Target (issue 11): ratio >= 1.7 on 20,000 files
(``--files 20000``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream


def run(command: str, folder: Path, db: str, workers: int) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([command, "ingest", str(folder), "--db", db, "--workers", str(workers), "--json"],
                          check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db-url", help="a PostgreSQL URL to use instead of a fresh SQLite file (it is emptied)")
    args = parser.parse_args()
    command = shutil.which("recruitwatch", path=str(Path(sys.executable).parent)) or "recruitwatch"
    rates: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        for i, lang, text in stream(args.files):
            sub = folder / f"{i // 1000:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{lang}-{i:07d}.txt").write_text(text, encoding="utf-8")
        print(f"files: {args.files}, cores: {os.cpu_count()}, rounds: {args.rounds}", flush=True)
        for round_ in range(args.rounds):
            for workers in ((1, 2) if round_ % 2 == 0 else (2, 1)):
                if args.db_url:
                    db = args.db_url
                    from sqlalchemy import create_engine
                    from sqlalchemy import text as sql

                    engine = create_engine(db)
                    with engine.begin() as conn:
                        conn.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                    engine.dispose()
                else:
                    db = str(Path(tmp) / f"store-{round_}-{workers}.db")
                seconds, summary = run(command, folder, db, workers)
                rate = summary["read"] / seconds
                rates[workers].append(rate)
                print(f"round {round_ + 1}, {workers} worker(s): {rate:,.0f} docs/s ({seconds:.1f} s; "
                      f"new {summary['new']}, incidents {summary['incidents']}, failed {summary['failed']})",
                      flush=True)
                if not args.db_url:
                    Path(db).unlink()
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"median 1 worker: {one:,.0f} docs/s")
    print(f"median 2 workers: {two:,.0f} docs/s")
    print(f"ratio 2/1: {two / one:.2f}")


if __name__ == "__main__":
    main()
