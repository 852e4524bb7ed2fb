"""Incidents read from the store in batches, for exports: bounded memory whatever the store's size.

Batches are walked by primary key (``pk > last``), so an export of 100,000 incidents never holds
more than ``batch`` of them. An export reads inside one :func:`snapshot` (one read transaction,
REPEATABLE READ on PostgreSQL; SQLite's WAL gives a reader its snapshot), so its two passes see
the same incidents even while an ingest or a reviewer writes: a cell counted as large enough in
the first pass cannot shrink in the second. Writers are not blocked meanwhile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from recruitwatch.records import Incident
from recruitwatch.store import IncidentFilter, Store
from recruitwatch.store import rows as R
from recruitwatch.store.schema import documents, incidents

BATCH = 1000
_CHUNK = 500  # ids per IN (...)

# Columns of an incident that public rows and aggregates need: no summary, no evidence.
LIGHT_FIELDS = ("id", "case_id", "document_id", "date", "date_precision", "places", "nationalities", "status",
                "count", "actors", "tactics", "outcome", "verification", "sensitivity")


@dataclass(slots=True)
class Source:
    """A document that reports an incident (its case, when exporting cases)."""

    document_id: str
    kind: str | None
    url: str | None
    outlet: str | None
    published: str | None
    origin: str


@dataclass(slots=True)
class Row:
    """An incident's coded fields and its sources (and, in a full export, the whole incident)."""

    fields: dict[str, Any]
    sources: list[Source] = field(default_factory=list)
    incident: Incident | None = None


@contextmanager
def snapshot(store: Store) -> Iterator[Connection]:
    """One read transaction that sees the store as it was when it began, for every query in it."""
    with store._connect() as conn:
        if store.dialect == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield conn


def iter_rows(store: Store, filters: IncidentFilter | None = None, *, full: bool = False, sources: bool = True,
              batch: int = BATCH, conn: Connection | None = None) -> Iterator[Row]:
    """Every incident matching ``filters`` (one per case unless ``filters.cases`` is False), by primary key.

    ``full`` loads the whole incident with its evidence; otherwise only the coded fields are read.
    ``sources`` adds the documents behind each row: every report of the case for a case, the
    incident's own document for a report. ``conn`` (from :func:`snapshot`) is the read transaction to
    use; without it, the walk opens its own.
    """
    if conn is None:
        with snapshot(store) as own:
            yield from iter_rows(store, filters, full=full, sources=sources, batch=batch, conn=own)
        return
    filters = filters or IncidentFilter()
    columns = [incidents.c.pk, *(incidents.c[name] for name in LIGHT_FIELDS)]
    if full:
        columns = [incidents.c.pk, *R.INCIDENT_COLUMNS]
    where = R.filter_conditions(filters, correlated=False)
    by_case = filters.cases and not filters.document_id
    last = 0
    while True:
        stmt = select(*columns).where(incidents.c.pk > last, *where).order_by(incidents.c.pk).limit(batch)
        found = conn.execute(stmt).all()
        if not found:
            return
        loaded = store._with_evidence(conn, found) if full else [None] * len(found)
        found_sources = _sources(conn, [r.case_id if by_case else r.id for r in found], by_case) if sources else {}
        for row, incident in zip(found, loaded):
            m = row._mapping
            key = m["case_id"] if by_case else m["id"]
            yield Row(fields={name: m[name] for name in LIGHT_FIELDS}, sources=found_sources.get(key, []),
                      incident=incident)
        last = found[-1].pk


def _sources(conn, keys: Sequence[str], by_case: bool) -> dict[str, list[Source]]:
    key_column = incidents.c.case_id if by_case else incidents.c.id
    out: dict[str, list[Source]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    wanted = list(dict.fromkeys(keys))
    for i in range(0, len(wanted), _CHUNK):
        stmt = (
            select(key_column.label("key"), documents.c.id, documents.c.kind, documents.c.url, documents.c.outlet,
                   documents.c.published, documents.c.origin)
            .join_from(incidents, documents, documents.c.id == incidents.c.document_id)
            .where(key_column.in_(wanted[i : i + _CHUNK]))
            .order_by(key_column, documents.c.published, documents.c.id)
        )
        for r in conn.execute(stmt):
            if (r.key, r.id) in seen:
                continue
            seen.add((r.key, r.id))
            out[r.key].append(Source(r.id, r.kind, r.url, r.outlet, r.published, r.origin))
    return out
