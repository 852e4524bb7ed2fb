"""The watcher's state in the store (migration 0007): sources, what they gave, and the notification outbox.

:class:`WatchStore` is a part of :class:`recruitwatch.store.Store`. ``recruitwatch watch``
(:mod:`recruitwatch.watch`) keeps everything here, so a restarted watcher goes on where it
stopped: conditional-request validators, items already seen, failures and back-off, and new
incidents not yet notified. See docs/watch.md.

Exactly-once bookkeeping: a poll first stores its documents (``save_batch``, one transaction per
batch), then :meth:`finish_watch_poll` records, in ONE transaction, the new validators and items
and queues the new incidents of the poll's documents for notification. If the process dies in
between, nothing of the second step happened: the next poll fetches again (no validators),
finds the documents stored, and queues their incidents then (``cursor`` still marks the start
of the unfinished poll). An incident is queued once per channel (a unique index).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from recruitwatch.store.connection import aware
from recruitwatch.store.schema import incidents, watch_items, watch_outbox, watch_sources

CHUNK = 500


@dataclass(frozen=True, slots=True)
class WatchSourceState:
    """What the store remembers of one watched source."""

    key: str
    kind: str
    location: str
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    cursor: datetime | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    next_due: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: (value.isoformat() if isinstance(value, datetime) else value)
                for name, value in ((f, getattr(self, f)) for f in self.__slots__)}


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """An incident queued for a channel and not delivered yet."""

    pk: int
    channel: str
    incident_id: str
    source_key: str
    queued_at: datetime
    attempts: int


def _state(row: Any) -> WatchSourceState:
    return WatchSourceState(
        key=row.key, kind=row.kind, location=row.location, name=row.name, etag=row.etag,
        last_modified=row.last_modified, cursor=aware(row.cursor), last_attempt=aware(row.last_attempt),
        last_success=aware(row.last_success), failures=int(row.failures or 0), last_error=row.last_error,
        next_due=aware(row.next_due),
    )


class WatchStore:
    """Watcher methods of the Store (mixed into :class:`recruitwatch.store.Store`)."""

    # Uses _connect (Store); no stubs, which would hide it in the Store's MRO.

    def watch_states(self) -> dict[str, WatchSourceState]:
        """Every watched source's state, by key."""
        with self._connect() as conn:
            return {row.key: _state(row) for row in conn.execute(select(watch_sources))}

    def watch_state(self, key: str) -> WatchSourceState | None:
        with self._connect() as conn:
            row = conn.execute(select(watch_sources).where(watch_sources.c.key == key)).first()
        return _state(row) if row is not None else None

    def start_watch_poll(self, key: str, kind: str, location: str, name: str | None, at: datetime) -> WatchSourceState:
        """Record that a poll of ``key`` starts at ``at`` (creating the source's row, whose ``cursor``
        is then ``at``); returns the state before this poll."""
        with self._connect(write=True) as conn:
            row = conn.execute(select(watch_sources).where(watch_sources.c.key == key)).first()
            if row is None:
                conn.execute(watch_sources.insert().values(key=key, kind=kind, location=location, name=name,
                                                           cursor=at, last_attempt=at, failures=0))
                return WatchSourceState(key=key, kind=kind, location=location, name=name, cursor=at, last_attempt=at)
            conn.execute(update(watch_sources).where(watch_sources.c.key == key).values(
                last_attempt=at, name=name, cursor=row.cursor if row.cursor is not None else at))
            return _state(row)

    def watch_seen(self, key: str, items: Iterable[str] | None = None) -> dict[str, str | None]:
        """Items of ``key`` already seen (all, or those among ``items``), with their fingerprints."""
        with self._connect() as conn:
            if items is None:
                stmt = select(watch_items.c.item, watch_items.c.fingerprint).where(watch_items.c.source_key == key)
                return dict(conn.execute(stmt).all())
            wanted = list(dict.fromkeys(items))
            found: dict[str, str | None] = {}
            for i in range(0, len(wanted), CHUNK):
                stmt = select(watch_items.c.item, watch_items.c.fingerprint).where(
                    watch_items.c.source_key == key, watch_items.c.item.in_(wanted[i : i + CHUNK]))
                found.update(conn.execute(stmt).all())
            return found

    def finish_watch_poll(
        self,
        key: str,
        *,
        started: datetime,
        next_due: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        seen: Mapping[str, str | None] | None = None,
        forget: Iterable[str] = (),
        document_ids: Iterable[str] = (),
        channels: Iterable[str] = (),
    ) -> list[str]:
        """A successful poll, in one transaction: the validators, items seen (``forget``: items gone,
        e.g. deleted files), failures reset, and the incidents of ``document_ids`` added since the
        source's cursor queued once per channel. Returns the ids of the incidents queued."""
        now = datetime.now(UTC)
        channels = list(channels)
        with self._connect(write=True) as conn:
            row = conn.execute(select(watch_sources.c.cursor).where(watch_sources.c.key == key)).first()
            since = aware(row.cursor) if row is not None and row.cursor is not None else started
            queued = self._queue_incidents(conn, key, list(dict.fromkeys(document_ids)), since, channels, now)
            self._record_items(conn, key, seen or {}, list(forget), now)
            conn.execute(update(watch_sources).where(watch_sources.c.key == key).values(
                etag=etag, last_modified=last_modified, cursor=started, last_success=now, failures=0,
                last_error=None, next_due=next_due))
        return queued

    def fail_watch_poll(self, key: str, error: str, next_due: datetime) -> int:
        """A failed poll: one more consecutive failure, the error, when to try again. Returns the
        number of consecutive failures."""
        with self._connect(write=True) as conn:
            conn.execute(update(watch_sources).where(watch_sources.c.key == key).values(
                failures=watch_sources.c.failures + 1, last_error=error[:2000], next_due=next_due))
            return int(conn.execute(select(watch_sources.c.failures).where(watch_sources.c.key == key)).scalar() or 0)

    def _queue_incidents(self, conn: Connection, key: str, doc_ids: list[str], since: datetime,
                         channels: list[str], now: datetime) -> list[str]:
        found: list[str] = []
        for i in range(0, len(doc_ids), CHUNK):
            stmt = (select(incidents.c.id).where(incidents.c.document_id.in_(doc_ids[i : i + CHUNK]),
                                                 incidents.c.added_at >= since).order_by(incidents.c.pk))
            found.extend(conn.execute(stmt).scalars())
        if not found or not channels:
            return found
        taken = set()
        for i in range(0, len(found), CHUNK):
            stmt = select(watch_outbox.c.channel, watch_outbox.c.incident_id).where(
                watch_outbox.c.incident_id.in_(found[i : i + CHUNK]))
            taken.update(tuple(r) for r in conn.execute(stmt))
        rows = [{"channel": c, "incident_id": inc, "source_key": key, "queued_at": now, "attempts": 0}
                for inc in found for c in channels if (c, inc) not in taken]
        if rows:
            conn.execute(watch_outbox.insert(), rows)
        return [inc for inc in found if any((c, inc) not in taken for c in channels)]

    def _record_items(self, conn: Connection, key: str, seen: Mapping[str, str | None], forget: list[str],
                      now: datetime) -> None:
        items = list(seen) + forget
        for i in range(0, len(items), CHUNK):
            conn.execute(delete(watch_items).where(watch_items.c.source_key == key,
                                                   watch_items.c.item.in_(items[i : i + CHUNK])))
        if seen:
            conn.execute(watch_items.insert(), [{"source_key": key, "item": item, "fingerprint": fp, "seen_at": now}
                                                for item, fp in seen.items()])

    # -- the outbox ------------------------------------------------------------------------

    def pending_notices(self, channel: str, *, limit: int = 200) -> list[PendingNotice]:
        """Incidents queued for ``channel`` and not delivered yet, oldest first."""
        stmt = (select(watch_outbox).where(watch_outbox.c.channel == channel, watch_outbox.c.sent_at.is_(None))
                .order_by(watch_outbox.c.pk).limit(limit))
        with self._connect() as conn:
            return [PendingNotice(r.pk, r.channel, r.incident_id, r.source_key, aware(r.queued_at), r.attempts)
                    for r in conn.execute(stmt)]

    def last_notice_sent(self, channel: str) -> datetime | None:
        with self._connect() as conn:
            return aware(conn.execute(select(func.max(watch_outbox.c.sent_at))
                                       .where(watch_outbox.c.channel == channel)).scalar())

    def mark_notices(self, pks: Iterable[int], *, sent: bool, error: str | None = None) -> None:
        """Delivered (``sent``), or one more failed attempt with ``error``."""
        pks = list(pks)
        now = datetime.now(UTC)
        with self._connect(write=True) as conn:
            for i in range(0, len(pks), CHUNK):
                where = watch_outbox.c.pk.in_(pks[i : i + CHUNK])
                if sent:
                    conn.execute(update(watch_outbox).where(where).values(sent_at=now, last_error=None))
                else:
                    conn.execute(update(watch_outbox).where(where).values(
                        attempts=watch_outbox.c.attempts + 1, last_error=(error or "")[:2000]))
