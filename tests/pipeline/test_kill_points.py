"""Issue 10, item 5: an ingest killed at several points, with and without worker processes.

Each run is a real `recruitwatch ingest` process. SIGKILL at a kill point, then the same command
again (itself killed once more, later), then a last run to the end: the store must hold exactly
the documents and incidents of an uninterrupted run, and no worker process may outlive its parent.
SIGTERM and Ctrl-C stop an ingest cleanly (its workers too) and the re-run finishes the job.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

RELEVANT = (
    "Report {n}. On {day} March 2023 police officers raided a construction site in Podolsk, checked the "
    "papers of migrant workers from Tajikistan and took the passports of {n} men. They were driven to a "
    "military enlistment office and told to sign a contract with the Defence Ministry or face deportation."
)
OTHER = "Bulletin {n}. The city council of Kazan approved a new timetable for trams on line {n} from next month."
REPORTS = 120
KILL_AT = (15, 60)  # documents stored when the first and the second run are killed


def write_reports(folder: Path) -> Path:
    folder.mkdir()
    for n in range(REPORTS):
        template = RELEVANT if n % 3 == 0 else OTHER
        (folder / f"report-{n:04d}.txt").write_text(template.format(n=n, day=1 + n % 28), encoding="utf-8")
    return folder


def stored_documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or busy
        return 0


def snapshot(db: Path) -> tuple[list, list]:
    """Every document id and every incident (without row numbers and timestamps), sorted."""
    with sqlite3.connect(db) as conn:
        documents = sorted(row[0] for row in conn.execute("SELECT id FROM documents"))
        columns = [row[1] for row in conn.execute("PRAGMA table_info(incidents)") if row[1] not in ("pk", "added_at")]
        incidents = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM incidents").fetchall())
    return documents, incidents


def children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (from /proc; zombies count as gone)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.add(pid)
    return left


def ingest_command(reports: Path, db: Path | str, workers: int) -> list[str]:
    return [sys.executable, "-m", "recruitwatch", "ingest", str(reports), "--db", str(db), "--batch-size", "5",
            "--workers", str(workers), "--json"]


def start(reports: Path, db: Path | str, workers: int) -> subprocess.Popen:
    """Start an ingest. Its stderr goes to a file, not a pipe: a worker that outlived its parent
    would hold a pipe open, and reading it to the end would hang the test instead of failing it."""
    stderr = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(ingest_command(reports, db, workers), stdout=subprocess.DEVNULL, stderr=stderr,
                               text=True, start_new_session=True)
    process.stderr_file = stderr
    return process


def stop(process: subprocess.Popen, how: int | None = None) -> str:
    """Send ``how`` (if given), wait for the process to end, and return its stderr."""
    if how is not None:
        os.kill(process.pid, how)
    process.wait(timeout=60)
    process.stderr_file.seek(0)
    return process.stderr_file.read()


def wait_for(process: subprocess.Popen, db: Path, documents: int, workers: int) -> set[int]:
    """Wait until ``documents`` are stored (and the pool's workers run); return the worker pids."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        pool = children(process.pid) if workers > 1 else set()
        if stored_documents(db) >= documents and len(pool) >= (workers if workers > 1 else 0):
            return pool
        time.sleep(0.05)
    raise AssertionError(f"the ingest ended before {documents} documents were stored: {stop(process)}")


def assert_gone(pids: set[int]) -> None:
    deadline = time.monotonic() + 10
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive(pids)
    for pid in left:  # do not leave them running after the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers outlived their parent: {left}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return write_reports(tmp_path_factory.mktemp("kill") / "reports")


@pytest.fixture(scope="module")
def uninterrupted(reports, tmp_path_factory) -> tuple[list, list]:
    db = tmp_path_factory.mktemp("reference") / "store.db"
    done = subprocess.run(ingest_command(reports, db, 1), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    documents, incidents = snapshot(db)
    assert len(documents) == REPORTS and len(incidents) >= REPORTS // 3
    return documents, incidents


@pytest.mark.slow
@pytest.mark.issue(10)
@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_at_two_points_then_rerun_gives_the_uninterrupted_result(reports, uninterrupted, tmp_path, workers):
    db = tmp_path / "store.db"
    for kill_at in KILL_AT:
        process = start(reports, db, workers)
        pool = wait_for(process, db, kill_at, workers)
        stop(process, signal.SIGKILL)
        assert_gone(pool)
        assert kill_at <= stored_documents(db) < REPORTS
    final = subprocess.run(ingest_command(reports, db, workers), capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert snapshot(db) == uninterrupted
    assert oct(db.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
@pytest.mark.issue(10)
def test_sigterm_and_ctrl_c_stop_cleanly_with_their_workers(reports, uninterrupted, tmp_path):
    db = tmp_path / "store.db"
    for how, kill_at in (("SIGTERM", KILL_AT[0]), ("Ctrl-C", KILL_AT[1])):
        process = start(reports, db, 2)
        pool = wait_for(process, db, kill_at, 2)
        if how == "SIGTERM":
            stderr = stop(process, signal.SIGTERM)
        else:  # a terminal sends SIGINT to the whole foreground process group
            os.killpg(process.pid, signal.SIGINT)
            stderr = stop(process)
        expected = 128 + (signal.SIGTERM if how == "SIGTERM" else signal.SIGINT)
        assert process.returncode == expected, stderr
        assert "run the same command again to finish" in stderr and "Traceback" not in stderr, stderr
        assert_gone(pool)
    final = subprocess.run(ingest_command(reports, db, 2), capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert snapshot(db) == uninterrupted


# -- PostgreSQL: no orphan keeps the killed parent's transaction open ------------------------

def pg_url(schema_url: str, name: str) -> str:
    return f"{schema_url}&application_name={name}"


def pg_snapshot(url: str) -> tuple[list, list]:
    """Document ids and incident ids of a PostgreSQL store, sorted."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            documents = sorted(row[0] for row in conn.execute(text("SELECT id FROM documents")))
            incidents = sorted(row[0] for row in conn.execute(text("SELECT id FROM incidents")))
    finally:
        engine.dispose()
    return documents, incidents


def pg_count(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def pg_sessions(admin_url: str, name: str) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT pid, state FROM pg_stat_activity WHERE application_name = :n"),
                                {"n": name}).fetchall()
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.issue(10)
def test_on_postgresql_a_killed_ingest_leaves_no_session_and_the_rerun_does_not_wait(
        reports, uninterrupted, postgres_url, postgres_schema_url):
    name = f"rwkill{os.getpid()}"
    url = pg_url(postgres_schema_url, name)
    process = start(reports, url, 2)
    deadline = time.monotonic() + 240
    pool: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        pool = children(process.pid)
        if len(pool) >= 2 and pg_count(url) >= KILL_AT[0]:
            break
        time.sleep(0.1)
    assert process.poll() is None, stop(process)
    stop(process, signal.SIGKILL)
    assert_gone(pool)
    deadline = time.monotonic() + 10
    while pg_sessions(postgres_url, name) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pg_sessions(postgres_url, name) == []  # no orphan holds the parent's connection or transaction
    start_rerun = time.monotonic()
    final = subprocess.run(ingest_command(reports, url, 2), capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert time.monotonic() - start_rerun < 120  # it never waited on a lock held by an orphan
    documents, incidents = pg_snapshot(url)
    expected_documents, expected_incidents = uninterrupted  # the uninterrupted run on SQLite
    assert documents == expected_documents
    assert incidents == sorted(row[0] for row in expected_incidents)
