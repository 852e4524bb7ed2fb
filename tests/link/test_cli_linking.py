"""The reviewer's linking commands, driven as a user would: incidents show / merge / split, link, documents show."""

from __future__ import annotations

import json

import pytest
from reports import english, russian, russian_repost
from typer.testing import CliRunner

from recruitwatch.cli import _register, app
from recruitwatch.store import open_store

_register()
runner = CliRunner()
pytestmark = pytest.mark.issue(8)


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def said(result) -> str:
    """The output as one line (the console wraps long lines)."""
    return " ".join(result.stdout.split())


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'rw.db'}"
    store = open_store(url)
    store.init()
    for r in (english(), russian(), russian_repost()):
        store.save_batch([r.document], [r.incident])
    store.close()
    return url


def test_show_says_which_sources_corroborate_and_how_they_match(db):
    en = english()
    shown = run("incidents", "show", en.incident.id[:10], "--db", db, "--json")
    data = json.loads(shown.stdout)
    assert data["verification"] == "corroborated" and len(data["reports"]) == 3
    assert len(data["independent_sources"]) == 2  # the repost is a copy of the Russian report
    assert {lk["kind"] for lk in data["links"]} == {"match"}
    text = said(run("incidents", "show", en.incident.id[:10], "--db", db))
    assert "2 independent" in text and "How the reports were matched" in text and "people" in text


def test_split_then_merge(db):
    en = english()
    out = run("incidents", "split", en.incident.id[:10], "--db", db)
    assert out.exit_code == 0 and "2 cases" in said(out)
    assert json.loads(run("incidents", "show", en.incident.id, "--db", db, "--json").stdout)["verification"] == "reported"
    assert "0 corroborated" in said(run("link", "--db", db))  # re-linking keeps the split
    out = run("incidents", "merge", en.incident.id[:10], russian().incident.id[:10], "--db", db)
    assert out.exit_code == 0 and "3 reports from 2 independent sources (corroborated)" in said(out)


def test_errors_name_the_problem(db):
    out = runner.invoke(app, ["incidents", "split", "0123456789", "--db", db])
    assert out.exit_code == 3 and "no incident" in out.stderr
    out = runner.invoke(app, ["incidents", "split", english().incident.id[:10], "--db", db])
    out = runner.invoke(app, ["incidents", "split", english().incident.id[:10], "--db", db])
    assert out.exit_code == 3 and "alone in its case" in out.stderr


def test_documents_show_lists_the_group(db):
    out = run("documents", "show", russian_repost().document.id[:10], "--db", db, "--json")
    data = json.loads(out.stdout)
    assert data["group"]["canonical"] == russian().document.id
    assert [m["id"] for m in data["group"]["members"]] == [russian().document.id, russian_repost().document.id]
    assert run("documents", "show", russian().document.id[:10], "--db", db).stdout.count("copy") >= 1


def test_init_on_an_older_store_says_to_link(tmp_path):
    from alembic import command

    from recruitwatch.store.database import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = open_store(url)
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    store.close()
    assert "recruitwatch link" in said(run("init", "--db", url))
    assert "recruitwatch link" not in said(run("init", "--db", url))  # up to date now
