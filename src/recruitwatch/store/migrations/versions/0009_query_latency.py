"""Indexes and a case flag for the workbench's queries at 100,000 incidents (issue 9 item 6, issue 11 item 3).

Both databases:

* ``incident_codes.is_case``: whether the code's incident is the canonical incident of its case
  (``id = case_id``), kept by triggers (below), with the index ``ix_incident_codes_cases``
  (is_case, field, code, incident_id). Breakdowns by code and counts filtered only by codes count
  the codes of cases from this index alone, instead of probing ``incidents`` once per code row
  (an unfiltered breakdown of every code: 534,000 probes, about 2 s on SQLite at 100,000 incidents;
  a count of ``place=RU``: about 1 s).
* ``ix_documents_stats`` (kind, lang, relevant): ``Store.stats()`` counts documents, relevant
  documents, languages and kinds in one grouped read of this index instead of four table scans.

SQLite only (PostgreSQL plans these with hash joins and aggregates; see docs/storage.md, Latency):

* ``ix_incidents_cases_date_start`` (0006) is made again with more columns: the same partial index of
  cases in list order (date_start, pk), now also holding id and the filtered columns, so a
  list filtered by codes walks it and probes ``incident_codes`` without reading each case's row, and
  a count over a date range reads a range of it;
* ``ix_incidents_cases_figures``: cases by (status, outcome, verification, date, ...), so the
  dashboard's grouped count reads an index that holds every column it needs.

The triggers: a new code row takes its incident's state (an insert that gives ``is_case`` keeps
it), and a change of an incident's ``case_id`` that makes it canonical or not updates its codes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CASES = "id = case_id"  # written as the queries write it (incidents.id = incidents.case_id): SQLite matches terms literally
ORDER = ["date_start", "pk", "id", "date_end", "status", "outcome", "verification", "confidence"]
FIGURES = ["status", "outcome", "verification", "date", "date_start", "date_end", "confidence", "id"]

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER incident_codes_is_case AFTER INSERT ON incident_codes WHEN NEW.is_case IS NULL BEGIN "
    "UPDATE incident_codes SET is_case = (SELECT id = case_id FROM incidents WHERE id = NEW.incident_id) "
    "WHERE incident_id = NEW.incident_id AND field = NEW.field AND code = NEW.code; END",
    "CREATE TRIGGER incidents_case_codes AFTER UPDATE OF case_id ON incidents "
    "WHEN (OLD.id = OLD.case_id) IS NOT (NEW.id = NEW.case_id) BEGIN "
    "UPDATE incident_codes SET is_case = (NEW.id = NEW.case_id) WHERE incident_id = NEW.id; END",
)
_PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION incident_codes_is_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.is_case IS NULL THEN "
    "NEW.is_case := (SELECT id = case_id FROM incidents WHERE id = NEW.incident_id); END IF; RETURN NEW; END $$",
    "CREATE TRIGGER incident_codes_is_case BEFORE INSERT ON incident_codes "
    "FOR EACH ROW EXECUTE FUNCTION incident_codes_is_case()",
    "CREATE OR REPLACE FUNCTION incidents_case_codes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE incident_codes SET is_case = (NEW.id = NEW.case_id) WHERE incident_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER incidents_case_codes AFTER UPDATE OF case_id ON incidents FOR EACH ROW "
    "WHEN ((OLD.id = OLD.case_id) IS DISTINCT FROM (NEW.id = NEW.case_id)) EXECUTE FUNCTION incidents_case_codes()",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_index("ix_documents_stats", "documents", ["kind", "lang", "relevant"])
    op.add_column("incident_codes", sa.Column("is_case", sa.Boolean()))
    bind.exec_driver_sql("UPDATE incident_codes SET is_case = (SELECT incidents.id = incidents.case_id FROM incidents "
                         "WHERE incidents.id = incident_codes.incident_id)")
    op.create_index("ix_incident_codes_cases", "incident_codes", ["is_case", "field", "code", "incident_id"])
    for statement in _SQLITE_TRIGGERS if sqlite else _PG_TRIGGERS:
        bind.exec_driver_sql(statement)
    if sqlite:
        where = {"sqlite_where": sa.text(CASES)}
        op.drop_index("ix_incidents_cases_date_start", table_name="incidents")
        op.create_index("ix_incidents_cases_date_start", "incidents", ORDER, **where)
        op.create_index("ix_incidents_cases_figures", "incidents", FIGURES, **where)
        bind.exec_driver_sql("ANALYZE incidents")
        bind.exec_driver_sql("ANALYZE incident_codes")
    else:
        bind.exec_driver_sql("ANALYZE incident_codes")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.drop_index("ix_incidents_cases_figures", table_name="incidents")
        op.drop_index("ix_incidents_cases_date_start", table_name="incidents")
        op.create_index("ix_incidents_cases_date_start", "incidents", ["date_start", "pk"], sqlite_where=sa.text(CASES))
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS incidents_case_codes")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS incident_codes_is_case")
    else:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS incidents_case_codes ON incidents")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS incident_codes_is_case ON incident_codes")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS incidents_case_codes()")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS incident_codes_is_case()")
    op.drop_index("ix_incident_codes_cases", table_name="incident_codes")
    bind.exec_driver_sql("ALTER TABLE incident_codes DROP COLUMN is_case")  # SQLite 3.35+ and PostgreSQL
    op.drop_index("ix_documents_stats", table_name="documents")
