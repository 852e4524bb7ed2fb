"""Migration 0003 keeps a store made before it working: old ids stay, copies collapse, cases start alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from recruitwatch.store import open_store
from recruitwatch.store.database import alembic_config, head_revision

pytestmark = pytest.mark.issue(8)

TEXT = "Police in Kazan handed a Kyrgyz worker a summons at the migration office on 3 May 2024."


def test_upgrading_a_0002_store_maps_old_ids_to_content(store_url):
    store = open_store(store_url)
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        # One file stored twice under two paths (the old id was path-dependent), and another document.
        for pk, (doc_id, origin, body) in enumerate([("old1", "/a/report.txt", TEXT), ("old2", "/mnt/b/report.txt", TEXT),
                                                     ("old3", "/a/other.txt", "Another text entirely.")], 1):
            conn.execute(text("INSERT INTO documents (pk, id, origin, text, kind, reasons, meta, added_at) "
                              "VALUES (:pk, :id, :origin, :text, 'news', '[]', '{}', :at)"),
                         {"pk": pk, "id": doc_id, "origin": origin, "text": body, "at": now})
        for inc, doc in (("inc1", "old1"), ("inc2", "old2")):
            conn.execute(text("INSERT INTO incidents (id, document_id, places, nationalities, status, actors, tactics, "
                              "outcome, summary, verification, sensitivity, added_at) VALUES (:id, :doc, '[]', '[]', "
                              "'unknown', '[]', '[]', 'unknown', '', 'corroborated', 'normal', :at)"),
                         {"id": inc, "doc": doc, "at": now})
            conn.execute(text("INSERT INTO incident_codes (incident_id, field, code) VALUES (:id, 'place', 'RU-TA')"),
                         {"id": inc})
    store.init()
    assert store.schema_version() == head_revision()  # 0003 and every migration after it
    assert {d.id for d in store.list_documents()} == {"old1", "old3"}
    assert [o["origin"] for o in store.document_group("old1").origins] == ["/a/report.txt", "/mnt/b/report.txt"]
    assert store.stats()["incident_reports"] == 1  # the copy's incident went with the copy
    assert store.get_case("inc1").incident.case_id == "inc1"
    # The same content ingested again is known under the old id; nothing is added.
    from recruitwatch.records import Document

    again = Document.create(text=TEXT, origin="/elsewhere/report.txt")
    assert store.known_document_ids([again.id]) == {again.id}
    assert store.save_batch([again], []).new_documents == 0
    assert len(store.document_group("old1").origins) == 3
    counts = store.relink()
    assert counts["documents"] == 2 and store.get_case("inc1").incident.verification == "reported"
    store.close()
