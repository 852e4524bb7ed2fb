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


def ingest_command(reports: Path, db: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "recruitwatch", "ingest", str(reports), "--db", str(db), "--batch-size", "5",
            "--workers", str(workers), "--json"]


def start(reports: Path, db: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen(ingest_command(reports, db, workers), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for(process: subprocess.Popen, db: Path, documents: int, workers: int) -> set[int]:
    """Wait until ``documents`` are stored (and the pool's workers run); return the worker pids."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        pool = children(process.pid) if workers > 1 else set()
        if stored_documents(db) >= documents and len(pool) >= (workers if workers > 1 else 0):
            return pool
        time.sleep(0.05)
    raise AssertionError(f"the ingest ended before {documents} documents were stored: {process.communicate()}")


def assert_gone(pids: set[int]) -> None:
    deadline = time.monotonic() + 10
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pids), f"workers outlived their parent: {alive(pids)}"


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
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
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
            os.kill(process.pid, signal.SIGTERM)
        else:  # a terminal sends SIGINT to the whole foreground process group
            os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        expected = 128 + (signal.SIGTERM if how == "SIGTERM" else signal.SIGINT)
        assert process.returncode == expected, stderr
        assert "run the same command again to finish" in stderr and "Traceback" not in stderr, stderr
        assert_gone(pool)
    final = subprocess.run(ingest_command(reports, db, 2), capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert snapshot(db) == uninterrupted
