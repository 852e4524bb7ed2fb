"""Re-extraction after an extractor upgrade keeps reviewers' decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruitwatch import pipeline_version
from recruitwatch.pipeline import plan_sources, run_ingest, run_reextract
from recruitwatch.store import IncidentFilter, open_store

pytestmark = pytest.mark.issue(8)

REPORTS = {
    "podolsk.txt": (
        "Podolsk, 14 March 2023. Police officers raided a construction site in Podolsk, checked the papers of "
        "migrant workers from Tajikistan and took the passports of five men. They were driven to a military "
        "enlistment office and told to sign a contract with the Defence Ministry or face deportation."
    ),
    "kazan.txt": (
        "Kazan, 3 May 2024. At the migration centre in Kazan a Kyrgyz worker was handed a summons to the "
        "enlistment office together with his renewed patent, and told that refusing would cost him his permit."
    ),
}


def test_reextract_redoes_old_documents_and_keeps_reviewed_incidents(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, body in REPORTS.items():
        (folder / name).write_text(body, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'rw.db'}")
    store.init()
    run_ingest(plan_sources([folder]), store)
    before = store.stats()
    reviewed = store.list_incidents()[0]
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET pipeline_version = '0.1.0+old'"))
        conn.execute(text("UPDATE incidents SET verification = 'verified' WHERE id = :id"), {"id": reviewed.id})
    assert run_reextract(store, since="0.0.9").documents == 0  # nothing that old
    summary = run_reextract(store, batch_size=1)
    assert summary.documents == 2 and summary.kept == 1
    assert store.get_incident(reviewed.id).verification == "verified"
    assert store.stats()["incidents"] == before["incidents"]
    assert all(d.pipeline_version == pipeline_version() for d in store.list_documents())
    stored = {i.id for i in store.list_incidents(IncidentFilter(cases=False), limit=100)}
    assert {i.id for i in store.search_incidents("passports")} <= stored  # no index entry of a replaced incident
    assert run_reextract(store).documents == 0  # done: a second run has nothing to do
    store.close()
