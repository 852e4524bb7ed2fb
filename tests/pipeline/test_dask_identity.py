"""Issue 11 item 2: `ingest --engine dask` stores exactly what the local runner stores.

The Dask workers read and analyse; the client stores their results in input order with the local
runner's own batch code. Every stored row (ids, origins, failures, incidents, near-duplicate
groups, cases, row numbers) must be the same as with the local runner on the same input; only
timestamps differ. Runs on a 2-worker LocalCluster, on SQLite and PostgreSQL, through the library
and the command line (its own cluster, and an existing scheduler's address), and checks that
SIGTERM stops the run with no worker process left behind.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import distributed  # the dask extra, which the test extra installs: these tests must not be skipped
import psutil  # installed with distributed
import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from recruitwatch import dask_ingest
from recruitwatch.dask_ingest import run_ingest_dask
from recruitwatch.pipeline import plan_sources, run_ingest
from recruitwatch.store import open_store

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from newsgen import stream  # noqa: E402

REPORT = ("Police officers raided a hostel for migrant workers from Uzbekistan in Balashikha on {day} April 2023 "
          "and took {n} men to the military enlistment office, where they were told to sign contracts with the "
          "Defence Ministry or lose their patents. Two of them were later sent to the front, a lawyer said.")
PAGE = """<!doctype html><html lang="en"><head><title>Migrants pressed into contracts</title>
<meta property="og:site_name" content="Example Herald"></head><body><nav>Home | World | Contact</nav>
<article><h1>Migrants pressed into contracts</h1><p>{body}</p><p>{more}</p></article>
<footer>All rights reserved</footer></body></html>"""


def _warc(pages: list[tuple[str, str, bytes]]) -> bytes:
    """A gzipped WARC of HTTP responses: (uri, status line, body) each."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, status, body in pages:
        headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def _jsonl(path: Path, records: list[dict], *, bad_line: bool = False) -> None:
    with path.open("w", encoding="utf-8") as f:
        for n, record in enumerate(records):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            if bad_line and n == len(records) // 2:
                f.write('{"id": "broken", "text": \n')


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Text files in sub-folders, a copy, an HTML page, a WARC archive, a JSONL shard and a bigger
    JSONL file (each with a bad line), bad files and a skipped image."""
    folder = tmp_path_factory.mktemp("dask") / "inputs"
    news = list(stream(110, seed=23, relevant_share=0.2))
    for i, _, body in news[:40]:
        sub = folder / "news" / f"part-{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"news-{i:03d}.txt").write_text(body, encoding="utf-8")
    for n in range(8):
        (folder / f"report-{n}.txt").write_text(REPORT.format(day=n + 1, n=n + 3), encoding="utf-8")
    (folder / "report-copy.txt").write_text(REPORT.format(day=3, n=5), encoding="utf-8")  # report-2 again
    (folder / "page.html").write_text(PAGE.format(body=REPORT.format(day=20, n=11), more=news[40][2]), encoding="utf-8")
    (folder / "archive.warc.gz").write_bytes(_warc([
        ("https://example.org/news/1", "200 OK", PAGE.format(body=REPORT.format(day=21, n=4), more=news[41][2]).encode()),
        ("https://example.org/news/2", "200 OK", PAGE.format(body=news[42][2], more=news[43][2]).encode()),
        ("https://example.org/missing", "404 Not Found", b"<html><body>gone</body></html>"),
    ]))
    _jsonl(folder / "shard.jsonl", [{"id": f"s{i}", "lang": lang, "text": body} for i, lang, body in news[44:70]],
           bad_line=True)
    big = [{"id": f"b{i}", "text": body, "url": f"https://example.org/b/{i}"} for i, _, body in news[70:110]]
    big.insert(7, {"id": "again", "text": REPORT.format(day=1, n=3)})  # report-0 again
    _jsonl(folder / "big.jsonl", big, bad_line=True)
    (folder / "broken.html").write_bytes(b"\x00\x01not a page\xff" * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


@pytest.fixture
def small_tasks(monkeypatch, inputs):
    """Task sizes scaled down to the test input, so that every kind of task is made: groups of
    small files, one file per task (the shard, the archive, the page), a file read by the client
    and sent in chunks (big.jsonl), and a file the workers cannot see as the client does."""
    monkeypatch.setattr(dask_ingest, "SMALL_FILE_BYTES", 4096)
    monkeypatch.setattr(dask_ingest, "FILES_PER_TASK", 5)
    monkeypatch.setattr(dask_ingest, "WORKER_READ_BYTES", 50_000)
    monkeypatch.setattr(dask_ingest, "DOCUMENTS_PER_TASK", 8)
    sizes = {str(p): p.stat().st_size for p in inputs.rglob("*") if p.is_file()}
    assert sizes[str(inputs / "big.jsonl")] > 50_000 > sizes[str(inputs / "shard.jsonl")] > 4096
    real = dask_ingest._size
    page = str(inputs / "page.html")
    monkeypatch.setattr(dask_ingest, "_size", lambda label: real(label) + (1 if label == page else 0)
                        if real(label) is not None else None)


@pytest.fixture(scope="module")
def cluster():
    """A 2-worker LocalCluster, as a user's `dask scheduler` + `dask worker` would be."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address="127.0.0.1:0",
                                  scheduler_kwargs={"dashboard": False}) as cluster:
        yield cluster


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table but the audit log, without timestamps (SQLite or PostgreSQL)."""
    engine = create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                if table.startswith("sqlite_") or "_fts" in table or table in ("audit_log", "alembic_version"):
                    continue
                columns = [c["name"] for c in inspect(conn).get_columns(table)
                           if not c["name"].endswith("_at") and c["name"] not in ("at", "timestamp")]
                quoted = ", ".join(f'"{c}"' for c in columns)  # "end" is a keyword in PostgreSQL
                rows = conn.execute(text(f"SELECT {quoted} FROM {table}"))
                out[table] = sorted(repr(tuple(row)) for row in rows)
    finally:
        engine.dispose()
    return out


def ingest(url: str, inputs: Path, **dask) -> tuple[dict, dict, list, dict]:
    """Ingest twice (the second run must add nothing) with the local runner, or on Dask when
    ``dask`` holds run_ingest_dask's arguments; the summaries, the progress snapshots, the rows."""
    progress: list = []
    with open_store(url) as store:
        store.init()
        if dask:
            first = run_ingest_dask(plan_sources([inputs]), store, batch_size=20, on_progress=progress.append, **dask)
            again = run_ingest_dask(plan_sources([inputs]), store, batch_size=20, **dask)
        else:
            first = run_ingest(plan_sources([inputs]), store, batch_size=20, on_progress=progress.append)
            again = run_ingest(plan_sources([inputs]), store, batch_size=20)
    return first.to_dict(), again.to_dict(), progress, snapshot(url)


@pytest.fixture(scope="module")
def local_sqlite(inputs, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('local') / 'local.db'}"
    return ingest(url, inputs)


def assert_same(local, dask) -> None:
    assert local[0] == dask[0], "the summaries differ"
    assert local[1] == dask[1], "the re-runs differ"
    assert local[3].keys() == dask[3].keys()
    for table in local[3]:
        assert local[3][table] == dask[3][table], table


def assert_realistic(result) -> None:
    summary, again, progress, rows = result
    assert summary["new"] >= 100 and summary["incidents"] >= 10 and summary["already_known"] >= 2
    failed = {f["source"].split("/inputs/")[1] for f in summary["failures"]}
    assert {"broken.html", "empty.txt"} <= failed
    assert any(f.startswith("shard.jsonl#line") for f in failed) and any(f.startswith("big.jsonl#line") for f in failed)
    assert any("example.org/news/1" in row for row in rows["document_origins"])  # the archived page
    assert summary["skipped"] == 1
    assert again["new"] == 0 and again["already_known"] == summary["read"]
    last = progress[-1]
    assert last.stage == "done" and last.files_done == last.files_total and last.documents == summary["read"]


@pytest.mark.issue(11)
def test_dask_on_a_local_cluster_stores_what_the_local_runner_stores(inputs, local_sqlite, cluster, small_tasks,
                                                                     tmp_path, caplog):
    with caplog.at_level("WARNING", logger="recruitwatch.dask_ingest"):
        dask = ingest(f"sqlite:///{tmp_path / 'dask.db'}", inputs, scheduler=cluster.scheduler_address)
    unseen = [r.getMessage() for r in caplog.records if "workers cannot read" in r.getMessage()]
    assert unseen and all(str(inputs / "page.html") in m for m in unseen)  # read by the client instead
    assert_realistic(local_sqlite)
    assert_same(local_sqlite, dask)
    documents = [p.documents for p in dask[2]]
    assert documents == sorted(documents) and dask[2][-1] == local_sqlite[2][-1]


@pytest.mark.issue(11)
@pytest.mark.postgres
def test_dask_on_postgresql_stores_what_the_local_runner_stores(inputs, cluster, small_tasks, postgres_url):
    urls = []
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        for name in ("local", "dask"):
            schema = f"t_dask_{name}_{os.getpid()}"
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
            urls.append(f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}")
        local = ingest(urls[0], inputs)
        dask = ingest(urls[1], inputs, scheduler=cluster.scheduler_address)
        assert_realistic(local)
        assert_same(local, dask)
    finally:
        with admin.connect() as conn:
            for name in ("local", "dask"):
                conn.execute(text(f"DROP SCHEMA IF EXISTS t_dask_{name}_{os.getpid()} CASCADE"))
        admin.dispose()


@pytest.mark.issue(11)
def test_cli_ingest_with_an_existing_scheduler(inputs, local_sqlite, cluster, tmp_path):
    from recruitwatch.cli import _register, app

    _register()
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["ingest", str(inputs), "--db", str(db), "--scheduler", cluster.scheduler_address,
                                      "--batch-size", "20", "--json"])
    assert result.exit_code == 1, result.output  # some inputs failed, the rest is stored
    summary = json.loads(result.stdout)
    assert summary == local_sqlite[0]
    rows = snapshot(f"sqlite:///{db}")
    for table in local_sqlite[3]:
        assert rows[table] == local_sqlite[3][table], table


def test_cli_refuses_an_unreachable_scheduler_and_bad_combinations(tmp_path, monkeypatch):
    from recruitwatch.cli import _register, app

    _register()
    monkeypatch.setattr(dask_ingest, "CONNECT_TIMEOUT", 1)
    db = str(tmp_path / "x.db")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", db, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 3
    assert "could not connect to the Dask scheduler at tcp://127.0.0.1:9" in result.output
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", db, "--engine", "local", "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.output
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", db, "--scheduler", "tcp://x:1", "--workers", "2"])
    assert result.exit_code == 2 and "pass one or the other" in result.output


@pytest.mark.issue(11)
def test_sigterm_stops_the_dask_run_cleanly_and_a_rerun_finishes(tmp_path):
    folder = tmp_path / "shards"
    folder.mkdir()
    total, shards = 300, 12  # a third relevant: slow enough to stop after the first batch is stored
    news = list(stream(total, seed=5, relevant_share=0.33))
    size = total // shards
    for shard in range(shards):
        _jsonl(folder / f"shard-{shard:02d}.jsonl",
               [{"id": f"n{i}", "lang": lang, "text": body} for i, lang, body in news[shard * size:(shard + 1) * size]])
    db = tmp_path / "stopped.db"
    command = shutil.which("recruitwatch", path=str(Path(sys.executable).parent)) or "recruitwatch"
    process = subprocess.Popen([command, "ingest", str(folder), "--db", str(db), "--engine", "dask", "--workers", "2",
                                "--batch-size", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stored = 0
        deadline = time.monotonic() + 600  # generous: the machine running the suite may be loaded
        while stored == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    pass  # not created yet
        assert process.poll() is None, "the run ended before it could be stopped"
        assert stored > 0, "nothing was stored in 10 minutes"
        workers = psutil.Process(process.pid).children(recursive=True)
        assert len(workers) >= 2
        listening = {c.laddr.ip for p in [psutil.Process(process.pid), *workers]
                     for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        assert listening == {"127.0.0.1"}  # the cluster serves nothing beyond this machine
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    psutil.wait_procs(workers, timeout=10)
    assert not [w.pid for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < before < total
    with open_store(str(db)) as store:  # the re-run (here the local runner) adds the rest, nothing twice
        summary = run_ingest(plan_sources([folder]), store, batch_size=20)
    assert summary.new == total - before and summary.known == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == total


@pytest.mark.issue(11)
def test_a_failing_task_is_retried_input_by_input(inputs, cluster):
    """A task that fails as a whole (here: a reader given a broken argument raises; in life, a
    worker killed by an input) is split: the good file's documents come back, the bad one becomes a
    failure naming it, and the run goes on."""
    from recruitwatch.dask_ingest import StoreAddress, _result, _Submitter, _Task
    from recruitwatch.ingest import read_file

    good, bad = str(inputs / "report-0.txt"), str(inputs / "report-1.txt")
    payload = ("files", [(good, os.path.getsize(good), partial(read_file, Path(good))),
                         (bad, os.path.getsize(bad), partial(read_file, Path(bad), limits="not limits"))])
    task = _Task([good, bad], payload)
    with distributed.Client(cluster) as client:
        submit = _Submitter(client, StoreAddress(None))
        out = _result(task, submit(task), submit)
    assert len(out) == 4 and out[1] is None and out[3] is None
    assert out[0].doc.origin == good and out[0].result.incidents  # analysed on the cluster
    assert out[2].source == bad
    assert out[2].problem.startswith("could not be read and analysed on the Dask cluster: AttributeError")


def test_the_command_line_does_not_import_dask_unless_asked():
    """`recruitwatch --help` and the local engine stay fast: Dask is imported for --engine dask only."""
    code = ("import sys\n"
            "from typer.testing import CliRunner\n"
            "from recruitwatch.cli import _register, app\n"
            "_register()\n"
            "assert CliRunner().invoke(app, ['ingest', '--help']).exit_code == 0\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'tornado'}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
