"""Cue lexicons: loading the per-language TOML files and finding cues in text.

Each lexicon (``recruitwatch/taxonomy/lexicons/<lang>.toml``) lists cues with a category, a
code, a regular expression and a test sentence. Patterns are matched case-insensitively and
anchored at the start of a word (the loader adds ``(?<!\\w)``), so authors write stems such as
``военкомат\\w*``. Everything is compiled once per process (``functools.cache``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from recruitwatch.records import CueHit
from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS
from recruitwatch.taxonomy.transliterate import latin_to_cyrillic
from recruitwatch.text.factor import factor, factor_groups
from recruitwatch.text.regate import Gate

LANGUAGES = ("en", "ru", "uz", "tg", "ky", "kk")
INSTITUTION_CODES = ("state_office", "custody", "prison", "online", "physical_ad", "advert")
RELEVANCE_CODES = ("military", "migrant", "foreign_recruitment", "neg_occupied", "neg_local", "neg_sport", "background")
_VALID = {
    "tactic": set(TACTICS),
    "actor": set(ACTORS),
    "status": set(STATUSES) - {"unknown"},
    "outcome": set(OUTCOMES) - {"unknown"},
    "institution": set(INSTITUTION_CODES),
    "relevance": set(RELEVANCE_CODES),
}


class LexiconError(ValueError):
    """A lexicon file that cannot be used (bad category, code, pattern or fragment)."""



@dataclass(frozen=True, slots=True)
class Cue:
    lang: str
    category: str
    code: str
    pattern: str  # as written, with its {fragment} names
    examples: tuple[str, ...]  # sentences the cue must find (tests/extract/test_lexicons.py)
    not_examples: tuple[str, ...]  # the counterexamples that shaped an exclusion: it must not find these
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    lang: str
    cues: tuple[Cue, ...]
    prefilter: dict[str, tuple[str, ...]]


# "(?:\w+\s+)" in a pattern means "any one word": widen it to words with apostrophes (Uzbek
# o‘, g‘), hyphens and digits, followed by optional punctuation, so gaps work in every language.
_GAP_WORD = "(?:\\w+\\s+)"
_WIDE_WORD = "(?:[\\w\u2018\u2019\u02bb'`\\-]+[,;:]?\\s+)"


def _compile(pattern: str) -> re.Pattern[str]:
    # factored by common prefixes: the same matches, found faster (text/factor.py)
    return re.compile(factor_groups(r"(?<!\w)(?:" + pattern.replace(_GAP_WORD, _WIDE_WORD) + ")"), re.IGNORECASE)


_FRAGMENT = re.compile(r"\{([a-z_]+)\}")  # {name}; regex repeats {2,3} hold digits, never letters


def _read(name: str) -> dict:
    source = resources.files("recruitwatch.taxonomy").joinpath("lexicons", name)
    return tomllib.loads(source.read_text(encoding="utf-8"))


@cache
def common_fragments() -> dict[str, str]:
    """The fragments every lexicon may use (``lexicons/common.toml``)."""
    return dict(_read("common.toml").get("fragments", {}))


def compose(pattern: str, fragments: dict[str, str], where: str = "pattern") -> str:
    """A pattern with each ``{name}`` replaced by its fragment (fragments may use fragments)."""
    for _ in range(5):
        if not _FRAGMENT.search(pattern):
            return pattern
        missing = sorted({m for m in _FRAGMENT.findall(pattern) if m not in fragments})
        if missing:
            raise LexiconError(f"{where}: unknown fragment {', '.join(missing)}")
        pattern = _FRAGMENT.sub(lambda m: "(?:" + fragments[m.group(1)] + ")", pattern)
    raise LexiconError(f"{where}: fragments nest too deep")


@dataclass(frozen=True, slots=True)
class WordClass:
    """One named class of words of one language's lexicon (its ``[words.NAME]`` table)."""

    lang: str
    name: str
    pattern: str  # composed; for Uzbek, the Latin pattern and its generated Cyrillic spelling
    examples: tuple[str, ...]  # what it must find
    not_examples: tuple[str, ...]  # the counterexamples that shaped an exclusion: it must not find these


@cache
def word_classes(lang: str) -> dict[str, WordClass]:
    """The word classes of one language's lexicon, by name."""
    data = _read(f"{lang}.toml")
    fragments = {**common_fragments(), **data.get("fragments", {})}
    out = {}
    for name, raw in data.get("words", {}).items():
        where = f"{lang}.toml words.{name}"
        try:
            pattern = compose(raw["pattern"], fragments, where)
            if lang == "uz" and raw.get("transliterate", True):
                pattern = f"{pattern}|{latin_to_cyrillic(pattern)}"
            re.compile(pattern)
        except (KeyError, re.error) as exc:
            raise LexiconError(f"{where}: bad pattern: {exc}") from exc
        out[name] = WordClass(lang, name, pattern, tuple(raw.get("examples", ())), tuple(raw.get("not_examples", ())))
    return out


@cache
def word_class(name: str) -> str:
    """A class of words in every language that has it, as one alternation (for a rule's regex):
    the ``[words.NAME]`` patterns of the lexicons, in :data:`LANGUAGES` order, factored by common
    prefixes (:func:`~recruitwatch.text.factor.factor`: the same matches, found several times faster)."""
    parts = [c[name].pattern for lang in LANGUAGES if name in (c := word_classes(lang))]
    if not parts:
        raise LexiconError(f"no lexicon has the word class {name!r}")
    return factor("|".join(parts))


@cache
def number_words() -> dict[str, int]:
    """Number words of every lexicon (their ``[numbers]`` tables), lower-case word -> value."""
    return {word.lower(): int(value) for lang in LANGUAGES for word, value in _read(f"{lang}.toml").get("numbers", {}).items()}


@cache
def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of one language, validated against the taxonomy, its fragments composed."""
    if lang not in LANGUAGES:
        raise LexiconError(f"no lexicon for language {lang!r}")
    data = _read(f"{lang}.toml")
    fragments = {**common_fragments(), **data.get("fragments", {})}
    cues = []
    for number, raw in enumerate(data.get("cue", []), 1):
        where = f"{lang}.toml cue #{number}"
        category, code = raw.get("category"), raw.get("code")
        if category not in _VALID:
            raise LexiconError(f"{where}: unknown category {category!r}")
        if code not in _VALID[category]:
            raise LexiconError(f"{where}: unknown {category} code {code!r}")
        try:
            pattern = compose(raw["pattern"], fragments, where)
            if raw.get("script") == "latin":  # Uzbek: the Cyrillic spelling is generated
                extra = [compose(raw["cyrillic"], fragments, where)] if raw.get("cyrillic") else []
                pattern = "|".join([pattern, latin_to_cyrillic(pattern), *extra])
            regex = _compile(pattern)
        except (KeyError, re.error) as exc:
            raise LexiconError(f"{where}: bad pattern: {exc}") from exc
        cues.append(Cue(lang, category, code, raw["pattern"], tuple(raw.get("examples", ())),
                        tuple(raw.get("not_examples", ())), regex))
    pre = data.get("prefilter", {})
    prefilter = {k: tuple(s.lower() for s in pre.get(k, ())) for k in ("military", "migrant")}
    return Lexicon(lang, tuple(cues), prefilter)


#: The word "contract" in the six languages (the ``contract`` fragment of lexicons/common.toml).
CONTRACT_WORD = re.compile(r"(?<!\w)" + compose("{contract}", common_fragments()), re.IGNORECASE)


@cache
def _cue_gate(lang: str) -> Gate:
    """The literal gate over one lexicon's cues (a text pays only for the languages it is read in)."""
    return Gate([cue.regex for cue in load_lexicon(lang).cues])


#: Texts longer than this are gated piece by piece (paragraphs, or pieces of about CHUNK
#: characters cut at a space): in a long text every gate word occurs somewhere, in a paragraph
#: only a few do, so most patterns skip most of the text. Matches never cross a paragraph break.
GATED_BY_PIECE = 50_000
CHUNK = 800
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _pieces(text: str) -> list[tuple[int, int]]:
    if len(text) <= GATED_BY_PIECE:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        pieces.extend(_cut(text, start, m.start()))
        start = m.end()
    pieces.extend(_cut(text, start, len(text)))
    return pieces


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph, in pieces of at most about CHUNK characters cut at sentence ends or spaces."""
    out = []
    while end - start > CHUNK:
        cut = max(text.rfind(". ", start, start + CHUNK), text.rfind("\n", start, start + CHUNK))
        if cut <= start + CHUNK // 2:
            cut = text.rfind(" ", start, start + CHUNK)
        cut = cut + 1 if cut > start else start + CHUNK
        out.append((start, cut))
        start = cut
    if end > start:
        out.append((start, end))
    return out


def find_cues(text: str, langs: tuple[str, ...] | list[str], categories: tuple[str, ...] | None = None) -> list[CueHit]:
    """Every cue of the given languages (and categories) found in text, by position."""
    hits: list[CueHit] = []
    seen: set[tuple[str, str, int, int]] = set()
    pieces = _pieces(text)
    for lang in langs:
        if lang not in LANGUAGES:
            continue
        cues = load_lexicon(lang).cues
        gate = _cue_gate(lang)
        for lo, hi in pieces:
            # cues whose required words do not occur cannot match: only the others are tried
            for k in gate.candidates(text[lo:hi]):
                cue = cues[k]
                if categories is not None and cue.category not in categories:
                    continue
                for m in cue.regex.finditer(text, lo, hi):
                    if m.end() == m.start():
                        continue
                    key = (cue.category, cue.code, m.start(), m.end())
                    if key not in seen:
                        seen.add(key)
                        hits.append(CueHit(cue.category, cue.code, m.start(), m.end(), m.group(0), lang))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def cue_langs(doc_lang: str | None, text: str) -> tuple[str, ...]:
    """Lexicons to apply to a document: its own language plus Russian for any Cyrillic text
    (Central Asian reports quote Russian terms) and English for any Latin text."""
    langs: list[str] = []
    if doc_lang in LANGUAGES:
        langs.append(doc_lang)
    if re.search(r"[а-яё]", text[:20000], re.IGNORECASE) and "ru" not in langs:
        langs.append("ru")
    if re.search(r"[a-z]{3}", text[:20000], re.IGNORECASE) and "en" not in langs and doc_lang != "uz":
        langs.append("en")
    if doc_lang == "uz" and "en" not in langs and re.search(r"\b(?:the|and|of)\b", text[:20000]):
        langs.append("en")
    return tuple(langs)
