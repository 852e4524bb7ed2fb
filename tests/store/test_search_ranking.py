"""The BM25 that ranks SQLite's search candidates (store.search.bm25), without a database."""

from __future__ import annotations

from recruitwatch.store.search import RANKED_CHARS, bm25, idf, occurrences, parse_query


def test_occurrences_of_words_and_phrases():
    terms = "они подписать контракт и контракт подписать контракт".split()
    assert occurrences(terms, ["контракт"]) == 3
    assert occurrences(terms, ["подписать", "контракт"]) == 2
    assert occurrences(terms, ["контракт", "подписать"]) == 1
    assert occurrences(terms, ["контракт", "и", "контракт"]) == 1
    assert occurrences(terms[:2], ["подписать", "контракт"]) == 0  # cut at the end


def test_idf_weighs_rare_words_more_and_common_ones_next_to_nothing():
    assert idf(10, 10_000) > idf(1_000, 10_000) > idf(4_000, 10_000) > 0
    assert idf(6_000, 10_000) == 1e-6  # in more than half of the documents, as FTS5's bm25()


def test_more_occurrences_and_shorter_texts_rank_higher():
    groups = parse_query("мигрант")
    scores = bm25({1: "Мигранты и мигрантов.", 2: "Мигранты.", 3: "Мигранты, а потом ещё много других слов здесь."},
                  groups, [1.0])
    assert scores[1] > scores[2] > scores[3] > 0


def test_each_word_counts_by_its_weight():
    groups = parse_query("рейд Москва")
    bodies = {1: "Рейд, рейд, рейд в Москве.", 2: "Рейд в Москве, Москве, Москве."}
    rare, common = idf(10, 10_000), idf(3_000, 10_000)
    rare_raid = bm25(bodies, groups, [rare, common])
    assert rare_raid[1] > rare_raid[2]  # more of the rarer word
    rare_moscow = bm25(bodies, groups, [common, rare])
    assert rare_moscow[2] > rare_moscow[1]


def test_only_the_start_of_a_long_text_counts():
    groups = parse_query("фронт")
    late = "слово " * (RANKED_CHARS // 6 + 10) + "фронт фронт фронт"
    scores = bm25({1: late, 2: "Фронт."}, groups, [1.0])
    assert scores[1] == 0 < scores[2]
