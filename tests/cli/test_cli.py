"""The command line, driven as a user would: init, ingest, stats, documents, incidents, eval."""

import json

import pytest
from typer.testing import CliRunner

from recruitwatch.cli import _register, app

_register()
runner = CliRunner()

REPORT_RU = """Повестка в миграционном центре

12 октября 2023 года уроженца Худжанда, работавшего в Москве по патенту, задержали сотрудники полиции
во время рейда на овощной базе. В отделе у него забрали паспорт и потребовали подписать контракт с
Минобороны, угрожая депортацией. Мужчина отказался подписывать документы.
"""

REPORT_EN = """Football club wins the cup

The local football club won the regional cup on Sunday after a penalty shoot-out in front of 8,000 fans.
"""


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "ru.txt").write_text(REPORT_RU, encoding="utf-8")
    (folder / "en.txt").write_text(REPORT_EN, encoding="utf-8")
    (folder / "junk.html").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00" * 20)
    return folder


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_init_says_where_the_store_is(db, tmp_path):
    result = run("init", "--db", db)
    assert result.exit_code == 0
    assert "cli.db" in result.output


def test_commands_on_a_missing_store_say_what_to_do(db):
    result = run("stats", "--db", db)
    assert result.exit_code == 3
    assert "recruitwatch init" in result.output


def test_ingest_twice_adds_nothing_and_reports_failures(db, reports):
    first = run("ingest", str(reports), "--db", db, "--json")
    assert first.exit_code == 1  # the junk file failed, the others were stored
    summary = json.loads(first.stdout)
    assert (summary["read"], summary["new"], summary["failed"]) == (2, 2, 1)
    assert "junk.html" in summary["failures"][0]["source"]

    second = json.loads(run("ingest", str(reports), "--db", db, "--json").stdout)
    assert (second["new"], second["already_known"]) == (0, 2)

    stats = json.loads(run("stats", "--db", db, "--json").stdout)
    assert stats["documents"] == 2
    assert stats["incidents"] >= 1


def test_documents_and_incidents(db, reports):
    run("ingest", str(reports), "--db", db)
    listed = json.loads(run("documents", "list", "--db", db, "--json").stdout)
    assert len(listed) == 2
    relevant = [d for d in listed if d["relevant"]]
    assert len(relevant) == 1 and relevant[0]["lang"] == "ru"

    hits = json.loads(run("documents", "search", "паспорта", "--db", db, "--json").stdout)
    assert [h["id"] for h in hits] == [relevant[0]["id"]]

    shown = run("documents", "show", relevant[0]["id"][:8], "--db", db)
    assert shown.exit_code == 0 and "Худжанда" in shown.output

    incidents = json.loads(run("incidents", "list", "--db", db, "--nationality", "tj", "--json").stdout)
    assert incidents and all("TJ" in i["nationalities"] for i in incidents)
    assert json.loads(run("incidents", "list", "--db", db, "--from", "2024", "--json").stdout) == []

    detail = json.loads(run("incidents", "show", incidents[0]["id"], "--db", db, "--json").stdout)
    assert detail["evidence_spans"], "every field comes with its evidence"
    text = json.loads(run("documents", "show", relevant[0]["id"], "--db", db, "--json").stdout)["text"]
    for span in detail["evidence_spans"]:
        assert text[span["start"]:span["end"]] == span["text"]


def test_an_unknown_code_is_a_usage_error(db, reports):
    run("init", "--db", db)
    result = run("incidents", "list", "--db", db, "--tactic", "bribery")
    assert result.exit_code == 2
    assert "document_seizure" in result.output


def test_summary_by_tactic_place_and_month(db, reports):
    run("ingest", str(reports), "--db", db)
    data = json.loads(run("summary", "--db", db, "--json").stdout)
    assert set(data) == {"tactic", "place", "month"}


def test_extract_writes_one_line_per_input(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": REPORT_RU, "lang": "ru", "published": "2023-10-20"}, ensure_ascii=False) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b", "text": REPORT_EN}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "pred.jsonl"
    result = run("extract", str(source), "--output", str(out))
    assert result.exit_code == 1  # one bad line, named with its line number
    assert "in.jsonl:2" in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["relevant"] is True and rows[0]["incidents"]
    assert rows[1]["relevant"] is False and rows[1]["incidents"] == []


@pytest.mark.parametrize("value", ["banana", "2024-13", "2024-02-31", "2024-06-01-x"])
def test_a_bad_date_filter_is_a_usage_error(db, value):
    run("init", "--db", db)
    result = run("incidents", "list", "--db", db, "--from", value)
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_extract_to_an_unwritable_output_says_so(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": REPORT_EN}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source), "--output", str(tmp_path / "missing" / "pred.jsonl")])
    assert result.exit_code == 3
    assert "cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- ingest progress ----------------------------------------------------------------------

def test_ingest_keeps_stderr_clean_when_it_is_not_a_terminal(db, tmp_path):
    folder = tmp_path / "clean"
    folder.mkdir()
    (folder / "ru.txt").write_text(REPORT_RU, encoding="utf-8")
    result = run("ingest", str(folder), "--db", db, "--json")
    assert result.exit_code == 0
    assert result.stderr == ""  # no progress bar, not even an empty line
    assert json.loads(result.stdout)["read"] == 1


def _render(states, *, width=100):
    """What the ingest bar leaves on a terminal after these snapshots (escape codes removed)."""
    import io
    import re

    from rich.console import Console

    from recruitwatch.cli.output import IngestBar

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width, color_system=None)
    with IngestBar(console) as bar:
        for state in states:
            bar.update(state)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue()).replace("\r", "\n")


def test_ingest_bar_renders_files_documents_and_failures():
    from recruitwatch.pipeline import IngestProgress

    output = _render([
        IngestProgress(files_total=1200),
        IngestProgress(files_total=1200, files_done=3, documents=5, stage="reading", current="/data/a [1].json"),
        IngestProgress(files_total=1200, files_done=1200, documents=4321, failed=2, stage="done"),
    ])
    final = [line for line in output.splitlines() if line.strip()][-1]
    assert final.startswith("✓ Ingested")
    assert "1,200/1,200 files · 4,321 documents · 2 failed" in final
    assert "reading" not in final


def test_ingest_bar_works_without_a_total():
    from recruitwatch.pipeline import IngestProgress

    output = _render([IngestProgress(), IngestProgress(documents=1, stage="analysing"),
                      IngestProgress(documents=7, stage="done")])
    final = [line for line in output.splitlines() if line.strip()][-1]
    assert "Ingested" in final and "7 documents" in final and "files" not in final


def test_ingest_bar_is_silent_on_a_console_that_is_not_a_terminal():
    import io

    from rich.console import Console

    from recruitwatch.cli.output import IngestBar
    from recruitwatch.pipeline import IngestProgress

    buffer = io.StringIO()
    with IngestBar(Console(file=buffer, force_terminal=False)) as bar:
        bar.update(IngestProgress(files_total=2, files_done=2, documents=2, stage="done"))
    assert not bar.enabled and buffer.getvalue() == ""


def test_extract_reads_a_day_first_publication_date_and_warns_about_one_that_is_not_a_date(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": REPORT_RU, "published": "20.10.2023"}, ensure_ascii=False) + "\n"
                      + json.dumps({"id": "b", "text": REPORT_EN, "published": "soon"}) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = run("extract", str(source), "--output", str(out))
    assert result.exit_code == 0
    assert "in.jsonl:2: `published` 'soon' is not a date" in result.output.replace("\n", "")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(not (i["date"] or "").startswith("20.") for i in rows[0]["incidents"])


def test_extract_rules_only_and_eval_per_code_with_errors(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "lang": "ru", "text": REPORT_RU, "published": "2023-10-20", "relevant": True,
                                "incidents": [{"date": "2023-10", "places": ["RU-SPE"], "nationalities": ["TJ"],
                                               "status": "unknown", "count": 1, "actors": [],
                                               "tactics": ["summons_at_state_office"], "outcome": "unknown",
                                               "evidence": "x"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    for flags in ([], ["--rules-only"]):
        out = tmp_path / f"pred{len(flags)}.jsonl"
        assert run("extract", str(gold), "--output", str(out), *flags).exit_code == 0
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert rows[0]["relevant"] is True
    result = run("eval", str(gold), str(tmp_path / "pred1.jsonl"), "--errors")
    assert result.exit_code == 0
    assert "per code" in result.output and "summons_at_state_office" in result.output
    data = json.loads(run("eval", str(gold), str(tmp_path / "pred0.jsonl"), "--json", "--errors").output)
    assert "by_code" in data and isinstance(data["errors"], list)


def test_corpus_validate_names_problems_and_sets_the_exit_code(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "lang": "en", "text": "t", "relevant": False, "incidents": []}) + "\n"
                   + json.dumps({"id": "x", "lang": "xx", "text": "t", "relevant": False, "incidents": []}) + "\n",
                   encoding="utf-8")
    result = run("corpus", "validate", str(bad))
    assert result.exit_code == 1
    assert "bad.jsonl:2: x: `lang` must be one of" in result.output and "id already used" in result.output
