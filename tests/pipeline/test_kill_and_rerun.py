"""A real ingest process killed with SIGKILL loses nothing; a re-run finishes without duplicates."""

import json
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


def write_reports(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        template = RELEVANT if n % 3 == 0 else OTHER
        (folder / f"report-{n:04d}.txt").write_text(template.format(n=n, day=1 + n % 28), encoding="utf-8")


def document_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def recruitwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "recruitwatch", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun(tmp_path):
    reports = tmp_path / "reports"
    write_reports(reports, 300)
    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"

    process = subprocess.Popen(
        [sys.executable, "-m", "recruitwatch", "ingest", str(reports), "--db", url, "--batch-size", "5"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while document_count(db) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be killed; make the input larger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored_at_kill = document_count(db)
    assert 20 <= stored_at_kill < 300

    rerun = recruitwatch("ingest", str(reports), "--db", url, "--json", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["read"] == 300
    assert summary["new"] + summary["already_known"] == 300
    assert summary["already_known"] >= stored_at_kill

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 300
        assert conn.execute("SELECT count(DISTINCT origin) FROM documents").fetchone()[0] == 300
        incidents = conn.execute("SELECT count(*), count(DISTINCT id) FROM incidents").fetchone()
    assert incidents[0] == incidents[1]

    again = recruitwatch("ingest", str(reports), "--db", url, "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["new"] == 0
