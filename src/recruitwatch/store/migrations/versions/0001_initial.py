"""Initial schema: documents, incidents with codes and evidence, ingest failures, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
ID = sa.String()


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("lang", sa.String()),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String()),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("relevance", sa.Float),
        sa.Column("relevant", sa.Boolean),
        sa.Column("reasons", JSONType, nullable=False),
        sa.Column("pipeline_version", sa.String()),
        sa.Column("meta", JSONType, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("id", name="uq_documents_id"),
    )
    op.create_index("ix_documents_lang", "documents", ["lang"])
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.create_index("ix_documents_relevant", "documents", ["relevant"])
    op.create_index("ix_documents_published", "documents", ["published"])

    op.create_table(
        "incidents",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("document_id", ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.String()),
        sa.Column("date_precision", sa.String()),
        sa.Column("date_start", sa.String()),
        sa.Column("date_end", sa.String()),
        sa.Column("places", JSONType, nullable=False),
        sa.Column("nationalities", JSONType, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("count", sa.Integer),
        sa.Column("actors", JSONType, nullable=False),
        sa.Column("tactics", JSONType, nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("verification", sa.String(), nullable=False),
        sa.Column("sensitivity", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("id", name="uq_incidents_id"),
    )
    for column in ("document_id", "date", "date_end", "status", "outcome", "verification"):
        op.create_index(f"ix_incidents_{column}", "incidents", [column])
    # Serves list_incidents' order (newest date first, undated last) and date_to filters.
    if op.get_bind().dialect.name == "sqlite":  # SQLite puts NULLs last in DESC order anyway
        op.create_index("ix_incidents_date_start", "incidents", ["date_start", "pk"])
    else:
        op.create_index(
            "ix_incidents_date_start", "incidents", [sa.text("date_start DESC NULLS LAST"), sa.text("pk DESC")]
        )

    op.create_table(
        "incident_codes",
        sa.Column("incident_id", ID, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "field", "code"),
    )
    op.create_index("ix_incident_codes_field_code", "incident_codes", ["field", "code", "incident_id"])

    op.create_table(
        "evidence",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("incident_id", ID, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("document_id", ID, nullable=False),
    )
    op.create_index("ix_evidence_incident_id", "evidence", ["incident_id", "ord"])
    op.create_index("ix_evidence_document_id", "evidence", ["document_id"])

    op.create_table(
        "ingest_failures",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )

    if op.get_bind().dialect.name == "sqlite":
        # Contentless: the lemmas are only needed in the index; rowid is documents.pk / incidents.pk.
        for name in ("documents_fts", "incidents_fts"):
            op.execute(
                f"CREATE VIRTUAL TABLE {name} USING fts5(terms, content='', tokenize='unicode61 remove_diacritics 2')"
            )
    else:
        for name, parent in (("document_search", "documents"), ("incident_search", "incidents")):
            op.create_table(
                name,
                sa.Column("pk", sa.BigInteger, sa.ForeignKey(f"{parent}.pk", ondelete="CASCADE"), primary_key=True),
                sa.Column("terms", TSVECTOR, nullable=False),
            )
            op.create_index(f"ix_{name}_terms", name, ["terms"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS incidents_fts")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    else:
        op.drop_table("incident_search")
        op.drop_table("document_search")
    for table in ("ingest_failures", "evidence", "incident_codes", "incidents", "documents"):
        op.drop_table(table)
