"""Alembic environment for the recruitwatch store.

:meth:`recruitwatch.store.Store.init` runs the migrations programmatically and passes its
own connection in ``config.attributes["connection"]``. Run by hand (``alembic -c ...``),
the URL comes from ``sqlalchemy.url`` or :func:`recruitwatch.store.database_url`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - manual use of the alembic command line
    from recruitwatch.store import database_url

    engine = create_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.begin() as conn:
        _run(conn)
