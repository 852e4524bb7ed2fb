"""`recruitwatch extract` end to end on a generated stream (reading JSONL, screening,
extracting, writing predictions), one process.

    .venv/bin/python bench/bench_extract_cli.py [--docs 100000] [--workers 1]

Writes the bench/newsgen stream (about 1% relevant) to a temporary JSONL file, runs the
installed command on it, and prints documents/s and the command's peak memory.
Target (issue 3): >= 1,000 documents/s with one worker; peak memory < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    command = shutil.which("recruitwatch", path=str(Path(sys.executable).parent)) or "recruitwatch"
    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "stream.jsonl", Path(tmp) / "predictions.jsonl"
        with source.open("w", encoding="utf-8") as f:
            for i, _, text in stream(args.docs):
                f.write(json.dumps({"id": f"gen-{i}", "text": text}, ensure_ascii=False) + "\n")
        size_mb = source.stat().st_size / 1e6
        start = time.perf_counter()
        subprocess.run([command, "extract", str(source), "--output", str(output), "--workers", str(args.workers)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        lines = relevant = 0
        with output.open(encoding="utf-8") as f:
            for line in f:
                lines += 1
                relevant += json.loads(line)["relevant"]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"documents: {lines} ({size_mb:.1f} MB JSONL), relevant: {relevant}, workers: {args.workers}")
    print(f"recruitwatch extract end to end: {lines / seconds:,.0f} docs/s ({seconds:.2f} s)")
    print(f"peak memory of the command (max RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
