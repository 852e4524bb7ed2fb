"""Documents identified by content, their origins and near-duplicate groups; incident cases and links.

* ``documents.content_key``: hash of the normalised text (plus the canonical URL of a web page),
  unique. New documents get it as their ``id``. Stored documents **keep their old id** (every
  incident, evidence span and reference to them stays valid) and get their content key here:
  the old id is mapped to the content, not re-keyed. Stored documents with the same content
  (one file ingested under two paths) become one: the earliest stored row is kept, the others'
  origins are added to it and the copies are deleted with their incidents.
* ``document_origins``: every place a document was found (path or URL, outlet, date).
* ``documents.group_id`` and ``document_bands``: near-duplicate groups and their LSH band keys
  (filled by ``recruitwatch link --all`` for documents stored before this migration).
* ``incidents.case_id`` (the canonical incident of its case, itself until linked),
  ``incidents.link_keys``, ``incident_blocks`` (blocking keys) and ``incident_links`` (machine
  matches and reviewers' merges and splits); keys and blocks of incidents stored before this
  migration are made by ``recruitwatch link``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
ID = sa.String()
_WS = re.compile(r"\s+")


# Frozen copies of recruitwatch.records.content_key / canonical_url as of this revision: a later
# change to those functions must come with its own migration.
def _canonical_url(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")])
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/") or "/", query, ""))


def _content_key(text: str, url: str | None) -> str:
    digest = hashlib.sha256()
    digest.update(_WS.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold().encode("utf-8"))
    canonical = _canonical_url(url)
    if canonical:
        digest.update(b"\x00")
        digest.update(canonical.encode("utf-8"))
    return digest.hexdigest()[:24]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("content_key", ID))
        batch.add_column(sa.Column("group_id", ID))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("case_id", ID))
        batch.add_column(sa.Column("link_keys", JSONType))
    op.create_table(
        "document_origins",
        sa.Column("document_id", ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.String()),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "origin"),
    )
    op.create_table(
        "document_bands",
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.Column("document_pk", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("key", "document_pk"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "incident_blocks",
        sa.Column("block", sa.String(), nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("block", "incident_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "incident_links",
        sa.Column("a", ID, nullable=False),
        sa.Column("b", ID, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),  # match | merge | split
        sa.Column("score", sa.Float),
        sa.Column("fields", JSONType, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("a", "b", "kind"),
    )
    op.create_index("ix_incident_links_b", "incident_links", ["b"])

    # Content keys of stored documents; copies of one content collapse onto the earliest row.
    docs = sa.table("documents", sa.column("pk"), sa.column("id"), sa.column("text"), sa.column("url"),
                    sa.column("origin"), sa.column("outlet"), sa.column("published"), sa.column("added_at"),
                    sa.column("content_key"), sa.column("group_id"))
    origins = sa.table("document_origins", sa.column("document_id"), sa.column("origin"), sa.column("url"),
                       sa.column("outlet"), sa.column("published"), sa.column("found_at"))
    keep: dict[str, str] = {}
    copies: list[str] = []
    last = 0
    while True:
        rows = bind.execute(sa.select(docs.c.pk, docs.c.id, docs.c.text, docs.c.url, docs.c.origin, docs.c.outlet,
                                      docs.c.published, docs.c.added_at)
                            .where(docs.c.pk > last).order_by(docs.c.pk).limit(500)).all()
        if not rows:
            break
        last = rows[-1].pk
        for r in rows:
            key = _content_key(r.text, r.url)
            owner = keep.setdefault(key, r.id)
            bind.execute(origins.insert(), {"document_id": owner, "origin": r.origin, "url": r.url,
                                            "outlet": r.outlet, "published": r.published, "found_at": r.added_at})
            if owner == r.id:
                bind.execute(docs.update().where(docs.c.id == r.id).values(content_key=key, group_id=r.id))
            else:
                copies.append(r.id)
    incs = sa.table("incidents", sa.column("id"), sa.column("document_id"), sa.column("case_id"))
    for i in range(0, len(copies), 500):
        chunk = copies[i : i + 500]
        # By hand, whether or not the connection enforces the foreign keys' cascades.
        for name in ("evidence", "incident_codes"):
            bind.execute(sa.text(f"DELETE FROM {name} WHERE incident_id IN (SELECT id FROM incidents "
                                 "WHERE document_id IN :ids)").bindparams(sa.bindparam("ids", expanding=True)),
                         {"ids": list(chunk)})
        bind.execute(incs.delete().where(incs.c.document_id.in_(chunk)))
        bind.execute(docs.delete().where(docs.c.id.in_(chunk)))
    bind.execute(incs.update().values(case_id=incs.c.id))

    # Indexes, not constraints: on SQLite a new constraint would rebuild the tables.
    op.create_index("uq_documents_content_key", "documents", ["content_key"], unique=True)
    op.create_index("ix_documents_group_id", "documents", ["group_id"])
    op.create_index("ix_incidents_case_id", "incidents", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_incidents_case_id", table_name="incidents")
    op.drop_index("ix_documents_group_id", table_name="documents")
    op.drop_index("uq_documents_content_key", table_name="documents")
    op.drop_table("incident_links")
    op.drop_table("incident_blocks")
    op.drop_table("document_bands")
    op.drop_table("document_origins")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("link_keys")
        batch.drop_column("case_id")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("group_id")
        batch.drop_column("content_key")
