"""The audit log's persistence: appending chained entries and reading them back.

:class:`AuditStore` is a part of :class:`recruitwatch.store.Store`. Entries are written by
:meth:`AuditStore._audit` inside the transaction of the change they record, so a change and its
entry are stored together or not at all. Appending takes the database's write lock first (SQLite:
every write transaction is ``BEGIN IMMEDIATE``; PostgreSQL: an advisory transaction lock), so two
writers never chain onto the same previous entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from recruitwatch.audit.chain import GENESIS, AuditEntry, canonical_json, entry_hash
from recruitwatch.store.schema import audit_log

AUDIT_LOCK = 7245002  # PostgreSQL advisory lock key of the audit chain


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class AuditStore:
    """Audit-log methods of the Store (mixed into :class:`recruitwatch.store.Store`)."""

    dialect: str  # _connect comes from Store

    def _audit(self, conn: Connection, action: str, *, actor: str, target_kind: str | None = None,
               target_id: str | None = None, details: Mapping[str, Any] | None = None) -> AuditEntry:
        """Append one entry inside the open write transaction ``conn``."""
        if self.dialect == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")
        last = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
        seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
        at = _now_text()
        actor = actor or "unknown"
        details_json = canonical_json(dict(details or {}))
        digest = entry_hash(seq, at, actor, action, target_kind, target_id, details_json, prev)
        conn.execute(audit_log.insert().values(seq=seq, at=at, actor=actor, action=action, target_kind=target_kind,
                                               target_id=target_id, details=details_json, prev_hash=prev, hash=digest))
        return AuditEntry(seq, at, actor, action, target_kind, target_id, dict(details or {}), prev, digest)

    def audit(self, action: str, *, actor: str, target_kind: str | None = None, target_id: str | None = None,
              details: Mapping[str, Any] | None = None, wait: float | None = None) -> AuditEntry:
        """Record ``action`` by ``actor`` on a record (``target_kind`` e.g. incident, user, document,
        export; ``target_id`` its id) with JSON-able ``details``. Returns the stored entry.

        ``wait`` (SQLite): give up with a StoreError after this many seconds if another writer holds
        the database, instead of the usual 30 (an online backup must not wait on a long batch).
        """
        if wait is not None and self.dialect == "sqlite":
            return self._audit_waiting(wait, action, actor=actor, target_kind=target_kind, target_id=target_id,
                                       details=details)
        with self._connect(write=True) as conn:
            return self._audit(conn, action, actor=actor, target_kind=target_kind, target_id=target_id,
                               details=details)

    def _audit_waiting(self, wait: float, action: str, **kwargs: Any) -> AuditEntry:
        from sqlalchemy.exc import SQLAlchemyError

        from recruitwatch.errors import StoreError
        from recruitwatch.store.connection import busy_timeout

        with self._connect():  # the schema check (and a clear error for a store that needs `init`)
            pass  # connecting is the check
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            conn.commit()
            try:
                conn.execution_options(recruitwatch_write=True)
                with conn.begin():
                    return self._audit(conn, action, **kwargs)
            except SQLAlchemyError as exc:
                raise StoreError(f"{self.describe()}: writing the audit entry failed: {getattr(exc, 'orig', exc)}") from exc
            finally:
                conn.execution_options(recruitwatch_write=False)
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")  # as connection.py sets it
                conn.commit()

    def audit_entries(self, target_kind: str | None = None, target_id: str | list[str] | None = None, *,
                      action: str | None = None, limit: int = 100, offset: int = 0,
                      newest_first: bool = True) -> list[AuditEntry]:
        """Audit entries, newest first, optionally only those of one target (or of several ids)."""
        stmt = select(audit_log)
        if target_kind is not None:
            stmt = stmt.where(audit_log.c.target_kind == target_kind)
        if isinstance(target_id, str):
            stmt = stmt.where(audit_log.c.target_id == target_id)
        elif target_id is not None:
            stmt = stmt.where(audit_log.c.target_id.in_(list(target_id)))
        if action is not None:
            stmt = stmt.where(audit_log.c.action == action)
        stmt = stmt.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq).limit(limit).offset(offset)
        with self._connect() as conn:
            return [_entry(r) for r in conn.execute(stmt)]

    def audit_head(self) -> tuple[int, str] | None:
        """(seq, hash) of the newest entry, or None when the log is empty: record it elsewhere to
        detect later removal of the newest entries (``verify_chain(store, expected_head=hash)``)."""
        with self._connect() as conn:
            row = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
        return (row.seq, row.hash) if row else None

    def count_audit_entries(self) -> int:
        with self._connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_log)).scalar() or 0

    # -- for recruitwatch.audit.verify_chain: raw rows, as stored ----------------------------

    def _audit_rows(self, after_seq: int, limit: int) -> list[Any]:
        with self._connect() as conn:
            return conn.execute(select(audit_log).where(audit_log.c.seq > after_seq)
                                .order_by(audit_log.c.seq).limit(limit)).all()

    def _audit_seq_of_hash(self, value: str) -> int | None:
        with self._connect() as conn:
            return conn.execute(select(audit_log.c.seq).where(audit_log.c.hash == value).limit(1)).scalar()


def _entry(row: Any) -> AuditEntry:
    import json

    try:
        details = json.loads(row.details)
    except ValueError:
        details = {"unreadable": row.details}
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.target_kind, row.target_id, details,
                      row.prev_hash, row.hash)
