"""Sentences and paragraphs: one splitter for screening, extraction and training.

A paragraph ends at a blank line; a sentence ends at ``.``, ``!``, ``?`` or ``…`` before a
capital letter or digit (any of the six languages' alphabets), and at every line break, so
headings, list items and Telegram lines stand alone.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”']?\s+(?=[\"«“'(\[]?[A-ZА-ЯЁӘІҢҒҮҰҚӨҺҶӢӮЎҲ0-9])|\n+")
_PARAGRAPH = re.compile(r"\n\s*\n")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences of text[start:end] (line breaks always end a sentence)."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:end].strip():
        spans.append((pos, end))
    return spans


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def all_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of every paragraph (a sentence never crosses a paragraph break)."""
    return [s for a, b in paragraph_spans(text) for s in sentence_spans(text, a, b)]
