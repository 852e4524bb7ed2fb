"""Screening: language identification and relevance, in two tiers.

``screen(doc)`` sets ``doc.lang`` (when unset), ``doc.relevance`` (0..1), ``doc.relevant`` and
``doc.reasons``. The first tier (:mod:`.prefilter`) is one regex pass that rejects most
unrelated news; the second (:mod:`.relevance`) weighs cue co-occurrence and negative cues.
"""

from __future__ import annotations

from recruitwatch.records import Document
from recruitwatch.screen.langid import detect_language, language_spans
from recruitwatch.screen.prefilter import get_prefilter
from recruitwatch.screen.relevance import THRESHOLD, judge

__all__ = ["screen", "detect_language", "language_spans", "THRESHOLD"]


def screen(doc: Document) -> Document:
    """The document with lang, relevance, relevant and reasons set."""
    text = doc.text or ""
    head = f"{doc.title}\n{text}" if doc.title else text
    passed, stems = get_prefilter().check(head)
    if not doc.lang or doc.lang == "und":
        doc.lang = detect_language(text[:5000]) if passed else _cheap_lang(text)
    if not passed:
        doc.relevance = 0.0
        doc.relevant = False
        doc.reasons = ["prefilter: no military + migrant vocabulary together"]
        return doc
    verdict = judge(text, doc.lang, doc.title)
    doc.relevance = round(verdict.score, 3)
    doc.relevant = verdict.relevant
    doc.reasons = verdict.reasons or [f"prefilter stems: {', '.join(sorted(stems)[:4])}; no co-occurrence"]
    return doc


def _cheap_lang(text: str) -> str:
    # Rejected documents still get a language, from a short sample (keeps the first tier cheap).
    return detect_language(text[:600])
