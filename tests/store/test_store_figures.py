"""incident_figures() and the case flags (incident_codes.is_case, migration 0009; incidents.is_case, 0010): the
same answers as the per-breakdown queries, the walking list and a count in Python from the stored rows, before
and after reviewers merge, split and edit cases."""

from __future__ import annotations

import sys
from collections import Counter
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
    IncidentFilter(date_from="2022-03"),  # keeps nearly every case
    IncidentFilter(date_from="2024-06"),
    IncidentFilter(date_from="2026-11", confidence_max=0.8),  # keeps few
    IncidentFilter(place="RU-MOW", date_from="2023"),  # a click on the map
    IncidentFilter(outcome=["unknown", "detained"], actor="police"),
    IncidentFilter(place="UA", confidence_min=0.5, confidence_max=0.9),
    IncidentFilter(date_to="2022-12-31", status=["migrant_worker", "unknown"]),
    IncidentFilter(nationality="ZZ"),  # nobody
]


@pytest.fixture
def generated(store):
    data = bench.generate(150, seed=4)
    store.save_batch(data.documents, data.incidents, link=False)  # the generator's cases are kept
    return data


def _matches(inc, f: IncidentFilter) -> bool:
    """``f`` applied in Python to a stored incident (the reference for the store's SQL)."""
    from recruitwatch.store.rows import date_bounds

    def one(value, allowed) -> bool:
        return allowed is None or value in ([allowed] if isinstance(allowed, str) else allowed)

    def some(codes, allowed) -> bool:
        return allowed is None or any(one(c, allowed) for c in codes)

    if f.cases and inc.case_id != inc.id:
        return False
    start, end = date_bounds(inc.date) if inc.date else (None, None)
    if f.date_from and not (end and end >= date_bounds(f.date_from)[0]):
        return False
    if f.date_to and not (start and start <= date_bounds(f.date_to)[1]):
        return False
    if f.place is not None:
        prefixes = [f.place] if isinstance(f.place, str) else f.place
        if not any(p == x or p.startswith(x + "-") for p in inc.places for x in prefixes):
            return False
    if f.confidence_min is not None and not (inc.confidence is not None and inc.confidence >= f.confidence_min):
        return False
    if f.confidence_max is not None and not (inc.confidence is not None and inc.confidence <= f.confidence_max):
        return False
    return (some(inc.nationalities, f.nationality) and some(inc.tactics, f.tactic) and some(inc.actors, f.actor)
            and one(inc.status, f.status) and one(inc.outcome, f.outcome) and one(inc.verification, f.verification))


def _expected(rows, f: IncidentFilter) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The count and every breakdown of ``f``, counted in Python from the stored rows."""
    kept = [i for i in rows if _matches(i, f)]
    counts: dict[str, Counter] = {by: Counter() for by in BREAKDOWNS}
    for inc in kept:
        for by, attr in (("place", "places"), ("nationality", "nationalities"), ("actor", "actors"), ("tactic", "tactics")):
            counts[by].update(set(getattr(inc, attr)))
        for by in ("status", "outcome", "verification"):
            counts[by][getattr(inc, by)] += 1
        if inc.date and len(inc.date) >= 7:
            counts["month"][inc.date[:7]] += 1
        if inc.date and len(inc.date) >= 4:
            counts["year"][inc.date[:4]] += 1
    out = {by: sorted(c.items()) if by in ("month", "year") else sorted(c.items(), key=lambda r: (-r[1], r[0]))
           for by, c in counts.items()}
    return len(kept), out


def _case_flags_right(store) -> None:
    """incidents.is_case (computed, migration 0010) and incident_codes.is_case (triggers, 0009) say id = case_id."""
    from sqlalchemy import select

    from recruitwatch.store.schema import incident_codes, incidents

    with store.engine.connect() as conn:
        flags = conn.execute(select(incidents.c.id, incidents.c.case_id, incidents.c.is_case)).all()
        codes = conn.execute(select(incident_codes.c.incident_id, incident_codes.c.is_case)).all()
    canonical = {i: i == case for i, case, _ in flags}
    assert [bool(flag) for _, _, flag in flags] == [canonical[i] for i, _, _ in flags]
    assert [bool(flag) for _, flag in codes] == [canonical[i] for i, _ in codes]
    assert sum(canonical.values()) == store.case_counts()[0] == store.stats()["incidents"]


def _same_answers(store, filters: list[IncidentFilter] = FILTERS) -> None:
    """Every figure of every filter agrees: the SQL of incident_figures, one query per breakdown, the count,
    the list, a snapshot of the cases in memory (the dashboard's), and Python over the stored rows."""
    _case_flags_right(store)
    rows = store.list_incidents(IncidentFilter(cases=False), limit=100_000)
    snapshot = store.case_snapshot()
    for f in filters:
        total, figures = store.incident_figures(BREAKDOWNS, f)
        want_total, want = _expected(rows, f)
        assert total == want_total == store.count_incidents(f) == len(store.list_incidents(f, limit=10_000)), f
        for by in BREAKDOWNS:
            assert figures[by] == want[by] == store.incident_breakdown(by, f), (by, f)
        if snapshot.answers(f):
            assert snapshot.figures(BREAKDOWNS, f) == (want_total, want), f
            assert snapshot.count(f) == want_total
        else:
            with pytest.raises(ValueError):
                snapshot.mask(f)


def test_figures_and_counts_agree_with_the_walking_list(store, generated):
    cases = [i for i in generated.incidents if (i.case_id or i.id) == i.id]
    assert store.count_incidents() == len(cases)
    assert store.count_incidents(IncidentFilter(place="RU")) == bench.expected_total(generated, {"place": "RU"})
    _same_answers(store)


def test_codes_are_matched_exactly_in_the_stored_lists(store):
    """incident_figures tests a case's codes in its stored JSON lists on SQLite (rows.listed_code): a code that
    is a prefix of another, or whose text (quotes, commas, backslashes) holds another code, and Cyrillic codes
    match exactly as they do in incident_codes; a list may repeat a code."""
    data = bench.generate(80, seed=6)
    places = ["RU-MO", "RU-MOW", "RU-MOW-X", 'X, "RU-MOW"', '["RU-MOW"', "RU", "МОСКВА", 'A\\"B']
    tactics = ["raid", 'x, "raid"', 'a"b', 'б\\"в', "raid\\", ",raid", "контракт"]
    for k, inc in enumerate(data.incidents):
        inc.places = [places[k % len(places)], places[(3 * k + 1) % len(places)], places[k % len(places)]]
        inc.tactics = [tactics[k % len(tactics)], tactics[(5 * k + 2) % len(tactics)]]
        inc.nationalities = [tactics[(2 * k) % len(tactics)]] if k % 3 else []
    store.save_batch(data.documents, data.incidents, link=False)
    filters = [IncidentFilter(place=p) for p in places] + [IncidentFilter(tactic=t) for t in tactics] + [
        IncidentFilter(place=["RU-MO", "МОСКВА"], tactic=["raid", 'a"b']),
        IncidentFilter(nationality=",raid", date_from="2023"),
        IncidentFilter(place="RU-MOW", nationality="raid", cases=False),
        IncidentFilter(tactic="rai"), IncidentFilter(place="R"),
    ]
    _same_answers(store, filters)
    if store.dialect == "sqlite":  # lists written another way: compact, letters beyond ASCII escaped
        import json

        from sqlalchemy import text

        with store.engine.begin() as conn:
            for inc in data.incidents[::2]:
                conn.execute(text("UPDATE incidents SET places = :p, tactics = :t WHERE id = :id"),
                             {"p": json.dumps(inc.places, separators=(",", ":")), "t": json.dumps(inc.tactics),
                              "id": inc.id})
        _same_answers(store, filters)


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


def test_a_0008_store_upgrades_to_0010_with_the_same_answers(store, generated):
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
        assert "is_case" not in {c["name"] for c in inspect(conn).get_columns("incidents")}
    store.init()  # the upgrades fill incident_codes.is_case from the stored cases and compute incidents.is_case
    assert [(store.count_incidents(f), [i.id for i in store.list_incidents(f)]) for f in FILTERS] == before
    _same_answers(store)


def test_linking_at_ingest_and_relinking_keep_the_case_flags(store):
    data = bench.generate(60, seed=5)
    for inc in data.incidents:
        inc.case_id = None  # the linker decides the cases
    store.save_batch(data.documents[:30], [i for i in data.incidents if i.document_id in
                                           {d.id for d in data.documents[:30]}])
    store.save_batch(data.documents[30:], [i for i in data.incidents if i.document_id in
                                           {d.id for d in data.documents[30:]}])
    _same_answers(store)
    store.relink(actor="tests")
    _same_answers(store)


def test_the_case_condition_is_written_for_each_database():
    """SQLite uses its partial indexes of cases only for the very terms ``id = case_id`` (not ``(...) = 1``);
    PostgreSQL gets the computed column, whose statistics it has."""
    from sqlalchemy import func, select
    from sqlalchemy.dialects import postgresql, sqlite

    from recruitwatch.store import rows as R
    from recruitwatch.store.schema import incidents

    stmt = select(func.count()).select_from(incidents).where(*R.filter_conditions(IncidentFilter(date_from="2024")))
    lite = " ".join(str(stmt.compile(dialect=sqlite.dialect())).split())
    pg = " ".join(str(stmt.compile(dialect=postgresql.dialect())).split())
    assert "WHERE incidents.id = incidents.case_id AND incidents.date_end >=" in lite
    assert "WHERE incidents.is_case = true AND incidents.date_end >=" in pg
