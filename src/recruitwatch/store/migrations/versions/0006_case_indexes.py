"""Partial indexes of canonical incidents (one row per case), for listing, counting and breakdowns.

``list_incidents``, ``count_incidents``, ``incident_breakdown`` and the dashboard show one row
per case: the incidents with ``id = case_id``. Nothing indexed that condition, so every such
query read every incident row (about 3 s for the dashboard at 100,000 incidents on SQLite).
Both databases support partial indexes whose condition compares two columns of the row:

* ``ix_incidents_cases_date_start``: the list order (newest date first, undated last) of cases;
* ``ix_incidents_cases``: ``id`` and the filtered and grouped columns of cases, so counts,
  breakdowns and the join from ``incident_codes`` read only this index, not the rows.

A partial index follows ``case_id`` by itself: linking, merging and splitting need no change.

SQLite only. On PostgreSQL (measured at 52,000 incidents) the same indexes made the planner
estimate the cases exactly and then probe ``incident_codes`` once per case for a code filter:
lists filtered by a rare place went from 45 ms to 250-330 ms. PostgreSQL gets nothing here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CASES = "id = case_id"  # written as the queries write it (incidents.id = incidents.case_id): SQLite matches terms literally
COVERED = ["id", "case_id", "date", "date_start", "date_end", "status", "outcome", "verification", "confidence"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    where = {"sqlite_where": sa.text(CASES)}
    op.create_index("ix_incidents_cases_date_start", "incidents", ["date_start", "pk"], **where)  # NULLs last in DESC
    op.create_index("ix_incidents_cases", "incidents", COVERED, **where)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index("ix_incidents_cases", table_name="incidents")
    op.drop_index("ix_incidents_cases_date_start", table_name="incidents")
