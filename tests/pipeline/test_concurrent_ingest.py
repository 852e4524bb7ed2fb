"""Issue 10, item 5: two ingests into one SQLite file at once both finish with the right totals."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPORT = ("Report {n}. On {day} March 2023 police officers raided a construction site in Podolsk, checked the papers "
          "of migrant workers from Tajikistan and took the passports of {n} men. They were told to sign a contract "
          "with the Defence Ministry.")


@pytest.mark.slow
@pytest.mark.issue(10)
def test_two_ingests_into_one_sqlite_file_at_once(tmp_path):
    folders = []
    for name, offset in (("east", 0), ("west", 1000)):
        folder = tmp_path / name
        folder.mkdir()
        for n in range(40):
            (folder / f"{name}-{n}.txt").write_text(REPORT.format(n=n + offset, day=1 + n % 28), encoding="utf-8")
        folders.append(folder)
    db = tmp_path / "shared.db"
    runs = [subprocess.Popen([sys.executable, "-m", "recruitwatch", "ingest", str(folder), "--db", str(db),
                              "--batch-size", "5", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for folder in folders]
    summaries = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        summaries.append(json.loads(stdout))
    assert [s["new"] for s in summaries] == [40, 40]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 80
        assert Path(db).stat().st_mode & 0o077 == 0
