"""Sessions end on the server (issue 10 item 7): logout, idle and absolute expiry, revocation by an admin,
and a disabled account, a new password or a new role. A browser that kept its cookie is logged out anyway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner
from workbench import PASSWORD, form_token, login

from recruitwatch.accounts.sessions import SessionPolicy
from recruitwatch.cli import _register
from recruitwatch.cli import app as cli
from recruitwatch.errors import ConfigError
from recruitwatch.store import open_store
from recruitwatch.web.app import create_app
from recruitwatch.web.auth import SESSION_COOKIE


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'sessions.db'}")
    s.init()
    s.add_user("ada", PASSWORD, "admin", actor="tests")
    yield s
    s.close()


@pytest.fixture
def store(shared):
    """The shared store with a fresh analyst "sam" (the previous test's is renamed out of the way)."""
    with shared.engine.begin() as conn:
        conn.execute(text("DELETE FROM sessions"))
        conn.execute(text("UPDATE users SET username = 'old-' || id WHERE username = 'sam'"))
    shared.add_user("sam", PASSWORD, "analyst", actor="tests")
    return shared


def logged_in(store, name="sam", policy=None, *, form=False) -> tuple[TestClient, str]:
    """A client logged in (through the login form when ``form``), and the session id its cookie holds."""
    client = TestClient(create_app(store=store, sessions=policy))
    if form:
        assert login(client, name).status_code == 303
    else:
        client.cookies.set(SESSION_COOKIE, store.create_session(name, policy=policy))
    return client, client.cookies[SESSION_COOKIE]


def with_cookie(store, sid: str, policy=None) -> TestClient:
    """Another browser that replays a copied session cookie."""
    client = TestClient(create_app(store=store, sessions=policy))
    client.cookies.set(SESSION_COOKIE, sid)
    return client


def works(client) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_the_store_keeps_a_hash_of_the_session_id_only(store):
    _, sid = logged_in(store, form=True)
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id_hash FROM sessions")).scalars().all()
    assert len(rows) == 1 and sid not in rows[0] and len(sid) >= 40


def test_a_forged_cookie_is_no_session(store):
    assert not works(with_cookie(store, "ada"))
    assert not works(with_cookie(store, "x" * 43))


def test_logout_ends_the_session_on_the_server(store):
    client, sid = logged_in(store, form=True)
    copy = with_cookie(store, sid)
    assert works(copy)
    page = client.get("/")
    client.post("/logout", data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert not works(copy)  # the copied cookie is dead too, not only the browser that logged out
    assert store.count_sessions() == 0
    assert store.audit_entries()[0].action == "logout"


@pytest.mark.parametrize("change", ["disable_user", "set_password", "set_role", "revoke_sessions"])
def test_an_admins_change_ends_the_users_sessions(store, change):
    _, sid = logged_in(store)
    _, other = logged_in(store, "ada")
    args = {"set_password": ("another long passphrase",), "set_role": ("viewer",)}.get(change, ())
    getattr(store, change)("sam", *args, actor="ada")
    assert not works(with_cookie(store, sid))
    assert works(with_cookie(store, other))  # other users stay logged in
    if change == "set_password":  # the new password logs in again
        again = TestClient(create_app(store=store))
        token = form_token(again.get("/login").text)
        assert again.post("/login", data={"username": "sam", "password": "another long passphrase",
                                          "csrf_token": token}, follow_redirects=False).status_code == 303
        assert works(again)


def test_the_language_change_keeps_the_session(store):
    client, sid = logged_in(store)
    store.set_language("sam", "ru", actor="sam")
    assert works(with_cookie(store, sid))


def _age(store, column: str, delta: timedelta) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(f"UPDATE sessions SET {column} = :at"), {"at": datetime.now(UTC) - delta})


def test_an_idle_session_expires(store):
    policy = SessionPolicy(idle_minutes=30, max_hours=12)
    _, sid = logged_in(store, policy=policy)
    _age(store, "last_seen_at", timedelta(minutes=29))
    assert works(with_cookie(store, sid, policy))  # used within the idle time: it lives, and the use is recorded
    _age(store, "last_seen_at", timedelta(minutes=31))
    assert not works(with_cookie(store, sid, policy))
    assert store.count_sessions() == 0  # deleted, not only refused


def test_a_busy_session_still_ends_after_its_maximum_age(store):
    policy = SessionPolicy(idle_minutes=30, max_hours=2)
    _, sid = logged_in(store, policy=policy)
    _age(store, "created_at", timedelta(hours=2, minutes=1))
    assert not works(with_cookie(store, sid, policy))
    assert SessionPolicy.from_env({}).idle_minutes == 60 and SessionPolicy.from_env({}).max_hours == 12


def test_session_use_is_recorded_at_most_once_a_minute(store):
    _, sid = logged_in(store)
    now = datetime.now(UTC)
    assert store.session_user(sid, now=now + timedelta(seconds=30)) is not None
    assert store.list_sessions("sam")[0].last_seen_at < now + timedelta(seconds=1)
    assert store.session_user(sid, now=now + timedelta(seconds=90)) is not None
    assert store.list_sessions("sam")[0].last_seen_at >= now + timedelta(seconds=89)


def test_the_policy_comes_from_the_environment_and_refuses_nonsense():
    env = {"RECRUITWATCH_SESSION_IDLE_MINUTES": "15", "RECRUITWATCH_SESSION_MAX_HOURS": "8"}
    assert SessionPolicy.from_env(env) == SessionPolicy(15, 8)
    assert SessionPolicy.from_env(env, idle_minutes=5).idle_minutes == 5
    with pytest.raises(ConfigError, match="RECRUITWATCH_SESSION_IDLE_MINUTES"):
        SessionPolicy.from_env({"RECRUITWATCH_SESSION_IDLE_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="positive"):
        SessionPolicy(0, 1)


def test_users_sessions_and_revoke_on_the_command_line(store, tmp_path):
    _, sid = logged_in(store)
    logged_in(store)
    token = store.create_token("sam", actor="tests")
    db = str(store.engine.url.database)
    _register()
    runner = CliRunner()
    listed = runner.invoke(cli, ["users", "sessions", "sam", "--db", db, "--json"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count('"ref"') == 2 and sid not in listed.output
    out = runner.invoke(cli, ["users", "revoke", "sam", "--tokens", "--db", db])
    assert out.exit_code == 0 and "Ended 2 sessions of sam and revoked 1 token" in out.output, out.output
    assert not works(with_cookie(store, sid))
    assert store.user_for_token(token) is None
    assert runner.invoke(cli, ["users", "revoke", "nobody", "--db", db]).exit_code == 3
    assert "revoke" in runner.invoke(cli, ["users", "--help"]).output
