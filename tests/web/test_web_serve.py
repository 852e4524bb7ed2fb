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


def test_serve_with_two_workers_shares_logins_and_stops_cleanly(tmp_path, filled_store):
    """A login made through one worker process holds in the other (one signing key for all), and
    SIGTERM to `serve` ends every worker."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx
    from workbench import login

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = str(Path(sys.executable).parent / "recruitwatch")
    env = {k: v for k, v in os.environ.items() if k != "RECRUITWATCH_SECRET_KEY"}
    server = subprocess.Popen([command, "serve", "--db", str(filled_store.engine.url), "--port", str(port),
                               "--workers", "2"], stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            deadline = time.monotonic() + 120  # two workers start; the machine may be busy
            while True:
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            assert login(client, "ada").status_code == 303
            # Many requests on new connections: both workers answer some, and both know the session.
            pages = [httpx.get(f"http://127.0.0.1:{port}/incidents", cookies=client.cookies) for _ in range(20)]
            assert [p.status_code for p in pages] == [200] * 20
            assert all("Kazan" in p.text for p in pages)
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 2
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    assert "2 worker processes" in errors and "RECRUITWATCH_SECRET_KEY is not set" in errors
    def alive(pid: str) -> bool:
        try:
            return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children if alive(pid)}
    assert not left, left
