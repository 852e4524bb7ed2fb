"""count_incidents, the verification and confidence filters, and paged search (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from recruitwatch.store import IncidentFilter


@pytest.fixture
def filled(store, sample):
    sample.incidents[0].confidence = 0.9
    sample.incidents[1].confidence = 0.5
    sample.incidents[2].verification = "verified"
    store.save_batch(sample.documents, sample.incidents)
    return store


@pytest.mark.parametrize("filters", [
    None, IncidentFilter(place="RU"), IncidentFilter(tactic="raid"), IncidentFilter(nationality="UZ", tactic="raid"),
    IncidentFilter(verification="verified"), IncidentFilter(confidence_min=0.6), IncidentFilter(confidence_max=0.6),
    IncidentFilter(date_from="2024"),
])
def test_the_count_is_the_length_of_the_unpaged_list(filled, filters):
    assert filled.count_incidents(filters) == len(filled.list_incidents(filters, limit=1000))


def test_verification_and_confidence_filters(filled):
    assert [i.summary for i in filled.list_incidents(IncidentFilter(verification="verified"))] == ["шартнома имзолашни"]
    assert [i.confidence for i in filled.list_incidents(IncidentFilter(confidence_min=0.6))] == [0.9]
    assert filled.incident_breakdown("verification") == [("reported", 2), ("verified", 1)]


def test_search_pages_and_counts(filled):
    every = filled.search_incidents("мигрантов", filters=IncidentFilter(cases=False), limit=10)
    assert filled.count_incidents(IncidentFilter(cases=False), query="мигрантов") == len(every) == 1
    assert filled.search_incidents("мигрантов", filters=IncidentFilter(cases=False), offset=1) == []
    assert filled.count_incidents(query="") == 0


def test_search_ranks_the_newest_matches_and_counts_every_one(store, sample, monkeypatch):
    """PostgreSQL ranks the newest SEARCH_CANDIDATES matches (or offset + limit); every database counts every
    match, with and without facets, and pages through the ranked ones without losing or repeating any."""
    from dataclasses import replace

    import recruitwatch.store.database as database

    base = sample.incidents[0]
    copies = [replace(base, id=f"{n:032x}", summary=f"вербовка мигрантов {'контракт ' * (n % 3)}", case_id=None,
                      evidence=list(base.evidence)) for n in range(1, 13)]
    store.save_batch(sample.documents, copies, link=False)
    monkeypatch.setattr(database, "SEARCH_CANDIDATES", 4)
    every = IncidentFilter(cases=False)
    assert store.count_incidents(every, query="вербовка") == 12
    assert store.count_incidents(IncidentFilter(cases=False, place="RU"), query="вербовка") == \
        len(store.search_incidents("вербовка", filters=IncidentFilter(cases=False, place="RU"), limit=100))
    pages = [store.search_incidents("вербовка", filters=every, limit=5, offset=o) for o in (0, 5, 10)]
    ids = [i.id for page in pages for i in page]
    assert len(ids) == len(set(ids)) == 12  # offset + limit widens the ranked set: every match is reachable
    top = store.search_incidents("вербовка контракт", filters=every, limit=4)
    assert top and all("контракт" in i.summary for i in top)
