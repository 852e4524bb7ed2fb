"""Factored alternations (``recruitwatch.text.factor``): the same matches as the pattern written.

``word_class`` hands every rule a word class factored by common prefixes; a rule must find
exactly the spans the unfactored alternation finds (with IGNORECASE and without, at the start
of a word or anywhere, followed by more pattern, and with a search bounded by ``pos``/``endpos``
as the place and date rules bound it to a clause).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from recruitwatch.taxonomy.lexicon import LANGUAGES, word_class, word_classes
from recruitwatch.text.factor import factor, factor_groups

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted({name for lang in LANGUAGES for name in word_classes(lang)})


def _texts() -> str:
    parts = [e for lang in LANGUAGES for c in word_classes(lang).values() for e in c.examples + c.not_examples]
    for path in sorted((ROOT / "corpus" / "blind").glob("*.jsonl"))[:1]:
        parts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")][::3]
    text = "\n".join(parts)
    return "\n".join([text, text.upper()])


TEXT = _texts()


def _raw(name: str) -> str:
    return "|".join(c[name].pattern for lang in LANGUAGES if name in (c := word_classes(lang)))


@pytest.mark.parametrize("name", NAMES)
def test_a_factored_word_class_finds_exactly_what_the_written_one_finds(name):
    raw, factored = _raw(name), word_class(name)
    assert factored == factor(raw)
    for flags in (re.IGNORECASE, 0):
        for before, after in ((r"(?<![^\W\d_])", ""), ("", ""), (r"\b", r"\b"), ("", r"(?:\s+\w+)?(?=[\s.,])")):
            a = re.compile(before + "(?:" + raw + ")" + after, flags)
            b = re.compile(before + "(?:" + factored + ")" + after, flags)
            assert [m.span() for m in a.finditer(TEXT)] == [m.span() for m in b.finditer(TEXT)], (name, flags, before)
    a, b = re.compile("(?:" + raw + ")", re.IGNORECASE), re.compile("(?:" + factored + ")", re.IGNORECASE)
    rng = random.Random(7)
    for _ in range(500):  # bounded searches, as a clause bounds them
        pos = rng.randrange(len(TEXT))
        end = min(len(TEXT), pos + rng.randrange(1, 80))
        assert [m.span() for m in a.finditer(TEXT, pos, end)] == [m.span() for m in b.finditer(TEXT, pos, end)]


@pytest.mark.parametrize("pattern, text", [
    ("job|jobs|joke", "jobs joke job"),  # order among words of one letter is kept
    ("ab|x|a", "ab a x"),  # "a" joins "ab" past "x", which can never match where they do
    (r"a\w*|[ab]c|ab", "abc bc ab"),  # nothing moves past a class
    ("Ab|b|ab", "ab AB Ab"),  # "A" and "a" are one letter only under IGNORECASE: never merged
    (r"(?:x|y)z|xa|x", "xz xa x yz"),
    ("a(b)|ab", "ab"),  # a capturing group: left as written
])
def test_factor_keeps_the_order_of_alternatives(pattern, text):
    for flags in (0, re.IGNORECASE):
        expected = [(m.span(), m.group()) for m in re.finditer(pattern, text, flags)]
        assert [(m.span(), m.group()) for m in re.finditer(factor(pattern), text, flags)] == expected


def test_factor_groups_words_by_their_first_letters():
    assert factor("detain\\w*|draft|arrest") == "d(?:etain\\w*|raft)|arrest"
    assert factor("a(b)|ab") == "a(b)|ab"


@pytest.mark.parametrize("pattern, text", [
    (r"(?<![\w\d])(?P<m>(?:январ|феврал|январь)\w*|(?-i:Jan|June|Jul))(?:\s+(?P<y>19\d\d|20\d\d))?", "январе 2021 June Jul JAN"),
    (r"(?:в|во|во\s+время|in)\s+(?P<w>(?:mon|tue|mo)\w*)", "во вторник в mon во время tue in mo"),
    (r"(?<!ab|ac)x(?=y|yz)", "abx acx dxyz"),
])
def test_factor_groups_keeps_matches_and_groups(pattern, text):
    for flags in (0, re.IGNORECASE):
        a, b = re.compile(pattern, flags), re.compile(factor_groups(pattern), flags)
        assert b.groupindex == a.groupindex
        assert [(m.span(), m.groups()) for m in b.finditer(text)] == [(m.span(), m.groups()) for m in a.finditer(text)]


def _written(module) -> dict:
    """The module's globals as they are without factoring (its source run again, factoring off)."""
    import runpy

    from recruitwatch.text import factor as factor_module

    saved = factor_module.factor, factor_module.factor_groups
    factor_module.factor = factor_module.factor_groups = lambda pattern: pattern
    try:
        return runpy.run_path(module.__file__)
    finally:
        factor_module.factor, factor_module.factor_groups = saved


def test_date_patterns_factored_find_the_same_dates():
    from recruitwatch.extract import dates

    written = dict(_written(dates)["_PATTERNS"])
    for name, pattern in dates._PATTERNS:
        found = [(m.span(), m.groupdict()) for m in pattern.finditer(TEXT)]
        assert found == [(m.span(), m.groupdict()) for m in written[name].finditer(TEXT)], name


def test_cue_patterns_factored_find_the_same_cues():
    from recruitwatch.taxonomy import lexicon

    load = _written(lexicon)["load_lexicon"]
    for lang in LANGUAGES:
        for cue, plain in zip(lexicon.load_lexicon(lang).cues, load(lang).cues, strict=True):
            assert [m.span() for m in cue.regex.finditer(TEXT)] == [m.span() for m in plain.regex.finditer(TEXT)], \
                (lang, cue.pattern)
