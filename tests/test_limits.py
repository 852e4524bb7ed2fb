"""The limits record: defaults, the environment, --limit assignments, and its documentation."""

import re
from pathlib import Path

import pytest

from recruitwatch.errors import ConfigError
from recruitwatch.limits import LIMITS, Limits, parse_size

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


@pytest.mark.parametrize("text,value", [("200MB", 200_000_000), ("64MiB", 64 * 2**20), ("60M", 60_000_000),
                                        ("512", 512), ("1.5 GB", 1_500_000_000), ("10kb", 10_000)])
def test_sizes_take_units(text, value):
    assert parse_size(text) == value


def test_the_environment_and_then_the_command_line_change_the_defaults():
    limits = Limits.from_env({"RECRUITWATCH_MAX_LINE_BYTES": "20MB", "RECRUITWATCH_MAX_PDF_PAGES": "50"})
    assert (limits.line_bytes, limits.pdf_pages, limits.file_bytes) == (20_000_000, 50, 200_000_000)
    limits = limits.with_overrides(["pdf-pages=7", "upload_bytes=1MiB"])
    assert (limits.pdf_pages, limits.upload_bytes) == (7, 2**20)


@pytest.mark.parametrize("assignment,message", [("lines=5", "expected NAME=VALUE with NAME one of file_bytes"),
                                                ("line_bytes=ten", "is not a valid bytes value (e.g. 200MB)"),
                                                ("pdf_pages=0", "must be at least 1")])
def test_a_wrong_limit_is_a_clear_error(assignment, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Limits().with_overrides([assignment])


def test_a_wrong_environment_variable_is_named():
    with pytest.raises(ConfigError, match=r"\$RECRUITWATCH_MAX_FILE_BYTES='huge'"):
        Limits.from_env({"RECRUITWATCH_MAX_FILE_BYTES": "huge"})


def test_every_limit_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"`{limit.name}`" in text and f"`{limit.env}`" in text, limit


def test_the_cli_rejects_a_wrong_limit(tmp_path):
    from typer.testing import CliRunner

    from recruitwatch.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--limit", "x=1"])
    assert result.exit_code == 2 and "expected NAME=VALUE" in result.output
