"""Screening: language identification and relevance, in two tiers, both learned.

``screen(doc)`` sets ``doc.lang`` (when unset), ``doc.relevance`` (0..1), ``doc.relevant`` and
``doc.reasons``; :func:`screen_document` also returns the text's :class:`TextAnalysis`
(sentences, cue hits) for extraction, so nothing is computed twice.

1. The first tier reads words and stems only (the model's ``quick`` classifier, a few dozen
   dictionary look-ups) and lets through everything a relevant document could be, at the
   threshold that kept 99.5% of relevant documents held out of training. The cue prefilter
   (:mod:`.prefilter`, one regex pass) lets a document through as well: either is enough, and
   no cue list is required.
2. The second tier reads the whole text: words, stems, stem pairs, every cue hit and the rule
   score of :mod:`.relevance` (co-occurring cues, negative cues) are the features of the
   ``document`` classifier, whose probability is the relevance score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recruitwatch.records import Document
from recruitwatch.screen.langid import detect_language, language_spans
from recruitwatch.screen.prefilter import get_prefilter
from recruitwatch.screen.relevance import THRESHOLD

if TYPE_CHECKING:
    from recruitwatch.records import TextAnalysis

__all__ = ["screen", "screen_document", "read_document", "detect_language", "language_spans", "THRESHOLD"]


def screen(doc: Document, learned: bool = True) -> Document:
    """The document with lang, relevance, relevant and reasons set."""
    return screen_document(doc, learned)[0]


def screen_document(doc: Document, learned: bool = True) -> tuple[Document, TextAnalysis | None]:
    """Screen a document; the text analysis comes back when the second tier read it.

    ``learned=False`` screens with the rules alone (the cue prefilter, then the rule score):
    the baseline each blind round is compared with."""
    from recruitwatch.learn.examples import doc_features, quick_probability
    from recruitwatch.learn.model import load_model

    text = doc.text or ""
    if not doc.lang or doc.lang == "und":
        doc.lang = detect_language(text[:5000]) if text.strip() else "und"
    head = f"{doc.title}\n{text}" if doc.title else text
    passed, _ = get_prefilter().check(head)
    if not learned:
        if not passed:
            doc.relevance, doc.relevant = 0.0, False
            doc.reasons = ["prefilter: no military + migrant vocabulary together"]
            return doc, None
        analysis = read_document(text, doc.lang, doc.title)
        doc.relevance, doc.relevant = round(analysis.rule_score, 3), analysis.rule_score >= THRESHOLD
        doc.reasons = analysis.rule_reasons or ["no co-occurrence of military and migrant cues"]
        return doc, analysis
    model = load_model()
    quick = 1.0 if passed else quick_probability(model.quick, text, doc.title, doc.lang)
    if quick < model.quick.thresholds[0]:
        doc.relevance = round(quick, 3)
        doc.relevant = False
        doc.reasons = [f"first tier: words and stems give p={quick:.2f}, and no military + migrant vocabulary together"]
        return doc, None
    analysis = read_document(text, doc.lang, doc.title)
    feats = analysis.features = doc_features(text, doc.title, doc.lang, analysis.cue_codes(), analysis.rule_score)
    p = model.document.probability(feats)
    doc.relevance = round(p, 3)
    doc.relevant = bool(p >= model.document.thresholds[0])
    top = ", ".join(_describe(f) for f in model.document.top_features(feats, 0, 4))
    doc.reasons = [f"model: p={p:.2f} (strongest signs: {top})"] + analysis.rule_reasons[:4]
    return doc, analysis


def read_document(text: str, lang: str | None, title: str | None = None) -> TextAnalysis:
    """The text read once (sentences, cue hits) with the rule judgement of its relevance."""
    from recruitwatch.screen.relevance import judge
    from recruitwatch.text.analysis import read_text

    if not lang or lang == "und":
        lang = detect_language(text[:5000])
    analysis = read_text(text, lang)
    verdict = judge(text, lang, title, analysis.hits)
    analysis.rule_score, analysis.rule_reasons = verdict.score, verdict.reasons
    return analysis


def _describe(feature: str) -> str:
    kind, _, value = feature.partition("|")
    return {"w": f"word '{value}'", "p": f"stem '{value}-'", "b": f"'{value}'", "c": f"cue {value}",
            "r": f"rule score band {value}/4", "L": f"language {value}"}.get(kind, feature)
