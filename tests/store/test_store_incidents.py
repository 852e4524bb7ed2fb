"""Incident filters and breakdowns."""

from __future__ import annotations

import pytest

from recruitwatch.errors import StoreError
from recruitwatch.store import IncidentFilter


@pytest.fixture
def filled(store, sample):
    store.save_batch(sample.documents, sample.incidents)
    return store


def ids(incidents):
    return {i.summary for i in incidents}


SPB, MOSCOW, TESTIMONY = "полиция задержала мигрантов из Узбекистана", "officers took their passports", "шартнома имзолашни"


def test_all_incidents_newest_first_with_evidence(filled):
    found = filled.list_incidents()
    assert [i.summary for i in found] == [MOSCOW, SPB, TESTIMONY]
    assert all(i.evidence for i in found)


@pytest.mark.parametrize(
    "filters, expected",
    [
        (IncidentFilter(place="RU"), {SPB, MOSCOW, TESTIMONY}),
        (IncidentFilter(place="ru-mow"), {MOSCOW}),
        (IncidentFilter(place="RU-MO"), set()),
        (IncidentFilter(place=["RU-SPE", "RU-MOW"]), {SPB, MOSCOW}),
        (IncidentFilter(nationality="UZ"), {SPB, TESTIMONY}),
        (IncidentFilter(tactic="raid"), {SPB, MOSCOW}),
        (IncidentFilter(tactic="raid", nationality="UZ"), {SPB}),
        (IncidentFilter(actor="military_commissariat"), {SPB, TESTIMONY}),
        (IncidentFilter(status="migrant"), {SPB, MOSCOW, TESTIMONY}),
        (IncidentFilter(outcome="signed"), {MOSCOW}),
        (IncidentFilter(date_from="2023-06-01"), {MOSCOW}),
        (IncidentFilter(date_from="2023-09-15"), {MOSCOW}),  # "2023-09" may be the 15th or later
        (IncidentFilter(date_to="2022-12"), {TESTIMONY}),
        (IncidentFilter(date_from="2023", date_to="2023-05"), {SPB}),
        (IncidentFilter(date_from="2024"), set()),
    ],
)
def test_filters(filled, filters, expected):
    assert ids(filled.list_incidents(filters)) == expected


def test_filter_by_document(filled, sample):
    assert ids(filled.list_incidents(IncidentFilter(document_id=sample.documents[1].id))) == {MOSCOW}


def test_paging(filled):
    assert [i.summary for i in filled.list_incidents(limit=1, offset=1)] == [SPB]


def test_a_bad_date_filter_says_what_is_expected(filled):
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        filled.list_incidents(IncidentFilter(date_from="last May"))


def test_breakdowns_unnest_list_fields(filled):
    assert filled.incident_breakdown("tactic") == [
        ("contract_pressure", 2), ("raid", 2), ("citizenship_promise", 1), ("document_seizure", 1),
    ]  # fmt: skip
    assert filled.incident_breakdown("nationality") == [("UZ", 2), ("TJ", 2)] or filled.incident_breakdown(
        "nationality"
    ) == [("TJ", 2), ("UZ", 2)]
    assert filled.incident_breakdown("place") == [("RU", 1), ("RU-MOW", 1), ("RU-SPE", 1)]
    assert filled.incident_breakdown("actor") == [("military_commissariat", 2), ("police", 2)]


def test_breakdowns_of_scalar_fields_and_time(filled):
    assert filled.incident_breakdown("status") == [("migrant", 3)]
    assert filled.incident_breakdown("outcome") == [("unknown", 2), ("signed", 1)]
    assert filled.incident_breakdown("month") == [("2023-05", 1), ("2023-09", 1)]
    assert filled.incident_breakdown("year") == [("2022", 1), ("2023", 2)]


def test_breakdowns_respect_filters(filled):
    assert filled.incident_breakdown("tactic", IncidentFilter(nationality="TJ")) == [
        ("citizenship_promise", 1), ("contract_pressure", 1), ("document_seizure", 1), ("raid", 1),
    ]  # fmt: skip
    assert filled.incident_breakdown("year", IncidentFilter(place="RU-SPE")) == [("2023", 1)]


def test_an_unknown_breakdown_lists_the_choices(filled):
    with pytest.raises(StoreError, match="tactic, actor"):
        filled.incident_breakdown("colour")
