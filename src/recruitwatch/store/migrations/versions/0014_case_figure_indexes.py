"""SQLite: two covering indexes of cases for `summary`'s figures at 100,000 incidents (issue 11 item 3).

``Store.incident_figures`` of a case filter reads the cases twice, each time one walk of an index that holds
every column the filter and the grouping need, in the grouping's order, so neither a sort nor a probe per
case is needed (a code filter is tested on the incident's stored code list, see ``rows.listed_code``):

* ``ix_incidents_cases_figures`` (0009: status, outcome, verification, date, ...) is made again as
  (status, outcome, verification, substr(date, 1, 7), date, ..., id, case_id, and the four code lists):
  the count, the breakdowns by status, outcome and verification and by month and year, grouped in index order;
* ``ix_incidents_cases_codes`` (tactics, places, nationalities, actors, and the filtered columns): the
  cases grouped by their lists of tactics and places (or of one other field), counted per code in Python.

Both are partial indexes of cases (``WHERE id = case_id``) and hold ``case_id``, without which SQLite
reads each row to test the condition. PostgreSQL needs neither (it hashes the groups; docs/storage.md).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CASES = "id = case_id"  # written as the queries write it: SQLite matches a partial index's terms literally
FILTERED = ["date_start", "date_end", "confidence", "id", "case_id"]
LISTS = ["tactics", "places", "nationalities", "actors"]
FIGURES = ["status", "outcome", "verification", sa.text("substr(date, 1, 7)"), "date", *FILTERED, *LISTS]
CODES = [*LISTS, "status", "outcome", "verification", *FILTERED]
FORMER_FIGURES = ["status", "outcome", "verification", "date", "date_start", "date_end", "confidence", "id"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    where = {"sqlite_where": sa.text(CASES)}
    op.drop_index("ix_incidents_cases_figures", table_name="incidents")
    op.create_index("ix_incidents_cases_figures", "incidents", FIGURES, **where)
    op.create_index("ix_incidents_cases_codes", "incidents", CODES, **where)
    # Statistics sampled as Store.close() samples them (PRAGMA optimize): with a full ANALYZE the planner
    # counted a date range of cases by ix_incidents_date_end, reading each row (20 -> 150 ms at 100,000).
    bind.exec_driver_sql("PRAGMA analysis_limit=1000")
    bind.exec_driver_sql("ANALYZE incidents")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.drop_index("ix_incidents_cases_codes", table_name="incidents")
    op.drop_index("ix_incidents_cases_figures", table_name="incidents")
    op.create_index("ix_incidents_cases_figures", "incidents", FORMER_FIGURES, sqlite_where=sa.text(CASES))
