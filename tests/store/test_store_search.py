"""Full-text search finds inflected forms in both databases and shows where it matched."""

from __future__ import annotations

import pytest

from recruitwatch.records import Document
from recruitwatch.store import IncidentFilter


@pytest.fixture
def filled(store, sample):
    store.save_batch(sample.documents, sample.incidents)
    return store


def found(store, query):
    return [hit.document.origin for hit in store.search_documents(query)]


@pytest.mark.parametrize(
    "query, origin",
    [
        ("Петербург", "https://example.org/news/1"),  # text says "в Петербурге"
        ("мигрант", "https://example.org/news/1"),  # "мигрантов"
        ("военкомате", "https://example.org/news/1"),  # another form of "военкомат"
        ("ОБЛАВА", "https://example.org/news/1"),  # title only, any case
        ("recruit", "https://example.org/en/2"),  # "recruited"
        ("passport", "https://example.org/en/2"),  # "passports"
        ("signing", "https://example.org/en/2"),  # "signed"
        ("ҳарбий", "hotline:call-17"),  # Uzbek Cyrillic, as typed
    ],
)
def test_inflected_forms_are_found(filled, query, origin):
    assert found(filled, query) == [origin]


def test_all_words_must_match(filled):
    assert found(filled, "мигрант Петербург") == ["https://example.org/news/1"]
    assert found(filled, "мигрант Москва") == []
    assert found(filled, "Tajikistan hostel passports") == ["https://example.org/en/2"]


def test_quoted_phrases_keep_word_order(filled):
    assert found(filled, '"подписать контракт"') == ["https://example.org/news/1"]
    assert found(filled, '"контракт подписать"') == []


def test_an_empty_or_punctuation_query_finds_nothing(filled):
    assert filled.search_documents("") == []
    assert filled.search_documents(" ,.!? ") == []
    assert found(filled, "OR AND NOT * ( )") == []


def test_snippet_highlights_the_match_and_gives_its_span(filled):
    [hit] = filled.search_documents("военкомат")
    assert "[военкомат]" in hit.snippet
    assert hit.rank > 0
    [(start, end)] = hit.matches
    assert hit.document.text[start:end] == "военкомат"


def test_snippet_of_a_long_text_is_cut_around_the_match(store):
    text = "Начало. " + "Слово про погоду и дороги. " * 40 + "Мигрантов отправили на фронт. " + "Конец истории. " * 40
    store.save_batch([Document.create(text=text, origin="long")], [])
    [hit] = store.search_documents("фронт")
    assert "[фронт]" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 260


def test_better_matches_rank_first(store):
    docs = [
        Document.create(text="Мигранты. Мигрантов вербуют. Мигрантам угрожают. Мигранта задержали.", origin="many"),
        Document.create(text="Длинный текст о ценах, погоде, дорогах и мигрантах в одном абзаце с другими словами.", origin="one"),
    ]
    store.save_batch(docs, [])
    hits = store.search_documents("мигрант")
    assert [h.document.origin for h in hits] == ["many", "one"]
    assert hits[0].rank > hits[1].rank


def test_search_limit(store):
    store.save_batch([Document.create(text=f"Вербовка мигрантов номер {i}", origin=f"n{i}") for i in range(30)], [])
    assert len(store.search_documents("вербовка", limit=7)) == 7


def test_incidents_are_found_by_evidence_words_and_codes(filled):
    assert [i.summary for i in filled.search_incidents("задержанных мигрантов")] == [
        "полиция задержала мигрантов из Узбекистана"
    ]
    assert [i.summary for i in filled.search_incidents("passport")] == ["officers took their passports"]
    assert {i.summary for i in filled.search_incidents("contract_pressure")} == {
        "полиция задержала мигрантов из Узбекистана",
        "шартнома имзолашни",
    }


def test_incident_search_with_filters(filled):
    hits = filled.search_incidents("contract_pressure", filters=IncidentFilter(place="RU-SPE"))
    assert [i.summary for i in hits] == ["полиция задержала мигрантов из Узбекистана"]
    assert hits[0].evidence


def test_reindex_rebuilds_the_search_index(filled, sample):
    with filled.engine.begin() as conn:  # simulate an index out of step with the records
        if filled.dialect == "sqlite":
            conn.exec_driver_sql("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")
            conn.exec_driver_sql("INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all')")
        else:
            conn.exec_driver_sql("DELETE FROM document_search")
            conn.exec_driver_sql("DELETE FROM incident_search")
    assert found(filled, "Петербург") == []

    assert filled.reindex(batch=2) == len(sample.documents)
    assert found(filled, "Петербург") == ["https://example.org/news/1"]
    assert [i.summary for i in filled.search_incidents("passport")] == ["officers took their passports"]
    filled.reindex()  # twice: no duplicates
    assert len(filled.search_documents("мигрант")) == 1
