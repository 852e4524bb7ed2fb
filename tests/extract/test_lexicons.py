"""Every cue of every lexicon matches its own test sentence and yields its code."""

import pytest

from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS
from recruitwatch.taxonomy.lexicon import LANGUAGES, find_cues, load_lexicon

CUES = [(lang, i, cue) for lang in LANGUAGES for i, cue in enumerate(load_lexicon(lang).cues)]


@pytest.mark.parametrize("lang,index,cue", CUES, ids=[f"{lang}-{i}-{c.category}-{c.code}" for lang, i, c in CUES])
def test_cue_matches_its_test_sentence(lang, index, cue):
    assert cue.test.strip(), f"{lang} cue #{index + 1} has no test sentence"
    assert cue.regex.search(cue.test), f"{lang} {cue.category}/{cue.code} does not match {cue.test!r}"
    hits = find_cues(cue.test, [lang], (cue.category,))
    assert cue.code in {h.code for h in hits}


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
