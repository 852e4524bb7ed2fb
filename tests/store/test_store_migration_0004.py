"""Migration 0004 upgrades a store in use: incidents get version 1, the new tables start empty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from recruitwatch.audit import verify_chain
from recruitwatch.review import edit_incident, review_queue
from recruitwatch.store import open_store
from recruitwatch.store.database import alembic_config, head_revision

pytestmark = [pytest.mark.issue(9), pytest.mark.issue(10)]

TEXT = "Police in Kazan handed a Kyrgyz worker a summons at the migration office on 3 May 2024."


def test_upgrading_a_0003_store_with_incidents(store_url):
    store = open_store(store_url)
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO documents (id, origin, text, kind, reasons, meta, added_at, content_key, group_id) "
                          "VALUES ('d1', '/a.txt', :text, 'news', '[]', '{}', :at, 'k1', 'd1')"), {"text": TEXT, "at": now})
        for inc, conf in (("inc1", 0.4), ("inc2", 0.8)):
            conn.execute(text("INSERT INTO incidents (id, document_id, places, nationalities, status, actors, tactics, "
                              "outcome, summary, verification, sensitivity, added_at, case_id, confidence) VALUES "
                              "(:id, 'd1', '[\"RU-TA\"]', '[\"KG\"]', 'unknown', '[]', '[]', 'unknown', 'a summons', "
                              "'reported', 'normal', :at, :id, :conf)"), {"id": inc, "at": now, "conf": conf})
    assert store.schema_version() == "0003"
    store.init()
    assert store.schema_version() == head_revision()  # through 0004 to the newest
    store.reindex()  # the rows above were written by hand, without their search terms
    assert {i.version for i in store.list_incidents(limit=10)} == {1}
    assert store.count_users() == 0 and store.audit_entries() == []
    assert [i.id for i in review_queue(store)] == ["inc1", "inc2"]
    edited = edit_incident(store, "inc1", "outcome", "refused", evidence="a summons", actor="alice", expected_version=1)
    assert edited.version == 2 and verify_chain(store) is None
    assert [i.id for i in review_queue(store)] == ["inc2"]
    store.close()
