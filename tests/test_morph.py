"""Lemmas and index terms used by search and extraction."""

from __future__ import annotations

import random

import pytest

from recruitwatch.morph import WORD, index_terms, lemma, query_terms, word_list


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


@pytest.mark.parametrize(
    "text",
    [
        "В Санкт-Петербурге всё ещё вербуют.",
        "«Мигранты» — 12_34 ab_cd x\u00a0y\u2003z Ёлка-палка!!! 3,5 million's (RU-MOW) №5 ²³ Oʻzbekiston",
        "tab\tnew\nline\u2028sep  ",
        "",
    ],
)
def test_word_list_is_the_word_expression(text):
    assert word_list(text) == WORD.findall(text)


def test_word_list_is_the_word_expression_on_any_characters():
    rng = random.Random(11)
    for _ in range(50):
        text = "".join(chr(rng.choice([rng.randrange(0x20, 0x3000), 0x20, 0x5F, 0x2D])) for _ in range(500))
        assert word_list(text) == WORD.findall(text)
