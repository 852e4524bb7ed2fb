"""Confidence of every extracted value and incident, and the pipeline version of each incident.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("confidence", sa.Float))
        batch.add_column(sa.Column("pipeline_version", sa.String()))
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("confidence", sa.Float))
    op.create_index("ix_incidents_confidence", "incidents", ["confidence"])


def downgrade() -> None:
    op.drop_index("ix_incidents_confidence", table_name="incidents")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("confidence")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("pipeline_version")
        batch.drop_column("confidence")
