"""Extraction: a screened, relevant document -> incident records with evidence.

``extract(doc, analysis)`` returns one :class:`~recruitwatch.records.Incident` per distinct
case or recruitment drive (none for documents that only give policy, law or statistics). It
reads the :class:`~recruitwatch.text.analysis.TextAnalysis` screening computed (language, sentences,
cue hits) and adds the sentence classifier's labels as hits of their own
(:mod:`.learned`); the finders read the document's mentions once (a ``DocumentMentions`` record)
and :mod:`.geo_select` chooses among them; the ``cases`` classifier finally says whether the
document tells several cases, one, or none. Every value carries evidence and a confidence.
Lexicons, gazetteer and model load once per process; the function keeps no state between calls.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from recruitwatch.extract import learned as layer
from recruitwatch.extract.geo_select import Selector
from recruitwatch.extract.incidents import build, has_new_anchor, mention_groups, merge_all, merge_retold, read_mentions
from recruitwatch.extract.learned import attach_outside, case_probabilities, label_sentences, score_mentions
from recruitwatch.extract.segment import split, told_without_cues
from recruitwatch.learn.examples import doc_features, sentence_words
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
    # The words of each sentence, read once for the sentence labels and the mentions' features.
    tokens = sentence_words(doc.text, analysis.sentence_spans, analysis.lang) if model is not None else None
    labels = label_sentences(doc.text, analysis, model, tokens)
    hits = sorted(analysis.hits + labels.hits, key=lambda h: (h.start, h.end))
    found = read_mentions(doc, analysis.lang)
    segments = split(doc.text, hits, partial(has_new_anchor, found)) or told_without_cues(doc.text, hits, labels)
    if not segments:
        return []
    selector = Selector(found, segments)
    mentions = score_mentions(doc.text, analysis.lang, doc.published, mention_groups(found), analysis, model, tokens)
    incidents = [build(doc, segment, hits, found, selector, labels, mentions) for segment in segments]
    attach_outside(incidents, segments, labels, doc.id)
    incidents = merge_retold(incidents)
    if model is None:
        return incidents
    # How many cases the whole document tells (the learned ``cases`` classifier): none, one or several.
    several, none = case_probabilities(model, analysis.features or doc_features(
        doc.text, doc.title, doc.lang, analysis.cue_codes(), analysis.rule_score))
    if none >= layer.NONE:
        return []
    incidents = merge_all(incidents) if several < layer.SINGLE else incidents
    layer.doubtful_dates(incidents)
    return incidents
