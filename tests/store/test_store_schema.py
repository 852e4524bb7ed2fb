"""Opening, initialising and migrating the store; URLs; SQLite settings; crash safety."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from recruitwatch.errors import StoreError
from recruitwatch.records import Document, Incident
from recruitwatch.store import DEFAULT_DATABASE_URL, database_url, open_store
from recruitwatch.store.database import head_revision


def test_database_url_order_and_forms(monkeypatch):
    monkeypatch.delenv("RECRUITWATCH_DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_DATABASE_URL == "sqlite:///recruitwatch.db"
    monkeypatch.setenv("RECRUITWATCH_DATABASE_URL", "postgresql://u:p@db/rw")
    assert database_url() == "postgresql+psycopg://u:p@db/rw"
    assert database_url("data/x.db") == "sqlite:///data/x.db"
    assert database_url("/abs/x.db") == "sqlite:////abs/x.db"
    assert database_url("postgres://h/d") == "postgresql+psycopg://h/d"


def test_describe_names_the_file_and_hides_passwords(tmp_path):
    assert open_store(str(tmp_path / "a.db")).describe() == f"SQLite file {tmp_path / 'a.db'}"
    described = open_store("postgresql://rw:secret@db.example:5433/rw").describe()
    assert "secret" not in described and "db.example:5433" in described
    assert open_store("postgresql://h/d").dialect == "postgresql"


def test_unsupported_databases_are_refused():
    with pytest.raises(StoreError, match="SQLite"):
        open_store("mysql://h/d")


def test_open_store_creates_nothing_and_asks_for_init(tmp_path):
    path = tmp_path / "new" / "x.db"
    store = open_store(str(path))
    assert not store.is_initialised()
    with pytest.raises(StoreError, match="init"):
        store.list_documents()
    assert not path.exists() and not path.parent.exists()
    store.init()
    assert path.exists() and store.is_initialised()


def test_init_is_idempotent(store, sample):
    store.save_batch(sample.documents, sample.incidents)
    store.init()
    store.init()
    assert store.is_initialised()
    assert store.schema_version() == head_revision()  # the latest migration
    assert store.stats()["documents"] == len(sample.documents)


def test_an_uninitialised_database_asks_for_init(store_url):
    store = open_store(store_url)
    assert store.schema_version() is None
    with pytest.raises(StoreError, match="not initialised"):
        store.stats()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    store = open_store(str(tmp_path / "w.db"))
    store.init()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    store.close()
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    assert sqlite3.connect(tmp_path / "w.db").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _table_counts(store):
    with store.engine.connect() as conn:
        return {
            name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()
            for name in ("documents", "incidents", "incident_codes", "evidence", "ingest_failures")
        }


def test_an_error_mid_batch_leaves_nothing_half_written(store, sample, monkeypatch):
    from recruitwatch.store import rows

    store.save_batch(sample.documents[:1], sample.incidents[:1])
    before = _table_counts(store)

    def boom(incident):
        raise RuntimeError("disk on fire")

    # Documents, their index entries, incidents and codes are written by the time evidence rows are made.
    monkeypatch.setattr(rows, "evidence_rows", boom)
    with pytest.raises(RuntimeError):
        store.save_batch(sample.documents, sample.incidents)
    assert _table_counts(store) == before
    assert store.search_documents("passport") == []

    monkeypatch.undo()
    result = store.save_batch(sample.documents, sample.incidents)
    assert (result.new_documents, result.new_incidents) == (3, 2)
    assert [h.document.origin for h in store.search_documents("passport")] == ["https://example.org/en/2"]


def test_a_database_error_mid_batch_rolls_back_everything(store, sample):
    orphan = Incident(document_id="0" * 24, summary="no such document")
    with pytest.raises(StoreError):
        store.save_batch(sample.documents, [*sample.incidents, orphan])
    assert _table_counts(store) == dict.fromkeys(_table_counts(store), 0)
    assert store.search_documents("Петербург") == []


def test_a_bad_document_row_rolls_back_everything(store, sample):
    # A document row the database refuses (no origin): the documents before it in the batch are not kept.
    bad = Document.create(text="Ещё одно сообщение о вербовке", origin=None)
    with pytest.raises(StoreError, match="origin"):
        store.save_batch([*sample.documents, bad], sample.incidents)
    assert _table_counts(store) == dict.fromkeys(_table_counts(store), 0)


WRITER = """
import sys
from recruitwatch.records import Document
from recruitwatch.store import open_store
store = open_store(sys.argv[1])
n = 0
while True:
    docs = [Document.create(text=f"Мигрантов вербуют, сообщение {n}-{i}", origin=f"w{n}") for i in range(50)]
    store.save_batch(docs, [])
    n += 1
    print(n, flush=True)
"""


def test_kill_9_mid_writing_leaves_a_consistent_database(tmp_path):
    path = tmp_path / "k.db"
    store = open_store(str(path))
    store.init()
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(path)], stdout=subprocess.PIPE, text=True
    )
    for _ in range(5):  # let a few batches commit, then kill it while it writes
        assert writer.stdout.readline()
    writer.kill()
    writer.wait()

    docs = store.stats()["documents"]
    assert docs % 50 == 0 and docs >= 250  # whole batches only
    assert len(store.search_documents("вербовать", limit=10_000)) == docs
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        fts = conn.exec_driver_sql("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'мигрант'").scalar()
    assert fts == docs
    # And the store is usable afterwards.
    assert store.save_batch([Document.create(text="ещё один", origin="after")], []).new_documents == 1


def test_schema_module_mirrors_the_migrations(store):
    from sqlalchemy import inspect

    from recruitwatch.store.schema import metadata

    with store.engine.connect() as conn:
        inspector = inspect(conn)
        for table in metadata.tables.values():
            assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys()), table.name
            assert {i["name"] for i in inspector.get_indexes(table.name)} >= {i.name for i in table.indexes}, table.name


def test_the_head_revision_read_from_the_files_is_alembics():
    from alembic.script import ScriptDirectory

    from recruitwatch.store.database import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_reading_the_store_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "s.db"
    code = ("import sys; from recruitwatch.store import open_store\n"
            f"s = open_store({str(db)!r}); s.init()\n"
            "for m in [m for m in sys.modules if m.startswith('alembic')]: del sys.modules[m]\n"
            f"s = open_store({str(db)!r}); s.stats()\n"
            "print(any(m.startswith('alembic') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
