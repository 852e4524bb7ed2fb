"""The shipped model: linear classifiers over sparse binary features, stored as plain arrays.

A :class:`Linear` holds a vocabulary (feature string -> row), a weight matrix with one column
per label, biases and a decision threshold per label. Scoring a span is a sum of the rows of
its known features, scaled by the L2 norm of the binary vector (as in training), plus the bias,
through the logistic function: no scikit-learn at run time, and nothing but numbers is loaded
(no pickle: a model file cannot run code).

The bundle (:class:`Model`) has these classifiers:

* ``quick``: relevance from words and stems only, the cheap first tier of screening;
* ``document``: relevance from words, stems, stem pairs and the cue hits of the whole text;
* ``sentence``: one label per tactic, actor, status and outcome code (``tactics:document_seizure``)
  from a sentence's words and its own and its neighbours' cue hits;
* ``place``, ``nationality``, ``date``: whether a mention the finders found (a toponym, a
  demonym, a date) is a value of the case (where the recruitment happened, where the victims
  come from, when the act took place), from the words around it, its sentence's cues, its
  kind and how it stands to the rest of the document;
* ``cases``: whether a relevant document tells several separate cases (``several``) or none
  (``none``: law, policy or statistics), from the document classifier's features.

``meta`` records what it was trained on; ``digest`` (SHA-256 of the file) is part of the
pipeline version stored with every incident.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.npz"
NAMES = ("quick", "document", "sentence", "place", "nationality", "date", "cases")


class ModelError(RuntimeError):
    """The model file is missing or unreadable (rebuild it with `recruitwatch train`)."""


@dataclass(slots=True)
class Linear:
    vocab: dict[str, int]
    weights: np.ndarray  # (features, labels) float32
    bias: np.ndarray  # (labels,)
    labels: tuple[str, ...]
    thresholds: np.ndarray  # (labels,)
    _by_kind: dict[str, dict[str, float]] | None = None

    def weights_by_kind(self) -> dict[str, dict[str, float]]:
        """Label 0's weight of every feature, by kind ("w", "p", ...) and without the kind prefix:
        the first tier of screening scores a document with plain dictionary look-ups."""
        if self._by_kind is None:
            by_kind: dict[str, dict[str, float]] = {}
            column = self.weights[:, 0].tolist()
            for feature, row in self.vocab.items():
                kind, _, value = feature.partition("|")
                by_kind.setdefault(kind, {})[value] = column[row]
            self._by_kind = by_kind
        return self._by_kind

    def rows(self, feats: Iterable[str]) -> list[int]:
        get = self.vocab.get
        return [i for i in map(get, feats) if i is not None]

    def probabilities(self, feats: Iterable[str]) -> np.ndarray:
        """P(label) for each label, for one span's features."""
        rows = self.rows(feats)
        if not rows:
            return 1.0 / (1.0 + np.exp(-self.bias))
        # np.add.reduce is what ndarray.sum calls, without its Python wrapper (the same sum)
        z = self.bias + np.add.reduce(self.weights.take(rows, axis=0), axis=0) / math.sqrt(len(rows))
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, feats: Iterable[str]) -> float:
        return float(self.probabilities(feats)[0])

    def top_features(self, feats: Iterable[str], label: int, k: int) -> list[str]:
        """The k known features that push label ``label`` up the most (a reason a reader can check)."""
        known = [(f, i) for f in feats if (i := self.vocab.get(f)) is not None]
        known.sort(key=lambda fi: (-float(self.weights[fi[1], label]), fi[0]))
        return [f for f, i in known[:k] if self.weights[i, label] > 0]

    def positives(self, feats: Iterable[str]) -> dict[str, float]:
        """Labels at or above their threshold, with their probability."""
        p = self.probabilities(feats)
        return {self.labels[j]: float(p[j]) for j in np.flatnonzero(p >= self.thresholds)}


@dataclass(slots=True)
class Model:
    quick: Linear
    document: Linear
    sentence: Linear
    place: Linear
    nationality: Linear
    date: Linear
    cases: Linear
    meta: dict[str, Any] = field(default_factory=dict)
    digest: str = ""

    def save(self, path: str | Path) -> str:
        """Write the model (deterministically: same model, same bytes); returns its digest."""
        arrays: dict[str, np.ndarray] = {}
        for name in NAMES:
            lin: Linear = getattr(self, name)
            ordered = sorted(lin.vocab, key=lin.vocab.__getitem__)
            arrays[f"{name}.vocab"] = np.frombuffer("\n".join(ordered).encode("utf-8"), dtype=np.uint8)
            arrays[f"{name}.weights"] = lin.weights.astype(np.float16)
            arrays[f"{name}.bias"] = lin.bias.astype(np.float32)
            arrays[f"{name}.labels"] = np.frombuffer("\n".join(lin.labels).encode("utf-8"), dtype=np.uint8)
            arrays[f"{name}.thresholds"] = lin.thresholds.astype(np.float32)
        arrays["meta"] = np.frombuffer(json.dumps(self.meta, sort_keys=True, ensure_ascii=False).encode("utf-8"),
                                       dtype=np.uint8)
        buffer = io.BytesIO()
        _savez_deterministic(buffer, arrays)
        data = buffer.getvalue()
        Path(path).write_bytes(data)
        self.digest = hashlib.sha256(data).hexdigest()
        return self.digest

    @classmethod
    def read(cls, data: bytes) -> Model:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                parts = {name: _linear(z, name) for name in NAMES}
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"the model file cannot be read ({exc}); rebuild it with `recruitwatch train`") from exc
        return cls(**parts, meta=meta, digest=hashlib.sha256(data).hexdigest())


def _linear(z: Any, name: str) -> Linear:
    words = bytes(z[f"{name}.vocab"]).decode("utf-8")
    vocab = {w: i for i, w in enumerate(words.split("\n"))} if words else {}
    labels = tuple(bytes(z[f"{name}.labels"]).decode("utf-8").split("\n"))
    return Linear(vocab, z[f"{name}.weights"].astype(np.float32), z[f"{name}.bias"].astype(np.float32), labels,
                  z[f"{name}.thresholds"].astype(np.float32))


def _savez_deterministic(buffer: io.BytesIO, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed with fixed timestamps, so the same model gives the same file and hash."""
    import zipfile

    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            out = io.BytesIO()
            np.lib.format.write_array(out, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, out.getvalue())


def model_path() -> Path:
    """The model to load: ``RECRUITWATCH_MODEL`` when set (a model built with `recruitwatch train
    --output`), else the one the package ships."""
    override = os.environ.get("RECRUITWATCH_MODEL")
    if override:
        return Path(override)
    return Path(str(resources.files("recruitwatch.learn").joinpath("data", MODEL_FILE)))


@cache
def load_model() -> Model:
    """The shipped model, loaded once per process."""
    path = model_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"no model at {path}; build it with `recruitwatch train`") from exc
    return Model.read(data)
