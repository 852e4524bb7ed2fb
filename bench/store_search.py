"""Store benchmark: bulk-insert throughput and full-text search latency on synthetic documents.

    .venv/bin/python bench/store_search.py --db /tmp/bench.db --documents 100000
    .venv/bin/python bench/store_search.py --db "$(scripts/postgres-test-server.sh | tail -1)" --documents 100000

The documents are made up here from a small word list plus a long tail of rare tokens (Zipf-like),
so common words match a large share of the archive, as "мигрант" would in a real one.
The target (DESIGN.md) is search p95 < 100 ms at 1,000,000 documents, in both databases.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from recruitwatch.records import Document
from recruitwatch.store import open_store

COMMON = (
    "мигрантов мигранты мигрант военкомат военкомате контракт контракта подписать подписали паспорт паспорта "
    "полиция полицейские задержали рейд облава Москве Москва Петербурге Петербург Узбекистана Таджикистана "
    "Киргизии граждане гражданство повестка повестку фронт фронте сво вербовка вербуют вербовщики общежитие "
    "стройке работа работу зарплата обещали угрожали депортацией суд дело наркотики миграционный центр "
    "migrants migrant recruited recruitment contract passport police raid Moscow front citizenship summons "
    "workers hostel signed threatened deportation military office promised salary construction"
).split()
FILLER = "и в на с по что это как для о от до из за не но а же то бы был была были the a of to in and for on with at".split()


def make_text(rng: random.Random, n_words: int) -> str:
    words = []
    for _ in range(n_words):
        r = rng.random()
        if r < 0.45:
            words.append(rng.choice(FILLER))
        elif r < 0.75:
            words.append(COMMON[min(int(rng.paretovariate(1.2)) - 1, len(COMMON) - 1)])
        else:
            words.append(f"слово{int(rng.paretovariate(0.8)) % 200_000}")
    return " ".join(words) + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--words", type=int, default=150, help="words per document")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    store = open_store(args.db)
    store.init()
    have = store.stats()["documents"]
    rng = random.Random(have)
    started = time.perf_counter()
    added = 0
    while have + added < args.documents:
        n = min(args.batch, args.documents - have - added)
        docs = [
            Document.create(text=make_text(rng, args.words), origin=f"bench:{have + added + i}", lang="ru", title=None)
            for i in range(n)
        ]
        added += store.save_batch(docs, []).new_documents
    elapsed = time.perf_counter() - started
    if added:
        print(f"inserted {added} documents in {elapsed:.1f} s: {added / elapsed:.0f} documents/s")
    print(f"{store.describe()}: {store.stats()['documents']} documents")

    queries = (
        ["мигрант", "военкомат", "контракт подписать", "Петербург", "recruit", "passport police",
         '"подписали контракт"', "слово12345", "слово77 мигранты", "рейд Москва"]
    )  # fmt: skip
    qrng = random.Random(1)
    timings: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(args.queries):
        q = qrng.choice(queries)
        t = time.perf_counter()
        store.search_documents(q)
        timings[q].append(time.perf_counter() - t)
    everything = sorted(x for v in timings.values() for x in v)
    p95 = everything[int(0.95 * (len(everything) - 1))]
    print(f"search: {len(everything)} queries, p50 {statistics.median(everything) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    for q, ts in timings.items():
        if ts:
            print(f"  {q!r:28} median {statistics.median(ts) * 1000:7.1f} ms  (hits: {len(store.search_documents(q))})")
    store.close()


if __name__ == "__main__":
    main()
