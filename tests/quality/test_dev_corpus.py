"""Quality gate: screen + extract over the development corpus and our own held-out fixtures,
scored exactly as DESIGN.md defines (recruitwatch.evaluate.score)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recruitwatch.evaluate import score
from recruitwatch.extract import extract
from recruitwatch.records import Document
from recruitwatch.screen import screen

# The shared corpus lives beside the repository: <repo>/../shared/corpus.
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures" / "heldout.jsonl"
DEV_FLOORS = {"relevance": 0.90, "tactics": 0.70, "places": 0.80, "nationalities": 0.85, "date": 0.65}
# The held-out documents are few and written by us: a looser floor that still catches regressions.
# The set grew from 12 to 32 documents with harder cases (cases buried in long features, ky/kk/tg
# items, hard negatives); tactics on it measured 0.49 before and 0.55 after the segmentation work.
HELDOUT_FLOORS = {"relevance": 0.85, "tactics": 0.50}


def _load(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def _predict(gold: list[dict]) -> list[dict]:
    out = []
    for g in gold:
        doc = screen(Document(id=g["id"], origin="test", text=g["text"], title=g.get("title"),
                              published=g.get("published")))
        out.append({"id": g["id"], "relevant": bool(doc.relevant),
                    "incidents": [i.to_gold() for i in extract(doc)]})
    return out


def _check(gold: list[dict], floors: dict[str, float]) -> None:
    report = score(gold, _predict(gold))
    overall = report.overall
    got = {"relevance": overall.relevance.f1, **{k: c.f1 for k, c in overall.fields.items()}}
    failures = {k: round(got[k], 3) for k, floor in floors.items() if got[k] < floor}
    assert not failures, f"below floor {floors}: {failures}; all: { {k: round(v, 3) for k, v in got.items()} }"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus not present")
def test_dev_and_seed_corpus_meet_floors():
    paths = sorted((CORPUS / "dev").glob("*.jsonl")) + sorted((CORPUS / "seed").glob("*.jsonl"))
    _check(_load(paths), DEV_FLOORS)


def test_heldout_fixtures_meet_floors():
    _check(_load([FIXTURES]), HELDOUT_FLOORS)


def test_every_value_has_evidence_inside_the_document():
    for g in _load([FIXTURES]):
        doc = screen(Document(id=g["id"], origin="test", text=g["text"], title=g.get("title"),
                              published=g.get("published")))
        for incident in extract(doc):
            fields = {e.field for e in incident.evidence}
            for name in ("tactics", "actors", "places", "nationalities"):
                for value in getattr(incident, name):
                    assert any(e.field == name and e.value == value for e in incident.evidence), (g["id"], name, value)
            if incident.status != "unknown":
                assert "status" in fields
            for e in incident.evidence:
                assert 0 <= e.start < e.end <= len(doc.text) and doc.text[e.start:e.end] == e.text


def test_irrelevant_document_has_no_incidents():
    doc = screen(Document(id="x", origin="test", text="The football club signed a new striker for the season."))
    assert doc.relevant is False and extract(doc) == []
