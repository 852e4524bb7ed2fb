"""The sentence classifier's labels as hits: what the learned layer adds to the cues.

Every sentence of a relevant document is scored for every tactic, actor, status and outcome
code. A code at or above its threshold becomes a hit over the sentence (``lang`` ``"model"``),
beside the cue hits: segmentation and field assembly treat it like a cue, so a tactic can come
from the classifier alone, and its evidence is the sentence that carried it. The probabilities
stay available for each field's confidence.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from recruitwatch.learn.examples import in_dateline, sentence_features
from recruitwatch.records import CueHit, Evidence, Incident

if TYPE_CHECKING:
    from recruitwatch.extract.segment import Segment
    from recruitwatch.learn.model import Model
    from recruitwatch.records import DocumentMentions, TextAnalysis

MODEL_LANG = "model"
CATEGORY = {"tactics": "tactic", "actors": "actor", "status": "status", "outcome": "outcome"}
FIELD = {v: k for k, v in CATEGORY.items()}
#: Confidence of a value that only a cue found (the model gave it little weight): about the
#: precision cue-only values had on the development corpus.
RULE_CONFIDENCE = 0.6


@dataclass
class SentenceLabels:
    spans: list[tuple[int, int]]
    probabilities: np.ndarray  # (sentences, labels)
    index: dict[str, int]  # "tactics:document_seizure" -> column
    hits: list[CueHit]

    def __post_init__(self) -> None:
        self.starts = [a for a, _ in self.spans]  # sorted: sentences in a range are a bisection away

    def probability(self, field: str, code: str, start: int, end: int) -> float:
        """The highest probability of a code over the sentences that start in [start, end)."""
        j = self.index.get(f"{field}:{code}")
        if j is None:
            return 0.0
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return float(self.probabilities[lo:hi, j].max()) if hi > lo else 0.0

    def confidence(self, field: str, code: str, start: int, end: int, hit: CueHit | None) -> float:
        """A value's confidence: the model's probability, raised when a cue also found it."""
        p = self.probability(field, code, start, end)
        if hit is not None and hit.lang != MODEL_LANG:
            p = 1.0 - (1.0 - RULE_CONFIDENCE) * (1.0 - p)
        return round(p, 3)


def label_sentences(text: str, analysis: TextAnalysis, model: Model | None,
                    tokens: Sequence[list[str]] | None = None) -> SentenceLabels:
    """Probabilities for every sentence, and a hit for each code at or above its threshold
    (no model: no labels, every probability 0). ``tokens``: the sentences' words, when already read."""
    spans = analysis.sentence_spans
    if model is None:
        return SentenceLabels(spans, np.zeros((len(spans), 0), dtype=np.float32), {}, [])
    cues = analysis.sentence_cue_codes()
    lin = model.sentence
    probs = np.zeros((len(spans), len(lin.labels)), dtype=np.float32)
    for i in range(len(spans)):
        probs[i] = lin.probabilities(sentence_features(text, spans, cues, i, analysis.lang,
                                                       None if tokens is None else tokens[i]))
    hits: list[CueHit] = []
    above = np.nonzero(probs >= lin.thresholds)  # by sentence, then by label
    for i, j in zip(above[0].tolist(), above[1].tolist()):
        start, end = spans[i]
        a = start + len(text[start:end]) - len(text[start:end].lstrip())
        field, _, code = lin.labels[j].partition(":")
        hits.append(CueHit(CATEGORY[field], code, a, end, text[a:end], MODEL_LANG))
    return SentenceLabels(spans, probs, {label: j for j, label in enumerate(lin.labels)}, hits)


#: A mention the rules did not choose joins the incident when the model gives it at least ADD;
#: a rule's choice is dropped when the model gives it less than DROP. Set on held-out folds of
#: the training corpus (docs/extraction.md).
ADD = {"place": 0.55, "nationality": 0.7, "date": 0.6}
DROP = {"place": 0.15, "nationality": 0.3, "date": 0.25}
#: With FILL_ONLY, the model adds mentions only when the rules chose none for the segment.
FILL_ONLY = {"place": False, "nationality": False}
#: When the rules choose several nationalities for a case (a text that names the victims' origin
#: beside other nationalities: the migrants an office serves, a co-worker, a recruiter), each
#: must reach SEVERAL (the likeliest is always kept). Set on the held-out folds and the development
#: corpus together: on the folds 0.3 / 0.5 / 0.6 gave nationalities 0.880 / 0.885 / 0.886 (0.876
#: without), on the development corpus's real multi-origin reports 0.3 / 0.4 / 0.5 / 0.6 give
#: 0.898 / 0.889 / 0.850 / 0.850: 0.4 (above DROP, so it still acts) keeps most of both.
SEVERAL = {"place": 0.0, "nationality": 0.4}
#: A document whose cases carry different dates keeps each case's date only from this confidence
#: (the surest one always stays). Set on held-out folds.
DATE_SEVERAL = 0.4
#: When the model doubts the rules' date, its likeliest other mention of the case replaces it from
#: FALLBACK (else the case has no date).
FALLBACK = 0.35
MARGIN = 0.2  # the model's date replaces the rules' only when it is this much likelier
#: A more precise date of the same period, anywhere in the document but a dateline, replaces the
#: chosen one from this probability (a lead or a later paragraph often gives the day the case
#: paragraph leaves out); a region of a country chosen, from REFINE_PLACE.
REFINE = 0.3
#: A date the text gives only as a year is refined by a month or day of that year from REFINE_YEAR.
REFINE_YEAR = 0.1
REFINE_PLACE = 0.5
Span = tuple[int, int]


@dataclass(slots=True)
class MentionScores:
    """The model's probability that each found mention is a value of the case."""

    scores: dict[tuple[str, int, int, str], float]
    by_group: dict[str, list[tuple[int, int, str, float]]]  # group -> (start, end, value, p), by start
    # Look-ups made once per document, so a document of many cases stays linear in its mentions:
    _starts: dict[str, list[int]] = field(default_factory=dict)  # group -> the starts of by_group[group]
    _finer: dict[str, list[tuple[int, int, str, float]]] | None = None  # "YYYY"/"YYYY-MM" -> finer dates, likeliest first

    def probability(self, group: str, span: Span, value: str) -> float | None:
        return self.scores.get((group, span[0], span[1], value))

    def confidence(self, group: str, span: Span, value: str, by_rule: bool) -> float:
        p = self.probability(group, span, value)
        if p is None:
            return RULE_CONFIDENCE
        return round(1.0 - (1.0 - RULE_CONFIDENCE) * (1.0 - p) if by_rule else p, 3)

    def inside(self, group: str, start: int, end: int) -> list[tuple[int, int, str, float]]:
        found = self.by_group.get(group, [])
        starts = self._starts.get(group)
        if starts is None:
            starts = self._starts[group] = [c[0] for c in found]
        return found[bisect_left(starts, start):bisect_left(starts, end)]

    def finer_dates(self, date: str) -> list[tuple[int, int, str, float]]:
        """The date mentions more precise than ``date`` ("2024" -> "2024-03", "2024-03-05"), the
        likeliest first (the earliest of equals)."""
        if self._finer is None:
            self._finer = {}
            for c in self.by_group.get("date", ()):
                for n in (4, 7):
                    if len(c[2]) > n + 1 and c[2][n] == "-":
                        self._finer.setdefault(c[2][:n], []).append(c)
            for found in self._finer.values():
                found.sort(key=lambda c: (-c[3], c[0]))
        return self._finer.get(date, [])

    def adjust(self, group: str, chosen: dict[str, Span], start: int, end: int) -> tuple[dict[str, Span], set[str]]:
        """The rules' choice for a segment, with confident mentions added and doubtful ones
        dropped; also which codes the model added."""
        out = {code: span for code, span in chosen.items()
               if (p := self.probability(group, span, code)) is None or p >= DROP[group]}
        if len(out) > 1 and SEVERAL[group]:
            p_of = {code: p if (p := self.probability(group, span, code)) is not None else 1.0
                    for code, span in out.items()}
            top = max(p_of.values())
            out = {code: span for code, span in out.items() if p_of[code] >= SEVERAL[group] or p_of[code] == top}
        added: set[str] = set()
        if FILL_ONLY[group] and out:
            return out, added
        taken = list(chosen.values())  # mentions the rules already read (as whatever code)
        for a, b, value, p in self.inside(group, start, end):
            if any(a < y and x < b for x, y in taken):
                continue  # "near Moscow" read as the Moscow region is not also Moscow
            if p >= ADD[group] and value not in out and not any(c.startswith(value + "-") for c in out):
                out[value] = (a, b)
                added.add(value)
        for code in [c for c in out if "-" not in c]:  # a country the text names a likely region of
            regions = [c for c in self.by_group.get(group, ()) if c[2].startswith(code + "-") and c[3] >= REFINE_PLACE]
            if regions:
                a, b, value, _ = max(regions, key=lambda c: (c[3], -c[0]))
                out[value] = (a, b)
                added.add(value)
        for code in list(out):  # a country code says less than a region of it also chosen
            if "-" not in code and any(c.startswith(code + "-") for c in out):
                del out[code]
                added.discard(code)
        return out, added

    def adjust_date(self, date: str | None, precision: str | None, span: Span | None, start: int, end: int,
                    found: DocumentMentions, text: str = ""
                    ) -> tuple[str | None, str | None, Span | None, bool]:
        """The segment's date: the mention the model is surest of when it is sure enough, else the
        rules' date unless the model doubts it (then its likeliest other mention of the case from
        FALLBACK, else none); then, at the precision the text supports, a more
        precise mention of the same year or month, anywhere in the document, that the model finds
        likely (rule 10). A date in
        a dateline dates the report: it never replaces a date the rules found for the act."""
        candidates = self.inside("date", start, end)
        if date and text:
            candidates = [c for c in candidates if not in_dateline(text, c[0])]
        best = max(candidates, key=lambda c: (c[3], -c[0]), default=None)
        learned = False
        rule_p = self.probability("date", span, date) if date and span else None
        if best is not None and best[3] >= ADD["date"] and best[2] != date \
                and (rule_p is None or best[3] >= rule_p + MARGIN):
            date, precision, span, learned = best[2], found.date_precision(best[0], best[1], best[2]), (best[0], best[1]), True
        elif rule_p is not None and rule_p < DROP["date"]:
            if best is None or best[3] < FALLBACK or best[2] == date:
                return None, None, None, False
            # the rules' date is doubted: the likeliest other mention of the case, if likely enough
            date, precision, span, learned = best[2], found.date_precision(best[0], best[1], best[2]), (best[0], best[1]), True
        if date:
            least = REFINE_YEAR if len(date) == 4 else REFINE
            finer = next((c for c in self.finer_dates(date)
                          if c[3] >= least and not (text and in_dateline(text, c[0]))), None)
            if finer is not None:
                a, b, value, _ = finer
                date, precision, span, learned = value, found.date_precision(a, b, value), (a, b), True
        return date, precision, span, learned


def score_mentions(text: str, lang: str, published: str | None, groups: dict[str, list], analysis: TextAnalysis,
                   model: Model | None, tokens: Sequence[list[str]] | None = None) -> MentionScores:
    """Probabilities for every place, nationality and date mention (no model: none). ``tokens``:
    the words of the analysis's sentences in ``lang``, when already read."""
    from recruitwatch.learn.examples import mention_examples

    if model is None:
        return MentionScores({}, {})
    scores: dict[tuple[str, int, int, str], float] = {}
    by_group: dict[str, list[tuple[int, int, str, float]]] = {g: [] for g in groups}
    linears = {"place": model.place, "nationality": model.nationality, "date": model.date}
    for group, m, feats in mention_examples(text, lang, published, groups, analysis.sentence_spans,
                                            analysis.sentence_cue_codes(), tokens):
        p = linears[group].probability(feats)
        scores[(group, m.start, m.end, m.value)] = max(p, scores.get((group, m.start, m.end, m.value), 0.0))
        by_group[group].append((m.start, m.end, m.value, p))
    for found in by_group.values():
        found.sort(key=lambda c: c[0])  # (mention_examples gives each group by start already)
    return MentionScores(scores, by_group)


#: A relevant document the ``cases`` classifier gives less than SINGLE of telling several cases
#: tells one: its incidents are one case. From NONE, it tells none (law, policy, statistics).
#: Set on held-out folds of the training corpus (docs/extraction.md).
SINGLE = 0.1
NONE = 0.25


def case_probabilities(model: Model | None, feats: set[str]) -> tuple[float, float]:
    """(P(several cases), P(no case)) of a relevant document, from the document classifier's
    features; without a model (the rule-only baseline) neither is known: (1.0, 0.0)."""
    if model is None:
        return 1.0, 0.0
    p = model.cases.probabilities(feats)
    return float(p[model.cases.labels.index("several")]), float(p[model.cases.labels.index("none")])


#: The least probability for a label outside every case's paragraphs to join the case before it.
OUTSIDE = 0.7
#: A document whose paragraphs the segmentation rules anchor nowhere still holds a case when a
#: tactic label reaches this probability (segment.told_without_cues). Set on held-out folds.
LEARNED_ANCHOR = 0.6


def attach_outside(incidents: list[Incident], segments: list[Segment], labels: SentenceLabels,
                   document_id: str) -> None:
    """Tactics and actors the sentence classifier found in sentences outside every incident's
    paragraphs (a lead, a closing paragraph, a quote set apart) belong to the case told nearest
    before them (else the first): the segmentation rules anchor cases on cues, and a case told
    in other words keeps its tactics."""
    if not incidents:
        return
    inside = [(seg.start, seg.end) for seg in segments]
    for hit in labels.hits:
        if hit.category not in ("tactic", "actor") or any(a <= hit.start < b for a, b in inside) \
                or labels.probability(FIELD[hit.category], hit.code, hit.start, hit.end) < OUTSIDE:
            continue
        k = max((i for i, (a, _) in enumerate(inside) if a <= hit.start), default=0)
        field = FIELD[hit.category]
        codes = incidents[k].tactics if field == "tactics" else incidents[k].actors
        if hit.code in codes:
            continue
        codes.append(hit.code)
        codes.sort()
        p = labels.probability(field, hit.code, hit.start, hit.end)
        incidents[k].evidence.append(Evidence(field=field, value=hit.code, start=hit.start, end=hit.end,
                                              text=hit.text, document_id=document_id, confidence=round(p, 3)))
    for incident in incidents:
        incident.confidence = min((e.confidence for e in incident.evidence if e.confidence is not None), default=None)


def date_confidence(incident: Incident) -> float:
    """The confidence of an incident's date (its evidence's), 0 when it has none."""
    return max((e.confidence or 0.0 for e in incident.evidence if e.field == "date" and e.value == incident.date),
               default=0.0)


def doubtful_dates(incidents: list[Incident]) -> None:
    """The cases of a document dated differently: a date less sure than DATE_SEVERAL is dropped
    (the surest stays), as a date the text does not tie firmly to its case."""
    dates = {inc.date for inc in incidents if inc.date}
    if len(dates) < 2 or not DATE_SEVERAL:
        return
    confidences = [date_confidence(inc) for inc in incidents]
    top = max(confidences)
    surest = {inc.date for inc, c in zip(incidents, confidences) if c == top}
    for inc, c in zip(incidents, confidences):
        if inc.date and inc.date not in surest and c < DATE_SEVERAL:
            inc.date, inc.date_precision = None, None
            inc.evidence = [e for e in inc.evidence if e.field != "date"]
            inc.confidence = min((e.confidence for e in inc.evidence if e.confidence is not None), default=None)
