"""The gold JSONL validator and the training corpus it guards."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from recruitwatch.evaluate import score
from recruitwatch.evaluate.gold import balance, read_gold, validate
from recruitwatch.taxonomy.vocabulary import ACTORS, OUTCOMES, STATUSES, TACTICS

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TEXT = "Officers at the migration centre kept his passport and handed him a summons. He refused."


def _doc(**over):
    inc = {"date": "2024-03", "places": ["RU-MOW"], "nationalities": ["TJ"], "status": "foreign_national",
           "count": 1, "actors": ["migration_authority"], "tactics": ["document_seizure"], "outcome": "refused",
           "evidence": "kept his passport",
           "field_evidence": {"tactics": {"document_seizure": "kept his passport"},
                              "actors": {"migration_authority": "Officers at the migration centre"},
                              "status": "Officers", "outcome": "He refused"}}
    inc.update(over.pop("incident", {}))
    doc = {"id": "d1", "lang": "en", "published": "2024-03-20", "text": TEXT, "relevant": True, "incidents": [inc]}
    doc.update(over)
    return doc


def _problems(tmp_path, *docs):
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return [p.message for p in validate([path])]


def test_a_valid_document_passes(tmp_path):
    assert _problems(tmp_path, _doc()) == []


@pytest.mark.parametrize("change, message", [
    ({"incident": {"tactics": ["no_such_code"]}}, "unknown code 'no_such_code'"),
    ({"incident": {"places": ["RU-XXX"]}}, "not an ISO 3166-1"),
    ({"incident": {"evidence": "not in the text"}}, "`evidence` is not verbatim"),
    ({"incident": {"date": "March 2024"}}, "`date` must be"),
    ({"incident": {"field_evidence": {"tactics": {}, "actors": {}, "status": "Officers", "outcome": "He refused"}}},
     "has no phrase for document_seizure"),
    ({"incident": {"field_evidence": {"tactics": {"document_seizure": "took it"}, "actors": {
        "migration_authority": "Officers"}, "status": "Officers", "outcome": "He refused"}}}, "not verbatim"),
    ({"relevant": False}, "not relevant has no incidents"),
    ({"lang": "de"}, "`lang` must be one of"),
    ({"published": "14.05.2023"}, "`published` must be"),
])
def test_problems_are_named(tmp_path, change, message):
    problems = _problems(tmp_path, _doc(**change))
    assert any(message in p for p in problems), problems


def test_ids_are_unique_and_a_tactic_phrase_is_not_repeated_in_a_file(tmp_path):
    problems = _problems(tmp_path, _doc(), _doc(id="d1"), _doc(id="d2"))
    assert any("id already used" in p for p in problems)
    assert any("uses the key phrase" in p and "vary the wording" in p for p in problems)


def test_a_broken_line_is_reported_not_raised(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a"\n', encoding="utf-8")
    assert "not valid JSON" in validate([path])[0].message


def test_scores_name_weak_codes_and_each_documents_errors():
    gold = [_doc(), _doc(id="d2", incident={"tactics": ["false_job_offer"], "field_evidence": {}})]
    pred = [{"id": "d1", "relevant": True, "incidents": [{"tactics": ["document_seizure", "physical_violence"]}]},
            {"id": "d2", "relevant": False, "incidents": []}]
    report = score(gold, pred)
    tactics = report.codes["tactics"]
    assert (tactics["document_seizure"].tp, tactics["physical_violence"].fp, tactics["false_job_offer"].fn) == (1, 1, 1)
    errors = {e["id"]: e for e in report.errors}
    assert errors["d1"]["fields"]["tactics"] == {"missing": [], "spurious": ["physical_violence"]}
    assert errors["d2"]["relevant"] == {"gold": True, "predicted": False}


# ---- the shipped training corpus -------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus():
    return read_gold(CORPUS)


def test_the_training_corpus_is_valid():
    problems = validate([CORPUS])
    assert not problems, "\n".join(map(str, problems[:20]))


def test_the_training_corpus_is_balanced_as_the_issue_asks(corpus):
    table = balance(corpus)
    langs = table["language"]
    assert len(corpus) >= 1200
    assert langs["en"] >= 350 and langs["ru"] >= 350
    assert langs["uz-Latn"] + langs["uz-Cyrl"] >= 125 and min(langs["uz-Latn"], langs["uz-Cyrl"]) >= 50
    assert min(langs["tg"], langs["ky"], langs["kk"]) >= 125
    assert table["relevant"]["not relevant"] >= 0.4 * len(corpus)
    for codes, name in ((TACTICS, "tactics"), (ACTORS, "actors")):
        assert min(table[name][c] for c in codes) >= 30, table[name]
    for codes, name in ((STATUSES, "status"), (OUTCOMES, "outcome")):
        assert min(table[name][c] for c in codes if c != "unknown") >= 30, table[name]
    assert set(table["negative"]) >= {"migration_raid", "citizen_conscription", "occupied_mobilisation", "home_army",
                                      "sport_contract", "labour_contract", "remittances", "deportation",
                                      "wagner_prisoners"}
    assert len(table["style"]) >= 9


def test_no_two_documents_share_a_text(corpus):
    texts = Counter(re.sub(r"\s+", " ", d["text"]).strip() for d in corpus)
    assert texts.most_common(1)[0][1] == 1
