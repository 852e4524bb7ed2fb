"""Issue 10 item 5: writers at the same time. Two `recruitwatch ingest` processes into one SQLite file both
finish with the totals of running them one after the other; a writer that finds the file locked waits and
retries instead of failing; and web edits made while a real ingest runs are all kept, in order, while a
stale edit is refused with a message that says someone else changed the incident and what to do."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_kill_points import snapshot

from recruitwatch.audit import verify_chain
from recruitwatch.errors import StoreError
from recruitwatch.records import Document
from recruitwatch.store import open_store

pytestmark = pytest.mark.issue(10)

RELEVANT = ("Report {n} from {town}. In April 2023 police officers raided a market, checked the papers of migrant "
            "workers from Uzbekistan and took the passports of {n} men, who were told to sign a military contract.")
OTHER = "Bulletin {n} from {town}: the council approved a new timetable for buses on route {n}."


def write_reports(folder: Path, numbers: range, town: str) -> Path:
    folder.mkdir(parents=True)
    for n in numbers:
        template = RELEVANT if n % 3 == 0 else OTHER
        (folder / f"{town}-{n:04d}.txt").write_text(template.format(n=n, town="Samara"), encoding="utf-8")
    return folder


def ingest(folders: Path | list[Path], db: Path, env: dict | None = None) -> subprocess.Popen:
    paths = [str(f) for f in (folders if isinstance(folders, list) else [folders])]
    return subprocess.Popen([sys.executable, "-m", "recruitwatch", "ingest", *paths, "--db", str(db),
                             "--batch-size", "4", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out)


def test_two_ingests_into_one_sqlite_file_at_once_both_finish_with_the_right_totals(tmp_path):
    # a and b share 15 reports (the same text under other file names): each is stored once
    a = write_reports(tmp_path / "a", range(0, 40), "a")
    b = write_reports(tmp_path / "b", range(25, 65), "b")
    db = tmp_path / "shared.db"
    subprocess.run([sys.executable, "-m", "recruitwatch", "init", "--db", str(db)], check=True, capture_output=True)
    busy = {"RECRUITWATCH_SQLITE_BUSY_SECONDS": "0.05"}  # short busy waits: the retry in Store._begin does the waiting
    first, second = ingest(a, db, busy), ingest(b, db, busy)
    one, two = finish(first), finish(second)
    documents, _ = snapshot(db)
    assert len(documents) == 65
    with sqlite3.connect(db) as conn:  # one incident per relevant report (every third), none twice, none lost
        per_document = conn.execute("SELECT document_id, count(*) FROM incidents GROUP BY document_id").fetchall()
    assert len(per_document) == len(range(0, 65, 3)) and {n for _, n in per_document} == {1}
    assert one["new"] + two["new"] == 65, (one, two)  # nothing stored twice, nothing lost
    assert one["new"] + one["already_known"] == 40 and two["new"] + two["already_known"] == 40
    store = open_store(f"sqlite:///{db}")
    assert verify_chain(store) is None
    store.close()


def test_a_writer_waits_for_another_process_then_writes(tmp_path, monkeypatch):
    db = tmp_path / "locked.db"
    store = open_store(f"sqlite:///{db}")
    store.init()
    store.close()
    monkeypatch.setenv("RECRUITWATCH_SQLITE_BUSY_SECONDS", "0.1")
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
    release = threading.Timer(1.5, lambda: other.execute("COMMIT"))
    release.start()
    store = open_store(f"sqlite:///{db}")
    result = store.save_batch([Document.create(text="Отчёт о рейде на рынке.", origin="waited")], [])
    assert result.new_documents == 1  # it waited past ten busy timeouts instead of failing
    release.join()
    monkeypatch.setenv("RECRUITWATCH_SQLITE_LOCK_WAIT_SECONDS", "0.3")
    other.execute("BEGIN IMMEDIATE")
    try:
        late = open_store(f"sqlite:///{db}")
        with pytest.raises(StoreError, match="database is locked"):
            late.save_batch([Document.create(text="Ещё один отчёт.", origin="late")], [])
        late.close()
    finally:
        other.execute("COMMIT")
        other.close()
    store.close()


REPORTS = 300


def test_web_edits_during_a_real_ingest_are_all_kept_and_a_stale_one_is_told(tmp_path):
    from recruitwatch.web.app import create_app

    db = tmp_path / "store.db"
    store = open_store(f"sqlite:///{db}")
    store.init()
    store.add_user("ed", "a long test passphrase", "analyst", actor="tests")
    token = store.create_token("ed", actor="tests")
    # Reports of one raid: the running ingest keeps linking new reports into the edited incident's case.
    # Enough of them that the ingest is still running through the edits on an idle machine too.
    running = ingest(write_reports(tmp_path / "more", range(0, REPORTS), "more"), db)
    deadline = time.monotonic() + 120
    while not store.list_incidents(limit=1):
        assert time.monotonic() < deadline and running.poll() is None, "the ingest ended before an incident was stored"
        time.sleep(0.05)
    [seed] = store.list_incidents(limit=1)
    assert seed.version == 1
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(store=store)) as client:
        version, during = seed.version, 0
        for outcome in ("refused", "signed_contract", "deployed"):
            during += running.poll() is None
            response = client.post(f"/api/incidents/{seed.id}/edit", headers=auth,
                                   json={"field": "outcome", "value": outcome, "expected_version": version})
            assert response.status_code == 200, response.text
            version = response.json()["version"] if "version" in response.json() else version + 1
        stale = client.post(f"/api/incidents/{seed.id}/edit", headers=auth,
                            json={"field": "outcome", "value": "deported", "expected_version": 1})
    assert during >= 2, "the edits did not overlap the ingest: the test proved nothing"
    assert stale.status_code == 409
    assert "someone else changed incident" in stale.json()["detail"] and "reload it" in stale.json()["detail"]
    summary = finish(running)
    assert summary["new"] == REPORTS
    final = store.get_incident(seed.id)
    assert final.outcome == "deployed" and final.version == 4  # every edit kept, none lost to the ingest
    assert len(store.audit_entries("incident", seed.id, action="edit")) == 3
    assert verify_chain(store) is None
    store.close()
