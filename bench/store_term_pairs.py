"""What PostgreSQL's index of adjacent term pairs (migration 0013) costs an insert, and its size.

    .venv/bin/python bench/store_term_pairs.py --documents 20000      # RECRUITWATCH_TEST_POSTGRES_URL or
                                                                       # scripts/postgres-test-server.sh

Two fresh schemas get the same synthetic documents (those of bench/store_search.py), batch by batch in turns:
one as migrated (with ``ix_document_search_pairs``), one without that index (as before migration 0013). Prints
the wall-clock time of each (all batches: a GIN index's pending list is merged every few
batches), their ratio, and the sizes of ``document_search``'s indexes.
The schemas are dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from store_scale import postgres_schema
from store_search import make_text

from recruitwatch.records import Document
from recruitwatch.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    base = os.environ.get("RECRUITWATCH_TEST_POSTGRES_URL") or subprocess.run(
        [str(Path(__file__).parent.parent / "scripts/postgres-test-server.sh")], capture_output=True, text=True,
        check=True).stdout.strip().splitlines()[-1]
    names = {"with pairs index": "bench_pairs_with", "without (before 0013)": "bench_pairs_without"}
    admin = create_engine(base)
    with admin.begin() as conn:
        for schema in names.values():
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    stores = {label: open_store(postgres_schema(base, schema)) for label, schema in names.items()}
    for store in stores.values():
        store.init()
    with stores["without (before 0013)"].engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_document_search_pairs")
    rng = random.Random(0)
    times: dict[str, list[float]] = {label: [] for label in stores}
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for start in range(0, args.documents, args.batch):
        docs = [Document.create(text=make_text(rng, 150), origin=f"bench:{start + i}", lang="ru", title=None)
                for i in range(min(args.batch, args.documents - start))]
        order = list(stores.items()) if (start // args.batch) % 2 == 0 else list(stores.items())[::-1]
        for label, store in order:
            t = time.perf_counter()
            store.save_batch(docs, [], link=False)
            times[label].append((time.perf_counter() - t) * 1000)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    totals = {label: sum(ts) / 1000 for label, ts in times.items()}
    for label, seconds in totals.items():
        print(f"  {label:<24} {seconds:7.1f} s ({args.documents / seconds:5.0f} documents/s; median batch "
              f"{statistics.median(times[label]):.0f} ms)")
    print(f"  ratio {totals['with pairs index'] / totals['without (before 0013)']:.2f}")
    for label, store in stores.items():
        with store.engine.connect() as conn:
            sizes = conn.execute(text(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'document_search'::regclass ORDER BY 1")).all()
            heap = conn.execute(text("SELECT pg_table_size('document_search')")).scalar_one()
        print(f"  {label}: document_search {heap / 2**20:.1f} MB, " +
              ", ".join(f"{name} {size / 2**20:.1f} MB" for name, size in sizes))
        store.engine.dispose()
    with admin.begin() as conn:
        for schema in names.values():
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


if __name__ == "__main__":
    main()
