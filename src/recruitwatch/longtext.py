"""Long documents: screened and extracted window by window, so cost stays linear in length.

A text longer than :data:`LONG_TEXT` characters (a dump of a whole site, a book-length report,
a 20 MB line of JSON) is cut into windows of about :data:`WINDOW` characters at paragraph
breaks, else sentence ends, else spaces. Each window is screened on its own; the cheap first
tier drops windows about something else without reading them further, and only relevant windows
are extracted. Evidence offsets are shifted back into the whole text, so they stay exact; the
document is as relevant as its most relevant window.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from recruitwatch.records import Document, Evidence, Incident

LONG_TEXT = 300_000
WINDOW = 100_000
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"[.!?…]\s"), re.compile(r"\s"))


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """(start, end) spans covering text, each at most ``size`` characters (cut at a break when
    one lies in the window's last half)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for pattern in _BREAKS:
            last = None
            for m in pattern.finditer(text, start + size // 2, end):
                last = m
            if last is not None:
                cut = last.end()
                break
        cut = cut or end
        spans.append((start, cut))
        start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _shift(incident: Incident, doc: Document, offset: int) -> Incident:
    evidence = [replace(e, start=e.start + offset, end=e.end + offset, document_id=doc.id)
                if isinstance(e, Evidence) else e for e in incident.evidence]
    return replace(incident, document_id=doc.id, evidence=evidence, id="")


def analyse_windows(doc: Document, analyse: Callable[[Document], tuple[Document, list[Incident]]]
                    ) -> tuple[Document, list[Incident]]:
    """Screen and extract a long document window by window (``analyse`` does one window)."""
    best: Document | None = None
    incidents: list[Incident] = []
    for start, end in windows(doc.text):
        part = replace(doc, text=doc.text[start:end], reasons=[], meta={})
        part, found = analyse(part)
        if best is None or (part.relevance or 0.0) > (best.relevance or 0.0):
            best = part
        incidents.extend(_shift(i, doc, start) for i in found)
    assert best is not None
    doc.lang = doc.lang or best.lang
    doc.relevance, doc.relevant = best.relevance, any(True for _ in incidents) or bool(best.relevant)
    doc.reasons = [f"long text read in windows of {WINDOW:,} characters; the most relevant one: "] + best.reasons
    return doc, incidents
