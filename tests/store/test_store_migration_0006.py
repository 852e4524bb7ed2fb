"""Migration 0006: partial indexes of canonical incidents (SQLite; nothing on PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect

from recruitwatch.store import IncidentFilter

CASE_INDEXES = {"ix_incidents_cases_date_start", "ix_incidents_cases"}


def _indexes(store) -> set[str]:
    with store.engine.connect() as conn:
        return {i["name"] for i in inspect(conn).get_indexes("incidents")}


def test_an_0005_store_upgrades_to_0006_with_the_same_answers(store, sample):
    from alembic import command

    from recruitwatch.store.database import alembic_config

    store.save_batch(sample.documents, sample.incidents)
    before = ([i.id for i in store.list_incidents()], store.count_incidents(), store.incident_breakdown("tactic"),
              store.incident_breakdown("status"), store.count_incidents(IncidentFilter(place="RU")))
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    assert store.schema_version() == "0005" and not CASE_INDEXES & _indexes(store)
    store.init()
    assert store.is_initialised() and (CASE_INDEXES <= _indexes(store)) == (store.dialect == "sqlite")
    after = ([i.id for i in store.list_incidents()], store.count_incidents(), store.incident_breakdown("tactic"),
             store.incident_breakdown("status"), store.count_incidents(IncidentFilter(place="RU")))
    assert after == before
