"""The audit chain: every change leaves an entry, and `verify_chain` finds the first entry someone
altered, removed or reordered directly in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruitwatch.audit import GENESIS, verify_chain
from recruitwatch.review import verify

pytestmark = pytest.mark.issue(10)


def _fill(store, n=5):
    for i in range(1, n + 1):
        store.audit("note", actor=f"user{i}", target_kind="incident", target_id=f"inc{i}", details={"n": i, "т": "ы"})


def _tamper(store, *statements):
    """Change the log behind the library's back, as someone with the database file or a superuser could:
    the append-only triggers go first."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_entries_are_chained_and_read_back(store):
    _fill(store, 3)
    entries = store.audit_entries()
    assert [e.seq for e in entries] == [3, 2, 1]  # newest first
    assert entries[-1].prev_hash == GENESIS and entries[0].prev_hash == entries[1].hash
    assert entries[0].details == {"n": 3, "т": "ы"} and entries[0].actor == "user3"
    assert [e.seq for e in store.audit_entries(target_kind="incident", target_id="inc2")] == [2]
    assert verify_chain(store) is None
    assert store.audit_head() == (3, entries[0].hash)


def test_the_log_refuses_update_and_delete_through_the_database(store):
    _fill(store, 1)
    from recruitwatch.errors import StoreError

    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    assert verify_chain(store) is None
    assert StoreError  # the library never updates the log; the triggers hold against everyone else


def test_an_altered_details_value_is_found(store):
    _fill(store)
    _tamper(store, """UPDATE audit_log SET details = replace(details, '"n":3', '"n":99') WHERE seq = 3""")
    broken = verify_chain(store)
    assert broken is not None and (broken.seq, broken.problem) == (3, "altered")


def test_an_altered_actor_is_found(store):
    _fill(store)
    _tamper(store, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
    assert (verify_chain(store).seq, verify_chain(store).problem) == (2, "altered")


def test_a_removed_entry_is_found(store):
    _fill(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    broken = verify_chain(store)
    assert (broken.seq, broken.problem) == (2, "removed")
    assert "missing" in str(broken)


def test_a_removed_and_renumbered_entry_is_found(store):
    _fill(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2", "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2")
    broken = verify_chain(store)
    assert broken.seq == 2 and broken.problem in ("removed", "altered")


def test_two_swapped_entries_are_found(store):
    _fill(store)
    _tamper(store, "UPDATE audit_log SET seq = -1 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = -1")
    broken = verify_chain(store)
    assert (broken.seq, broken.problem) == (3, "reordered")


def test_removing_the_newest_entries_is_found_against_a_recorded_head(store):
    _fill(store)
    head = store.audit_head()[1]
    _tamper(store, "DELETE FROM audit_log WHERE seq >= 4")
    assert verify_chain(store) is None  # a shorter chain is still a chain...
    broken = verify_chain(store, expected_head=head)  # ...but not the one recorded
    assert (broken.seq, broken.problem) == (4, "removed")


def test_ingest_writes_one_entry_per_batch_and_reviewer_actions_write_theirs(store, sample):
    store.save_batch(sample.documents, sample.incidents, actor="alice")
    store.save_batch(sample.documents, sample.incidents)  # nothing new: no entry
    batches = store.audit_entries(action="ingest")
    assert len(batches) == 1 and batches[0].actor == "alice"
    assert batches[0].details["new_documents"] == 4 and batches[0].details["new_incidents"] == 3
    verify(store, sample.incidents[0].id, actor="bob", note="called the outlet")
    entry = store.audit_entries(target_kind="incident", target_id=sample.incidents[0].id)[0]
    assert (entry.action, entry.actor, entry.details["to"], entry.details["note"]) == \
        ("verify", "bob", "verified", "called the outlet")
    store.relink()
    assert store.audit_entries(action="relink")
    assert verify_chain(store) is None
