"""Encrypted backups: a round trip keeps every record; a wrong key, a cut or altered file is refused."""

from __future__ import annotations

import os
import re
import sqlite3
import struct
from urllib.parse import unquote

import pytest
from sqlalchemy import create_engine, select, text
from typer.testing import CliRunner

from recruitwatch.cli import _register, app
from recruitwatch.records import Document, Evidence, Incident, ReadFailure
from recruitwatch.store import open_store
from recruitwatch.store.backup import BackupError, backup, read_backup_header, restore
from recruitwatch.store.schema import metadata
from recruitwatch.store.sealed import (
    MAGIC,
    DamagedBackupError,
    SealedWriter,
    WrongKeyError,
    backup_key,
    new_key_file,
    open_sealed,
)

pytestmark = pytest.mark.issue(10)

SECRET = "Шерзод Абдуллаев, телефон +998 90 123 45 67, паспорт FA1234567"
KEY = bytes(range(32))


def fill(store) -> None:
    """Documents with origins and near-duplicates, incidents with evidence and links, a merge, failures."""
    texts = [
        f"{SECRET}. Его задержали в Москве у миграционного центра и отвезли в военкомат, где предложили контракт.",
        "В Петербурге полиция задержала мигрантов из Узбекистана и отвезла их в военкомат подписывать контракт.",
        "В Петербурге полиция задержала мигрантов из Узбекистана и отвезла их в военкомат подписывать контракты.",
    ]
    docs = [Document.create(text=t, origin=f"https://example.org/{i}", url=f"https://example.org/{i}", lang="ru",
                            published="2023-05-14", outlet="Example", meta={"n": i}, reasons=["raid"])
            for i, t in enumerate(texts)]
    incidents = []
    for doc in docs:
        phrase = doc.text[:40]
        incidents.append(Incident(
            document_id=doc.id, date="2023-05-14", date_precision="day", places=["RU-SPE"], nationalities=["UZ"],
            status="migrant", actors=["police"], tactics=["raid_or_document_check"], summary=phrase, count=3,
            evidence=[Evidence("summary", phrase, 0, 40, phrase, doc.id),
                      Evidence("places", "RU-SPE", 0, 40, phrase, doc.id, 0.8)]))
    copy = Document.create(text=texts[1], origin="/archive/copy.txt", url="https://example.org/1")
    store.save_batch(docs, incidents, [ReadFailure("/archive/bad.pdf", "encrypted PDF")], origins=[copy])
    store.merge_incidents(incidents[0].id, incidents[1].id, actor="ana")


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order (full-text side tables: their row counts)."""
    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "pk"]  # keys of the FTS side tables; compared below
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in conn.execute(select(*columns)))
        fts = "documents_fts" if engine.dialect.name == "sqlite" else "document_search"
        out["fts"] = [(conn.execute(text(f"SELECT count(*) FROM {fts}")).scalar(),)]
        out["pks"] = sorted(conn.execute(text("SELECT pk, id FROM documents")).all())
    engine.dispose()
    return out


def empty_target(store_url: str, tmp_path) -> str:
    """A fresh database to restore into: a new SQLite file, or the PostgreSQL schema emptied."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    schema = re.search(r"search_path%3D(\w+)", store_url).group(1)
    admin = create_engine(unquote(store_url.split("?")[0]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return store_url


def test_round_trip_keeps_every_record(store, store_url, tmp_path):
    fill(store)
    store.close()
    before = snapshot(store_url)
    assert before["incident_links"] and before["document_origins"] and before["ingest_failures"] and before["evidence"]
    info = backup(store_url, tmp_path / "store.rwbk", KEY)
    assert info.kind == store.dialect and info.schema == store.schema_version()
    target = empty_target(store_url, tmp_path)
    restore(target, tmp_path / "store.rwbk", KEY)
    after = snapshot(target)
    # The audit trail came back whole, and the backup and the restore were added to it.
    added = set(after.pop("audit_log")) - set(before.pop("audit_log"))
    assert sorted(row[3] for row in added) == ["'backup'", "'restore'"]
    assert after == before
    from recruitwatch.audit import verify_chain

    with open_store(target) as restored:
        assert verify_chain(restored) is None
        assert restored.is_initialised()
        assert [h.document.id for h in restored.search_documents("Абдуллаев")]  # the search index came back too
        case = restored.get_case(restored.list_incidents()[0].id)
        assert case is not None


def test_backup_holds_no_plaintext(store, store_url, tmp_path):
    fill(store)
    store.close()
    path = tmp_path / "store.rwbk"
    backup(store_url, path, KEY, chunk=4096)
    raw = path.read_bytes()
    for needle in ("Абдуллаев", "+998 90 123 45 67", "FA1234567", "example.org", "encrypted PDF", "SQLite format"):
        assert needle.encode() not in raw and needle.encode("utf-16-le") not in raw
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert read_backup_header(path)["kind"] == store.dialect
    assert not list(tmp_path.glob(".recruitwatch-*"))  # no clear temporary file left beside the store


def test_restore_refuses_a_store_in_use_unless_forced(store, store_url, tmp_path):
    fill(store)
    store.close()
    backup(store_url, tmp_path / "b.rwbk", KEY)
    with pytest.raises(BackupError, match="--force"):
        restore(store_url, tmp_path / "b.rwbk", KEY)
    restore(store_url, tmp_path / "b.rwbk", KEY, force=True)
    with open_store(store_url) as s:
        assert s.stats()["documents"] == 3


def test_wrong_kind_and_unknown_schema_are_refused(tmp_path, store, store_url):
    fill(store)
    store.close()
    backup(store_url, tmp_path / "b.rwbk", KEY)
    other = "postgresql+psycopg://nobody@127.0.0.1:1/none" if store_url.startswith("sqlite") else f"sqlite:///{tmp_path}/x.db"
    with pytest.raises(BackupError, match="backup; restore it into a"):
        restore(other, tmp_path / "b.rwbk", KEY)
    # A backup from a newer recruitwatch (a schema revision this one does not ship).
    with (tmp_path / "future.rwbk").open("wb") as f:
        w = SealedWriter(f, KEY, {"kind": store.dialect, "schema": "9999", "created_at": "2030-01-01"})
        w.write(b"whatever")
        w.close()
    with pytest.raises(BackupError, match="newer recruitwatch"):
        restore(f"sqlite:///{tmp_path}/y.db" if store.dialect == "sqlite" else store_url, tmp_path / "future.rwbk", KEY)


# -- the sealed format (no database needed) ---------------------------------------------------------

def sealed(tmp_path, data: bytes, chunk: int = 100) -> bytes:
    path = tmp_path / "s.rwbk"
    with path.open("wb") as f:
        w = SealedWriter(f, KEY, {"kind": "sqlite", "schema": "0003"}, chunk=chunk)
        w.write(data)
        w.close()
    return path.read_bytes()


def unseal(raw: bytes, key: bytes = KEY) -> bytes:
    import io

    _, chunks = open_sealed(io.BytesIO(raw), key)
    return b"".join(chunks)


def chunk_offsets(raw: bytes) -> list[int]:
    (size,) = struct.unpack(">I", raw[len(MAGIC):len(MAGIC) + 4])
    pos, offsets = len(MAGIC) + 4 + size, []
    while pos < len(raw):
        offsets.append(pos)
        pos += 5 + 12 + struct.unpack(">I", raw[pos + 1:pos + 5])[0]
    return offsets


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 1000])
def test_sealed_round_trip(tmp_path, size):
    data = os.urandom(size)
    assert unseal(sealed(tmp_path, data)) == data


def test_tampering_is_detected(tmp_path):
    data = os.urandom(450)
    raw = sealed(tmp_path, data)
    offsets = chunk_offsets(raw)
    assert len(offsets) == 5
    with pytest.raises(WrongKeyError):
        unseal(raw, bytes(32))
    cases = {
        "a flipped byte": raw[:-20] + bytes([raw[-20] ^ 1]) + raw[-19:],
        "cut after a chunk": raw[: offsets[3]],
        "cut inside a chunk": raw[: offsets[2] + 30],
        "a chunk dropped": raw[: offsets[1]] + raw[offsets[2]:],
        "two chunks swapped": raw[: offsets[1]] + raw[offsets[2]:offsets[3]] + raw[offsets[1]:offsets[2]] + raw[offsets[3]:],
        "bytes appended": raw + b"\x00",
        "the header changed": raw.replace(b'"schema": "0003"', b'"schema": "0004"'),
        "the last flag moved": raw[: offsets[3]] + bytes([1]) + raw[offsets[3] + 1:offsets[4]],
    }
    for what, damaged in cases.items():
        with pytest.raises(DamagedBackupError):
            unseal(damaged)
            pytest.fail(what)
    with pytest.raises(DamagedBackupError, match="not a recruitwatch backup"):
        unseal(b"SQLite format 3\x00" + raw)


def test_a_damaged_backup_leaves_the_store_untouched(store, store_url, tmp_path):
    fill(store)
    store.close()
    path = tmp_path / "b.rwbk"
    backup(store_url, path, KEY, chunk=4096)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 100])
    before = snapshot(store_url)
    with pytest.raises(DamagedBackupError, match="cut short"):
        restore(store_url, path, KEY, force=True)
    assert snapshot(store_url) == before


def test_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("RECRUITWATCH_BACKUP_KEY", raising=False)
    with pytest.raises(BackupError, match="--key-file"):
        backup_key()
    key = new_key_file(tmp_path / "k")
    assert backup_key(tmp_path / "k") == key and oct((tmp_path / "k").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(BackupError, match="exists already"):
        new_key_file(tmp_path / "k")
    monkeypatch.setenv("RECRUITWATCH_BACKUP_KEY", key.hex())
    assert backup_key() == key
    monkeypatch.setenv("RECRUITWATCH_BACKUP_KEY", "not a key")
    with pytest.raises(BackupError, match="RECRUITWATCH_BACKUP_KEY"):
        backup_key()


def test_backup_while_the_store_is_written(tmp_path):
    """SQLite's backup API copies a consistent state even with a writer holding the file open."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as s:
        s.init()
        fill(s)
    writer = sqlite3.connect(tmp_path / "s.db")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO ingest_failures VALUES ('k', 'src', 'uncommitted', '2023-01-01')")
    backup(url, tmp_path / "b.rwbk", KEY)
    writer.rollback()
    writer.close()
    restore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "b.rwbk", KEY)
    restored, original = snapshot(f"sqlite:///{tmp_path / 'r.db'}"), snapshot(url)
    # The restore is added to the restored audit trail; the backup, which could not wait for the
    # writer's lock, went on without its entry.
    added = set(restored.pop("audit_log")) - set(original.pop("audit_log"))
    assert [row[3] for row in added] == ["'restore'"]
    assert restored == original


def test_cli_backup_and_restore(tmp_path):
    _register()
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(db) as s:
        s.init()
        fill(s)
    key = tmp_path / "backup.key"
    result = runner.invoke(app, ["backup", str(tmp_path / "b.rwbk"), "--db", db, "--key-file", str(key), "--new-key"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["restore", str(tmp_path / "b.rwbk"), "--db", db, "--key-file", str(key)])
    assert result.exit_code == 3 and "--force" in result.output
    other = tmp_path / "other.key"
    new_key_file(other)
    result = runner.invoke(app, ["restore", str(tmp_path / "b.rwbk"), "--db", f"{tmp_path}/new.db", "--key-file", str(other)])
    assert result.exit_code == 3 and "wrong key" in result.output
    result = runner.invoke(app, ["restore", str(tmp_path / "b.rwbk"), "--db", f"{tmp_path}/new.db", "--key-file", str(key),
                                 "--json"])
    assert result.exit_code == 0, result.output


def test_backup_and_restore_are_announced_to_the_audit_trail(tmp_path, monkeypatch):
    from recruitwatch.store.database import Store

    calls = []
    monkeypatch.setattr(Store, "audit", lambda self, action, **kw: calls.append((action, kw)), raising=False)
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as s:
        s.init()
    backup(url, tmp_path / "b.rwbk", KEY, actor="ana")
    restore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "b.rwbk", KEY, actor="ben")
    assert [(a, kw["actor"], kw["target_kind"]) for a, kw in calls] == [("backup", "ana", "store"), ("restore", "ben", "store")]


def test_a_backup_of_an_older_schema_is_restored_and_upgraded(store_url, tmp_path):
    from alembic import command

    from recruitwatch.store.database import alembic_config, head_revision

    old = open_store(store_url)
    config = alembic_config()
    with old.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    old.close()
    info = backup(store_url, tmp_path / "old.rwbk", KEY)
    assert info.schema == "0002" != head_revision()
    if store_url.startswith("postgresql"):  # an initialised PostgreSQL store at another revision is refused
        with open_store(store_url) as s:
            s.init()
        with pytest.raises(BackupError, match="empty schema"):
            restore(store_url, tmp_path / "old.rwbk", KEY, force=True)
    target = empty_target(store_url, tmp_path)
    restore(target, tmp_path / "old.rwbk", KEY)
    with open_store(target) as s:
        assert s.schema_version() == head_revision() and s.is_initialised()
