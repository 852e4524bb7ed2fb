"""CPU per document of the ingest writer, and of the workers, on the bench's generated news files.

    .venv/bin/python bench/bench_writer.py [--files 20000] [--replay-rounds 3] [--run] [--profile FILE]

Writes the bench/newsgen stream (about 1% relevant) as one ``.txt`` file per document, as
``bench_ingest_workers.py`` does, then:

* **replay** (always): the workers' results are made once in this process (``_read_and_analyse``
  over the tasks the pool would get) and pickled, as the pool sends them; each round then unpickles
  them and stores them through the writer alone (``_store_batches``) into a fresh SQLite store, and
  prints the writer's CPU per document (``getrusage``: user and system). ``--profile FILE`` writes a cProfile
  of the last round.
* **run** (``--run``): ``run_ingest`` in this process with 1 worker and with 2 workers (fresh SQLite
  stores, alternating), printing CPU per document from ``getrusage``: the main process (the writer)
  and its children (the workers), and the ratio the CPU figures predict on an idle 2-core machine:
  ``min(1 / writer, 2 / (writer + workers)) / (1 / one process)``.

CPU time, not wall time: the development machine is shared, and CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream

from recruitwatch.pipeline import (
    _END,
    DEFAULT_BATCH_SIZE,
    IngestSummary,
    _Progress,
    _read_and_analyse,
    _store_batches,
    _tasks,
    plan_sources,
    run_ingest,
)
from recruitwatch.store import open_store


def write_files(folder: Path, count: int) -> None:
    for i, lang, text in stream(count):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{lang}-{i:07d}.txt").write_text(text, encoding="utf-8")


def worker_results(folder: Path) -> list[bytes]:
    """What the pool's workers send back for the folder, task by task, pickled as the pool pickles it."""
    return [pickle.dumps(_read_and_analyse(task), pickle.HIGHEST_PROTOCOL) for _, task in _tasks(plan_sources([folder]))]


def replay(results: list[bytes], db: Path, profile: Path | None = None) -> tuple[int, float, float]:
    """Unpickle and store the workers' results with the writer alone; (documents, user and system CPU seconds)."""

    def entries():
        for data in results:
            for item in pickle.loads(data):
                yield _END if item is None else item

    summary = IngestSummary()
    with open_store(str(db)) as store:
        store.init()
        profiler = cProfile.Profile(time.process_time) if profile else None
        start = resource.getrusage(resource.RUSAGE_SELF)
        if profiler:
            profiler.enable()
        _store_batches(entries(), store, DEFAULT_BATCH_SIZE, _Progress(None, None), summary)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        end = resource.getrusage(resource.RUSAGE_SELF)
    return summary.read, end.ru_utime - start.ru_utime, end.ru_stime - start.ru_stime


def run(folder: Path, db: Path, workers: int) -> tuple[int, float, float]:
    """``run_ingest`` in a fresh Python process (start-up and models included, as the command pays them);
    (documents, CPU seconds of that process, CPU seconds of its workers)."""
    done = subprocess.run([sys.executable, __file__, "--child", str(folder), str(db), str(workers)],
                          check=True, stdout=subprocess.PIPE, text=True)
    docs, mine, theirs = done.stdout.split()
    return int(docs), float(mine), float(theirs)


def child(folder: str, db: str, workers: int) -> None:
    with open_store(db) as store:
        store.init()
        start = resource.getrusage(resource.RUSAGE_SELF)
        summary = run_ingest(plan_sources([folder]), store, workers=workers)
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, once they have ended
    mine = own.ru_utime + own.ru_stime - start.ru_utime - start.ru_stime
    print(summary.read, mine, children.ru_utime + children.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--replay-rounds", type=int, default=3)
    parser.add_argument("--run", action="store_true", help="also run_ingest with 1 and 2 workers")
    parser.add_argument("--run-rounds", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the last replay round here")
    parser.add_argument("--results", type=Path, help="keep the workers' results in this file, and use them if it exists "
                        "(made by the same code and --files)")
    parser.add_argument("--keep", type=Path, help="keep the last replay's store here (for bench/compare_stores.py)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        if args.run or not (args.results and args.results.exists()):
            write_files(folder, args.files)
        print(f"files: {args.files}, load average {os.getloadavg()[0]:.1f}", flush=True)
        if args.replay_rounds and args.results and args.results.exists():
            results = pickle.loads(args.results.read_bytes())
        elif args.replay_rounds:
            start = time.process_time()
            results = worker_results(folder)
            if args.results:
                args.results.write_bytes(pickle.dumps(results))
            made = time.process_time() - start
            print(f"workers' results made in this process: {made:.1f} s CPU, {sum(map(len, results)) / 1e6:.1f} MB "
                  f"pickled", flush=True)
        for round_ in range(args.replay_rounds):
            db = Path(tmp) / f"replay-{round_}.db"
            last = round_ == args.replay_rounds - 1
            docs, user, system = replay(results, db, args.profile if last else None)
            print(f"replay {round_ + 1}: writer {1000 * (user + system) / docs:.3f} ms/doc CPU "
                  f"(user {1000 * user / docs:.3f}, system {1000 * system / docs:.3f}; {docs} documents, "
                  f"load average {os.getloadavg()[0]:.1f})", flush=True)
            if last and args.keep:
                db.replace(args.keep)
            else:
                db.unlink()
        for round_ in range(args.run_rounds if args.run else 0):
            figures = {}
            for workers in ((1, 2) if round_ % 2 == 0 else (2, 1)):
                db = Path(tmp) / f"run-{round_}-{workers}.db"
                docs, mine, theirs = run(folder, db, workers)
                figures[workers] = (1000 * mine / docs, 1000 * theirs / docs)
                print(f"run {round_ + 1}, {workers} worker(s): main process {figures[workers][0]:.3f} ms/doc, "
                      f"workers {figures[workers][1]:.3f} ms/doc CPU (load average {os.getloadavg()[0]:.1f})",
                      flush=True)
                db.unlink()
            one = figures[1][0]
            writer, pool = figures[2]
            predicted = min(1 / writer, 2 / (writer + pool)) * one
            print(f"run {round_ + 1}: ratio predicted by the CPU figures on an idle 2-core machine: {predicted:.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
