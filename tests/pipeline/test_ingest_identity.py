"""Ingest by content: the same folder by another path, a renamed copy or a repost adds no document or case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recruitwatch.pipeline import plan_sources, run_ingest
from recruitwatch.store import open_store

pytestmark = pytest.mark.issue(8)

REPORT = (
    "Podolsk, 14 March 2023. Police officers raided a construction site in Podolsk, checked the papers of "
    "migrant workers from Tajikistan and took the passports of five men, among them Bakhtiyor Sharipov, 41. "
    "The men were driven to a military enlistment office and told to sign a contract with the Defence Ministry "
    "or face deportation. Sharipov said he refused and was released the next morning without his passport."
)
OTHER = "Kazan, 2 April 2023. The city council approved a new timetable for trams on line 5 from next month."


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "reports"
    root.mkdir()
    (root / "podolsk.txt").write_text(REPORT, encoding="utf-8")
    (root / "trams.txt").write_text(OTHER, encoding="utf-8")
    return root


def ingest(store, *paths):
    return run_ingest(plan_sources(paths), store)


def test_a_moved_or_linked_folder_and_a_renamed_copy_add_nothing(folder, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'rw.db'}")
    store.init()
    first = ingest(store, folder)
    before = store.stats()
    assert first.new == 2 and before["incidents"] >= 1
    moved = shutil.copytree(folder, tmp_path / "moved")
    (moved / "copy of podolsk.txt").write_bytes((folder / "podolsk.txt").read_bytes())
    link = tmp_path / "link"
    link.symlink_to(folder, target_is_directory=True)
    again = ingest(store, moved, link)
    assert (again.new, again.known, again.incidents) == (0, 5, 0)
    after = store.stats()
    assert {k: after[k] for k in ("documents", "incidents", "incident_reports", "corroborated")} == \
        {k: before[k] for k in ("documents", "incidents", "incident_reports", "corroborated")}
    doc_id = store.list_incidents()[0].document_id
    origins = {o["origin"] for o in store.document_group(doc_id).origins}
    assert {str(folder / "podolsk.txt"), str(moved / "copy of podolsk.txt"), str(link / "podolsk.txt")} <= origins
    store.close()


def test_a_repost_with_one_added_line_is_a_copy_not_a_second_source(folder, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'rw.db'}")
    store.init()
    ingest(store, folder)
    repost = tmp_path / "repost.txt"
    repost.write_text(REPORT + " The police did not answer our questions.", encoding="utf-8")
    summary = ingest(store, repost)
    assert summary.new == 1
    stats = store.stats()
    assert stats["corroborated"] == 0
    assert stats["incidents"] < stats["incident_reports"]  # the repost's incident joined the case
    doc_id = store.list_incidents()[0].document_id
    assert len(store.document_group(doc_id).members) == 2
    store.close()
