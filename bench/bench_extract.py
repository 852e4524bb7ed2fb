"""Full extraction throughput on the relevant documents of the generated stream.

Screens 100,000 generated documents, then times `extract` on the relevant ones (about 1%;
the relevant set is repeated until at least --min-docs documents are extracted) and prints
documents/s and peak memory. Target (DESIGN.md): >= 50 relevant docs/s on one core.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream

from recruitwatch.extract import extract
from recruitwatch.records import Document
from recruitwatch.screen import screen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--min-docs", type=int, default=1000)
    args = parser.parse_args()
    relevant = []
    for i, _, text in stream(args.docs):
        doc = screen(Document(id=str(i), origin="bench", text=text))
        if doc.relevant:
            relevant.append(doc)
    if not relevant:
        raise SystemExit("no relevant documents in the stream")
    extract(relevant[0])  # load resources before timing
    # (No tracemalloc while timing: it slows every allocation about threefold. Peak memory is
    # the process's max RSS.)
    start = time.perf_counter()
    done = incidents = 0
    while done < args.min_docs:
        for doc in relevant:
            incidents += len(extract(doc))
            done += 1
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"relevant documents in stream: {len(relevant)}; extracted {done} ({incidents} incidents)")
    print(f"full extraction: {done / seconds:,.0f} docs/s ({seconds:.2f} s)")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
