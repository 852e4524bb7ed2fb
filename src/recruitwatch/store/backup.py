"""Encrypted, online and consistent backups of a store, and their restore (docs/backup.md).

    info = backup("sqlite:///recruitwatch.db", "store.rwbk", backup_key("backup.key"))
    restore("sqlite:///restored.db", "store.rwbk", backup_key("backup.key"))

* SQLite: SQLite's online backup API copies a consistent snapshot while the store is in use,
  into a private temporary file beside the store (the store's own folder, mode 0600), which is
  encrypted into the backup and deleted.
* PostgreSQL: ``pg_dump --format=custom`` of the store's schema (one snapshot, other sessions
  go on), piped straight into the encryption: the dump never touches the disk in clear.

The backup is a sealed stream (:mod:`recruitwatch.store.sealed`). A restore reads the whole file
once to check every chunk before it changes anything, then writes the store; it refuses a store
that holds documents or incidents unless ``force``, and a backup made by a newer schema.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from recruitwatch import __version__
from recruitwatch.store.connection import create_private_file, database_url, describe_url, parse_url, sqlite_path
from recruitwatch.store.database import _REVISION, MIGRATIONS, Store, head_revision
from recruitwatch.store.sealed import (
    BackupError,
    SealedWriter,
    backup_key,
    open_sealed,
    read_header,
)

__all__ = ["BackupError", "BackupInfo", "backup", "backup_key", "read_backup_header", "restore"]

PG_BIN_ENV = "RECRUITWATCH_PG_BIN"  # a folder holding pg_dump and pg_restore, when they are not on PATH
PIPE_CHUNK = 1 << 20
FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class BackupInfo:
    kind: str  # sqlite | postgresql
    schema: str | None  # the migration revision of the store in the backup
    created_at: str
    recruitwatch: str
    bytes: int  # size of the backup file
    pg_schema: str | None = None  # the PostgreSQL schema the store lives in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _revisions() -> list[str]:
    """Every migration revision shipped, oldest first."""
    parents: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((kind, value or None) for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            parents[found["revision"]] = found.get("down_revision")
    order, current = [], head_revision()
    while current:
        order.append(current)
        current = parents.get(current)
    return order[::-1]


def _store_state(store: Store) -> tuple[str | None, int]:
    """(schema revision, documents + incidents) of a store; (None, 0) for an empty database."""
    revision = store.schema_version()
    if revision is None:
        return None, 0
    with store._connect(check=False) as conn:
        names = set(inspect(conn).get_table_names())
        held = sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0
                   for t in ("documents", "incidents") if t in names)
    return revision, held


def _private_temp(folder: Path, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, dir=folder)  # mode 0600
    os.close(fd)
    return Path(name)


# -- PostgreSQL tools -------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: ``$RECRUITWATCH_PG_BIN``, PATH, then the newest
    /usr/lib/postgresql/*/bin (Debian's layout)."""
    folder = os.environ.get(PG_BIN_ENV)
    if folder:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"${PG_BIN_ENV} is {folder}, which has no {name}")
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0))
    if versions:
        return versions[-1]
    raise BackupError(f"{name} is not installed: a PostgreSQL store is backed up with the PostgreSQL client tools "
                      f"(Debian: apt-get install postgresql-client, of the server's major version or newer); "
                      f"or set {PG_BIN_ENV} to the folder that holds {name}")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _pg_schema(store: Store) -> str:
    with store._connect(check=False) as conn:
        return conn.execute(text("SELECT current_schema()")).scalar()


def _tool_failed(name: str, code: int, stderr: IO[bytes]) -> BackupError:
    stderr.seek(0)
    detail = stderr.read()[-2000:].decode("utf-8", "replace").strip()
    return BackupError(f"{name} failed (exit {code}): {detail or 'no message'}")


# -- backup -----------------------------------------------------------------------------------

def _record(store: Store, action: str, actor: str, details: dict[str, Any]) -> None:
    """Write the backup or restore to the store's audit trail, when it has one: a backup is the whole store."""
    from recruitwatch.errors import StoreError

    if not hasattr(store, "audit") or not store.is_initialised():
        return  # a store at an older schema has no audit trail yet
    try:  # a writer holding the lock for more than a moment must not stop an online backup
        store.audit(action, actor=actor, target_kind="store", target_id=None, details=details, wait=2.0)
    except StoreError:
        pass  # the backup goes on without its audit entry (docs/backup.md)


def backup(db: str | None, path: str | Path, key: bytes, *, actor: str = "unknown", chunk: int | None = None) -> BackupInfo:
    """Write an encrypted backup of the store at ``db`` to ``path`` (a new file, mode 0600);
    ``actor`` names who asked, for the audit trail."""
    url = parse_url(database_url(db))
    store = Store(database_url(db))
    try:
        revision, _ = _store_state(store)
        if revision is None:
            raise BackupError(f"nothing to back up: {describe_url(url)} is not a recruitwatch store")
        header: dict[str, Any] = {"kind": store.dialect, "schema": revision, "recruitwatch": __version__,
                                  "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        if store.dialect == "postgresql":
            header["pg_schema"] = _pg_schema(store)  # pg_dump's custom format is compressed already
        else:
            header["compression"] = "zlib"  # a SQLite file is mostly text: a third of its size or less
        _record(store, "backup", actor, {"file": str(path), "kind": store.dialect, "schema": revision})
    finally:
        store.close()
    path = Path(path).expanduser()
    part = path.with_name(f".{path.name}.part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            writer = SealedWriter(out, key, header, **({"chunk": chunk} if chunk else {}))
            if header["kind"] == "sqlite":
                _sqlite_dump(url, writer)
            else:
                _pg_dump(url, header["pg_schema"], writer)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupInfo(kind=header["kind"], schema=revision, created_at=header["created_at"],
                      recruitwatch=__version__, bytes=path.stat().st_size, pg_schema=header.get("pg_schema"))


def _copy_file(source: Path, writer: SealedWriter) -> None:
    """``source`` compressed (zlib, streamed) into ``writer``."""
    packer = zlib.compressobj(6)
    with source.open("rb") as f:
        while block := f.read(PIPE_CHUNK):
            writer.write(packer.compress(block))
    writer.write(packer.flush())


def _plain_chunks(sealed: _Sealed, header: dict[str, Any]) -> Iterator[bytes]:
    """The backup's content, decompressed when it was compressed (a checked backup is our own data)."""
    compression = header.get("compression")
    if compression is None:
        yield from sealed.chunks()
        return
    if compression != "zlib":
        raise BackupError(f"{sealed.path} is compressed with {compression!r}, which this recruitwatch cannot read")
    unpacker = zlib.decompressobj()
    for block in sealed.chunks():
        while block:
            yield unpacker.decompress(block, PIPE_CHUNK)
            block = unpacker.unconsumed_tail
    yield unpacker.flush()


def _sqlite_dump(url: URL, writer: SealedWriter) -> None:
    source = sqlite_path(url)
    if source is None:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    tmp = _private_temp(source.parent, ".recruitwatch-backup-")
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=4096)  # online: restarts by itself if another process writes meanwhile
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
            src.close()
        _copy_file(tmp, writer)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup of {source} failed: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _pg_dump(url: URL, schema: str, writer: SealedWriter) -> None:
    uri, env = _libpq(url)
    command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
               f"--dbname={uri}"]
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)
        try:
            assert proc.stdout is not None
            while block := proc.stdout.read(PIPE_CHUNK):
                writer.write(block)
        finally:
            code = proc.wait()
        if code != 0:
            raise _tool_failed("pg_dump", code, stderr)


# -- restore ----------------------------------------------------------------------------------

def read_backup_header(path: str | Path) -> dict[str, Any]:
    """What a backup says about itself (no key needed)."""
    path = Path(path).expanduser()
    try:
        with path.open("rb") as f:
            return read_header(f, str(path))[0]
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None


@dataclass
class _Sealed:
    path: Path
    key: bytes

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as f:
            _, chunks = open_sealed(f, self.key, str(self.path))
            yield from chunks

    def verify(self) -> None:
        for _ in self.chunks():
            pass  # reading a chunk authenticates it: a damaged or cut file raises here


def restore(db: str | None, path: str | Path, key: bytes, *, force: bool = False, actor: str = "unknown") -> BackupInfo:
    """Restore the backup at ``path`` into the store at ``db``.

    Checks first, changes nothing until all pass: the key, every chunk of the file, the kind of
    database, the schema revision (a backup from a newer recruitwatch is refused; an older one is
    restored and then upgraded), and that the store holds no documents or incidents (``force``
    replaces them).
    """
    path = Path(path).expanduser()
    header = read_backup_header(path)
    sealed = _Sealed(path, key)
    with path.open("rb") as f:
        open_sealed(f, key, str(path))  # a wrong key is reported before anything else
    url = parse_url(database_url(db))
    kind, revision = header.get("kind"), header.get("schema")
    if kind != url.get_backend_name():
        raise BackupError(f"{path} is a {kind} backup; restore it into a {kind} store, not {describe_url(url)}")
    known = _revisions()
    if revision not in known:
        raise BackupError(f"{path} holds a store at schema revision {revision!r}, which this recruitwatch "
                          f"({__version__}, schema {head_revision()}) does not know: restore it with a newer recruitwatch")
    store = Store(database_url(db))
    try:
        current, held = _store_state(store)
        if held and not force:
            raise BackupError(f"{describe_url(url)} holds {held:,} documents and incidents; restoring would replace "
                              "them: pass --force to do so, or restore into a new store")
        if kind == "postgresql":
            target_schema = _pg_schema(store)
            if target_schema != header.get("pg_schema"):
                raise BackupError(f"{path} holds the PostgreSQL schema {header.get('pg_schema')!r}, but the target's "
                                  f"current schema is {target_schema!r}; restore into a database (or search_path) "
                                  "where it is the same")
            if current is not None and current != revision:
                # pg_restore --clean drops only what the backup holds: tables a newer schema added would stay.
                raise BackupError(f"{describe_url(url)} is at schema revision {current} and {path} at {revision}; "
                                  f"restore into an empty schema (DROP SCHEMA {target_schema} CASCADE; CREATE SCHEMA "
                                  f"{target_schema}) or a new database")
    finally:
        store.close()
    sealed.verify()  # every chunk, before the store is touched
    if kind == "sqlite":
        _sqlite_restore(url, sealed, header)
    else:
        _pg_restore(url, sealed, header)
    store = Store(database_url(db))
    try:
        if revision != head_revision():
            store.init()  # an older backup: bring it up to this version's schema
        _record(store, "restore", actor, {"file": str(path), "kind": kind, "schema": revision,
                                          "created_at": header.get("created_at"), "forced": force})
    finally:
        store.close()
    return BackupInfo(kind=kind, schema=revision, created_at=header.get("created_at", ""),
                      recruitwatch=header.get("recruitwatch", ""), bytes=path.stat().st_size,
                      pg_schema=header.get("pg_schema"))


def _sqlite_restore(url: URL, sealed: _Sealed, header: dict[str, Any]) -> None:
    target = sqlite_path(url)
    if target is None:
        raise BackupError("restore into a SQLite file, not an in-memory database")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _private_temp(target.parent, ".recruitwatch-restore-")
    try:
        with tmp.open("wb") as out:
            for block in _plain_chunks(sealed, header):
                out.write(block)
        src = sqlite3.connect(tmp)
        try:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{sealed.path} decrypts to a damaged SQLite database")
            create_private_file(target)
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)  # replaces the target's pages in one step, other readers wait
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restoring into {target} failed: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _pg_restore(url: URL, sealed: _Sealed, header: dict[str, Any]) -> None:
    uri, env = _libpq(url)
    # One transaction: a failure leaves the store as it was. --clean drops what is there first.
    command = [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", "--exit-on-error", f"--dbname={uri}"]
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        assert proc.stdin is not None
        try:
            for block in _plain_chunks(sealed, header):
                proc.stdin.write(block)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit code and message say why
        finally:
            code = proc.wait()
        if code != 0:
            raise _tool_failed("pg_restore", code, stderr)
