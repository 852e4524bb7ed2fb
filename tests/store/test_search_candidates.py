"""The candidates of a document search are the newest matches (SQLite and PostgreSQL), also when PostgreSQL
finds a phrase's through its index of adjacent term pairs (migration 0013)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from recruitwatch.records import Document
from recruitwatch.store import database, open_store
from recruitwatch.store.search import document_terms, occurrences, parse_query, tsquery

# Inflected forms (one lemma, several spellings), a hyphenated word (two terms) and a few short words, so
# phrases of every frequency occur, some only across the forms of a word, some with a word twice in a row.
WORDS = ("мигранты мигрантов мигрант паспорт паспорта полиция полиции подписали контракт контракта "
         "Санкт-Петербург Москве Москва в на и не фронт фронте").split()


def newest_matches(docs: list[Document], query: str, n: int) -> list[str]:
    """Ids of the ``n`` newest documents holding every word and phrase of ``query``, from their index terms."""
    groups = parse_query(query)
    found = [d.id for d in docs if all(occurrences(document_terms(d.title, d.text).split(), g) for g in groups)]
    return found[::-1][:n]


@pytest.fixture
def pg_store(postgres_schema_url):
    """A fresh PostgreSQL store: the pairs index and term_pairs() are PostgreSQL's (SQLite has neither)."""
    s = open_store(postgres_schema_url)
    s.init()
    yield s
    s.close()


def _archive(store):
    rng = random.Random(11)
    docs = [Document.create(text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))), origin=f"t:{i}",
                            lang="ru", title=rng.choice([None, "Паспорт полиции"])) for i in range(160)]
    for start in range(0, len(docs), 40):  # in order, so the newest documents are the last ones
        store.save_batch(docs[start:start + 40], [], link=False)
    return store, docs


@pytest.fixture
def archive(store):
    return _archive(store)


def queries() -> list[str]:
    rng = random.Random(3)
    phrases = [f'"{" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3)))}"' for _ in range(40)]
    return (phrases + ['"на на"', '"санкт петербург"', '"Санкт-Петербург полиции"', '"паспорт полиция"']
            + [f"{p} {rng.choice(WORDS)}" for p in phrases[:10]] + [f"{a} {b}" for a, b in zip(phrases, phrases[1:12])]
            + [" ".join(rng.sample(WORDS, k)) for k in (1, 2, 3, 5, 7) for _ in range(3)])


@pytest.mark.parametrize("n", [5, 200])
@pytest.mark.parametrize("dense", [0, 200])
def test_the_candidates_are_the_newest_matches(archive, monkeypatch, n, dense):
    """With n candidates, a search finds exactly the n newest matches, as the documents' index terms hold them.
    PostgreSQL looks for a phrase in the newest 7 rows, then in older ones through the pairs index (dense=0) or
    row by row if one in 200 of the 7 matched."""
    store, docs = archive
    monkeypatch.setattr(database, "SEARCH_CANDIDATES", n)
    monkeypatch.setattr(database, "PHRASE_WALK", 7)
    monkeypatch.setattr(database, "PHRASE_DENSE", dense)
    by_id = {d.id: d for d in docs}
    for query in queries():
        want = newest_matches(docs, query, n)
        hits = store.search_documents(query, limit=n)
        assert sorted(h.document.id for h in hits) == sorted(want), query
        assert all(h.document.text == by_id[h.document.id].text for h in hits)


@pytest.mark.postgres
def test_phrases_find_what_the_positions_alone_found(pg_store, monkeypatch):
    """PostgreSQL: the pairs index leaves the newest matches of a phrase as the tsvector's positions find them,
    in the same order."""
    store, _ = _archive(pg_store)
    monkeypatch.setattr(database, "PHRASE_WALK", 7)
    monkeypatch.setattr(database, "PHRASE_DENSE", 0)
    for query in queries():
        groups = parse_query(query)
        with store.engine.connect() as conn:
            plain = conn.execute(text("SELECT pk FROM document_search WHERE terms @@ to_tsquery('simple', :q) "
                                      "ORDER BY pk DESC LIMIT 200"), {"q": tsquery(groups)}).scalars().all()
            ranked = store._rank_postgresql(conn, groups, 200)
        assert sorted(ranked, reverse=True) == plain, query


@pytest.mark.postgres
def test_term_pairs_are_the_adjacent_positions(pg_store):
    with pg_store.engine.connect() as conn:
        pairs = conn.execute(text("SELECT term_pairs(CAST(:v AS tsvector))::text"), {"v": "a:1,4 b:2,5 c:3 d:9 e:10"})
        assert pairs.scalar_one() == "'a b' 'b c' 'c a' 'd e'"
        assert conn.execute(text("SELECT term_pairs(CAST('' AS tsvector))::text")).scalar_one() == ""
