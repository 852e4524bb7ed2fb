"""Accounts: roles, argon2id passwords, API tokens; every change and every login attempt audited."""

from __future__ import annotations

import pytest

from recruitwatch.accounts import FIRST_RUN_HINT, ROLES, User, can, hash_password, token_hash
from recruitwatch.errors import AccountError

pytestmark = pytest.mark.issue(9)
PASSWORD = "correct horse battery staple"


def test_roles_allow_what_the_design_says():
    assert ROLES == ("admin", "analyst", "reviewer", "viewer")
    assert [a for a in ("view", "review", "edit", "intake", "export_full", "manage_users") if can("viewer", a)] == ["view"]
    assert can("reviewer", "review") and not can("reviewer", "edit")
    assert can("analyst", "edit") and can("analyst", "intake") and not can("analyst", "export_full")
    assert all(can("admin", a) for a in ("view", "review", "edit", "intake", "export_full", "manage_users"))
    assert not can("nobody", "view")
    assert "recruitwatch users add" in FIRST_RUN_HINT


def test_add_and_authenticate(store):
    assert store.count_users() == 0
    user = store.add_user("alice", PASSWORD, "analyst", language="ru", actor="root")
    assert user == User(id=user.id, username="alice", role="analyst", language="ru", disabled=False)
    assert store.authenticate("alice", PASSWORD) == user
    assert store.authenticate("alice", "wrong password!") is None
    assert store.authenticate("nobody", PASSWORD) is None
    logins = store.audit_entries(action="login")
    assert [(e.target_id, e.details) for e in logins] == [
        ("nobody", {"ok": False, "reason": "unknown user"}),
        ("alice", {"ok": False, "reason": "wrong password"}),
        ("alice", {"ok": True})]
    added = store.audit_entries(action="user_add")[0]
    assert added.actor == "root" and PASSWORD not in str(added.to_dict())


def test_the_password_is_stored_as_an_argon2id_hash(store):
    store.add_user("alice", PASSWORD, "viewer")
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_an_old_hash_is_replaced_on_login(store):
    from argon2 import PasswordHasher

    store.add_user("alice", PASSWORD, "viewer")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE users SET password_hash = %s" % ("'" + weak + "'"))
    assert store.authenticate("alice", PASSWORD) is not None
    with store.engine.connect() as conn:
        now = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert now != weak and now.startswith("$argon2id$")


def test_refusals_say_why(store):
    store.add_user("alice", PASSWORD, "admin")
    with pytest.raises(AccountError, match="taken"):
        store.add_user("alice", PASSWORD, "viewer")
    with pytest.raises(AccountError, match="unknown role"):
        store.add_user("bob", PASSWORD, "boss")
    with pytest.raises(AccountError, match="too short"):
        store.add_user("bob", "short", "viewer")
    with pytest.raises(AccountError, match="last enabled administrator"):
        store.disable_user("alice")
    with pytest.raises(AccountError, match="no user"):
        store.set_role("carol", "viewer")


def test_roles_languages_and_disabling(store):
    store.add_user("root", PASSWORD, "admin")
    store.add_user("bob", PASSWORD, "viewer")
    assert store.set_role("bob", "reviewer", actor="root").role == "reviewer"
    assert store.set_language("bob", "kk").language == "kk"
    assert store.disable_user("bob", actor="root").disabled
    assert store.authenticate("bob", PASSWORD) is None
    assert store.audit_entries(action="login")[0].details == {"ok": False, "reason": "account disabled"}
    assert [u.username for u in store.list_users()] == ["bob", "root"]
    assert store.count_users(enabled_only=True) == 1
    assert store.get_user("bob").role == "reviewer" and store.get_user("carol") is None
    role = store.audit_entries(action="user_set_role")[0]
    assert (role.actor, role.details) == ("root", {"from": "viewer", "to": "reviewer"})


def test_tokens_are_shown_once_stored_hashed_and_revocable(store):
    store.add_user("root", PASSWORD, "admin")
    store.add_user("api", PASSWORD, "analyst")
    token = store.create_token("api", actor="root")
    assert len(token) >= 40
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar()
    assert stored == token_hash(token) and token not in stored
    assert store.user_for_token(token).username == "api"
    assert store.user_for_token(token + "x") is None and store.user_for_token("") is None
    assert store.revoke_tokens("api", actor="root") == 1
    assert store.user_for_token(token) is None
    again = store.create_token("api")
    store.disable_user("api")
    assert store.user_for_token(again) is None  # disabling revokes
    assert [e.action for e in store.audit_entries(target_kind="user", target_id="api")][:2] == \
        ["user_disable", "token_create"]


def test_tokens_expire_after_their_days_and_are_listed_without_the_token(store):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from recruitwatch.errors import AccountError
    from recruitwatch.store.schema import api_tokens

    store.add_user("api", PASSWORD, "analyst")
    default = store.create_token("api")
    short = store.create_token("api", days=1)
    forever = store.create_token("api", days=None)
    listed = {t.id: t for t in store.list_tokens("api")}
    assert set(listed) == {token_hash(t)[:12] for t in (default, short, forever)}
    now = datetime.now(UTC)
    assert abs(listed[token_hash(default)[:12]].expires_at - (now + timedelta(days=90))) < timedelta(minutes=1)
    assert listed[token_hash(forever)[:12]].expires_at is None
    assert all(default not in str(t.to_dict()) for t in listed.values())
    # a day later (the stored expiry moved into the past): the short one no longer opens the API
    with store.engine.begin() as conn:
        conn.execute(update(api_tokens).where(api_tokens.c.token_hash == token_hash(short))
                     .values(expires_at=now - timedelta(seconds=1)))
    assert store.user_for_token(short) is None
    assert store.user_for_token(default).username == "api" and store.user_for_token(forever).username == "api"
    assert [t.expired() for t in store.list_tokens("api") if t.id == token_hash(short)[:12]] == [True]
    with pytest.raises(AccountError, match="more than 0 days"):
        store.create_token("api", days=0)
    created = [e.details for e in store.audit_entries(action="token_create")]
    assert {d["expires"] is None for d in created} == {True, False}


def test_hash_password_uses_argon2id():
    assert hash_password("x" * 12).startswith("$argon2id$")
