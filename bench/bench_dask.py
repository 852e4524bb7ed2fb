"""`ingest --engine dask` with 1 and 2 Dask workers on JSONL shards of generated news.

    .venv/bin/python bench/bench_dask.py [--docs 20000] [--shard 1000] [--relevant 0.01] [--rounds 1] [--local]
                                         [--db-url URL]

Writes the bench/newsgen stream (news-like English and Russian documents, about 1% relevant) as
JSONL shards of ``--shard`` documents, then ingests the folder into a fresh SQLite store (or, with
``--db-url``, a PostgreSQL database emptied before each run) with ``run_ingest_dask`` on a new
LocalCluster of 1 and of 2 workers (what ``recruitwatch ingest --engine dask --workers N`` runs),
alternating round by round so that noise from other processes hits both alike. ``--local`` adds
the local engine (one process) for comparison.

Prints for each run: documents/s (wall clock, cluster start and shutdown included), the wall time,
CPU seconds of this process (the writer, with the scheduler) and of the workers, the database size
and the load average before the run (the machine may be shared). Then the medians, the ratio
2 workers / 1 worker (target, issue 11: >= 1.7), the rates the CPU figures allow on an idle 2-core
machine, and what 1,000,000 documents would take at the measured 2-worker rate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream


def write_shards(folder: Path, docs: int, shard: int, relevant: float) -> int:
    folder.mkdir(parents=True)
    out, size = None, 0
    for i, lang, text in stream(docs, relevant_share=relevant):
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


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def db_size(db: str) -> int:
    return sum(os.path.getsize(p) for p in (db, db + "-wal", db + "-shm") if os.path.exists(p))


def run(folder: Path, url: str, workers: int | None) -> tuple[float, float, float, dict]:
    """(wall seconds, this process's CPU seconds, the workers' CPU seconds, the summary); ``workers``
    None: the local engine."""
    from recruitwatch.dask_ingest import dask_client, run_ingest_dask
    from recruitwatch.pipeline import plan_sources, run_ingest
    from recruitwatch.store import open_store

    with open_store(url) as store:
        store.init()
        cpu, start = own_cpu(), time.perf_counter()
        worker_cpu = 0.0
        if workers is None:
            summary = run_ingest(plan_sources([folder]), store)
        else:
            with dask_client(None, workers) as client:
                summary = run_ingest_dask(plan_sources([folder]), store, client=client)
                worker_cpu = sum(client.run(own_cpu).values())  # since each worker started
        return time.perf_counter() - start, own_cpu() - cpu, worker_cpu, summary.to_dict()


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
    from recruitwatch import pipeline_version

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--shard", type=int, default=1000, help="documents per JSONL shard")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--relevant", type=float, default=0.01, help="share of relevant documents (default 0.01)")
    parser.add_argument("--local", action="store_true", help="also run the local engine (one process)")
    parser.add_argument("--db-url", help="a PostgreSQL URL to use instead of a fresh SQLite file (it is emptied)")
    args = parser.parse_args()
    pipeline_version()  # loads the model in this process once, outside the timings
    modes: dict[str, int | None] = {"dask, 1 worker": 1, "dask, 2 workers": 2}
    if args.local:
        modes["local, 1 process"] = None
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    cpu: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "shards"
        size = write_shards(folder, args.docs, args.shard, args.relevant)
        print(f"documents: {args.docs:,} in {-(-args.docs // args.shard)} JSONL shards ({size / 1e6:.1f} MB), "
              f"{args.relevant:.0%} relevant; "
              f"cores: {os.cpu_count()}; rounds: {args.rounds}; store: {'PostgreSQL' if args.db_url else 'SQLite'}",
              flush=True)
        for round_ in range(args.rounds):
            order = list(modes) if round_ % 2 == 0 else list(reversed(modes))
            for mode in order:
                if args.db_url:
                    url = args.db_url
                    empty(url)
                else:
                    url = str(Path(tmp) / f"store-{round_}.db")
                load = os.getloadavg()[0]
                seconds, mine, workers, summary = run(folder, url, modes[mode])
                stored = postgres_size(url) if args.db_url else db_size(url)
                read = summary["read"]
                rates[mode].append(read / seconds)
                cpu[mode].append((mine / read, workers / read))
                print(f"round {round_ + 1}, {mode}: {read / seconds:,.0f} docs/s ({seconds:.1f} s wall; CPU per "
                      f"document {1000 * mine / read:.2f} ms in this process, {1000 * workers / read:.2f} ms in "
                      f"workers; new {summary['new']:,}, relevant {summary['relevant']}, incidents "
                      f"{summary['incidents']}, failed {summary['failed']}; database {stored / 1e6:.1f} MB; "
                      f"load average before {load:.2f})", flush=True)
                if not args.db_url:
                    for suffix in ("", "-wal", "-shm"):
                        Path(url + suffix).unlink(missing_ok=True)
    medians = {mode: statistics.median(values) for mode, values in rates.items()}
    for mode, rate in medians.items():
        print(f"median, {mode}: {rate:,.0f} docs/s")
    one, two = medians["dask, 1 worker"], medians["dask, 2 workers"]
    print(f"ratio 2 workers / 1 worker (wall clock): {two / one:.2f}")
    # On an idle machine with 2 cores, CPU bounds the rates: one worker cannot go faster than its own
    # CPU per document, nor the writer than its own; two workers and the writer share the 2 cores.
    writer, worker = (statistics.median(x[i] for x in cpu["dask, 2 workers"] + cpu["dask, 1 worker"]) for i in (0, 1))
    idle_one = 1 / max(writer, worker)
    idle_two = min(2 / worker, 1 / writer, 2 / (writer + worker))
    print(f"CPU per document: writer {1000 * writer:.2f} ms, worker {1000 * worker:.2f} ms; on an idle 2-core "
          f"machine that allows {idle_one:,.0f} docs/s with 1 worker, {idle_two:,.0f} with 2 "
          f"(ratio {idle_two / idle_one:.2f})")
    hours = 1_000_000 / two / 3600
    print(f"1,000,000 documents at the measured 2-worker rate: {hours:.1f} h "
          f"(at the idle-machine rate: {1_000_000 / idle_two / 3600:.1f} h)")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
