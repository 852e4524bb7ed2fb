"""Full-text query parsing and snippets, the same for SQLite FTS5 and PostgreSQL.

A query is a list of words and "quoted phrases"; a hit must contain every word and every
phrase (AND). Each word goes through :func:`recruitwatch.morph.term`, the same function that
built the index, so ``Петербург`` finds ``в Петербурге`` and ``recruit`` finds ``recruited``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from recruitwatch import morph
from recruitwatch.records import Document

# Text longer than this is indexed only up to here (PostgreSQL caps a tsvector at 1 MB).
MAX_INDEXED_CHARS = 1_000_000
# The BM25 of a search hit (SQLite) counts the words of its title and the start of its text up to here.
RANKED_CHARS = 2_000
# FTS5's bm25() parameters, which bm25() below keeps.
BM25_K1, BM25_B = 1.2, 0.75

_PART = re.compile(r'"([^"]*)"|([^\s"]+)')


@dataclass(slots=True)
class SearchHit:
    """A document found by a search, with a readable snippet around the first match."""

    document: Document
    snippet: str  # plain text; matched words wrapped in [ ] and cut ends marked with …
    rank: float  # higher is better; comparable only within one result list
    matches: list[tuple[int, int]] = field(default_factory=list)  # spans in document.text of matched words in the snippet


def parse_query(query: str) -> list[list[str]]:
    """Groups of index terms: one per word, one (several terms) per quoted phrase."""
    groups: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for phrase, word in _PART.findall(query):
        terms = [morph.term(w) for w in morph.WORD.findall(phrase or word)]
        if terms and tuple(terms) not in seen:
            seen.add(tuple(terms))
            groups.append(terms)
    return groups


def fts5_match(groups: list[list[str]]) -> str:
    """An FTS5 MATCH expression. Terms are letters and digits only, so quoting is safe."""
    return " ".join('"' + " ".join(group) + '"' for group in groups)


def tsquery(groups: list[list[str]]) -> str:
    """A to_tsquery('simple', ...) expression: phrases with <->, groups with &."""
    return " & ".join("(" + " <-> ".join(f"'{t}'" for t in group) + ")" for group in groups)


def document_body(title: str | None, text: str) -> str:
    """What a document is indexed and ranked on: its title and text."""
    return f"{title}\n{text}" if title else text


def document_terms(title: str | None, text: str) -> str:
    return morph.index_terms(document_body(title, text)[:MAX_INDEXED_CHARS])


def occurrences(terms: list[str], group: list[str]) -> int:
    """How often ``group`` (a word's term, or a phrase's terms in order) occurs in ``terms``."""
    first, rest = group[0], group[1:]
    if not rest:
        return terms.count(first)
    return sum(1 for i, t in enumerate(terms) if t == first and terms[i + 1 : i + len(group)] == rest)


def idf(doc_freq: int, sample: int) -> float:
    """FTS5's inverse document frequency of a word or phrase in ``doc_freq`` of ``sample`` documents."""
    return max(math.log((sample - doc_freq + 0.5) / (doc_freq + 0.5)), 1e-6)


def bm25(bodies: Mapping[int, str], groups: list[list[str]], weights: Sequence[float]) -> dict[int, float]:
    """BM25 of each candidate (pk -> :func:`document_body`, of which the first ``RANKED_CHARS`` count).

    The formula of FTS5's ``bm25()``, with each group weighed by ``weights`` (its :func:`idf`) and the
    length normalised by the candidates' mean length. Higher is better.
    """
    terms = {pk: morph.terms(body[:RANKED_CHARS]) for pk, body in bodies.items()}
    mean_length = max(1.0, sum(map(len, terms.values())) / max(1, len(terms)))
    scores = {}
    for pk, words in terms.items():
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / mean_length)
        score = 0.0
        for weight, group in zip(weights, groups, strict=True):
            tf = occurrences(words, group)
            score += weight * tf * (BM25_K1 + 1) / (tf + norm)
        scores[pk] = score
    return scores


def snippet(text: str, groups: list[list[str]], width: int = 200) -> tuple[str, list[tuple[int, int]]]:
    """About ``width`` characters of ``text`` around the first word matching a query term.

    Returns the snippet, with matched words in [ ], and the spans of those words in ``text``.
    Without a match in ``text`` (the match was in the title) it is the start of the text.
    """
    wanted = {t for group in groups for t in group}
    first = None
    for m in morph.words(text):
        if morph.term(m.group()) in wanted:
            first = m
            break
    if first is None:
        start, end = 0, min(len(text), width)
    else:
        start = max(0, first.start() - width // 3)
        end = min(len(text), start + width)
    # Move the cut points to whitespace so no word is cut in half.
    if start > 0:
        space = text.find(" ", start, first.start() if first else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, (first.end() if first else start)), end)
        end = space if space != -1 else end
    window = text[start:end]
    pieces: list[str] = []
    matches: list[tuple[int, int]] = []
    last = 0
    for m in morph.words(window):
        if morph.term(m.group()) in wanted:
            pieces.append(window[last : m.start()])
            pieces.append(f"[{m.group()}]")
            last = m.end()
            matches.append((start + m.start(), start + m.end()))
    pieces.append(window[last:])
    body = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else ""), matches
