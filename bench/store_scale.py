"""Scale benchmark of the store: search latency per kind of query, and incident listing, counting
and summary latency, on SQLite and PostgreSQL.

    .venv/bin/python bench/store_scale.py                      # quick: 20,000 documents, 10,000 incidents, SQLite
    .venv/bin/python bench/store_scale.py --postgres            # and PostgreSQL (RECRUITWATCH_TEST_POSTGRES_URL or
                                                                # scripts/postgres-test-server.sh)
    .venv/bin/python bench/store_scale.py --documents 1000000 --incidents 100000 --postgres --dir /var/tmp/scale
    .venv/bin/python bench/store_scale.py --documents 1000000 --incidents 100000 --no-fill --no-incidents --compare
                                                                # search only, before (the former query) and after

Documents are the synthetic ones of bench/store_search.py (150 words, a few words in half the archive, a long
tail of rare ones); every ``documents / incidents``-th document gets an incident with random codes, dates and
statuses, and about a third of the incidents are extra reports of an earlier incident's case (``case_id``), so
"one row per case" is a real condition. A store is filled once and reused by later runs (``--dir``: the SQLite
file; PostgreSQL: the schema ``scale_<documents>``). Each kind of query runs ``--repeat`` times, round-robin
(after one warm-up round); p50 and p95 per kind are printed, with the median CPU time of this process (all of
SQLite's work; PostgreSQL's is in the server) and the load average. Targets (issue 11): search p95 < 100 ms at 1,000,000
documents; incidents list with filters and summary < 200 ms at 100,000 incidents. "summary" is what the
``recruitwatch summary`` command asks (``incident_figures`` of tactic, place and month, and ``case_counts``),
"figures" the dashboard's eight breakdowns and count in one ``incident_figures``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import text
from store_search import make_text

from recruitwatch.records import Document, Incident
from recruitwatch.store import IncidentFilter, open_store
from recruitwatch.store.search import parse_query, snippet, tsquery

SEARCHES = {
    "common word": ["мигрант", "военкомат", "контракт"],
    "inflected ru": ["мигрантов", "военкомате", "Петербурге"],
    "two words": ["контракт подписать", "рейд Москва", "passport police"],
    "phrase": ['"подписали контракт"', '"мигранты граждане"', '"паспорт полиция"'],
    "7 words": ["мигранты военкомат контракт паспорт полиция Москва работа",
                "вербовка фронт повестка суд дело граждане работу"],
    "rare": ["слово12345", "слово77 мигранты"],
}
PLACES = ["RU-MOW", "RU-SPE", "RU-TA", "RU-NVS", "RU-SAM", "RU-KDA", "UZ", "TJ", "KG"]
NATIONALITIES = ["UZ", "TJ", "KG", "KZ", "IN", "NP", "CU", "AF", "SY", "LK"]
TACTICS = ["raid", "contract_pressure", "passport_threat", "debt_bondage", "prison_offer", "deception", "summons"]
ACTORS = ["police", "military", "migration_service", "employer", "recruiter", "prison"]
STATUSES = ["alleged", "confirmed", "unknown"]
OUTCOMES = ["signed", "refused", "sent_to_front", "unknown"]


def make_incident(rng: random.Random, doc: Document, n: int, earlier: list[str]) -> Incident:
    year, month = rng.randint(2022, 2025), rng.randint(1, 12)
    date = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{rng.randint(1, 28):02d}", None])
    # Skewed codes: the first of each list is common, the last ones rare (a selective filter).
    pick = lambda values, k: sorted({values[min(int(rng.paretovariate(0.9)) - 1, len(values) - 1)] for _ in range(k)})  # noqa: E731
    inc = Incident(
        document_id=doc.id, date=date, date_precision=None if date is None else ("year", "month", "day")[date.count("-")],
        places=pick(PLACES, rng.randint(1, 2)), nationalities=pick(NATIONALITIES, rng.randint(0, 2)),
        status=rng.choice(STATUSES), actors=pick(ACTORS, rng.randint(0, 2)), tactics=pick(TACTICS, rng.randint(1, 3)),
        outcome=rng.choice(OUTCOMES), summary=f"incident {n}: {' '.join(doc.text.split()[:12])}",
        verification=rng.choice(["reported", "reported", "corroborated", "verified"]), confidence=round(rng.random(), 3),
    )
    if earlier and rng.random() < 0.33:
        inc.case_id = rng.choice(earlier[-5000:])
    else:
        earlier.append(inc.id)
    return inc


def fill(store, n_docs: int, n_incs: int, batch: int) -> None:
    store.init()
    have = store.stats()["documents"]
    if have >= n_docs:
        return
    rng = random.Random(have)
    every = max(1, n_docs // n_incs) if n_incs else 0
    earlier: list[str] = []
    started, added = time.perf_counter(), 0
    while have + added < n_docs:
        n = min(batch, n_docs - have - added)
        docs, incs = [], []
        for i in range(n):
            k = have + added + i
            doc = Document.create(text=make_text(rng, 150), origin=f"bench:{k}", lang="ru", title=None)
            docs.append(doc)
            if every and k % every == 0 and k // every < n_incs:
                incs.append(make_incident(rng, doc, k // every, earlier))
        added += store.save_batch(docs, incs, link=False).new_documents
        if added % 50_000 < batch:
            print(f"  {have + added} documents, {time.perf_counter() - started:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"  inserted {added} documents in {elapsed:.0f} s ({added / elapsed:.0f}/s)", flush=True)
    store.close()  # PRAGMA optimize on SQLite
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# Document search before the pairs index (PostgreSQL), for --compare: a phrase checked on the newest rows one by
# one; ranked and cut to 20 as now, with the same snippets. SQLite's search has not changed: --compare times it twice.
FORMER_POSTGRESQL = (
    "SELECT d.title, d.text, h.score FROM (SELECT pk, ts_rank_cd(terms, q) AS score FROM (SELECT pk, terms "
    "FROM document_search WHERE terms @@ to_tsquery('simple', :q) ORDER BY pk DESC LIMIT 200) s, "
    "to_tsquery('simple', :q) q ORDER BY score DESC, pk DESC LIMIT 20) h JOIN documents d ON d.pk = h.pk "
    "ORDER BY h.score DESC, d.pk DESC"
)


def former_search(store, query: str) -> list[str]:
    """Document search as it was (see FORMER_POSTGRESQL), with its snippets."""
    if store.dialect == "sqlite":
        return [hit.snippet for hit in store.search_documents(query)]
    groups = parse_query(query)
    with store.engine.connect() as conn:
        rows = conn.execute(text(FORMER_POSTGRESQL), {"q": tsquery(groups)}).all()
    return [snippet(row.text, groups)[0] for row in rows]


def timed(fn) -> tuple[float, float]:
    """Wall-clock and this process's CPU time of ``fn()``, in ms."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000


def report(title: str, cases: dict[str, list], repeat: int) -> None:
    """Run each (kind -> [callables]) round-robin; print p50/p95 per kind, and the median CPU time of this
    process (SQLite's work, or the client's side of PostgreSQL's)."""
    for fns in cases.values():
        for fn in fns:
            fn()  # warm-up
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for _ in range(repeat):
        for kind, fns in cases.items():
            for fn in fns:
                times[kind].append(timed(fn))
    print(f"  {title:<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8}")
    for kind, pairs in times.items():
        ts = sorted(w for w, _ in pairs)
        cpu = statistics.median(c for _, c in pairs)
        print(f"  {kind:<30} {statistics.median(ts):8.1f} {ts[int(0.95 * (len(ts) - 1))]:8.1f} {ts[-1]:8.1f} {cpu:8.1f}")


def run(url: str, args) -> None:
    store = open_store(url)
    if args.no_fill:
        store.init()
    else:
        fill(store, args.documents, args.incidents, args.batch)
    store = open_store(url)
    stats = store.stats()
    print(f"{store.describe()}: {stats['documents']} documents, {stats['incident_reports']} incidents "
          f"({stats['incidents']} cases)")
    searches = {kind: [lambda q=q: store.search_documents(q) for q in qs] for kind, qs in SEARCHES.items()}
    if args.compare:  # before and after, alternating
        searches = {f"{kind}{label}": [lambda q=q, f=f: f(q) for q in qs] for kind, qs in SEARCHES.items()
                    for label, f in ((" (before)", lambda q: former_search(store, q)), ("", store.search_documents))}
    if not args.no_search:
        print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        report("search (20 hits)", searches, args.repeat)
        print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.no_incidents:
        store.close()
        return
    filters = {
        "no filter": IncidentFilter(),
        "tactic raid": IncidentFilter(tactic="raid"),
        "place RU-MOW": IncidentFilter(place="RU-MOW"),
        "country RU": IncidentFilter(place="RU"),
        "rare place RU-KDA": IncidentFilter(place="RU-KDA"),
        "date_from 2024": IncidentFilter(date_from="2024"),
        "tactic+nationality": IncidentFilter(tactic="prison_offer", nationality="KG"),
        "date 2024 + status": IncidentFilter(date_from="2024", date_to="2024", status="confirmed"),
    }
    lists = {f"list {k}": [lambda f=f: store.list_incidents(f, limit=50)] for k, f in filters.items()}
    lists |= {f"count {k}": [lambda f=f: store.count_incidents(f)] for k, f in filters.items()}

    def summary(f):  # what `recruitwatch summary` asks
        store.incident_figures(("tactic", "place", "month"), f)
        store.case_counts()

    def dashboard(f):  # the eight breakdowns and the count (the web app answers them from a snapshot of the cases)
        store.incident_figures(("month", "place", "nationality", "tactic", "actor", "outcome", "verification", "status"), f)

    lists |= {f"summary {k}": [lambda f=f: summary(f)] for k, f in filters.items()}
    lists["figures no filter"] = [lambda: dashboard(IncidentFilter())]
    lists["figures place RU-MOW"] = [lambda: dashboard(IncidentFilter(place="RU-MOW"))]
    report("incidents", lists, max(3, args.repeat // 3))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each search (listing: a third)")
    parser.add_argument("--dir", default="/tmp/recruitwatch-scale", help="where the SQLite stores are kept")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--schema", help="the PostgreSQL schema (default: scale_<documents>_<incidents>)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-search", action="store_true", help="incidents only")
    parser.add_argument("--no-incidents", action="store_true", help="search only")
    parser.add_argument("--compare", action="store_true", help="time the former search query too, alternating")
    parser.add_argument("--no-fill", action="store_true", help="measure the store as it is (a fill cut short)")
    args = parser.parse_args()
    urls = []
    if not args.no_sqlite:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        urls.append(f"sqlite:///{args.dir}/scale-{args.documents}-{args.incidents}.db")
    if args.postgres:
        base = os.environ.get("RECRUITWATCH_TEST_POSTGRES_URL") or subprocess.run(
            ["scripts/postgres-test-server.sh"], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        urls.append(postgres_schema(base, args.schema or f"scale_{args.documents}_{args.incidents}"))
    for url in urls:
        started = time.perf_counter()
        run(url, args)
        print(f"  ({time.perf_counter() - started:.0f} s)\n", flush=True)


def postgres_schema(base: str, schema: str) -> str:
    """The URL of ``schema`` in the database at ``base`` (created if missing), as the tests do."""
    from sqlalchemy import create_engine

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


if __name__ == "__main__":
    main()
