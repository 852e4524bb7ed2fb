"""Literal gates (``recruitwatch.text.regate``): the gate never hides a match.

A :class:`~recruitwatch.text.regate.Gate` lowercases the text with ``str.lower`` and looks
for the pattern literals as ``fold_char`` folds them (the folding ``re`` uses for IGNORECASE).
A pattern is skipped when one of its clauses has no string in the text, so the gate is sound
only if

1. a text character that ``re`` matches against a pattern literal ``p`` lowers to
   ``fold_char(p)``, unless the text holds one of the characters of ``SPECIAL`` (then the text
   is not gated at all): checked over all of Unicode below;
2. every clause ``clauses_of`` derives has a string inside every match: checked on the cue
   patterns of every lexicon and on the date patterns, over the cue examples, the example
   reports, the held-out quality fixtures and case / letter variants of them;
3. ``find_cues`` and ``find_dates`` return exactly what they return with a gate that lets
   every pattern through.

The last tests break the gate on purpose (monkeypatch) and check that these checks notice.
"""

from __future__ import annotations

import _sre
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from re import _constants as C
from types import SimpleNamespace

import pytest

from recruitwatch.extract import dates as dates_module
from recruitwatch.extract import geo_select
from recruitwatch.extract.dates import find_dates
from recruitwatch.taxonomy import lexicon as cues_module
from recruitwatch.taxonomy.lexicon import LANGUAGES, find_cues, load_lexicon
from recruitwatch.text import regate
from recruitwatch.text.regate import SPECIAL, Gate, clauses_of, fold_char

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "reports"
HELDOUT = ROOT / "tests" / "quality" / "fixtures" / "heldout.jsonl"
PUBLISHED = "2024-06-15"


# ---- all of Unicode ------------------------------------------------------------------------


@cache
def _unicode_tables() -> tuple[frozenset[str], str, str]:
    """One pass over every code point (surrogates skipped).

    Returns (the characters whose ``str.lower()`` is not their ``fold_char``; the other
    characters, concatenated; the cased characters, i.e. every character ``re`` may compare
    case-insensitively, concatenated).
    """
    special: set[str] = set()
    plain: list[str] = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        c = chr(code)
        if c.lower() != fold_char(code):
            special.add(c)
        else:
            plain.append(c)
    extra = regate._EXTRA_CASES
    iscased, tolower = _sre.unicode_iscased, _sre.unicode_tolower
    cased = [chr(code) for code in range(0x110000) if iscased(code) or tolower(code) != code or code in extra]
    return frozenset(special), "".join(plain), "".join(cased)


def _show(chars) -> list[str]:
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in sorted(chars)]


def test_special_is_exactly_the_characters_lower_and_fold_disagree_on():
    # The rule, from Gate.present: the text is lowered with str.lower, pattern literals with
    # fold_char. A text character c that re matches against a literal p has
    # fold_char(c) == fold_char(p) (see the next test), so the gate sees the match exactly when
    # c.lower() == fold_char(c). Characters re treats as equal to another lowercase letter are
    # fine when fold_char picks them as the class representative ("s" for s/ſ, "µ" for µ/μ);
    # the others ("ſ", "μ", "σ" whose representative is "ς", ...) have c.lower() != fold_char(c)
    # and are special.
    computed, _, _ = _unicode_tables()
    declared = set(SPECIAL)
    assert len(SPECIAL) == len(declared), "SPECIAL lists a character twice"
    assert computed == declared, (
        f"missing from SPECIAL: {_show(computed - declared)}; not special: {_show(declared - computed)}"
    )


def test_re_ignorecase_equivalence_is_fold_char_equality():
    # Every pair of cased characters: re.IGNORECASE matches one against the other exactly when
    # they have the same fold_char. (Uncased characters only match themselves.)
    _, _, cased = _unicode_tables()
    assert len(cased) > 2000
    classes: dict[str, int] = {}
    for c in cased:
        classes[fold_char(ord(c))] = classes.get(fold_char(ord(c)), 0) + 1
    wrong = []
    for p in cased:
        fp = fold_char(ord(p))
        hits = [m.group() for m in re.finditer(re.escape(p), cased, re.IGNORECASE)]
        wrong += [(p, c) for c in hits if fold_char(ord(c)) != fp]
        assert len(hits) == classes[fp], f"{_show(p)} matches {_show(hits)}"
    assert not wrong, [(_show(p), _show(c)) for p, c in wrong[:20]]


def test_lowering_a_whole_text_is_lowering_each_character():
    # str.lower has one context rule (final sigma); it only touches Σ, which is special. So for
    # a text without special characters, text.lower() is each character's lower(), which for
    # these characters is its fold_char.
    _, plain, _ = _unicode_tables()
    assert "Σ" not in plain and len(plain) > 1_000_000
    assert plain.lower() == "".join(map(str.lower, plain))


def test_special_covers_every_character_that_can_meet_a_shipped_literal():
    # What SPECIAL must get right for the shipped patterns: any character that re may match
    # against a literal of a cue or date pattern lowers to that literal, or is special.
    literals = {ch for gate in (_cues_gate(), dates_module._gate()) for cl in gate.clauses for clause in cl
                for word in clause for ch in word}
    assert {"в", "ё", "қ", "ў", "a", "z", "'"} <= literals
    computed, _, _ = _unicode_tables()  # the characters whose lower() is not their fold_char
    bad = [c for c in computed if fold_char(ord(c)) in literals and c not in SPECIAL]
    assert not bad, _show(bad)


@pytest.mark.parametrize("literal,text_char", [("\u03b9", "\u1fbe"), ("\u0390", "\u1fd3"), ("\u03b0", "\u1fe3")])
def test_greek_letters_missing_from_special_are_not_hidden(literal, text_char):
    pattern = re.compile(literal * 2 + "x", re.IGNORECASE)
    text = "… " + text_char * 2 + "x …"
    assert pattern.search(text)
    assert Gate([pattern]).mask(text) == [True]


# ---- the patterns and the texts ------------------------------------------------------------


@cache
def _cue_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(cue.regex for lang in LANGUAGES for cue in load_lexicon(lang).cues)


@cache
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(p for _, p in dates_module._PATTERNS)


def _cues_gate() -> Gate:
    # One gate over every cue pattern; the shipped gates (one per language) hold the same clauses.
    gate = Gate(list(_cue_patterns()))
    assert [c for lang in LANGUAGES for c in cues_module._cue_gate(lang).clauses] == gate.clauses
    return gate


def _lang_of(name: str) -> str | None:
    lang = name.split("-", 1)[0]
    return lang if lang in LANGUAGES else None


@cache
def _base_texts() -> dict[str, tuple[tuple[str, str | None, str], ...]]:
    """(text, lang, published) by source."""
    cues = [(lang, cue) for lang in LANGUAGES for cue in load_lexicon(lang).cues]
    # Each cue's first example, in cue order (test_the_gate_does_skip_patterns relies on it), then
    # the other examples and the counterexamples.
    tests = tuple((cue.examples[0], lang, "2023-11-06") for lang, cue in cues) + tuple(
        (text, lang, "2023-11-06") for lang, cue in cues for text in cue.examples[1:] + cue.not_examples)
    heldout = tuple((d["text"], d.get("lang"), d.get("published"))
                    for d in map(json.loads, HELDOUT.read_text(encoding="utf-8").splitlines()) if d.get("text"))
    examples = []
    for path in sorted(EXAMPLES.rglob("*")):
        if not path.is_file() or path.suffix.lower() == ".pdf":
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        examples.append((text, _lang_of(path.name), PUBLISHED))
    assert len(tests) > 200 and len(heldout) > 20 and len(examples) > 20
    return {"cue-tests": tests, "heldout": heldout, "examples": tuple(examples)}


def _variant(texts, change):
    """The texts ``change`` alters (unchanged ones are already checked)."""
    out = []
    for text, lang, published in texts:
        new = change(text)
        if new != text:
            out.append((new, lang, published))
    return tuple(out)


def _yo(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def _kelvin(text: str) -> str:
    # U+212A KELVIN SIGN: re.IGNORECASE matches it against "k", and so does str.lower() —
    # a case equivalence that is not special, so these texts stay gated.
    return text.replace("k", "\u212a").replace("K", "\u212a")


@cache
def _corpus(name: str) -> tuple[tuple[str, str | None, str], ...]:
    base = _base_texts()
    short = base["cue-tests"] + base["heldout"]
    return {
        "cue-tests": base["cue-tests"],
        "heldout": base["heldout"],
        "examples": base["examples"],
        "upper": _variant(short, str.upper),
        "title": _variant(short, str.title),
        "yo-to-e": _variant(short, _yo),
        "kelvin": _variant(short, _kelvin),
    }[name]


CORPORA = ("cue-tests", "heldout", "examples", "upper", "title", "yo-to-e", "kelvin")


@cache
def _scan(name: str, which: str):
    """For each text: the gate's mask and every match of every pattern (the expensive part)."""
    patterns, gate = {"cues": (_cue_patterns(), _cues_gate()), "dates": (_date_patterns(), dates_module._gate()),
                      "words": (geo_select._CLAUSE_WORDS, geo_select._CLAUSE_GATE)}[which]
    out = []
    for text, _, _ in _corpus(name):
        mask = gate.mask(text)
        assert len(mask) == len(patterns)
        matches = [[m for m in p.finditer(text) if m.end() > m.start()] for p in patterns]
        out.append((text, mask, matches))
    return patterns, gate, out


def _hidden(patterns, gate, texts, *, first: bool = False) -> list[tuple[str, str, str]]:
    """(pattern, matched text, text) for every pattern the gate skips although it matches."""
    found = []
    for text in texts:
        for pattern, may_match in zip(patterns, gate.mask(text), strict=True):
            if not may_match and (m := pattern.search(text)):
                found.append((pattern.pattern[:120], m.group(), text[:120]))
                if first:
                    return found
    return found


@pytest.mark.parametrize("which", ["cues", "dates", "words"])
@pytest.mark.parametrize("name", CORPORA)
def test_gate_never_skips_a_pattern_that_matches(name, which):
    patterns, _, scanned = _scan(name, which)
    assert scanned, f"corpus {name} is empty"
    hidden = [(patterns[i].pattern[:120], matches[i][0].group(), text[:120])
              for text, mask, matches in scanned for i, may in enumerate(mask) if not may and matches[i]]
    assert not hidden, hidden[:10]


@pytest.mark.parametrize("which", ["cues", "dates", "words"])
@pytest.mark.parametrize("name", CORPORA)
def test_every_clause_has_a_string_inside_every_match(name, which):
    # Stronger than the above: the clause strings lie inside the match itself, as the module
    # docstring says ("literal strings a match must contain").
    _, gate, scanned = _scan(name, which)
    bad = []
    for text, _, matches in scanned:
        if regate._SPECIAL_RE.search(text):
            continue
        for clauses, ms in zip(gate.clauses, matches, strict=True):
            for m in ms:
                low = m.group().lower()
                bad += [(m.group(), sorted(cl)[:8]) for cl in clauses if not any(w in low for w in cl)]
    assert not bad, bad[:10]


def test_the_gate_does_skip_patterns():
    # Not vacuous: on the cue examples most patterns are skipped, and every cue's own
    # sentence matches it (so the soundness checks above saw a match for every cue).
    _, _, scanned = _scan("cue-tests", "cues")
    skipped = sum(not may for _, mask, _ in scanned for may in mask)
    total = sum(len(mask) for _, mask, _ in scanned)
    assert skipped > total * 0.8
    for index, (_, mask, matches) in enumerate(scanned[:len(_cue_patterns())]):
        assert matches[index] and mask[index], _cue_patterns()[index].pattern
    _, _, scanned = _scan("heldout", "dates")
    assert sum(not may for _, mask, _ in scanned for may in mask) > len(scanned) * 5
    assert sum(any(matches) for _, _, matches in scanned) > len(scanned) * 0.8  # most texts hold a date


@pytest.mark.parametrize("char", sorted(set(SPECIAL)))
def test_a_text_with_a_special_character_is_not_gated(char):
    for gate in (_cues_gate(), dates_module._gate()):
        for text, _, _ in _base_texts()["heldout"] + _base_texts()["cue-tests"][::16]:
            half = len(text) // 2
            mixed = text[:half] + char + text[half:]
            assert gate.present(mixed) is None
            assert all(gate.mask(mixed))


# ---- the gated finders return what the ungated ones return ---------------------------------


def _let_everything_through(monkeypatch):
    monkeypatch.setattr(Gate, "mask", lambda self, text: [True] * len(self.clauses))
    monkeypatch.setattr(Gate, "present", lambda self, text: None)


@pytest.mark.parametrize("name", ["cue-tests", "heldout", "upper", "yo-to-e", "special"])
def test_find_cues_and_find_dates_are_unchanged_by_the_gate(name, monkeypatch):
    if name == "special":
        texts = tuple((t[:40] + "ſ" + t[40:], lang, pub) for t, lang, pub in _base_texts()["heldout"][::4])
    else:
        texts = _corpus(name)
    gated = [(find_cues(t, LANGUAGES), find_dates(t, lang, pub), find_dates(t, lang, None)) for t, lang, pub in texts]
    assert any(c for c, _, _ in gated) and any(d for _, d, _ in gated)
    _let_everything_through(monkeypatch)
    for (text, lang, pub), (hits, mentions, absolute) in zip(texts, gated, strict=True):
        assert find_cues(text, LANGUAGES) == hits, text[:200]
        assert find_dates(text, lang, pub) == mentions, text[:200]
        assert find_dates(text, lang, None) == absolute, text[:200]


def test_find_cues_and_find_dates_are_unchanged_on_the_examples(monkeypatch):
    # Dates on every example file; cues (every pattern runs ungated: slow) on the plain-text ones.
    texts = _corpus("examples")
    plain = [not t.lstrip().startswith(("<", "{")) for t, _, _ in texts]
    assert sum(plain) > 10
    gated = [(find_cues(t, LANGUAGES) if p else None, find_dates(t, lang, pub))
             for (t, lang, pub), p in zip(texts, plain, strict=True)]
    _let_everything_through(monkeypatch)
    for (text, lang, pub), (hits, mentions) in zip(texts, gated, strict=True):
        if hits is not None:
            assert find_cues(text, LANGUAGES) == hits, text[:200]
        assert find_dates(text, lang, pub) == mentions, text[:200]


# ---- examples ------------------------------------------------------------------------------


def test_a_stem_with_a_word_tail_requires_the_stem():
    assert clauses_of(re.compile(r"военкомат\w*", re.IGNORECASE)) == (frozenset({"военкомат"}),)
    gate = Gate([re.compile(r"военкомат\w*", re.IGNORECASE)])
    assert gate.mask("Его вызвали в военкомат.") == [True]
    assert gate.mask("Его вызвали в полицию.") == [False]


@pytest.mark.parametrize("pattern", [
    r"(?<!\w)(?:вербов\w+)",  # how the lexicon loader wraps every cue
    r"(?<=\s)вербов\w+",
    r"(?:тайно\s+)?вербов\w+",
    r"(?:тайн\w+\s+){0,2}вербов\w+",
    r"(?:по\s+(?:\w+\s+)?)?вербов\w+\b",
])
def test_a_look_behind_or_an_optional_opening_still_gates_on_the_literal(pattern):
    regex = re.compile(pattern, re.IGNORECASE)
    assert clauses_of(regex) == (frozenset({"вербов"}),)
    gate = Gate([regex])
    assert gate.mask("Его вербовали в СИЗО.") == [True]
    assert gate.mask("Его задержали в СИЗО.") == [False]


def test_an_alternation_yields_clauses_covering_every_branch():
    regex = re.compile(r"(?:повестк\w*\s+в\s+армию|военкомат\w*|мобилизац\w*)", re.IGNORECASE)
    clauses = clauses_of(regex)
    assert clauses
    branches = ["повестку в армию", "военкомата", "мобилизация"]
    for clause in clauses:  # every clause has a string from every branch
        for branch in branches:
            assert any(word in branch for word in clause), (clause, branch)
    gate = Gate([regex])
    for branch in branches:
        assert gate.mask(f"Речь шла про {branch}.") == [True]
    assert gate.mask("Повестку не вручили.") == [False]


def test_a_literal_before_an_alternation_belongs_to_each_branch():
    regex = re.compile(r"(?<!\w)и(?:к|справительн\w+)\b", re.IGNORECASE)
    assert clauses_of(regex) == (frozenset({"ик", "исправительн"}),)
    gate = Gate([regex])
    assert gate.mask("отбывал срок в ИК-2") == [True]
    assert gate.mask("в исправительной колонии") == [True]
    assert gate.mask("в колонии") == [False]


def test_a_text_with_a_special_character_is_not_gated_example():
    gate = Gate([re.compile(r"военкомат\w*", re.IGNORECASE), re.compile(r"summons", re.IGNORECASE)])
    assert gate.present("Turkish İ in a text") is None
    assert gate.mask("Turkish İ in a text") == [True, True]
    assert gate.present("ſ alone") is None
    assert gate.present("plain text") == set()
    assert gate.mask("plain text") == [False, False]


@pytest.mark.parametrize("odd", [
    SimpleNamespace(pattern="(unclosed", flags=0),  # the parser refuses it
    SimpleNamespace(pattern=None, flags=0),
    re.compile(r"(\w+)\s+\1"),  # a back-reference
    re.compile(r"(a)?(?(1)bb|cc)"),  # a conditional group
    re.compile(r".*"),
    re.compile(r"(?:abc)?"),  # matches the empty string
    re.compile(r"(?:abc){0,3}x"),
    re.compile(r"[^x]+"),
    re.compile(r"a\d"),  # a single letter says too little
])
def test_an_odd_pattern_yields_no_gate(odd):
    assert clauses_of(odd) == ()
    gate = Gate([odd])
    assert gate.mask("nothing of the kind") == [True]
    assert gate.mask("") == [True]


def test_odd_patterns_next_to_gated_ones_are_never_skipped():
    odd = [re.compile(r"(\w+)\s+\1"), re.compile(r"(a)?(?(1)bb|cc)"), re.compile(r"(?:abc)?")]
    gate = Gate([*odd, re.compile(r"военкомат\w*", re.IGNORECASE)])
    assert gate.mask("cc cc") == [True, True, True, False]
    for pattern, may in zip(odd, gate.mask("cc cc")[:3], strict=True):
        assert may and pattern.search("cc cc")


def test_the_pattern_flags_are_honoured():
    assert clauses_of(re.compile(r"вое нкомат \w*  # comment", re.VERBOSE | re.IGNORECASE)) == (frozenset({"военкомат"}),)


@pytest.mark.parametrize("pattern,text", [
    (r"военкомат\w*", "ВОЕНКОМАТ"),
    (r"ВОЕНКОМАТ\w*", "военкомат"),
    (r"ВоЕнКоМаТ", "вОеНкОмАт"),
    (r"қаңтар", "ҚАҢТАРДА"),
    (r"ўтган", "ЎТГАН"),
    (r"ҷумъа", "ҶУМЪА"),
    (r"заключ[её]нн\w+", "ЗАКЛЮЧЁННЫЙ"),
    (r"summons\w*", "SUMMONSES"),
    (r"SUMMONS", "summons"),
    (r"o['‘’ʻ]?tgan", "O‘TGAN"),
    (r"kecha", "\u212aECHA"),  # KELVIN SIGN
    (r"(?-i:March)\s+\d+", "March 3"),  # case-sensitive part: the gate still folds it
])
def test_the_gate_is_case_insensitive(pattern, text):
    regex = re.compile(pattern, re.IGNORECASE)
    assert regex.search(text)
    assert clauses_of(regex)
    assert Gate([regex]).mask(f"… {text} …") == [True]


def test_overlapping_and_nested_gate_strings_are_all_found():
    patterns = [re.compile(p) for p in ("abcd", "bc", "контракт", "контрактник", "актн")]
    gate = Gate(patterns)
    assert gate.present("xabcdx контрактника") == {"abcd", "bc", "контракт", "контрактник", "актн"}
    assert gate.mask("контракт bc") == [False, True, True, False, False]


def test_the_clause_word_classes_are_gated():
    # The word classes geo_select reads in each clause of a mention (act, after, before, report,
    # period) have a gate, and it skips most classes of a clause.
    assert all(geo_select._CLAUSE_GATE.clauses)
    _, _, scanned = _scan("heldout", "words")
    clauses = [piece for text, _, _ in scanned for piece in re.split(r"[,;:.]", text) if piece.strip()]
    masks = [geo_select._CLAUSE_GATE.mask(piece) for piece in clauses]
    assert sum(not may for mask in masks for may in mask) > len(clauses) * 2.5


@pytest.mark.parametrize("which", ["cues", "dates", "words"])
def test_the_strings_of_a_part_are_read_from_the_whole_text(which):
    """Occurrences.present(lo, hi), read once from the whole text, is Gate.present of text[lo:hi]:
    at every cut, including cuts inside a gate string and around nested strings."""
    patterns, gate, _ = _scan("heldout", which)
    texts = [t for t, _, _ in _corpus("heldout")[:12] + _corpus("upper")[:4]] + ["xabcdx контрактника"]
    for text in texts:
        found = gate.occurrences(text)
        assert found is not None
        cuts = sorted({0, len(text), *range(0, len(text), 37), *(m.start() for m in re.finditer(r"[,.;]", text))})
        for lo, hi in zip(cuts, cuts[1:] + [len(text)]):
            for a, b in ((lo, hi), (lo, min(len(text), hi + 5)), (max(0, lo - 3), hi)):
                assert found.present(a, b) == gate.present(text[a:b]), (text[a:b], which)
    nested = Gate([re.compile(p) for p in ("abcd", "bc", "контракт", "контрактник", "актн")])
    text = "xabcdx контрактника"
    whole = nested.occurrences(text)
    for a in range(len(text)):
        for b in range(a, len(text) + 1):
            assert whole.present(a, b) == nested.present(text[a:b])
    assert _cues_gate().occurrences("a text with ſ") is None


# ---- the checks above catch a broken gate --------------------------------------------------


def _short_texts():
    base = _base_texts()
    return [t for t, _, _ in base["cue-tests"] + base["heldout"]]


def test_the_checks_catch_a_gate_that_does_not_fold_literals(monkeypatch):
    # "(?-i:March)" keeps its capital M: the text, lowered, never holds it.
    monkeypatch.setattr(regate, "fold_char", chr)
    broken = Gate(list(_date_patterns()))
    assert _hidden(_date_patterns(), broken, _short_texts(), first=True)


def test_the_checks_catch_a_gate_that_folds_literals_to_upper_case(monkeypatch):
    monkeypatch.setattr(regate, "fold_char", lambda code: chr(code).upper()[0])
    broken = Gate(list(_cue_patterns()))
    assert _hidden(_cue_patterns(), broken, _short_texts(), first=True)


def test_the_checks_catch_a_gate_that_takes_an_optional_part_as_required(monkeypatch):
    original = regate._item

    def required(op, av):
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            return original(op, (1, 1, av[2]))
        return original(op, av)

    monkeypatch.setattr(regate, "_item", required)
    broken = Gate(list(_cue_patterns()))
    assert _hidden(_cue_patterns(), broken, _short_texts(), first=True)


def test_the_checks_catch_a_gate_that_misses_nested_strings():
    gate = Gate(list(_cue_patterns()))
    gate._prefixes = {w: frozenset({w}) for w in gate._prefixes}  # only the longest string at a position
    assert _hidden(_cue_patterns(), gate, _short_texts(), first=True)


def test_the_checks_catch_a_special_character_left_out(monkeypatch):
    # Without "ſ" in SPECIAL a text spelling "s" as "ſ" is gated, and cue matches are lost.
    monkeypatch.setattr(regate, "_SPECIAL_RE", re.compile("[" + SPECIAL.replace("ſ", "") + "]"))
    texts = [t.replace("s", "ſ") for t in _short_texts() if "s" in t]
    assert _hidden(_cue_patterns(), _cues_gate(), texts, first=True)


@pytest.mark.parametrize("which", ["cues", "dates"])
def test_candidates_are_the_patterns_the_mask_lets_through(which):
    """The fast path (an inverted index over the words that occur) picks exactly what the mask says."""
    _, gate, scanned = _scan("cue-tests", which)
    for text, mask, _ in scanned:
        assert gate.candidates(text) == [k for k, may in enumerate(mask) if may], text[:80]
