"""incident_figures() and the is_case flag of incident_codes (migration 0009): the same answers as the
per-breakdown queries and the walking list, before and after reviewers merge and split cases."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from recruitwatch.store import IncidentFilter
from recruitwatch.store.database import BREAKDOWNS

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import bench_web_latency as bench

FILTERS = [
    IncidentFilter(),
    IncidentFilter(place="RU"),
    IncidentFilter(place=["RU-MOW", "UA-14"]),
    IncidentFilter(tactic="document_seizure", nationality="TJ"),
    IncidentFilter(nationality=["UZ", "KG"]),
    IncidentFilter(date_from="2023-03", date_to="2024", verification="reported"),
    IncidentFilter(place="RU-SPE", confidence_min=0.3),
    IncidentFilter(status="student", tactic=["false_job_offer", "citizenship_promise"]),
    IncidentFilter(cases=False, place="RU-MOW"),
]


@pytest.fixture
def generated(store):
    data = bench.generate(150, seed=4)
    store.save_batch(data.documents, data.incidents, link=False)  # the generator's cases are kept
    return data


def _same_answers(store) -> None:
    for f in FILTERS:
        total, figures = store.incident_figures(BREAKDOWNS, f)
        assert total == store.count_incidents(f) == len(store.list_incidents(f, limit=10_000)), f
        for by in BREAKDOWNS:
            assert figures[by] == store.incident_breakdown(by, f), (by, f)


def test_figures_and_counts_agree_with_the_walking_list(store, generated):
    cases = [i for i in generated.incidents if (i.case_id or i.id) == i.id]
    assert store.count_incidents() == len(cases)
    assert store.count_incidents(IncidentFilter(place="RU")) == bench.expected_total(generated, {"place": "RU"})
    _same_answers(store)


def test_merging_and_splitting_keep_the_counts_by_code_right(store, generated):
    moscow = store.list_incidents(IncidentFilter(place="RU-MOW"), limit=3)
    others = store.list_incidents(IncidentFilter(nationality="LK"), limit=3)
    before = store.count_incidents(IncidentFilter(place="RU-MOW"))
    store.merge_incidents(moscow[0].id, others[-1].id)  # one of them stops being a case of its own
    store.merge_incidents(moscow[1].id, moscow[2].id)
    assert store.count_incidents(IncidentFilter(place="RU-MOW")) < before
    _same_answers(store)
    store.split_incident(moscow[2].id)
    _same_answers(store)


def test_codes_a_reviewer_edits_take_their_incidents_state(store, generated):
    from recruitwatch.review import edit_incident

    member = next(i for i in generated.incidents if i.case_id and i.case_id != i.id)
    case = next(i for i in generated.incidents if i.id == member.case_id)
    edit_incident(store, case.id, "tactics", "recruitment_drive", evidence=case.evidence[0].text, actor="tests")
    edit_incident(store, member.id, "tactics", "recruitment_drive", evidence=member.evidence[0].text, actor="tests")
    _same_answers(store)
    assert store.count_incidents(IncidentFilter(tactic="recruitment_drive")) == len(
        store.list_incidents(IncidentFilter(tactic="recruitment_drive"), limit=10_000)) >= 1


def test_a_0008_store_upgrades_to_0009_with_the_same_answers(store, generated):
    from alembic import command
    from sqlalchemy import inspect

    from recruitwatch.store.database import alembic_config

    before = [(store.count_incidents(f), [i.id for i in store.list_incidents(f)]) for f in FILTERS]
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    with store.engine.connect() as conn:
        assert "is_case" not in {c["name"] for c in inspect(conn).get_columns("incident_codes")}
    store.init()  # the upgrade fills is_case from the stored cases
    assert [(store.count_incidents(f), [i.id for i in store.list_incidents(f)]) for f in FILTERS] == before
    _same_answers(store)
