"""Database URLs and engines: which database, how to connect, how to describe it safely."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from recruitwatch.errors import StoreError

DEFAULT_DATABASE_URL = "sqlite:///recruitwatch.db"
ENV_VAR = "RECRUITWATCH_DATABASE_URL"

# Applied to every SQLite connection. WAL lets readers work while a batch is written;
# synchronous=NORMAL is safe in WAL mode (a crash never corrupts, at worst the last commit is lost
# on power failure); foreign keys are off by default in SQLite.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


def database_url(explicit: str | None = None) -> str:
    """The database to use: ``explicit`` (``--db``) > ``$RECRUITWATCH_DATABASE_URL`` > ``sqlite:///recruitwatch.db``.

    A bare path (``data/x.db``) means a SQLite file; ``postgresql://`` and ``postgres://`` URLs get
    the psycopg 3 driver.
    """
    for candidate in (explicit, os.environ.get(ENV_VAR)):
        if candidate and candidate.strip():
            return normalise_url(candidate.strip())
    return DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"{url!r} is not a database URL ({exc}); use a file path, sqlite:///path or postgresql://...") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in {parsed.render_as_string(hide_password=True)}; "
            "recruitwatch works with SQLite (a file path or sqlite:///path) and PostgreSQL (postgresql://...)"
        )
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def describe_url(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        return f"SQLite file {path}" if path else "SQLite in memory"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    who = f" as {url.username}" if url.username else ""
    return f"PostgreSQL database {url.database} on {where}{who} ({url.render_as_string(hide_password=True)})"


def aware(value: datetime | None) -> datetime | None:
    """A stored time as a UTC-aware datetime: SQLite gives naive datetimes back; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # Cyrillic as it is, not as \uXXXX


def create_store_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # prepare_threshold=None: psycopg would otherwise prepare a query run 5 times, and PostgreSQL then
    # switches to a generic plan that cannot see how common a search word is (a 20x slowdown measured
    # on common words). Planning our queries takes well under a millisecond.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"prepare_threshold": None},
        json_serializer=_json_dumps,
    )


#: Mode of a new SQLite database file: the owner reads and writes, nobody else (it holds testimonies).
#: SQLite gives its -wal and -shm files the mode of the database file.
DATABASE_FILE_MODE = 0o600


def create_private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only, unless it exists already.

    Created before SQLite opens it, so the file is never world-readable, not even for a moment
    (SQLite itself would create it 0644 under the usual umask).
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE)
    except FileExistsError:
        return
    except FileNotFoundError as exc:
        raise StoreError(f"cannot create the SQLite file {path}: the folder {path.parent} does not exist") from exc
    os.close(fd)
    os.chmod(path, DATABASE_FILE_MODE)  # in case an odd umask took bits away from the owner


#: How long one SQLite statement waits for another process's write lock (the busy timeout), in seconds.
BUSY_ENV = "RECRUITWATCH_SQLITE_BUSY_SECONDS"
#: How long a writer keeps retrying to begin while another process writes (Store._connect), in seconds.
LOCK_WAIT_ENV = "RECRUITWATCH_SQLITE_LOCK_WAIT_SECONDS"


def _seconds(var: str, default: float) -> float:
    value = os.environ.get(var, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise StoreError(f"${var} is {value!r}; give a number of seconds") from None
    if seconds < 0:
        raise StoreError(f"${var} must be 0 or more seconds")
    return seconds


def busy_timeout() -> float:
    """Seconds a SQLite statement waits on a lock before "database is locked" (default 30)."""
    return _seconds(BUSY_ENV, 30.0)


def lock_wait() -> float:
    """Seconds a writer retries to start its transaction while another process holds the write lock
    (default 600: an ingest batch, a re-link or a backup of a large store can hold it for minutes)."""
    return _seconds(LOCK_WAIT_ENV, 600.0)


def _sqlite_engine(url: URL) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout(), "check_same_thread": False}}
    path = sqlite_path(url)
    if path is not None and url.query.get("mode") != "ro":
        create_private_file(path)
    if sqlite_path(url) is None:
        kwargs["poolclass"] = StaticPool  # one shared connection, or each would see its own empty database
    engine = create_engine(url, json_serializer=_json_dumps, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the write lock up front: a deferred transaction that read first could
        # fail with SQLITE_BUSY instead of waiting when another process committed in between.
        if connection.get_execution_options().get("recruitwatch_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
