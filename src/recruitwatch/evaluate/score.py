"""Score predictions against gold documents, exactly as the design document defines it.

* relevance: precision, recall and F1 of the ``relevant`` label over documents;
* for each field: per document the set of values over all its incidents (``unknown`` and
  null left out), micro-averaged over documents. Values predicted for a document whose gold
  is not relevant are false positives;
* a predicted place more specific than a gold country code matches it (``RU-MOW`` for ``RU``);
  a predicted date matches when it agrees with the gold date to the gold's precision;
* incidents per relevant document: mean absolute error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recruitwatch.errors import EvalError

FIELDS = ("places", "nationalities", "actors", "tactics", "status", "outcome", "date")
CODED_FIELDS = ("tactics", "actors", "status", "outcome")
ALL_LANGS = "all"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Group:
    """Scores over one group of documents (all, or one language)."""

    documents: int = 0
    relevance: Counts = field(default_factory=Counts)
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    count_abs_error: float = 0.0
    relevant_documents: int = 0

    @property
    def count_mae(self) -> float:
        return self.count_abs_error / self.relevant_documents if self.relevant_documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "relevance": self.relevance.to_dict(),
                "fields": {f: c.to_dict() for f, c in self.fields.items()},
                "incident_count_mae": round(self.count_mae, 4)}


@dataclass
class Report:
    groups: dict[str, Group]
    missing_predictions: list[str]
    #: field -> code -> counts, over all documents (the coded fields: which codes are weak)
    codes: dict[str, dict[str, Counts]] = field(default_factory=dict)
    #: per document with any error: relevance (gold, predicted) and each field's missing/spurious values
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> Group:
        return self.groups[ALL_LANGS]

    def languages(self) -> list[str]:
        return sorted(k for k in self.groups if k != ALL_LANGS)

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.to_dict(),
                "by_language": {lang: self.groups[lang].to_dict() for lang in self.languages()},
                "by_code": {f: {c: n.to_dict() for c, n in sorted(codes.items())} for f, codes in self.codes.items()},
                "missing_predictions": self.missing_predictions}


def field_values(doc: dict[str, Any], name: str) -> set[str]:
    """The union of a field's values over a document's incidents, without unknown and null."""
    values: set[str] = set()
    for incident in doc.get("incidents") or []:
        raw = incident.get(name)
        items = raw if isinstance(raw, list) else [raw]
        values.update(str(v) for v in items if v not in (None, "", "unknown"))
    return values


def _matches(name: str, predicted: str, gold: str) -> bool:
    if predicted == gold:
        return True
    if name == "places":  # a subdivision inside a gold country code
        return "-" not in gold and predicted.startswith(gold + "-")
    if name == "date":  # agrees to the gold's precision
        return predicted.startswith(gold + "-")
    return False


def match_values(name: str, predicted: set[str], gold: set[str]) -> tuple[int, set[str], set[str]]:
    """One-to-one matching, exact matches first, then the looser place/date rule:
    (matches, spurious predicted values, missing gold values)."""
    pred_left = set(predicted)
    gold_left = set(gold)
    tp = 0
    for value in sorted(pred_left & gold_left):
        pred_left.discard(value)
        gold_left.discard(value)
        tp += 1
    for g in sorted(gold_left):
        hit = next((p for p in sorted(pred_left) if _matches(name, p, g)), None)
        if hit is not None:
            pred_left.discard(hit)
            gold_left.discard(g)
            tp += 1
    return tp, pred_left, gold_left


def match_counts(name: str, predicted: set[str], gold: set[str]) -> Counts:
    tp, spurious, missing = match_values(name, predicted, gold)
    return Counts(tp=tp, fp=len(spurious), fn=len(missing))


def score(gold_docs: Iterable[dict[str, Any]], pred_docs: Iterable[dict[str, Any]]) -> Report:
    predictions = {str(d["id"]): d for d in pred_docs}
    groups: dict[str, Group] = defaultdict(Group)
    missing: list[str] = []
    codes: dict[str, dict[str, Counts]] = {f: defaultdict(Counts) for f in CODED_FIELDS}
    errors: list[dict[str, Any]] = []
    for gold in gold_docs:
        doc_id = str(gold["id"])
        pred = predictions.get(doc_id)
        if pred is None:
            missing.append(doc_id)
            pred = {"id": doc_id, "relevant": False, "incidents": []}
        gold_rel = bool(gold.get("relevant"))
        pred_rel = bool(pred.get("relevant"))
        pred_incidents = pred.get("incidents") or []
        wrong: dict[str, Any] = {}
        for name in FIELDS:
            gold_values = field_values(gold, name) if gold_rel else set()
            _, spurious, absent = match_values(name, field_values(pred, name), gold_values)
            if spurious or absent:
                wrong[name] = {"missing": sorted(absent), "spurious": sorted(spurious)}
            if name in CODED_FIELDS:
                for code in gold_values | field_values(pred, name):
                    codes[name][code].add(Counts(tp=int(code not in absent and code not in spurious),
                                                 fp=int(code in spurious), fn=int(code in absent)))
        if wrong or gold_rel != pred_rel:
            errors.append({"id": doc_id, "lang": gold.get("lang"), "relevant": {"gold": gold_rel, "predicted": pred_rel},
                           "incidents": {"gold": len(gold.get("incidents") or []), "predicted": len(pred_incidents)},
                           "fields": wrong})
        for key in (ALL_LANGS, gold.get("lang") or "und"):
            group = groups[key]
            group.documents += 1
            group.relevance.add(Counts(tp=int(gold_rel and pred_rel), fp=int(pred_rel and not gold_rel),
                                       fn=int(gold_rel and not pred_rel)))
            for name in FIELDS:
                gold_values = field_values(gold, name) if gold_rel else set()
                group.fields[name].add(match_counts(name, field_values(pred, name), gold_values))
            if gold_rel:
                group.relevant_documents += 1
                group.count_abs_error += abs(len(gold.get("incidents") or []) - len(pred_incidents))
    groups.setdefault(ALL_LANGS, Group())
    return Report(groups=dict(groups), missing_predictions=missing, codes={f: dict(c) for f, c in codes.items()},
                  errors=errors)


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Documents of a JSONL file; a malformed line is an EvalError naming the file and line."""
    from recruitwatch.evaluate.gold import iter_gold

    docs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, doc in iter_gold(path):
        if "id" not in doc:
            raise EvalError(f"{path}:{number}: each line must be a JSON object with an `id`")
        if str(doc["id"]) in seen:
            raise EvalError(f"{path}:{number}: duplicate id {doc['id']!r}")
        seen.add(str(doc["id"]))
        docs.append(doc)
    return docs
