"""Web workbench latency at scale: p50/p95 over real HTTP requests against `recruitwatch serve`.

    .venv/bin/python bench/bench_web_latency.py                          # 100,000 incidents, SQLite
    .venv/bin/python bench/bench_web_latency.py --postgres               # and PostgreSQL (the tests' local server)
    .venv/bin/python bench/bench_web_latency.py --incidents 2000 --check  # the small run: every page answers, counts right

A store is filled with ``--incidents`` incidents, each with its source document (a title, an outlet, a URL,
a publication date; a text that holds the evidence of every field), plus a fifth as many irrelevant news
documents. Incidents have places, nationalities, tactics, actors, statuses, outcomes, verification states and
confidences from the taxonomy, dates over 2022-2026 (some partial, some missing), and about a third are further
reports of an earlier case from another outlet. Rows go in with executemany (the store's own row helpers and
index terms), so 100,000 incidents take a few minutes; the filled store is kept (``--dir`` for SQLite; the
PostgreSQL schema ``webbench_<incidents>_<seed>_g<version>``) and reused by later runs after ``init`` (migrations).

Then ``recruitwatch serve --db URL`` starts as a subprocess on a free port, the bench logs in through the login
form (CSRF token) and gets an API token, and times sequential requests (``--requests`` per page, after
``--warmup`` untimed ones) for: the incident list with several filter combinations, an incident's page (random
ids), the dashboard (each request a filter not seen before: no answer is kept per filter; the app counts each
from its snapshot of the cases, read at the first request, a warm-up one, and again in the background every
minute), the map (the dashboard narrowed to one region, as a click on the map does), document search, incident full-text search and the
API list. Target (issue 9): p95 < 200 ms for each. ``--check`` also compares every total the pages and the API
report with the counts computed in Python from the generated incidents (tests/web/test_web_latency_bench.py does
that on 1,000 incidents, SQLite and PostgreSQL). ``--before-src OLD/src`` first serves an older checkout on the same
store taken back to ``--before-revision``, then the current code: before and after in one run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

GENERATOR_VERSION = 1  # bump when the generated data changes: cached stores are keyed by it
PASSWORD = "bench passphrase, long enough"
ADMIN = "bench-admin"
ROOT = Path(__file__).resolve().parents[1]

PLACES = [  # (code, English name in texts, Russian name in texts, weight): a few common, a long tail of rare ones
    ("RU-MOW", "Moscow", "Москве", 30), ("RU-SPE", "St Petersburg", "Петербурге", 14), ("RU-MOS", "Moscow Oblast",
    "Подмосковье", 10), ("RU-TA", "Kazan", "Казани", 6), ("RU-SVE", "Yekaterinburg", "Екатеринбурге", 5),
    ("RU-NVS", "Novosibirsk", "Новосибирске", 4), ("RU-ROS", "Rostov-on-Don", "Ростове-на-Дону", 4),
    ("RU-KDA", "Krasnodar", "Краснодаре", 3), ("RU-SAM", "Samara", "Самаре", 2), ("RU-BA", "Ufa", "Уфе", 2),
    ("RU-PRI", "Vladivostok", "Владивостоке", 1), ("RU-YAR", "Yaroslavl", "Ярославле", 1),
    ("UA-14", "Donetsk", "Донецке", 3), ("UA-09", "Luhansk", "Луганске", 2), ("RU", "Russia", "России", 4),
]  # fmt: skip
NATIONALITIES = [("UZ", "Uzbekistan", "Узбекистана", 30), ("TJ", "Tajikistan", "Таджикистана", 25),
                 ("KG", "Kyrgyzstan", "Киргизии", 18), ("KZ", "Kazakhstan", "Казахстана", 5),
                 ("IN", "India", "Индии", 4), ("NP", "Nepal", "Непала", 4), ("CU", "Cuba", "Кубы", 2),
                 ("LK", "Sri Lanka", "Шри-Ланки", 1), ("SY", "Syria", "Сирии", 1)]
VERIFICATIONS = [("reported", 60), ("corroborated", 20), ("verified", 10), ("disputed", 5), ("rejected", 5)]
OUTLETS = ["Volga Courier", "Southern Desk", "Городской вестник", "Migrant Watch", "Steppe Post", "Азия-Плюс",
           "Северный листок", "Border Weekly", "Hotline Notes", "Дальний край", "Kyrgyz Daily", "Tashkent Today"]
EN_WORDS = "workers dormitory warehouse contract promised salary threatened papers office officials court hostel".split()
RU_WORDS = "рабочие общежитие склад контракт обещали зарплату угрожали бумаги ведомство чиновники суд стройка".split()
NEWS_EN = "council budget bridge repairs concert season harvest figures election fares merger exhibition".split()


@dataclass
class Generated:
    """What the generator made: the records, and per incident what the checks need."""

    documents: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    links: list = field(default_factory=list)


def _weighted(rng: random.Random, rows: list[tuple]) -> tuple:
    return rng.choices(rows, weights=[r[-1] for r in rows])[0]


def _codes(rng: random.Random, rows: list[tuple], low: int, high: int) -> list[tuple]:
    return list({r[0]: r for r in (_weighted(rng, rows) for _ in range(rng.randint(low, high)))}.values())


def generate(n_incidents: int, seed: int = 1) -> Generated:
    """``n_incidents`` incidents, each with its document, and ``n_incidents // 5`` irrelevant news documents."""
    from recruitwatch.records import Document, Evidence, Incident
    from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS

    rng = random.Random(seed)
    tactics, actors = list(TACTICS), list(ACTORS)
    outcomes, statuses = list(OUTCOMES), [s for s in STATUSES if s != "unknown"] + ["unknown"] * 2
    out = Generated()
    cases: list[str] = []
    for n in range(n_incidents):
        lang = rng.choice(("en", "ru"))
        places = _codes(rng, PLACES, 1, 2)
        nats = _codes(rng, NATIONALITIES, 0, 2)
        tacs = rng.sample(tactics[: len(tactics) // 2] if rng.random() < 0.8 else tactics, rng.randint(1, 3))
        acts = rng.sample(actors, rng.randint(0, 2))
        year, month, day = rng.randint(2022, 2026), rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choices([f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}", f"{year}", None],
                           weights=[50, 30, 10, 10])[0]
        outlet = rng.choice(OUTLETS)
        words = EN_WORDS if lang == "en" else RU_WORDS
        filler = " ".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
        place_words = [p[1] if lang == "en" else p[2] for p in places]
        nat_words = [x[1] if lang == "en" else x[2] for x in nats]
        summary = (f"Report {n}: {', '.join(nat_words) or 'migrants'} pressed in {', '.join(place_words)}"
                   if lang == "en" else f"Сообщение {n}: граждане {', '.join(nat_words) or 'мигранты'} в "
                   f"{', '.join(place_words)}")
        tactic_phrases = {t: f"{t.replace('_', ' ')} {rng.choice(words)}" for t in tacs}
        text = f"{summary}. {filler}. " + ". ".join(tactic_phrases.values()) + f". {rng.choice(words)} {n}."
        published = f"{year}-{month:02d}-{day:02d}"
        doc = Document.create(text=text, origin=f"https://news{n % 97}.example.test/{n}", lang=lang,
                              title=f"{summary[:60]} ({outlet})", outlet=outlet, published=published,
                              url=f"https://news{n % 97}.example.test/{n}", relevant=True,
                              relevance=round(0.5 + rng.random() / 2, 3))
        evidence = [Evidence("summary", summary, 0, len(summary), summary, doc.id, 0.9)]
        for code, phrase in tactic_phrases.items():
            at = text.index(phrase)
            evidence.append(Evidence("tactics", code, at, at + len(phrase), phrase, doc.id, round(rng.random(), 3)))
        for (code, *_), word in zip(places, place_words, strict=True):
            at = text.index(word)
            evidence.append(Evidence("places", code, at, at + len(word), word, doc.id, round(rng.random(), 3)))
        inc = Incident(
            document_id=doc.id, date=date, date_precision=None if date is None else ("year", "month", "day")[date.count("-")],
            places=[p[0] for p in places], nationalities=[x[0] for x in nats], status=rng.choice(statuses),
            count=rng.choice([None, None, rng.randint(1, 60)]), actors=acts, tactics=tacs, outcome=rng.choice(outcomes),
            summary=summary, verification=_weighted(rng, VERIFICATIONS)[0], confidence=round(rng.random(), 3),
            evidence=evidence,
        )
        if cases and rng.random() < 0.33:  # another report of an earlier case, from another outlet
            inc.case_id = rng.choice(cases[-3000:])
            out.links.append(tuple(sorted((inc.id, inc.case_id))))
        else:
            cases.append(inc.id)
        out.documents.append(doc)
        out.incidents.append(inc)
    for n in range(n_incidents // 5):  # news that is not about recruitment
        text = " ".join(rng.choice(NEWS_EN) for _ in range(rng.randint(30, 80))) + f" item {n}."
        out.documents.append(Document.create(text=text, origin=f"https://city.example.test/{n}", lang="en",
                                             title=f"City news {n}", outlet="City Paper", relevant=False,
                                             relevance=0.01, published=f"{rng.randint(2022, 2026)}-01-0{rng.randint(1, 9)}"))
    return out


def fill(store, data: Generated, batch: int = 2000) -> None:
    """Insert ``data`` with executemany through the store's row helpers (no linking: cases are given)."""
    from recruitwatch.store import rows as R
    from recruitwatch.store.database import incident_terms
    from recruitwatch.store.schema import (
        document_origins,
        documents,
        evidence,
        incident_codes,
        incident_links,
        incidents,
    )
    from recruitwatch.store.search import document_terms

    now = datetime.now(UTC)
    started = time.perf_counter()
    for i in range(0, len(data.documents), batch):
        chunk = data.documents[i : i + batch]
        with store._connect(write=True) as conn:
            pks = conn.execute(documents.insert().returning(documents.c.pk, documents.c.id),
                               [R.document_row(d, now) for d in chunk], ).all()
            by_id = {d.id: d for d in chunk}
            store._index(conn, "documents", [{"pk": pk, "terms": document_terms(by_id[i].title, by_id[i].text)}
                                             for pk, i in pks])
            conn.execute(document_origins.insert(), [{"document_id": d.id, "origin": d.origin, "url": d.url,
                                                      "outlet": d.outlet, "published": d.published, "found_at": now}
                                                     for d in chunk])
    for i in range(0, len(data.incidents), batch):
        chunk = data.incidents[i : i + batch]
        with store._connect(write=True) as conn:
            pks = conn.execute(incidents.insert().returning(incidents.c.pk, incidents.c.id),
                               [R.incident_row(inc, now) for inc in chunk]).all()
            conn.execute(incident_codes.insert(), [r for inc in chunk for r in R.code_rows(inc)])
            conn.execute(evidence.insert(), [r for inc in chunk for r in R.evidence_rows(inc)])
            by_id = {inc.id: inc for inc in chunk}
            store._index(conn, "incidents", [{"pk": pk, "terms": incident_terms(by_id[i])} for pk, i in pks])
        print(f"  {i + len(chunk)} incidents, {time.perf_counter() - started:.0f} s", flush=True, end="\r")
    if data.links:
        with store._connect(write=True) as conn:
            conn.execute(incident_links.insert(), [{"a": a, "b": b, "kind": "match", "score": 0.9, "fields": {"place": 1.0},
                                                    "actor": "linker", "at": now} for a, b in set(data.links)])
    print(f"  filled {len(data.documents)} documents and {len(data.incidents)} incidents in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def postgres_schema_url(base: str, schema: str, *, fresh: bool = False) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if fresh:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def prepare_store(url: str, data_factory: Callable[[], Generated]) -> tuple[object, Generated | None]:
    """Open (and upgrade) the store at ``url``, filling it when it is empty. Returns the store and the data
    generated for it (None when a filled store was reused)."""
    from recruitwatch.store import open_store

    store = open_store(url)
    store.init()
    data = None
    if store.stats()["incident_reports"] == 0:
        data = data_factory()
        fill(store, data)
        with store.engine.begin() as conn:  # planner statistics, as a store in use has them
            conn.exec_driver_sql("ANALYZE")
    if store.get_user(ADMIN) is None:
        store.add_user(ADMIN, PASSWORD, "admin", actor="bench")
    return store, data


# -- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``recruitwatch serve --db URL`` in a subprocess; ``base`` is its address."""

    def __init__(self, url: str, python: str = sys.executable, pythonpath: str | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, RECRUITWATCH_SECRET_KEY="bench-secret-" + "x" * 32)
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        self.proc = subprocess.Popen([python, "-m", "recruitwatch", "serve", "--db", url, "--port", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"recruitwatch serve exited {self.proc.returncode}: {self.proc.stderr.read()[-2000:]}")
            try:
                httpx.get(self.base + "/login", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"recruitwatch serve did not answer at {self.base} within {timeout:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def login(base: str):
    """An httpx client logged in through the login form (with its CSRF token)."""
    import httpx

    client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError(f"{base}/login: no CSRF token in the login form")
    done = client.post("/login", data={"username": ADMIN, "password": PASSWORD, "next": "/", "csrf_token": token.group(1)})
    if done.status_code != 303:
        raise RuntimeError(f"{base}/login: logging in answered {done.status_code}")
    return client


# -- what is requested --------------------------------------------------------------------------

LIST_FILTERS = [  # the incident list's facets, as a user sets them
    {},
    {"tactic": "document_seizure"},
    {"place": "RU-MOW"},
    {"place": "RU"},
    {"place": "RU-PRI"},  # rare
    {"nationality": "TJ", "tactic": "false_job_offer"},
    {"nationality": "LK"},  # rare
    {"date_from": "2023-03", "date_to": "2023-08"},
    {"date_from": "2024", "date_to": "2024", "verification": "verified"},
    {"verification": "disputed", "place": "RU-SPE"},
    {"conf_min": "0.2", "conf_max": "0.4", "tactic": "threat_of_prosecution"},
    {"status": "student", "nationality": "UZ", "date_from": "2025"},
]
SEARCHES = ["contract", "Москве", "threatened papers", "граждане Таджикистана", '"promised salary"',
            "workers dormitory warehouse contract promised salary threatened", "court", "ведомство суд"]


def requests_plan(rng: random.Random, ids: list[str], n: int) -> dict[str, list[str]]:
    """Per page kind, ``n`` request paths with varied, realistic parameters."""
    from urllib.parse import urlencode

    def q(params: dict) -> str:
        return "?" + urlencode(params) if params else ""

    months = [f"{y}-{m:02d}" for y in range(2022, 2027) for m in range(1, 13)]
    dash = [{}] + [{"date_from": m} for m in months] + [{"tactic": t} for t in ("document_seizure", "false_job_offer")]
    rng.shuffle(dash)
    return {
        "incident list, filters": [f"/incidents{q(LIST_FILTERS[i % len(LIST_FILTERS)] | ({'page': 2} if i % 5 == 4 else {}))}"
                                   for i in range(n)],
        "incident detail": [f"/incidents/{rng.choice(ids)}" for _ in range(n)],
        "dashboard (new filter)": [f"/{q(dash[i % len(dash)] | {'conf_min': f'0.{i // len(dash)}'} if i >= len(dash) else dash[i])}"
                                 for i in range(n)],
        "map (region, new filter)": [f"/{q({'place': PLACES[i % len(PLACES)][0], 'date_from': str(2022 + i // len(PLACES))})}"
                                   for i in range(n)],
        "document search": [f"/documents{q({'q': SEARCHES[i % len(SEARCHES)]})}" for i in range(n)],
        "incident search": [f"/incidents{q({'q': SEARCHES[i % len(SEARCHES)]})}" for i in range(n)],
        "API list": [f"/api/incidents{q(LIST_FILTERS[(i + 3) % len(LIST_FILTERS)])}" for i in range(n)],
    }


def measure(client, plan: dict[str, list[str]], warmup: int, headers: dict[str, str]) -> dict[str, list[float]]:
    """Sequential requests, kinds interleaved; the first ``warmup`` of each kind are not timed."""
    times: dict[str, list[float]] = {k: [] for k in plan}
    longest = max(len(v) for v in plan.values())
    for i in range(longest):
        for kind, paths in plan.items():
            if i >= len(paths):
                continue
            t = time.perf_counter()
            resp = client.get(paths[i], headers=headers if paths[i].startswith("/api/") else None)
            elapsed = (time.perf_counter() - t) * 1000
            if resp.status_code != 200:
                raise RuntimeError(f"GET {paths[i]} answered {resp.status_code}: {resp.text[:300]}")
            if i >= warmup:
                times[kind].append(elapsed)
    return times


def p95(ts: list[float]) -> float:
    ts = sorted(ts)
    return ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]


def print_table(title: str, times: dict[str, list[float]], target: float = 200.0) -> None:
    print(f"\n{title}")
    print(f"  {'page':<26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95 < {target:.0f} ms")
    for kind, ts in times.items():
        if ts:
            ok = "ok" if p95(ts) < target else "MISSED"
            print(f"  {kind:<26} {len(ts):>4} {statistics.median(ts):8.1f} {p95(ts):8.1f} {max(ts):8.1f}  {ok}")


# -- the checks (--check, and the suite) ---------------------------------------------------------

def expected_total(data: Generated, params: dict[str, str]) -> int:
    """How many cases the list shows for ``params``, computed in Python from the generated incidents."""
    from recruitwatch.store.rows import date_bounds

    lo = date_bounds(params["date_from"])[0] if "date_from" in params else None
    hi = date_bounds(params["date_to"])[1] if "date_to" in params else None
    n = 0
    for inc in data.incidents:
        if (inc.case_id or inc.id) != inc.id:
            continue
        start, end = date_bounds(inc.date) if inc.date else (None, None)
        if lo and not (end and end >= lo):
            continue
        if hi and not (start and start <= hi):
            continue
        if "place" in params and not any(p == params["place"] or p.startswith(params["place"] + "-") for p in inc.places):
            continue
        if "nationality" in params and params["nationality"] not in inc.nationalities:
            continue
        if "tactic" in params and params["tactic"] not in inc.tactics:
            continue
        if "status" in params and inc.status != params["status"]:
            continue
        if "verification" in params and inc.verification != params["verification"]:
            continue
        if "conf_min" in params and not inc.confidence >= float(params["conf_min"]):
            continue
        if "conf_max" in params and not inc.confidence <= float(params["conf_max"]):
            continue
        n += 1
    return n


def check(client, token: str, data: Generated) -> list[str]:
    """Every page answers 200 and every total matches the generated data; returns the problems found."""
    problems: list[str] = []
    auth = {"Authorization": f"Bearer {token}"}
    for params in LIST_FILTERS:
        want = expected_total(data, params)
        got = client.get("/api/incidents", params=params, headers=auth)
        if got.status_code != 200 or got.json()["total"] != want:
            problems.append(f"/api/incidents {params}: {got.status_code} total {got.json().get('total')} != {want}")
        page = client.get("/incidents", params=params)
        if page.status_code != 200 or f"<strong>{want} incident" not in page.text:
            problems.append(f"/incidents {params}: {page.status_code}, total {want} not shown")
        dash = client.get("/", params=params)
        if dash.status_code != 200 or f"{want} incident" not in dash.text:
            problems.append(f"/ {params}: {dash.status_code}, total {want} not shown")
    stats = client.get("/api/stats", headers=auth).json()
    cases = sum(1 for i in data.incidents if (i.case_id or i.id) == i.id)
    for key, want in (("incidents", cases), ("incident_reports", len(data.incidents)), ("documents", len(data.documents)),
                      ("relevant_documents", len(data.incidents))):
        if stats.get(key) != want:
            problems.append(f"/api/stats {key}: {stats.get(key)} != {want}")
    rng = random.Random(3)
    for inc in rng.sample(data.incidents, 5):
        page = client.get(f"/incidents/{inc.id}")
        if page.status_code != 200 or str(inc.summary.split(":")[0]) not in page.text:
            problems.append(f"/incidents/{inc.id}: {page.status_code}")
        api = client.get(f"/api/incidents/{inc.id}", headers=auth)
        if api.status_code != 200 or inc.id not in {m["id"] for m in api.json()["members"]}:
            problems.append(f"/api/incidents/{inc.id}: {api.status_code}")
    for path in (f"/documents?q={data.incidents[7].summary.split(':')[0].split()[1]}", "/documents", "/documents?q=contract"):
        page = client.get(path)
        if page.status_code != 200:
            problems.append(f"{path}: {page.status_code}")
    marker = data.incidents[7].summary.split(":")[0]  # "Report 7" / "Сообщение 7": in one document only
    hits = client.get("/api/documents", params={"q": f'"{marker}"'}, headers=auth).json()["hits"]
    if [h["document"]["id"] for h in hits] != [data.incidents[7].document_id]:
        problems.append(f"/api/documents q={marker!r}: {len(hits)} hits, not the one document")
    return problems


def downgrade(url: str, revision: str) -> None:
    """Take the store at ``url`` back to schema ``revision`` (to serve it with an older checkout)."""
    from alembic import command

    from recruitwatch.store import open_store
    from recruitwatch.store.database import alembic_config

    store = open_store(url)
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    store.close()


def serve_and_time(url: str, label: str, args, ids: list[str], token: str, data: Generated | None,
                   pythonpath: str | None) -> dict[str, list[float]]:
    server = Server(url, pythonpath=pythonpath)
    try:
        server.wait()
        client = login(server.base)
        if args.check:
            problems = check(client, token, data or generate(args.incidents, args.seed))
            for p in problems:
                print(f"  PROBLEM {p}")
            print(f"  check: {'every page answered and every total matched' if not problems else f'{len(problems)} problems'}")
            if problems:
                raise SystemExit(1)
        plan = requests_plan(random.Random(args.seed), ids, args.requests + args.warmup)
        times = measure(client, plan, args.warmup, {"Authorization": f"Bearer {token}"})
        client.close()
    finally:
        server.stop()
    load = open("/proc/loadavg").read().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print_table(f"{label}: {len(ids)} incidents, {args.requests} requests per page after {args.warmup} warm-up "
                f"(load average {' '.join(load)})", times)
    return times


def run(url: str, label: str, args) -> dict[str, list[float]]:
    store, data = prepare_store(url, lambda: generate(args.incidents, args.seed))
    stats = store.stats()
    print(f"{label}: {store.describe()}: {stats['documents']} documents, {stats['incident_reports']} incidents "
          f"({stats['incidents']} cases)", flush=True)
    from sqlalchemy import select

    from recruitwatch.store.schema import incidents

    with store.engine.connect() as conn:
        ids = list(conn.execute(select(incidents.c.id)).scalars())
    token = store.create_token(ADMIN, actor="bench")
    store.close()
    if args.before_src:  # the older code first, on the same store taken back to its schema
        downgrade(url, args.before_revision)
        before = serve_and_time(url, f"{label}, before ({args.before_src}, schema {args.before_revision})", args, ids,
                                token, data, args.before_src)
        prepare_store(url, lambda: generate(args.incidents, args.seed))  # upgrade again
        after = serve_and_time(url, f"{label}, after", args, ids, token, data, args.server_pythonpath)
        print(f"\n{label}: p95 before -> after (ms)")
        for kind in after:
            print(f"  {kind:<26} {p95(before[kind]):8.1f} -> {p95(after[kind]):8.1f}")
        return after
    return serve_and_time(url, label, args, ids, token, data, args.server_pythonpath)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page kind")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page kind first")
    parser.add_argument("--dir", default="/tmp/recruitwatch-webbench", help="where filled SQLite stores are kept")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too (--db-url, else "
                        "$RECRUITWATCH_TEST_POSTGRES_URL, else scripts/postgres-test-server.sh)")
    parser.add_argument("--db-url", help="the PostgreSQL server (a schema webbench_<incidents>_<seed> is made in it)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="fill again even if a filled store is kept")
    parser.add_argument("--check", action="store_true", help="also check every page's answer and totals")
    parser.add_argument("--server-pythonpath", help="serve with another checkout's code (PYTHONPATH), e.g. "
                        "/work/main/src, to measure before and after on the same store")
    parser.add_argument("--before-src", help="also measure an older checkout first (its src folder, served with "
                        "PYTHONPATH) on the same store taken back to --before-revision: before and after in one run")
    parser.add_argument("--before-revision", default="0008", help="the schema the --before-src code expects "
                        "(default 0008: the migration before this benchmark's indexes, 0009)")
    args = parser.parse_args()
    runs = []
    if not args.no_sqlite:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        path = Path(args.dir) / f"web-{args.incidents}-{args.seed}-g{GENERATOR_VERSION}.db"
        if args.fresh:
            for p in path.parent.glob(path.name + "*"):
                p.unlink()
        runs.append((f"sqlite:///{path}", "SQLite"))
    if args.postgres or args.db_url:
        base = args.db_url or os.environ.get("RECRUITWATCH_TEST_POSTGRES_URL") or subprocess.run(
            ["bash", str(ROOT / "scripts" / "postgres-test-server.sh")], capture_output=True, text=True,
            check=True).stdout.strip().splitlines()[-1]
        schema = f"webbench_{args.incidents}_{args.seed}_g{GENERATOR_VERSION}"
        runs.append((postgres_schema_url(base, schema, fresh=args.fresh), "PostgreSQL"))
    for url, label in runs:
        started = time.perf_counter()
        run(url, label, args)
        print(f"  ({time.perf_counter() - started:.0f} s in all)\n", flush=True)


if __name__ == "__main__":
    if shutil.which("recruitwatch") is None and not (Path(sys.executable).parent / "recruitwatch").exists():
        print("note: run with the project's .venv/bin/python", file=sys.stderr)
    main()
