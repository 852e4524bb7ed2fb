"""Export benchmark: time and peak memory of `export` over 100,000 incidents.

    .venv/bin/python bench/bench_export.py                        # 100,000 incidents in a temporary SQLite file
    .venv/bin/python bench/bench_export.py --incidents 20000 --db /tmp/export.db
    .venv/bin/python bench/bench_export.py --db "$(scripts/postgres-test-server.sh | tail -1)"

The store is filled with generated incidents (documents, codes and two evidence spans each,
written straight into the tables, no extraction). Each export then runs in a fresh process, so
its peak resident memory is its own: the figure printed is the peak RSS of that process and, in
brackets, how much it grew over the process after imports and connecting. Exports stream in
batches of 1,000 incidents, so the growth should not depend on the number of incidents.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

CASES = {
    "public-csv-incidents": {"fmt": "csv", "per": ["incident"], "full": False},
    "public-jsonl-region-month": {"fmt": "jsonl", "per": ["region", "month"], "full": False},
    "public-geojson-region": {"fmt": "geojson", "per": ["region"], "full": False},
    "public-parquet-incidents": {"fmt": "parquet", "per": ["incident"], "full": False},
    "full-jsonl-incidents": {"fmt": "jsonl", "per": ["incident"], "full": True},
    "full-parquet-incidents": {"fmt": "parquet", "per": ["incident"], "full": True},
}
REGIONS = ["RU-MOW", "RU-SPE", "RU-MOS", "RU-SVE", "RU-NVS", "RU-TA", "RU-KDA", "UA-43", "UZ-TO", "KZ", "TJ", "KG"]
TACTICS = ["raid_or_document_check", "document_seizure", "summons_at_state_office", "threat_of_deportation",
           "false_job_offer", "financial_incentive", "detention_pressure", "deceptive_paperwork"]


def fill(url: str, n: int, seed: int = 10) -> None:
    from recruitwatch.records import Document, Evidence, Incident
    from recruitwatch.store import open_store
    from recruitwatch.store import rows as R
    from recruitwatch.store.schema import documents, evidence, incident_codes, incidents

    rng = random.Random(seed)
    now = datetime.now(UTC)
    with open_store(url) as store:
        store.init()
        if store.stats()["incident_reports"] >= n:
            return
        for start in range(0, n, 5000):
            docs, incs = [], []
            for i in range(start, min(n, start + 5000)):
                region = rng.choice(REGIONS)
                date = f"{rng.choice([2022, 2023, 2024])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                text = (f"Сотрудники полиции задержали Имя{i} Фамилию{i} (тел. +7 900 {i:07d}) в регионе {region} "
                        f"{date} и потребовали подписать контракт. " + "Слово " * 200)
                kind = "testimony" if i % 10 == 0 else "news"
                doc = Document.create(text=text, origin=f"bench/{i}", kind=kind, published=date,
                                      url=None if kind == "testimony" else f"https://news.example/{i}", outlet=f"outlet-{i % 50}")
                phrase = text[:60]
                inc = Incident(document_id=doc.id, date=date, date_precision="day", places=[region],
                               nationalities=[rng.choice(["UZ", "TJ", "KG"])], tactics=rng.sample(TACTICS, 2),
                               actors=["police"], status="migrant", summary=phrase, count=rng.randint(1, 30),
                               verification=rng.choice(["reported"] * 8 + ["corroborated", "rejected"]),
                               evidence=[Evidence("summary", phrase, 0, 60, phrase, doc.id),
                                         Evidence("places", region, 0, 60, phrase, doc.id, 0.9)])
                docs.append(doc)
                incs.append(inc)
            with store._connect(write=True) as conn:
                conn.execute(documents.insert(), [R.document_row(d, now) for d in docs])
                conn.execute(incidents.insert(), [R.incident_row(i, now) for i in incs])
                conn.execute(incident_codes.insert(), [r for i in incs for r in R.code_rows(i)])
                conn.execute(evidence.insert(), [r for i in incs for r in R.evidence_rows(i)])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(url: str, name: str, out_dir: str) -> dict:
    from recruitwatch.publish import export
    from recruitwatch.store import open_store

    case = CASES[name]
    with open_store(url) as store:
        store.stats()  # connect and import before the baseline
        import pyarrow.parquet  # noqa: F401  (imported by parquet cases anyway; same baseline for all)

        base = peak_mb()
        path = Path(out_dir) / f"{name}.{case['fmt']}"
        t0 = time.perf_counter()
        result = export(store, path, fmt=case["fmt"], per=case["per"], full=case["full"], actor="bench")
        seconds = time.perf_counter() - t0
    return {"case": name, "rows": result.rows, "withheld": result.withheld, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_mb(), 1), "growth_mb": round(peak_mb() - base, 1),
            "file_mb": round(path.stat().st_size / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--db", help="database URL or SQLite path (default: a temporary file)")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_case(args.db, args.run, args.out)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'export.db'}"
        t0 = time.perf_counter()
        fill(url, args.incidents)
        print(f"store: {args.incidents:,} incidents, filled in {time.perf_counter() - t0:.1f} s", flush=True)
        print(f"{'case':28} {'rows':>8} {'withheld':>8} {'seconds':>8} {'peak MB':>8} {'growth':>7} {'file MB':>8}")
        for name in CASES:
            done = subprocess.run([sys.executable, __file__, "--run", name, "--db", url, "--out", tmp],
                                  capture_output=True, text=True, env={**os.environ})
            if done.returncode != 0:
                print(f"{name}: failed\n{done.stderr[-2000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{r['case']:28} {r['rows']:>8,} {r['withheld']:>8,} {r['seconds']:>8} {r['peak_rss_mb']:>8} "
                  f"{r['growth_mb']:>7} {r['file_mb']:>8}", flush=True)
        dashboard(url)


def dashboard(url: str) -> None:
    """The public dashboard's figures (eight breakdowns): counted by the database vs in Python."""
    from recruitwatch.publish import public_breakdowns, stream_breakdowns
    from recruitwatch.store import IncidentFilter, open_store

    with open_store(url) as store:
        public_breakdowns(store)  # warm the cache
        for label, filters in (("all", None), ("place RU-MOW", IncidentFilter(place="RU-MOW")),
                               ("2023, one tactic", IncidentFilter(date_from="2023", date_to="2023",
                                                                   tactic="document_seizure"))):
            t0 = time.perf_counter()
            public_breakdowns(store, filters)
            sql = time.perf_counter() - t0
            t0 = time.perf_counter()
            stream_breakdowns(store, filters)
            streamed = time.perf_counter() - t0
            print(f"dashboard figures, {label}: {sql * 1000:,.0f} ms in the database, {streamed * 1000:,.0f} ms streamed")


if __name__ == "__main__":
    main()
