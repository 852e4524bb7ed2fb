"""The learned layer: a model file is plain arrays, loads the same, trains deterministically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recruitwatch.learn import model as model_module
from recruitwatch.learn.model import Linear, Model, ModelError, load_model, model_path
from recruitwatch.learn.train import sentence_labels, train

ROOT = Path(__file__).resolve().parents[2]
# A small slice of the project's own training corpus (written for the project).
SLICE = [ROOT / "corpus" / "train" / "en" / "en-a-01.jsonl", ROOT / "corpus" / "train" / "ru" / "ru-a-01.jsonl"]


def _linear(labels=("a", "b")) -> Linear:
    vocab = {"w|passport": 0, "w|contract": 1}
    weights = np.array([[3.0, -1.0], [-1.0, 3.0]], dtype=np.float32)
    return Linear(vocab, weights, np.zeros(len(labels), dtype=np.float32), tuple(labels),
                  np.full(len(labels), 0.5, dtype=np.float32))


def _model() -> Model:
    lin = _linear()
    return Model(lin, lin, lin, lin, lin, lin, lin, meta={"documents": 2})


def test_linear_scores_known_features_only_and_normalises_by_their_count():
    lin = _linear()
    p = lin.probabilities({"w|passport", "w|unknown"})
    assert p[0] == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert lin.positives({"w|passport"}) == {"a": pytest.approx(float(p[0]))}
    assert lin.probabilities(set()).tolist() == [0.5, 0.5]
    assert lin.top_features({"w|passport", "w|contract"}, 0, 1) == ["w|passport"]


def test_a_saved_model_reads_back_the_same_and_the_same_model_gives_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    digest = _model().save(first)
    assert _model().save(second) == digest
    assert first.read_bytes() == second.read_bytes()
    back = Model.read(first.read_bytes())
    assert back.digest == digest and back.meta == {"documents": 2}
    assert back.sentence.probabilities({"w|contract"}).tolist() == _linear().probabilities({"w|contract"}).tolist()


def test_a_model_file_holds_no_pickle(tmp_path):
    path = tmp_path / "m.npz"
    _model().save(path)
    with np.load(path, allow_pickle=False) as z:  # would raise on an object array
        assert all(z[name].dtype != object for name in z.files)


def test_a_broken_model_file_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a model")
    monkeypatch.setenv("RECRUITWATCH_MODEL", str(bad))
    load_model.cache_clear()
    try:
        with pytest.raises(ModelError, match="recruitwatch train"):
            load_model()
    finally:
        monkeypatch.delenv("RECRUITWATCH_MODEL")
        load_model.cache_clear()


def test_the_shipped_model_loads_is_small_and_names_its_corpus():
    assert model_path().stat().st_size <= 30_000_000
    model = load_model()
    assert model.meta["documents"] >= 1200
    assert len(model.sentence.labels) == 42 and model.document.labels == ("relevant",)
    from recruitwatch import pipeline_version

    assert pipeline_version().endswith(model.digest[:12])


def test_sentence_labels_come_from_the_key_phrases():
    text = "He came to renew his patent. They kept his passport. He refused."
    spans = [(0, 28), (29, 51), (52, 64)]
    incident = {"tactics": ["document_seizure"], "actors": [], "status": "unknown", "outcome": "refused",
                "field_evidence": {"tactics": {"document_seizure": "kept his passport"}, "outcome": "He refused"}}
    assert sentence_labels(text, spans, [incident]) == [set(), {"tactics:document_seizure"}, {"outcome:refused"}]


@pytest.mark.slow
def test_training_is_deterministic(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    report = train(SLICE, a)
    train(SLICE, b)
    assert a.read_bytes() == b.read_bytes()
    assert report.documents == 20 and report.digest == model_module.Model.read(a.read_bytes()).digest


@pytest.mark.slow
def test_train_command_writes_a_model_that_extract_can_use(tmp_path):
    out = tmp_path / "model.npz"
    exe = Path(sys.executable).with_name("recruitwatch")
    done = subprocess.run([str(exe), "train", "--corpus", str(SLICE[0]), "--corpus", str(SLICE[1]), "--output", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert out.exists() and "20 documents" in done.stdout
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "Police detained a Tajik migrant and offered him a military "
                                  "contract instead of deportation."}) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    env = {"RECRUITWATCH_MODEL": str(out), "PATH": str(exe.parent)}
    done = subprocess.run([str(exe), "extract", str(source), "--output", str(pred)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(pred.read_text(encoding="utf-8"))["id"] == "x"


def test_train_refuses_a_corpus_with_problems(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b", "lang": "en", "text": "t", "relevant": True,
                               "incidents": [{"date": None, "places": [], "nationalities": [], "status": "unknown",
                                              "count": None, "actors": [], "tactics": ["no_such_tactic"],
                                              "outcome": "unknown", "evidence": "t"}]}) + "\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("recruitwatch")
    done = subprocess.run([str(exe), "train", "--corpus", str(bad), "--output", str(tmp_path / "m.npz")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and "no_such_tactic" in done.stderr
    assert not (tmp_path / "m.npz").exists()
