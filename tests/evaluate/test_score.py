"""The scorer follows the design document's rules."""

import json

import pytest

from recruitwatch.errors import EvalError
from recruitwatch.evaluate import load_jsonl, match_counts, score


def doc(id, relevant, *incidents, lang="en"):
    return {"id": id, "lang": lang, "relevant": relevant, "incidents": list(incidents)}


def inc(**fields):
    base = {"date": None, "places": [], "nationalities": [], "status": "unknown", "count": None,
            "actors": [], "tactics": [], "outcome": "unknown", "evidence": ""}
    return {**base, **fields}


def test_relevance_precision_recall():
    gold = [doc("a", True), doc("b", False), doc("c", True)]
    pred = [doc("a", True), doc("b", True), doc("c", False)]
    rel = score(gold, pred).overall.relevance
    assert (rel.tp, rel.fp, rel.fn) == (1, 1, 1)
    assert rel.f1 == pytest.approx(0.5)


def test_field_values_are_unions_over_incidents_without_unknown():
    gold = [doc("a", True, inc(tactics=["document_seizure"]), inc(tactics=["document_seizure", "false_job_offer"]))]
    pred = [doc("a", True, inc(tactics=["false_job_offer", "financial_incentive"], outcome="unknown"))]
    report = score(gold, pred)
    tactics = report.overall.fields["tactics"]
    assert (tactics.tp, tactics.fp, tactics.fn) == (1, 1, 1)
    outcome = report.overall.fields["outcome"]
    assert (outcome.tp, outcome.fp, outcome.fn) == (0, 0, 0)


def test_predictions_on_irrelevant_gold_are_false_positives():
    gold = [doc("a", False)]
    pred = [doc("a", True, inc(places=["RU-MOW"], status="student"))]
    report = score(gold, pred)
    assert report.overall.fields["places"].fp == 1
    assert report.overall.fields["status"].fp == 1


def test_a_subdivision_matches_a_gold_country_but_not_the_reverse():
    assert match_counts("places", {"RU-MOW"}, {"RU"}).tp == 1
    assert match_counts("places", {"RU"}, {"RU-MOW"}).tp == 0
    assert match_counts("places", {"RU-MOW", "RU-MOS"}, {"RU"}).fp == 1


def test_a_date_matches_to_the_gold_precision_only():
    assert match_counts("date", {"2022-09-29"}, {"2022-09"}).tp == 1
    assert match_counts("date", {"2022-09"}, {"2022-09-29"}).tp == 0
    assert match_counts("date", {"2022-10-01"}, {"2022-09"}).tp == 0


def test_incident_count_error_over_relevant_documents():
    gold = [doc("a", True, inc(), inc()), doc("b", False)]
    pred = [doc("a", True, inc()), doc("b", True, inc(), inc())]
    assert score(gold, pred).overall.count_mae == 1.0


def test_scores_per_language():
    gold = [doc("a", True, inc(nationalities=["TJ"]), lang="ru"), doc("b", True, inc(nationalities=["UZ"]), lang="uz")]
    pred = [doc("a", True, inc(nationalities=["TJ"])), doc("b", True, inc(nationalities=["KG"]))]
    report = score(gold, pred)
    assert report.groups["ru"].fields["nationalities"].f1 == 1.0
    assert report.groups["uz"].fields["nationalities"].f1 == 0.0
    assert report.languages() == ["ru", "uz"]


def test_missing_predictions_count_as_not_relevant():
    report = score([doc("a", True, inc(tactics=["document_seizure"]))], [])
    assert report.missing_predictions == ["a"]
    assert report.overall.relevance.fn == 1


def test_malformed_jsonl_names_the_file_and_line(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"id": "a"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"pred.jsonl:2: not valid JSON"):
        load_jsonl(path)


def test_duplicate_ids_are_rejected(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a"}\n{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="duplicate id"):
        load_jsonl(path)
