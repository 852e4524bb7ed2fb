"""Workbench sessions in the store, on SQLite and PostgreSQL: created, found, expired, ended, revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recruitwatch.accounts.sessions import SessionPolicy

pytestmark = pytest.mark.issue(10)
PASSWORD = "a long test passphrase"


def test_a_session_lives_until_it_is_idle_old_ended_or_revoked(store):
    store.add_user("sam", PASSWORD, "analyst", actor="tests")
    policy = SessionPolicy(idle_minutes=30, max_hours=2)
    now = datetime.now(UTC)
    sid = store.create_session("sam", policy=policy)
    assert store.session_user(sid, policy, now=now).username == "sam"
    assert store.session_user(sid, policy, now=now + timedelta(minutes=29)) is not None  # and recorded as used
    assert store.session_user(sid, policy, now=now + timedelta(minutes=58)) is not None  # 29 min after that use
    assert store.session_user(sid, policy, now=now + timedelta(hours=2, minutes=1)) is None  # too old, however busy
    assert store.count_sessions() == 0  # the expired session was deleted
    idle = store.create_session("sam", policy=policy)
    assert store.session_user(idle, policy, now=datetime.now(UTC) + timedelta(minutes=31)) is None
    ended = store.create_session("sam", policy=policy)
    assert store.end_session(ended) and not store.end_session(ended)
    assert store.session_user(ended, policy) is None
    kept = [store.create_session("sam", policy=policy) for _ in range(2)]
    assert len(store.list_sessions("sam")) == 2
    assert store.revoke_sessions("sam", actor="ada") == 2
    assert all(store.session_user(k, policy) is None for k in kept)
    assert store.audit_entries(action="session_revoke")[0].details == {"sessions": 2}


def test_account_changes_end_sessions_but_a_language_change_does_not(store):
    store.add_user("ada", PASSWORD, "admin", actor="tests")
    store.add_user("sam", PASSWORD, "analyst", actor="tests")
    sid = store.create_session("sam")
    store.set_language("sam", "ru", actor="sam")
    assert store.session_user(sid) is not None
    store.set_role("sam", "viewer", actor="ada")
    assert store.session_user(sid) is None
    assert store.audit_entries(action="user_set_role")[0].details["sessions_ended"] == 1
