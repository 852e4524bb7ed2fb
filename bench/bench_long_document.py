"""Cost of one long document: screening and extraction of a 1, 5 and 20 MB text, one core.

    .venv/bin/python bench/bench_long_document.py [--sizes 1,5,20] [--single-line] [--share 0.3]

The text repeats short reports of recruitment cases (by default 30% of the paragraphs) between
paragraphs of unrelated council news, so every window is relevant: the hard case. ``--share 0.01``
is closer to an archive dump, where most of the text is about something else. ``--single-line`` joins
everything into one line (no paragraph or line breaks). Each size runs in its own process, which
prints its time (wall clock, and CPU time: on a shared machine the wall clock also counts the
time other processes held the core) and peak memory. Target (issue 7): a 20 MB document in under a minute, cost
linear in length, well under 1 GB.
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


def child(size_mb: float, single_line: bool, share: float) -> None:
    from recruitwatch.pipeline import analyse
    from recruitwatch.records import Document

    analyse(Document(id="warm", origin="bench", text="warm up", lang="en"))
    text = make(int(size_mb * 1_000_000), single_line, share)
    start, cpu = time.perf_counter(), time.process_time()
    result = analyse(Document(id="long", origin="bench", text=text, published="2024-05-01"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mb": size_mb, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                      "incidents": len(result.incidents), "relevant": result.document.relevant, "peak_mb": round(peak)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,20")
    parser.add_argument("--single-line", action="store_true")
    parser.add_argument("--share", type=float, default=0.3, help="share of paragraphs that report a case")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.single_line, args.share)
        return
    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(size), "--share", str(args.share)] + (
            ["--single-line"] if args.single_line else [])
        row = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['mb']:>5.0f} MB{' (one line)' if args.single_line else ''}: {row['seconds']:>6.1f} s "
              f"({row['cpu_seconds']:.1f} s of CPU), {row['seconds'] / row['mb']:.1f} s/MB, {row['incidents']} incidents, "
              f"peak {row['peak_mb']} MB")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"time per MB, {last['mb']:.0f} MB vs {first['mb']:.0f} MB: "
              f"{(last['seconds'] / last['mb']) / (first['seconds'] / first['mb']):.2f}x (1.00 = linear)")


if __name__ == "__main__":
    main()
