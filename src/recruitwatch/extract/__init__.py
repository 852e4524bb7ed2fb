"""Extraction: a screened, relevant document -> incident records with evidence.

``extract(doc)`` returns one :class:`~recruitwatch.records.Incident` per distinct case or
recruitment drive (none for documents that only give policy, law or statistics). Lexicons and
compiled patterns load once per process; the function keeps no state between calls.
"""

from __future__ import annotations

from recruitwatch.extract.cues import cue_langs, find_cues
from recruitwatch.extract.incidents import DocContext, build
from recruitwatch.extract.segment import split
from recruitwatch.records import Document, Incident
from recruitwatch.screen.langid import detect_language

__all__ = ["extract"]


def extract(doc: Document) -> list[Incident]:
    """Incidents of a screened document; [] when it is not relevant."""
    if not doc.relevant or not doc.text:
        return []
    lang = doc.lang if doc.lang and doc.lang != "und" else detect_language(doc.text[:5000])
    hits = find_cues(doc.text, cue_langs(lang, doc.text))
    context = DocContext(doc, lang)
    segments = split(doc.text, hits, context.has_new_anchor)
    context.segments = segments
    return [build(doc, segment, hits, lang, context) for segment in segments]
