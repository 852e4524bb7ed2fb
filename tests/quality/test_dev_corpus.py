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
MORE_FIXTURES = Path(__file__).parent / "fixtures" / "heldout_more.jsonl"
# The floors for the development corpus (dev + seed); measured 2026-12-03: relevance 1.00,
# tactics 0.83, places 0.84, nationalities 0.91, date 0.69.
DEV_FLOORS = {"relevance": 0.90, "tactics": 0.70, "places": 0.80, "nationalities": 0.85, "date": 0.65}
# Our own held-out documents (written for the project, few): floors a little under what they
# measure, to catch regressions. heldout.jsonl (32 documents) measured relevance 0.98, tactics
# 0.92, places 0.85, nationalities 0.92, date 0.98. heldout_more.jsonl (30 documents, six
# languages, a third hard negatives) measured relevance 0.81, tactics 0.44, places 0.64,
# nationalities 0.74, date 0.58 when first scored, before any error analysis on it; after it,
# relevance 0.95, tactics 0.78, places 0.86, nationalities 0.92, date 0.81.
HELDOUT_FLOORS = {"relevance": 0.92, "tactics": 0.85, "places": 0.78, "nationalities": 0.85, "date": 0.90}
MORE_FLOORS = {"relevance": 0.88, "tactics": 0.70, "places": 0.78, "nationalities": 0.85, "date": 0.72}


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


def test_more_heldout_fixtures_meet_floors():
    _check(_load([MORE_FIXTURES]), MORE_FLOORS)


def test_every_value_has_evidence_inside_the_document():
    for g in _load([FIXTURES, MORE_FIXTURES]):
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
