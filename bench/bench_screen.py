"""Screening throughput on a stream of 100,000 generated news documents (about 1% relevant).

Prints documents/s, peak memory, and the ratio of screening time to one bare compiled-regex
pass (the prefilter pattern alone, finditer over the same texts) measured in the same run.
Targets (DESIGN.md): >= 2,000 docs/s on one core, within 3x of the bare pass, < 1.5 GB.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsgen import stream

from recruitwatch.records import Document
from recruitwatch.screen import screen
from recruitwatch.screen.prefilter import get_prefilter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    args = parser.parse_args()
    texts = [(lang, text) for _, lang, text in stream(args.docs)]
    total_bytes = sum(len(t.encode("utf-8")) for _, t in texts)
    get_prefilter()  # load lexicons before timing
    screen(Document(id="warm", origin="bench", text="Migrants recruited into the army."))

    # The bare pass: the prefilter's own compiled pattern, finditer over the raw texts, nothing else.
    bare = re.compile(get_prefilter().regex.pattern)
    start = time.perf_counter()
    found = 0
    for _, text in texts:
        for _ in bare.finditer(text):
            found += 1
    bare_seconds = time.perf_counter() - start

    start = time.perf_counter()
    relevant = 0
    for i, (_, text) in enumerate(texts):
        doc = screen(Document(id=str(i), origin="bench", text=text))
        relevant += bool(doc.relevant)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}  bytes: {total_bytes / 1e6:.1f} MB  relevant found: {relevant}")
    print(f"screening: {len(texts) / seconds:,.0f} docs/s ({seconds:.2f} s)")
    print(f"bare regex pass: {len(texts) / bare_seconds:,.0f} docs/s ({bare_seconds:.2f} s)")
    print(f"screening / bare pass time ratio: {seconds / bare_seconds:.2f}")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
