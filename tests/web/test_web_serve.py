"""`recruitwatch serve --db`: the store is opened once for the app, or the command says how to create it."""

from __future__ import annotations

from typer.testing import CliRunner

from recruitwatch.cli import _register, app

_register()

runner = CliRunner()


def test_serve_refuses_a_store_that_does_not_exist(tmp_path):
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 3
    assert "recruitwatch init" in result.output and "missing.db" in result.output


def test_serve_opens_the_store_once_for_the_app(monkeypatch, filled_store):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: started.update(app=application, **kw))
    url = str(filled_store.engine.url)  # sqlite:///.../store.db
    result = runner.invoke(app, ["serve", "--db", url, "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert started["port"] == 8765 and started["app"].state.store is not None
    assert started["app"].state.store.count_incidents() == 3


def test_serve_public_starts_the_public_dashboard(monkeypatch, filled_store):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: started.update(app=application, **kw))
    result = runner.invoke(app, ["serve", "--db", str(filled_store.engine.url), "--public", "--min-count", "2"])
    assert result.exit_code == 0, result.output
    assert started["app"].state.public is True and started["app"].state.min_count == 2
    assert "Public dashboard" in result.output
