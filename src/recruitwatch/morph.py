"""Word normalisation shared by search and extraction.

``lemma`` maps a word form to the form we index and match on:

* Russian Cyrillic: the pymorphy3 normal form (``Петербурге`` -> ``петербург``);
* Cyrillic with letters Russian lacks (Tajik, Kyrgyz, Kazakh, Uzbek Cyrillic: ``ҳ қ ғ ҷ ң ү ө ә і ұ һ ӣ ӯ ў``):
  case-folded only, so the Russian guesser never mangles them;
* plain Latin letters: the Snowball English stem (``recruited`` -> ``recruit``);
* anything else (digits, mixed scripts, other alphabets): case-folded.

``index_terms`` and ``query_terms`` run text through the same tokeniser and ``lemma`` and
also fold diacritics (``ё`` -> ``е``), so the terms stored in SQLite FTS5 and PostgreSQL
tsvector are identical and a query matches the same documents in both databases.

Resources (the pymorphy3 dictionary, the stemmer) load lazily, once per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

# A word is a run of letters and digits; everything else (spaces, punctuation, hyphens,
# apostrophes, underscores) separates words. FTS5's unicode61 tokenizer splits the same way.
WORD = re.compile(r"[^\W_]+")

_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_LATIN_WORD = re.compile(r"[a-z]+")

_lock = threading.Lock()
_morph: Any = None
_stemmer: Any = None


def _analyzer() -> Any:
    global _morph
    if _morph is None:
        with _lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def _english_stemmer() -> Any:
    global _stemmer
    if _stemmer is None:
        with _lock:
            if _stemmer is None:
                import Stemmer

                _stemmer = Stemmer.Stemmer("english")
    return _stemmer


@lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """The normal form of one word, lower-cased (see the module docstring for the rules)."""
    folded = word.casefold()
    if _RUSSIAN_WORD.fullmatch(folded):
        return _analyzer().parse(folded)[0].normal_form
    if _LATIN_WORD.fullmatch(folded):
        return _english_stemmer().stemWord(folded)
    return folded


def _fold(term: str) -> str:
    """Drop diacritics (``ё`` -> ``е``, ``й`` -> ``и``, ``é`` -> ``e``), as FTS5 ``remove_diacritics 2`` does."""
    if term.isascii():
        return term
    decomposed = unicodedata.normalize("NFD", term)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=500_000)
def _term(word: str) -> str:
    return _fold(lemma(word))


def words(text: str) -> Iterator[re.Match[str]]:
    """Word tokens of ``text`` with their character spans."""
    return WORD.finditer(text)


def term(word: str) -> str:
    """The index term of one word: its lemma with diacritics folded."""
    return _term(word)


def index_terms(text: str) -> str:
    """Space-joined index terms of every word token in ``text``, in order (for full-text indexing)."""
    return " ".join(terms(text))


def terms(text: str) -> list[str]:
    """The index terms of every word token in ``text``, in order."""
    return list(map(_term, word_list(text)))


def word_list(text: str) -> list[str]:
    r"""``WORD.findall(text)``, about twice as fast: most whitespace-separated tokens are one word
    (``str.isalnum`` is the regular expression's ``[^\W_]``), and only the others need the expression."""
    found: list[str] = []
    for token in text.split():
        if token.isalnum():
            found.append(token)
        else:
            found.extend(WORD.findall(token))
    return found


def query_terms(query: str) -> list[str]:
    """The distinct index terms of a user's query, in order of first appearance."""
    seen: dict[str, None] = {}
    for w in WORD.findall(query):
        seen.setdefault(_term(w), None)
    return list(seen)
