"""Full-text search finds inflected forms in both databases and shows where it matched."""

from __future__ import annotations

import pytest

from recruitwatch.records import Document
from recruitwatch.store import IncidentFilter, database
from recruitwatch.store.search import RANKED_CHARS


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


def test_the_newest_matches_are_ranked(store, monkeypatch):
    # Only the newest SEARCH_CANDIDATES matches are ranked: an older document is not among the hits,
    # however often it has the word; the newer ones are ranked among themselves.
    monkeypatch.setattr(database, "SEARCH_CANDIDATES", 3)
    texts = ["Вербовка " * 5, "Вербовка мигрантов, о которой писали раньше.", "Вербовка, вербовка и вербовка.",
             "Вербовка на стройке, вербовка в общежитии.", "Ещё одна новость, где вербовка упомянута однажды среди многих других слов."]
    for i, t in enumerate(texts):  # one batch each: added in this order
        store.save_batch([Document.create(text=t, origin=f"n{i}")], [])
    hits = store.search_documents("вербовка", limit=3)
    assert [h.document.origin for h in hits] == ["n2", "n3", "n4"]
    assert hits[0].rank > hits[1].rank > hits[2].rank > 0
    assert [h.document.origin for h in store.search_documents("вербовка", limit=2)] == ["n2", "n3"]
    assert len(store.search_documents("вербовка", limit=5)) == 5  # asked for more: that many are ranked


def test_phrases_rank_by_how_often_they_occur(store):
    docs = [
        Document.create(text="Они подписали контракт. Потом контракт продлили, и снова подписали контракт.", origin="twice"),
        Document.create(text="Они подписали контракт. Потом договор продлили, и снова подписали договор.", origin="once"),
    ]
    store.save_batch(docs, [])
    hits = store.search_documents('"подписали контракт"')
    assert [h.document.origin for h in hits] == ["twice", "once"]
    assert hits[0].rank > hits[1].rank


def test_a_word_only_in_the_title_is_ranked(store):
    store.save_batch([Document.create(text="Текст без этого слова.", origin="titled", title="Облава в общежитии")], [])
    [hit] = store.search_documents("облава")
    assert hit.document.origin == "titled" and hit.rank > 0
    assert hit.snippet.startswith("Текст без")  # the text's start: the match was in the title


def test_a_match_far_into_a_long_text_is_found(store):
    text = "Погода и дороги. " * 400 + "Мигрантов отправили на фронт."
    assert text.index("Мигрантов") > RANKED_CHARS  # found, though ranked on the start of the text (SQLite)
    store.save_batch([Document.create(text=text, origin="long")], [])
    [hit] = store.search_documents("мигранты фронт")
    assert hit.document.origin == "long" and "[Мигрантов]" in hit.snippet


def test_the_order_of_hits_is_by_rank_then_newest(store):
    store.save_batch([Document.create(text=f"Рейд номер {i}.", origin=f"r{i}") for i in range(3)], [])
    hits = store.search_documents("рейд")
    assert [h.document.origin for h in hits] == ["r2", "r1", "r0"]  # equal ranks: newest first
    assert len({h.rank for h in hits}) == 1
