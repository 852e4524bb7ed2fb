"""Storage: documents, incidents with evidence, and full-text search in SQLite or PostgreSQL.

    store = open_store(database_url(args.db))   # nothing is created yet
    store.init()                                # create / upgrade the schema (idempotent)
    store.save_batch(documents, incidents, failures)
    store.search_documents("Петербург мигрант")

See docs/storage.md.
"""

from __future__ import annotations

from recruitwatch.store.connection import DEFAULT_DATABASE_URL, ENV_VAR, database_url
from recruitwatch.store.database import BREAKDOWNS, BatchResult, Store
from recruitwatch.store.rows import IncidentFilter
from recruitwatch.store.search import SearchHit

__all__ = [
    "BREAKDOWNS",
    "DEFAULT_DATABASE_URL",
    "ENV_VAR",
    "BatchResult",
    "IncidentFilter",
    "SearchHit",
    "Store",
    "database_url",
    "open_store",
]


def open_store(url: str | None = None) -> Store:
    """A Store for ``url`` (resolved with :func:`database_url`). Connects lazily; creates nothing."""
    return Store(database_url(url))
