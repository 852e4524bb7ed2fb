"""`recruitwatch train`: rebuild the shipped model from the project's annotated corpus.

Examples come from gold JSONL documents (``corpus/``):

* every document is one relevance example (``quick`` and ``document`` classifiers);
* every sentence of a document whose incidents carry ``field_evidence`` is one example for the
  ``sentence`` classifier, labelled with each code whose key phrase lies in that sentence
  (a sentence of a document that is not relevant carries no label).

Each label is a logistic regression (scikit-learn, liblinear: deterministic and quick on sparse
data). Its decision threshold is the one with the best F1 on predictions for documents held out
of training (3 folds grouped by document), so rare codes are not drowned by their negatives.
The same corpus gives the same model file, byte for byte.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recruitwatch.learn.examples import doc_features, quick_doc_features, sentence_features
from recruitwatch.learn.model import Linear, Model
from recruitwatch.taxonomy.vocabulary import ACTORS, OUTCOMES, STATUSES, TACTICS

SENTENCE_LABELS = tuple(
    [f"tactics:{c}" for c in TACTICS] + [f"actors:{c}" for c in ACTORS]
    + [f"status:{c}" for c in STATUSES if c != "unknown"] + [f"outcome:{c}" for c in OUTCOMES if c != "unknown"])
MIN_DF = 2
MAX_FEATURES = {"quick": 60000, "document": 150000, "sentence": 150000, "place": 40000, "nationality": 40000,
                "date": 40000, "cases": 60000}
C = {"quick": 4.0, "document": 8.0, "sentence": 8.0, "place": 2.0, "nationality": 2.0, "date": 2.0, "cases": 2.0}
#: What the ``cases`` classifier says of a relevant document: it tells several separate cases
#: (a digest), or none (law, policy or statistics only). Neither: one case.
CASE_LABELS = ("several", "none")
#: Each sentence code is rare (a few dozen of thousands of sentences): weighting the classes
#: evenly keeps the rare codes from being learned as "never" (held-out F1 0.42 -> 0.51).
BALANCED = {"sentence"}
FOLDS = 3


@dataclass
class Examples:
    feats: list[set[str]] = field(default_factory=list)
    labels: list[set[str]] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # the document each example comes from
    #: labels an example is neither a positive nor a negative of (not learned from it)
    unknown: list[frozenset[str]] = field(default_factory=list)


@dataclass
class TrainReport:
    documents: int
    relevant: int
    sentences: int
    labelled_sentences: int
    vocabulary: dict[str, int]
    heldout_f1: dict[str, float]
    label_support: dict[str, int]
    seconds: float
    digest: str = ""
    size: int = 0


def sentence_labels(text: str, spans: Sequence[tuple[int, int]], incidents: list[dict[str, Any]]) -> list[set[str]]:
    """The codes each sentence carries, from the incidents' ``field_evidence`` key phrases."""
    labels: list[set[str]] = [set() for _ in spans]
    for inc in incidents:
        fe = inc.get("field_evidence") or {}
        pairs = [(f"{name}:{code}", phrase) for name in ("tactics", "actors")
                 for code, phrase in (fe.get(name) or {}).items()]
        pairs += [(f"{name}:{inc.get(name)}", fe.get(name)) for name in ("status", "outcome") if fe.get(name)]
        for label, phrase in pairs:
            if label not in SENTENCE_LABELS or not isinstance(phrase, str) or not phrase:
                continue
            pos = text.find(phrase)
            while pos >= 0:
                end = pos + len(phrase)
                for k, (a, b) in enumerate(spans):
                    if a < end and pos < b:
                        labels[k].add(label)
                pos = text.find(phrase, pos + 1)
    return labels


MENTION_GROUPS = ("place", "nationality", "date")


def mention_label(group: str, value: str, incidents: list[dict[str, Any]]) -> bool:
    """Whether a mention's value is one of the document's gold values (as the scorer matches them)."""
    if group == "date":
        golds = {i.get("date") for i in incidents if i.get("date")}
        return any(value == g or value.startswith(g + "-") for g in golds)
    name = "places" if group == "place" else "nationalities"
    golds = {v for i in incidents for v in i.get(name) or []}
    return value in golds or ("-" in value and value.split("-")[0] in golds)


def document_mentions(text: str, lang: str, published: str | None) -> dict[str, list]:
    """The finders' mentions of a text, by group, exactly as extraction reads them."""
    from recruitwatch.extract.incidents import mention_groups, read_mentions
    from recruitwatch.records import Document

    return mention_groups(read_mentions(Document(id="training", origin="corpus", text=text, published=published), lang))


def build_examples(docs: list[dict[str, Any]], progress: Callable[[int], None] | None = None
                   ) -> tuple[Examples, Examples, Examples, dict[str, Examples], Examples]:
    """(quick, document, sentence, mention groups, cases) examples of gold documents."""
    from recruitwatch.learn.examples import mention_examples
    from recruitwatch.screen import read_document

    quick, document, sentence, cases = Examples(), Examples(), Examples(), Examples()
    mentions = {group: Examples() for group in MENTION_GROUPS}
    for n, doc in enumerate(docs):
        text, lang, title = doc["text"], doc.get("lang"), doc.get("title")
        analysis = read_document(text, lang, title)
        label = {"relevant"} if doc.get("relevant") else set()
        quick.feats.append(quick_doc_features(text, title, lang))
        quick.labels.append(label)
        quick.groups.append(n)
        document.feats.append(doc_features(text, title, lang, analysis.cue_codes(), analysis.rule_score))
        document.labels.append(label)
        document.groups.append(n)
        incidents = doc.get("incidents") or []
        if doc.get("relevant"):
            cases.feats.append(document.feats[-1])
            cases.labels.append({"several"} if len(incidents) > 1 else {"none"} if not incidents else set())
            cases.groups.append(n)
        if not doc.get("relevant") or any("field_evidence" in inc for inc in incidents):
            spans = analysis.sentence_spans
            cues = analysis.sentence_cue_codes()
            per_sentence = sentence_labels(text, spans, incidents)
            # A code of the document's incidents is marked on the sentence holding its key
            # phrase; its other sentences may tell it too, in other words, so they teach
            # nothing about that code (neither positive nor negative).
            in_document = frozenset(document_codes(incidents))
            for i in range(len(spans)):
                sentence.feats.append(sentence_features(text, spans, cues, i, lang))
                sentence.labels.append(per_sentence[i])
                sentence.groups.append(n)
                sentence.unknown.append(in_document - per_sentence[i])
        if doc.get("relevant") and incidents:
            found = document_mentions(text, analysis.lang, doc.get("published"))
            for group, m, feats in mention_examples(text, analysis.lang, doc.get("published"), found,
                                                     analysis.sentence_spans, analysis.sentence_cue_codes()):
                mentions[group].feats.append(feats)
                mentions[group].labels.append({group} if mention_label(group, m.value, incidents) else set())
                mentions[group].groups.append(n)
        if progress:
            progress(n + 1)
    return quick, document, sentence, mentions, cases


def document_codes(incidents: list[dict[str, Any]]) -> set[str]:
    """The tactic, actor, status and outcome codes of a document's incidents, as labels."""
    labels = {f"{name}:{code}" for inc in incidents for name in ("tactics", "actors") for code in inc.get(name) or []}
    labels |= {f"{name}:{inc.get(name)}" for inc in incidents for name in ("status", "outcome")}
    return labels & set(SENTENCE_LABELS)



def _vocabulary(feats: list[set[str]], limit: int) -> dict[str, int]:
    df = Counter(f for fs in feats for f in fs)
    kept = sorted((f for f, k in df.items() if k >= MIN_DF), key=lambda f: (-df[f], f))[:limit]
    return {f: i for i, f in enumerate(sorted(kept))}


def _matrix(feats: list[set[str]], vocab: dict[str, int]):
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for fs in feats:
        rows = sorted(vocab[f] for f in fs if f in vocab)
        indices.extend(rows)
        data.extend([1.0 / np.sqrt(len(rows))] * len(rows) if rows else [])
        indptr.append(len(indices))
    return csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr)),
                      shape=(len(feats), len(vocab)))


def _fit(X, y: np.ndarray, c: float, balanced: bool = False) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    if y.sum() == 0 or y.sum() == len(y):
        return np.zeros(X.shape[1]), (-8.0 if y.sum() == 0 else 8.0)
    clf = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=500,
                             class_weight="balanced" if balanced else None)
    clf.fit(X, y)
    return clf.coef_[0], float(clf.intercept_[0])


def _best_threshold(p: np.ndarray, y: np.ndarray, floor: float, ceiling: float) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.arange(floor, ceiling + 1e-9, 0.05):
        pred = p >= t
        tp = float((pred & y).sum())
        f1 = 2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else 0.0
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 2), f1)
    return best


def fit_linear(name: str, ex: Examples, labels: Sequence[str], *, floor: float = 0.2, ceiling: float = 0.8,
               recall_floor: float | None = None) -> tuple[Linear, dict[str, float]]:
    """One classifier: a logistic regression per label, thresholds from held-out folds.

    With ``recall_floor`` the threshold is instead the highest that keeps that recall on held-out
    documents (the first tier of screening must not lose relevant documents)."""
    vocab = _vocabulary(ex.feats, MAX_FEATURES[name])
    X = _matrix(ex.feats, vocab)
    groups = np.array(ex.groups)
    fold_of = groups % FOLDS
    weights = np.zeros((len(vocab), len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    thresholds = np.full(len(labels), 0.5, dtype=np.float32)
    heldout: dict[str, float] = {}
    for j, label in enumerate(labels):
        y = np.array([label in ls for ls in ex.labels])
        known = np.array([label not in u for u in ex.unknown]) if ex.unknown else np.ones(len(y), dtype=bool)
        coef, intercept = _fit(X[known], y[known], C[name], name in BALANCED)
        weights[:, j], bias[j] = coef, intercept
        if y.sum() < 2:
            thresholds[j] = 0.99
            continue
        p = np.zeros(len(y))
        for k in range(FOLDS):
            train, test = (fold_of != k) & known, fold_of == k
            coef_k, intercept_k = _fit(X[train], y[train], C[name], name in BALANCED)
            p[test] = 1.0 / (1.0 + np.exp(-(X[test] @ coef_k + intercept_k)))
        p, y = p[known], y[known]
        if recall_floor is not None:
            t = _recall_threshold(p, y, recall_floor)
            thresholds[j], heldout[label] = t, float(((p >= t) & y).sum() / y.sum())
        else:
            thresholds[j], heldout[label] = _best_threshold(p, y, floor, ceiling)
    return Linear(vocab, weights, bias, tuple(labels), thresholds), heldout


def _recall_threshold(p: np.ndarray, y: np.ndarray, recall: float) -> float:
    positives = np.sort(p[y])
    k = int(np.floor((1.0 - recall) * len(positives)))
    return round(float(max(0.01, min(0.5, positives[k] - 1e-3))), 3)


def corpus_digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def train(paths: Sequence[Path], output: Path, progress: Callable[[str, int, int], None] | None = None) -> TrainReport:
    """Build the model from gold JSONL files and write it to ``output``."""
    from recruitwatch.evaluate.gold import expand, read_gold

    files = expand(paths)
    docs = read_gold(*files)
    if not docs:
        raise ValueError(f"no documents in {', '.join(map(str, paths))}")
    return train_documents(docs, output, progress, {"corpus": corpus_digest(files),
                                                   "files": [p.as_posix() for p in files][:2000]})


def train_documents(docs: list[dict[str, Any]], output: Path, progress: Callable[[str, int, int], None] | None = None,
                    source: dict[str, Any] | None = None) -> TrainReport:
    """Build the model from gold documents and write it to ``output``."""
    started = time.perf_counter()
    quick, document, sentence, mentions, cases = build_examples(
        docs, (lambda n: progress("reading", n, len(docs))) if progress else None)
    if progress:
        progress("fitting", 0, 7)
    quick_lin, quick_held = fit_linear("quick", quick, ("relevant",), recall_floor=0.995)
    document_lin, doc_held = fit_linear("document", document, ("relevant",), floor=0.3, ceiling=0.7)
    sentence_lin, sent_held = fit_linear("sentence", sentence, SENTENCE_LABELS, floor=0.3, ceiling=0.95)
    mention_lins = {}
    for group in MENTION_GROUPS:
        mention_lins[group], held = fit_linear(group, mentions[group], (group,))
        sent_held[f"mention:{group}"] = held.get(group, 0.0)
    cases_lin, held = fit_linear("cases", cases, CASE_LABELS)
    sent_held.update({f"cases:{k}": v for k, v in held.items()})
    support = Counter(label for ls in sentence.labels for label in ls)
    meta = {"documents": len(docs), "relevant": sum(1 for d in docs if d.get("relevant")),
            "sentences": len(sentence.feats), **(source or {}), "label_support": dict(sorted(support.items()))}
    model = Model(quick_lin, document_lin, sentence_lin, mention_lins["place"], mention_lins["nationality"],
                  mention_lins["date"], cases_lin, meta)
    output.parent.mkdir(parents=True, exist_ok=True)
    digest = model.save(output)
    held = {"quick recall": quick_held.get("relevant", 0.0), "document": doc_held.get("relevant", 0.0)}
    held.update(sent_held)
    return TrainReport(len(docs), meta["relevant"], len(sentence.feats), sum(1 for ls in sentence.labels if ls),
                       {"quick": len(quick_lin.vocab), "document": len(document_lin.vocab),
                        "sentence": len(sentence_lin.vocab)}, held, dict(support),
                       time.perf_counter() - started, digest, output.stat().st_size)
