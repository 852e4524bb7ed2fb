"""JSON Lines: the gold format and generic records."""

import json
from pathlib import Path

from recruitwatch.ingest import read_source


def test_gold_lines_keep_labels_and_ids(fixtures, split):
    docs, failures = split(read_source(fixtures / "gold_sample.jsonl"))
    assert failures == []
    first, second = docs
    assert first.meta["source_id"] == "fixture-en-001"
    assert first.meta["gold"]["relevant"] is True
    assert first.meta["gold"]["incidents"][0]["places"] == ["RU-SPE"]
    assert first.meta["origin_note"] == "written-for-tests"
    assert first.lang == "en" and first.published == "2023-01-20"
    assert first.origin.endswith("gold_sample.jsonl#fixture-en-001")
    assert second.meta["gold"] == {"relevant": False, "incidents": []}


def test_generic_lines(fixtures, split):
    docs, failures = split(read_source(fixtures / "reports.jsonl"))
    assert failures == []
    hotline, ceremony, dormitory = docs
    assert hotline.kind == "testimony"
    assert hotline.meta["extra"] == {"caller_region": "RU-MOW"}
    assert ceremony.origin == ceremony.url == "https://news.example.net/summons-ceremony"
    assert ceremony.published == "2023-04-18"
    assert dormitory.title is None and dormitory.kind == "news"
    assert "gold" not in dormitory.meta


def test_bad_lines_are_reported_and_the_rest_goes_on(tmp_path: Path, split):
    lines = [
        json.dumps({"id": "a", "text": "Recruiters came to the hostel in Tver."}),
        "",
        json.dumps({"id": "b", "text": "Мигрантов вывезли на полигон."}, ensure_ascii=False),
        '{"id": "c", "text": "unterminated',
        json.dumps({"id": "d", "title": "no text field"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "e", "text": "Some report", "kind": "blog"}),
        json.dumps({"id": "f", "text": "Last good line."}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, failures = split(read_source(path))
    assert [d.meta["source_id"] for d in docs] == ["a", "b", "f"]
    source = str(path.resolve())
    assert [f.source for f in failures] == [f"{source}#line {n}" for n in (4, 5, 6, 7)]
    assert failures[0].problem.startswith("not valid JSON")
    assert failures[1].problem == 'no "text" field'
    assert "expected a JSON object" in failures[2].problem
    assert "unknown kind 'blog'" in failures[3].problem


def test_json_array_of_records(tmp_path: Path, split):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"id": "x1", "text": "A summons was handed to a migrant in Perm."},
                                {"id": "x2"}]), encoding="utf-8")
    [doc], [failure] = split(read_source(path))
    assert doc.meta["source_id"] == "x1"
    assert failure.source.endswith("records.json#record 2")


def test_ids_are_stable(fixtures):
    assert [d.id for d in read_source(fixtures / "gold_sample.jsonl")] == [
        d.id for d in read_source(fixtures / "gold_sample.jsonl")]
