"""Issue 11: one worker and two workers store the same documents, incidents, origins, failures and links.

Two workers read their own small files, analyse them ahead of the writer and hand back what the
writer stores; batches are cut as with one worker, so every stored row is the same (row numbers
included), only timestamps differ.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from recruitwatch.pipeline import WORKER_READ_BYTES, plan_sources, run_ingest
from recruitwatch.store import open_store

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from newsgen import stream

RELEVANT = ("Police officers raided a hostel for migrant workers from Tajikistan in Podolsk on {day} March 2023 "
            "and took {n} men to the military enlistment office, where they were pressed to sign contracts "
            "with the Defence Ministry. A lawyer said the men were later sent to the front.")


def write_inputs(folder: Path) -> Path:
    folder.mkdir()
    for i, _, text in stream(150, seed=11, relevant_share=0.2):
        sub = folder / f"part-{i % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"news-{i:04d}.txt").write_text(text, encoding="utf-8")
    for n in range(12):
        (folder / f"report-{n:02d}.txt").write_text(RELEVANT.format(day=1 + n, n=n + 2), encoding="utf-8")
    (folder / "copy-of-report-03.txt").write_text(RELEVANT.format(day=4, n=5), encoding="utf-8")  # a copy
    (folder / "broken.html").write_bytes(b"\x00\x01not a page\xff")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    # A JSONL file bigger than what the workers read themselves: read by the writer, sent in chunks.
    with (folder / "big.jsonl").open("w", encoding="utf-8") as f:
        size, n = 0, 0
        while size <= WORKER_READ_BYTES:
            line = json.dumps({"id": f"line-{n}", "text": RELEVANT.format(day=1 + n % 28, n=n) + " x" * 400}) + "\n"
            f.write(line)
            size += len(line.encode())
            n += 1
        f.write(json.dumps({"id": "copy", "text": RELEVANT.format(day=2, n=3)}) + "\n")  # report-01 again
        f.write("{not json\n")
    return folder


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table but the audit log, without timestamps."""
    out = {}
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table.startswith("sqlite_") or "_fts" in table or table in ("audit_log", "alembic_version"):
                continue
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                       if not r[1].endswith("_at") and r[1] not in ("at", "timestamp")]
            out[table] = sorted(map(repr, conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()))
    return out


@pytest.mark.issue(11)
def test_one_and_two_workers_store_the_same(tmp_path):
    folder = write_inputs(tmp_path / "inputs")
    results = {}
    for workers in (1, 2):
        db = tmp_path / f"store-{workers}.db"
        with open_store(str(db)) as store:
            store.init()
            summary = run_ingest(plan_sources([folder]), store, workers=workers, batch_size=20)
            again = run_ingest(plan_sources([folder]), store, workers=workers, batch_size=20)
        results[workers] = (summary.to_dict(), again.to_dict(), snapshot(db))
    one, two = results[1], results[2]
    assert one[0] == two[0] and one[1] == two[1]
    summary = one[0]
    assert summary["new"] > 150 and summary["incidents"] > 20 and summary["already_known"] >= 2
    assert summary["failed"] >= 2 and summary["skipped"] == 1
    assert one[1]["new"] == 0 and one[1]["already_known"] == summary["read"]
    assert one[2].keys() == two[2].keys()
    for table in one[2]:
        assert one[2][table] == two[2][table], table
    assert one[2]["documents"] and one[2]["incidents"]
