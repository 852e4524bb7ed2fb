"""Extraction: a screened, relevant document -> incident records with evidence.

``extract(doc, analysis)`` returns one :class:`~recruitwatch.records.Incident` per distinct
case or recruitment drive (none for documents that only give policy, law or statistics). It
reads the :class:`~recruitwatch.text.analysis.TextAnalysis` screening computed (language, sentences,
cue hits) and adds the sentence classifier's labels as hits of their own
(:mod:`.learned`); every value carries evidence and a confidence. Lexicons, gazetteer and model
load once per process; the function keeps no state between calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recruitwatch.extract.incidents import DocContext, build, merge_retold
from recruitwatch.extract.learned import attach_outside, label_sentences, score_mentions
from recruitwatch.extract.segment import split, told_without_cues
from recruitwatch.records import Document, Incident

if TYPE_CHECKING:
    from recruitwatch.records import TextAnalysis

__all__ = ["extract"]


def extract(doc: Document, analysis: TextAnalysis | None = None, learned: bool = True) -> list[Incident]:
    """Incidents of a screened document; [] when it is not relevant. ``learned=False`` uses the
    cues alone (the rule-only baseline)."""
    from recruitwatch.learn.model import load_model
    from recruitwatch.text.analysis import read_text

    if not doc.relevant or not doc.text:
        return []
    if analysis is None:
        analysis = read_text(doc.text, doc.lang)
    model = load_model() if learned else None
    labels = label_sentences(doc.text, analysis, model)
    hits = sorted(analysis.hits + labels.hits, key=lambda h: (h.start, h.end))
    context = DocContext(doc, analysis.lang)
    segments = split(doc.text, hits, context.has_new_anchor) or told_without_cues(doc.text, hits, labels)
    if not segments:
        return []
    context.segments = segments
    mentions = score_mentions(doc.text, analysis.lang, doc.published,
                              {"place": context.places, "nationality": context.nationalities, "date": context.dates},
                              analysis, model)
    incidents = [build(doc, segment, hits, analysis.lang, context, labels, mentions) for segment in segments]
    attach_outside(incidents, segments, labels, doc.id)
    return merge_retold(incidents)
