"""Full-text query parsing and snippets, the same for SQLite FTS5 and PostgreSQL.

A query is a list of words and "quoted phrases"; a hit must contain every word and every
phrase (AND). Each word goes through :func:`recruitwatch.morph.term`, the same function that
built the index, so ``Петербург`` finds ``в Петербурге`` and ``recruit`` finds ``recruited``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recruitwatch import morph
from recruitwatch.records import Document

# Text longer than this is indexed only up to here (PostgreSQL caps a tsvector at 1 MB).
MAX_INDEXED_CHARS = 1_000_000

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


def document_terms(title: str | None, text: str) -> str:
    body = f"{title}\n{text}" if title else text
    return morph.index_terms(body[:MAX_INDEXED_CHARS])


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
