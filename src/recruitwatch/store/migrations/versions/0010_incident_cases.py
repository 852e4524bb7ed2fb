"""A case flag on incidents, so PostgreSQL plans lists and counts of cases right (issue 9 item 6, issue 11 item 3).

``incidents.is_case`` is computed by the database from ``id = case_id`` (a generated column: stored on
PostgreSQL, virtual on SQLite, where ``ALTER TABLE`` can add no other kind), so it follows every change of
``case_id`` by itself: linking, merging, splitting, reviewers' edits, every store path.

PostgreSQL estimated ``id = case_id`` (a column compared with a column) to hold for 0.5% of incidents,
not the ~67% it does, so it never walked the list order for cases and sorted every case with a common
code instead (a list by a common place: 450-600 ms at 100,000 incidents). It keeps statistics of a
column, and ``ix_incidents_cases_list`` (is_case, date_start DESC NULLS LAST, pk DESC) is the list order
of cases.

SQLite keeps ``id = case_id`` in its queries: its partial indexes of cases (0006, 0009) are written
with it, and its planner uses them well; the column is there too, so both databases have the same table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("incidents", sa.Column("is_case", sa.Boolean(), sa.Computed("id = case_id", persisted=not sqlite)))
    if not sqlite:
        bind.exec_driver_sql("CREATE INDEX ix_incidents_cases_list ON incidents "
                             "(is_case, date_start DESC NULLS LAST, pk DESC)")
        bind.exec_driver_sql("ANALYZE incidents")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_index("ix_incidents_cases_list", table_name="incidents")
    bind.exec_driver_sql("ALTER TABLE incidents DROP COLUMN is_case")
