"""Every cue of every lexicon finds its examples and none of its not_examples; fragments compose."""

import re

import pytest

from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS
from recruitwatch.taxonomy.lexicon import (
    CONTRACT_WORD,
    LANGUAGES,
    LexiconError,
    compose,
    find_cues,
    load_lexicon,
    word_class,
    word_classes,
)

CUES = [(lang, i, cue) for lang in LANGUAGES for i, cue in enumerate(load_lexicon(lang).cues)]


@pytest.mark.parametrize("lang,index,cue", CUES, ids=[f"{lang}-{i}-{c.category}-{c.code}" for lang, i, c in CUES])
def test_cue_finds_its_examples_and_none_of_its_not_examples(lang, index, cue):
    assert cue.examples, f"{lang} cue #{index + 1} has no example"
    for example in cue.examples:
        assert cue.regex.search(example), f"{lang} {cue.category}/{cue.code} does not match {example!r}"
        hits = find_cues(example, [lang], (cue.category,))
        assert cue.code in {h.code for h in hits}
    for counter in cue.not_examples:
        assert not cue.regex.search(counter), f"{lang} {cue.category}/{cue.code} matches {counter!r}"


def test_fragments_compose_and_a_missing_one_is_named():
    assert compose("{a} x{0,2}", {"a": "b|{c}", "c": "d"}) == "(?:b|(?:d)) x{0,2}"
    with pytest.raises(LexiconError, match="unknown fragment nope"):
        compose("{nope}", {}, "test.toml cue #1")
    assert CONTRACT_WORD.search("a one-year contract") and CONTRACT_WORD.search("контрактом")


def test_every_taxonomy_code_has_a_cue_in_english_and_russian():
    for lang in ("en", "ru"):
        cues = load_lexicon(lang).cues
        for category, table in (("tactic", TACTICS), ("actor", ACTORS), ("outcome", OUTCOMES), ("status", STATUSES)):
            have = {c.code for c in cues if c.category == category}
            missing = set(table) - have - {"unknown"}
            if category == "status":
                missing -= {"detainee"}  # detainee comes from the `prison` institution cue
            assert not missing, f"{lang}: no {category} cue for {sorted(missing)}"


def test_every_lexicon_has_prefilter_stems_and_relevance_cues():
    for lang in LANGUAGES:
        lex = load_lexicon(lang)
        assert lex.prefilter["military"] and lex.prefilter["migrant"]
        codes = {c.code for c in lex.cues if c.category == "relevance"}
        assert {"military", "migrant"} <= codes


def test_cues_are_word_initial():
    # "рейд" must not fire inside an unrelated longer word's middle
    assert not [h for h in find_cues("Фрейдизм и психология", ["ru"], ("tactic",)) if h.code == "raid_or_document_check"]


def test_uzbek_cyrillic_is_generated_from_latin():
    from recruitwatch.taxonomy.transliterate import latin_to_cyrillic

    assert latin_to_cyrillic(r"o[‘'ʻ’`]zbek\w*\s+(?:\w+\s+){0,2}shartnoma|chaqiruv") == r"ўзбек\w*\s+(?:\w+\s+){0,2}шартнома|чақирув"
    assert latin_to_cyrillic("g[‘'ʻ’`]arb yoshlar") == "ғарб ёшлар"
    generated = [c for c in load_lexicon("uz").cues if c.pattern and not any("а" <= ch <= "я" for ch in c.pattern)]
    assert len(generated) > 60  # most Uzbek cues are written once, in Latin
    hits = find_cues("Уни ҳарбий комиссариатга чақиришди.", ["uz"])
    assert hits, "a Latin-only cue finds the Cyrillic spelling"


WORD_CLASSES = [(lang, c) for lang in LANGUAGES for c in word_classes(lang).values()]


@pytest.mark.parametrize("lang,word_class_", WORD_CLASSES, ids=[f"{lang}-{c.name}" for lang, c in WORD_CLASSES])
def test_word_class_finds_its_examples_and_none_of_its_not_examples(lang, word_class_):
    regex = re.compile(r"(?<![^\W\d_])(?:" + word_class_.pattern + ")", re.IGNORECASE)
    assert word_class_.examples, f"{lang}.toml words.{word_class_.name} has no examples"
    for example in word_class_.examples:
        assert regex.search(example), f"{lang}.toml words.{word_class_.name} misses {example!r}"
    for counter in word_class_.not_examples:
        assert not regex.search(counter), f"{lang}.toml words.{word_class_.name} finds {counter!r}"


def test_every_language_has_the_word_classes_the_rules_read():
    names = {"act", "after_act", "before_act", "period", "report", "offer", "court", "russia"}
    for lang in LANGUAGES:
        assert names <= set(word_classes(lang)), lang
    assert word_class("russia").count("|") >= 5
    with pytest.raises(LexiconError):
        word_class("no_such_class")


def test_uzbek_word_classes_get_their_cyrillic_spelling():
    assert re.search(r"(?<!\w)(?:" + word_class("act") + ")", "Уни бозорда ушлашди", re.IGNORECASE)
