"""Encryption at rest: data keys, the people behind testimonies, sealed testimony texts and attachments.

* ``data_keys``: one random data key per person, stored only wrapped (AES-256-GCM) by the master
  key, with the master key's id; ``destroyed_at`` and a NULL ``wrapped_key`` once the person is
  deleted (crypto-shredding).
* ``people``: the person behind a testimony. Name, contacts, birth date, address and consent
  are one sealed blob (``details``) under the person's data key; only non-identifying metadata
  (when, entered by whom) is in clear.
* ``testimonies``: the sealed text of a ``testimony`` document (whose ``documents.text`` holds a
  placeholder) and its person; ``testimony_attachments``: sealed file names and contents.

Independent of the tables of 0004 (accounts, audit trail): only ``documents`` is referred to.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String()
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", ID, primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary),  # NULL once destroyed
        sa.Column("master_key_id", sa.String()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("destroyed_at", WHEN),
    )
    op.create_index("ix_data_keys_master_key_id", "data_keys", ["master_key_id"])
    op.create_table(
        "people",
        sa.Column("id", ID, primary_key=True),
        sa.Column("data_key_id", ID, sa.ForeignKey("data_keys.id"), nullable=False),
        sa.Column("details", sa.LargeBinary),  # sealed PersonDetails; NULL once deleted
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("deleted_at", WHEN),
    )
    op.create_table(
        "testimonies",
        sa.Column("document_id", ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", ID, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("text", sa.LargeBinary),  # sealed; NULL once the person is deleted
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
    )
    op.create_index("ix_testimonies_person_id", "testimonies", ["person_id"])
    op.create_table(
        "testimony_attachments",
        sa.Column("id", ID, primary_key=True),
        sa.Column("document_id", ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("name", sa.LargeBinary),  # sealed file name; NULL once the person is deleted
        sa.Column("content", sa.LargeBinary),  # sealed bytes; NULL once the person is deleted
    )
    op.create_index("ix_testimony_attachments_document_id", "testimony_attachments", ["document_id", "ord"])


def downgrade() -> None:
    op.drop_index("ix_testimony_attachments_document_id", table_name="testimony_attachments")
    op.drop_table("testimony_attachments")
    op.drop_index("ix_testimonies_person_id", table_name="testimonies")
    op.drop_table("testimonies")
    op.drop_table("people")
    op.drop_index("ix_data_keys_master_key_id", table_name="data_keys")
    op.drop_table("data_keys")
