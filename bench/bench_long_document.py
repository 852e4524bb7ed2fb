"""Cost of one long document: screening and extraction of a 1, 5 and 20 MB text.

    .venv/bin/python bench/bench_long_document.py [--sizes 1,5,20] [--single-line] [--share 0.3]
        [--processes auto|N|1,auto]

The text repeats short reports of recruitment cases (by default 30% of the paragraphs) between
paragraphs of unrelated council news, so every window is relevant: the hard case. ``--share 0.01``
is closer to an archive dump, where most of the text is about something else. ``--single-line`` joins
everything into one line (no paragraph or line breaks). ``--processes`` is how many processes
analyse the windows (``auto``, the default: as ``recruitwatch`` chooses, one per usable CPU; ``1``:
this process alone); a list runs each size with each, and prints the wall-clock ratio to the first.
Each size runs in its own process, which prints the processes used, its time (wall clock, and CPU
time of the process and its children: on a shared machine the wall clock also counts the time
other processes held the cores), and peak memory: the process's resident set and its largest
child's (a forked child's resident set counts the pages it still shares with the process, so the
sum overstates). Target (issue 7): a 20 MB document in under a minute, cost linear in length, well
under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

REPORTS = [
    "A migrant from Tajikistan says officers at the migration centre in Moscow kept his passport in March "
    "and told him to sign a military contract. He signed and was sent to the front a week later.",
    "В Казани полицейские задержали гражданина Узбекистана при проверке документов и пообещали закрыть "
    "дело, если он подпишет контракт с Минобороны. Он отказался и был выдворен.",
    "Recruiters offered students from Ghana jobs as security guards near Rostov; at the airport their "
    "documents were taken and they were driven to a training ground in occupied Donetsk.",
]
FILLER = "The city council met on Tuesday to discuss road repairs and the new budget for schools. "


def make(size: int, single_line: bool, share: float = 0.3) -> str:
    rng = random.Random(size)
    parts, total = [], 0
    while total < size:
        part = rng.choice(REPORTS) if rng.random() < share else FILLER * rng.randint(3, 12)
        parts.append(part)
        total += len(part.encode("utf-8")) + 2
    return (" " if single_line else "\n\n").join(parts)


def child(size_mb: float, single_line: bool, share: float, processes: int | None) -> None:
    from recruitwatch.longtext import processes_for, windows
    from recruitwatch.pipeline import analyse
    from recruitwatch.records import Document

    analyse(Document(id="warm", origin="bench", text="warm up", lang="en"))
    text = make(int(size_mb * 1_000_000), single_line, share)
    used = processes_for(len(windows(text)), processes)
    start, cpu = time.perf_counter(), _cpu()
    result = analyse(Document(id="long", origin="bench", text=text, published="2024-05-01"), processes=processes)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if used > 1 else 0
    print(json.dumps({"mb": size_mb, "processes": used, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                      "incidents": len(result.incidents), "relevant": result.document.relevant,
                      "peak_mb": round(peak), "child_peak_mb": round(child_peak)}))


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,20")
    parser.add_argument("--single-line", action="store_true")
    parser.add_argument("--share", type=float, default=0.3, help="share of paragraphs that report a case")
    parser.add_argument("--processes", default="auto", help="processes for the windows: auto, a number, or a list")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.single_line, args.share, None if args.processes == "auto" else int(args.processes))
        return
    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        first = None
        for processes in args.processes.split(","):
            cmd = [sys.executable, __file__, "--child", str(size), "--share", str(args.share),
                   "--processes", processes] + (["--single-line"] if args.single_line else [])
            row = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
            ratio = f", {first['seconds'] / row['seconds']:.2f}x faster than the first" if first else ""
            if first is None:
                first = row
                rows.append(row)  # the per-MB ratio below compares the sizes' first runs
            children = f" + largest child {row['child_peak_mb']} MB" if row["processes"] > 1 else ""
            print(f"{row['mb']:>5.0f} MB{' (one line)' if args.single_line else ''}, {row['processes']} "
                  f"process{'es' if row['processes'] > 1 else ''}: {row['seconds']:>6.1f} s ({row['cpu_seconds']:.1f} s of "
                  f"CPU), {row['seconds'] / row['mb']:.1f} s/MB, {row['incidents']} incidents, peak {row['peak_mb']} MB"
                  f"{children}{ratio}", flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"time per MB, {last['mb']:.0f} MB vs {first['mb']:.0f} MB: "
              f"{(last['seconds'] / last['mb']) / (first['seconds'] / first['mb']):.2f}x (1.00 = linear)")


if __name__ == "__main__":
    main()
