"""`recruitwatch papercheck` as a user runs it."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from recruitwatch.cli import _register, app

_register()
runner = CliRunner()


def run(*args):
    # a wide terminal, so Rich does not wrap the phrases the tests look for
    return runner.invoke(app, ["papercheck", *map(str, args)], catch_exceptions=False, env={"COLUMNS": "300"})


def test_json_prints_one_object_per_page(files):
    result = run(files["text_pdf"], "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["page"] for r in rows] == [1, 2, 3, 4]
    for row in rows:
        assert {"file", "page", "type", "military", "confidence", "cues"} <= set(row)
    assert [r["military"] for r in rows] == [False, True, False, True]
    assert rows[1]["type"] == "military_service_contract"
    assert any("контракт" in cue.lower() for cue in rows[1]["cues"])


def test_table_and_warning_in_russian(files):
    result = run(files["text_pdf"], "--lang", "ru", "--country", "uz")
    assert result.exit_code == 0
    out = result.stdout
    assert "ВНИМАНИЕ" in out and "Контракт о прохождении военной службы" in out
    assert "Ваши права" in out and "Узбекистан" in out
    # every rights statement shows its source as a reader can use it: the publisher's name and its link
    assert "Determiner.ru" in out and "https://determiner.ru/" in out
    assert_public(out.replace(str(files["text_pdf"].parent), ""))


LEAKS = re.compile(r"paper-check\.md|shared/|\.md(?=[\s)\],;:]|$)|/work/|/usr/|/tmp/|[A-Z]:\\|http://|staging\.|localhost")


def assert_public(text: str) -> None:
    """No reference to a file outside the repository, no path, no non-https or internal URL."""
    found = LEAKS.findall(text)
    assert not found, found
    urls = re.findall(r"\b[a-z][a-z0-9+.-]*://\S+", text)
    assert urls and all(u.startswith("https://") for u in urls), urls


@pytest.mark.parametrize("lang", ["en", "ru", "uz", "tg", "ky", "kk"])
def test_sources_are_publishers_and_links_in_every_language(files, lang):
    result = run(files["text_pdf"], "--lang", lang)
    assert result.exit_code == 0
    out = result.stdout
    assert "Moscow Times" in out or "TASS" in out or "RFE/RL" in out or "President of Russia" in out
    assert_public(out.replace(str(files["text_pdf"].parent), ""))  # the user's own file may be named


def test_a_corrupt_file_is_reported_and_the_rest_checked(files):
    result = run(files["corrupt_pdf"], files["png"], "--json")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    checked = [r for r in rows if r.get("page")]
    errors = [r for r in rows if r.get("error")]
    assert checked[0]["military"] is True
    assert errors[0]["file"] == str(files["corrupt_pdf"]) and "PDF" in errors[0]["error"]
    assert str(files["corrupt_pdf"]) in result.stderr


def test_all_files_failing_exits_3(files):
    assert run(files["corrupt_pdf"]).exit_code == 3


def test_usage_errors_exit_2(files):
    assert run(files["png"], "--lang", "fr").exit_code == 2
    assert run(files["png"], "--country", "xx").exit_code == 2
    assert run(files["png"], "--ocr-lang", "klingon").exit_code == 2


def test_extra_ocr_languages(files):
    result = run(files["png"], "--json", "--ocr-lang", "rus+eng+uzb+uzb-cyrl+kaz+kir+tgk")
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["type"] == "call_up_notice"


def test_a_memo_about_contracts_is_marked_as_talking_about_military_service():
    from pathlib import Path

    memo = Path(__file__).resolve().parents[2] / "examples" / "reports" / "pdf" / "ru-sverdlovsk-sizo-memo.pdf"
    result = run(memo, "--lang", "ru")
    assert result.exit_code == 0, result.output
    assert "Говорит о военной службе" in result.stdout and "ВНИМАНИЕ" not in result.stdout
