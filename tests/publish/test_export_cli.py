"""`recruitwatch export` as a user runs it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from recruitwatch.cli import _register, app
from recruitwatch.store import open_store

_register()
runner = CliRunner()
pytestmark = pytest.mark.issue(10)


@pytest.fixture
def db(tmp_path, population):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        store.init()
        store.save_batch(population.documents, population.incidents, link=False)
    return url


def test_export_asks_which_kind(db):
    result = runner.invoke(app, ["export", "--db", db])
    assert result.exit_code == 2 and "--public" in result.output and "--full" in result.output


def test_public_counts_to_stdout(db, population):
    result = runner.invoke(app, ["export", "--db", db, "--public", "--per", "region", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {r["region"]: r["incidents"] for r in rows} == {"RU-MOW": 13, "UZ": 5, "RU-KDA": 6}
    assert not any(s in result.output for s in population.secrets)


def test_public_incidents_to_a_file_with_filters(db, tmp_path):
    out = tmp_path / "uz.csv"
    result = runner.invoke(app, ["export", "--db", db, "--public", "--place", "UZ", "-o", str(out), "--min-count", "5"])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("date,date_precision,places") and len(lines) == 1 + 5
    assert "5 rows written" in result.output


def test_full_export_and_usage_errors(db, tmp_path):
    out = tmp_path / "all.jsonl"
    assert runner.invoke(app, ["export", "--db", db, "--full", "-f", "jsonl", "-o", str(out), "--as", "ana"]).exit_code == 0
    assert "Рустам Назаров 1" in out.read_text()
    assert runner.invoke(app, ["export", "--db", db, "--public", "-f", "xml"]).exit_code == 2
    assert runner.invoke(app, ["export", "--db", db, "--public", "-f", "parquet"]).exit_code == 2
    assert runner.invoke(app, ["export", "--db", db, "--public", "--tactic", "nonsense"]).exit_code == 2
