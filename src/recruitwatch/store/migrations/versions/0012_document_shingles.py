"""The fingerprint of each document's shingles, so near-duplicate candidates are verified without their texts (issue 11).

* ``document_shingles`` (document_pk, hashes): the sorted 64-bit hashes of a document's word
  3-shingles (:func:`recruitwatch.link.documents.fingerprint`), 8 bytes per shingle. Linking a
  batch reads its candidates' fingerprints instead of reading their texts and shingling them
  again (docs/linking.md).

Nothing is computed here: a document stored before this migration gets its row the first time it
is a near-duplicate candidate of a new document (from its stored text, in that batch's
transaction), or when ``recruitwatch link`` links the whole store again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # INTEGER on SQLite: the primary key is then the table's rowid, with no second index.
    op.create_table(
        "document_shingles",
        sa.Column("document_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=False),
        sa.Column("hashes", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_shingles")
