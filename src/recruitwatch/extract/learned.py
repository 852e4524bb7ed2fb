"""The sentence classifier's labels as hits: what the learned layer adds to the cues.

Every sentence of a relevant document is scored for every tactic, actor, status and outcome
code. A code at or above its threshold becomes a hit over the sentence (``lang`` ``"model"``),
beside the cue hits: segmentation and field assembly treat it like a cue, so a tactic can come
from the classifier alone, and its evidence is the sentence that carried it. The probabilities
stay available for each field's confidence.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from recruitwatch.extract.cues import CueHit
from recruitwatch.learn.examples import sentence_features

if TYPE_CHECKING:
    from recruitwatch.analysis import TextAnalysis
    from recruitwatch.learn.model import Model

MODEL_LANG = "model"
CATEGORY = {"tactics": "tactic", "actors": "actor", "status": "status", "outcome": "outcome"}
FIELD = {v: k for k, v in CATEGORY.items()}
#: Confidence of a value that only a cue found (the model gave it little weight): about the
#: precision cue-only values had on the development corpus.
RULE_CONFIDENCE = 0.6


@dataclass(slots=True)
class SentenceLabels:
    spans: list[tuple[int, int]]
    probabilities: np.ndarray  # (sentences, labels)
    index: dict[str, int]  # "tactics:document_seizure" -> column
    hits: list[CueHit]
    _starts: list[int] | None = None

    def probability(self, field: str, code: str, start: int, end: int) -> float:
        """The highest probability of a code over the sentences that start in [start, end)."""
        j = self.index.get(f"{field}:{code}")
        if j is None:
            return 0.0
        starts = [a for a, _ in self.spans] if self._starts is None else self._starts
        self._starts = starts
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)  # sentences starting in [start, end)
        return float(self.probabilities[lo:hi, j].max()) if hi > lo else 0.0

    def confidence(self, field: str, code: str, start: int, end: int, hit: CueHit | None) -> float:
        """A value's confidence: the model's probability, raised when a cue also found it."""
        p = self.probability(field, code, start, end)
        if hit is not None and hit.lang != MODEL_LANG:
            p = 1.0 - (1.0 - RULE_CONFIDENCE) * (1.0 - p)
        return round(p, 3)


def label_sentences(text: str, analysis: "TextAnalysis", model: "Model | None") -> SentenceLabels:
    """Probabilities for every sentence, and a hit for each code at or above its threshold
    (no model: no labels, every probability 0)."""
    spans = analysis.sentence_spans
    if model is None:
        return SentenceLabels(spans, np.zeros((len(spans), 0), dtype=np.float32), {}, [])
    cues = analysis.sentence_cue_codes()
    lin = model.sentence
    probs = np.zeros((len(spans), len(lin.labels)), dtype=np.float32)
    hits: list[CueHit] = []
    for i, (start, end) in enumerate(spans):
        p = lin.probabilities(sentence_features(text, spans, cues, i, analysis.lang))
        probs[i] = p
        a = start + len(text[start:end]) - len(text[start:end].lstrip())
        for j in np.flatnonzero(p >= lin.thresholds):
            field, _, code = lin.labels[j].partition(":")
            hits.append(CueHit(CATEGORY[field], code, a, end, text[a:end], MODEL_LANG))
    return SentenceLabels(spans, probs, {label: j for j, label in enumerate(lin.labels)}, hits)
