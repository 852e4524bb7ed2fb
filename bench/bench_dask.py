"""`recruitwatch ingest --engine dask` with 1 and 2 Dask workers on JSONL shards of generated news.

    .venv/bin/python bench/bench_dask.py [--docs 20000] [--shard 1000] [--rounds 1] [--local] [--db-url URL]

Writes the bench/newsgen stream (news-like English and Russian documents, about 1% relevant) as
JSONL shards of ``--shard`` documents, then runs the installed command on the folder into a fresh
SQLite store (or, with ``--db-url``, a PostgreSQL database emptied before each run) on a new
LocalCluster of 1 and of 2 workers, alternating round by round so that noise from other processes
hits both alike. ``--local`` adds a run of the local engine (one process) for comparison.

Prints for each run: documents/s (wall clock, cluster start and shutdown included), the wall time,
the CPU seconds of the command and its worker processes, the database size, and the load average
before the run (the machine may be shared); then the medians, the ratio 2 workers / 1 worker
(target, issue 11: >= 1.7) and what 1,000,000 documents would take at the 2-worker rate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream


def write_shards(folder: Path, docs: int, shard: int) -> int:
    folder.mkdir(parents=True)
    out, size = None, 0
    for i, lang, text in stream(docs):
        if i % shard == 0:
            if out is not None:
                out.close()
            out = (folder / f"news-{i // shard:05d}.jsonl").open("w", encoding="utf-8")
        line = json.dumps({"id": f"n{i}", "lang": lang, "url": f"https://news.example/{i}", "text": text},
                          ensure_ascii=False) + "\n"
        out.write(line)
        size += len(line.encode())
    if out is not None:
        out.close()
    return size


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def db_size(db: str) -> int:
    return sum(os.path.getsize(p) for p in (db, db + "-wal", db + "-shm") if os.path.exists(p))


def run(command: str, folder: Path, db: str, engine: list[str]) -> tuple[float, float, dict]:
    cpu, start = cpu_of_children(), time.perf_counter()
    done = subprocess.run([command, "ingest", str(folder), "--db", db, "--json", *engine],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed with exit code {done.returncode}")
    return time.perf_counter() - start, cpu_of_children() - cpu, json.loads(done.stdout)


def empty(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def postgres_size(url: str) -> int:
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(sql("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return int(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--shard", type=int, default=1000, help="documents per JSONL shard")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--local", action="store_true", help="also run the local engine (one process)")
    parser.add_argument("--db-url", help="a PostgreSQL URL to use instead of a fresh SQLite file (it is emptied)")
    args = parser.parse_args()
    command = shutil.which("recruitwatch", path=str(Path(sys.executable).parent)) or "recruitwatch"
    modes = {"dask, 1 worker": ["--engine", "dask", "--workers", "1"],
             "dask, 2 workers": ["--engine", "dask", "--workers", "2"]}
    if args.local:
        modes["local, 1 process"] = ["--engine", "local"]
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "shards"
        size = write_shards(folder, args.docs, args.shard)
        print(f"documents: {args.docs:,} in {-(-args.docs // args.shard)} JSONL shards ({size / 1e6:.1f} MB); "
              f"cores: {os.cpu_count()}; rounds: {args.rounds}; store: {'PostgreSQL' if args.db_url else 'SQLite'}",
              flush=True)
        for round_ in range(args.rounds):
            order = list(modes) if round_ % 2 == 0 else list(reversed(modes))
            for mode in order:
                if args.db_url:
                    db = args.db_url
                    empty(db)
                else:
                    db = str(Path(tmp) / f"store-{round_}.db")
                load = os.getloadavg()[0]
                seconds, cpu, summary = run(command, folder, db, modes[mode])
                stored = postgres_size(db) if args.db_url else db_size(db)
                rate = summary["read"] / seconds
                rates[mode].append(rate)
                print(f"round {round_ + 1}, {mode}: {rate:,.0f} docs/s ({seconds:.1f} s wall, {cpu:.1f} s CPU, "
                      f"{1000 * cpu / summary['read']:.2f} ms CPU/doc; new {summary['new']:,}, relevant "
                      f"{summary['relevant']}, incidents {summary['incidents']}, failed {summary['failed']}; "
                      f"database {stored / 1e6:.1f} MB; load average before {load:.2f})", flush=True)
                if not args.db_url:
                    for suffix in ("", "-wal", "-shm"):
                        Path(db + suffix).unlink(missing_ok=True)
    medians = {mode: statistics.median(values) for mode, values in rates.items()}
    for mode, rate in medians.items():
        print(f"median, {mode}: {rate:,.0f} docs/s")
    one, two = medians["dask, 1 worker"], medians["dask, 2 workers"]
    print(f"ratio 2 workers / 1 worker: {two / one:.2f}")
    hours = 1_000_000 / two / 3600
    print(f"1,000,000 documents at the 2-worker rate: {hours:.1f} h")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
