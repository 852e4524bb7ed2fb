"""Lemmas and index terms used by search and extraction."""

from __future__ import annotations

import pytest

from recruitwatch.morph import index_terms, lemma, query_terms


@pytest.mark.parametrize(
    "word, expected",
    [
        ("Петербурге", "петербург"),
        ("мигрантов", "мигрант"),
        ("военкомате", "военкомат"),
        ("recruited", "recruit"),
        ("Migrants", "migrant"),
        ("ҳарбий", "ҳарбий"),  # Tajik/Uzbek Cyrillic letters: only case-folded
        ("Қазақстан", "қазақстан"),
        ("2022", "2022"),
        ("Oʻzbekiston", "oʻzbekiston"),  # not plain ASCII Latin: only case-folded
    ],
)
def test_lemma(word, expected):
    assert lemma(word) == expected


def test_index_terms_split_hyphens_and_fold_yo():
    assert index_terms("В Санкт-Петербурге всё ещё вербуют.") == "в санкт петербург все еще вербовать"


def test_query_terms_are_distinct_and_in_order():
    assert query_terms("Мигранты, мигрантов; recruit recruiting!") == ["мигрант", "recruit"]
    assert query_terms(" ... ") == []
