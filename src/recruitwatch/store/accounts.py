"""User accounts and API tokens in the store.

:class:`AccountStore` is a part of :class:`recruitwatch.store.Store`. The rules (roles, password
hashing, token hashing) are in :mod:`recruitwatch.accounts`. Every change, and every login attempt,
is written to the audit log in the same transaction. Passwords and tokens never reach the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from recruitwatch import accounts as A
from recruitwatch.accounts import User
from recruitwatch.errors import AccountError
from recruitwatch.store.connection import aware
from recruitwatch.store.schema import api_tokens, users

_USER_COLUMNS = (users.c.id, users.c.username, users.c.role, users.c.language, users.c.disabled)
# Verified when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_PASSWORD = "recruitwatch-no-such-user"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TokenInfo:
    """One API token as ``users token NAME --list`` shows it (never the token itself)."""

    id: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or _now())

    def to_dict(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {"id": self.id, "created_at": iso(self.created_at), "last_used_at": iso(self.last_used_at),
                "expires_at": iso(self.expires_at), "expired": self.expired()}


def _user(row: Any) -> User:
    return User(id=row.id, username=row.username, role=row.role, language=row.language, disabled=bool(row.disabled))


class AccountStore:
    """Account methods of the Store (mixed into :class:`recruitwatch.store.Store`).

    ``actor`` (keyword) is who does it, for the audit log: the logged-in admin on the web, the
    operating-system user (or ``--as``) on the command line.
    """

    # Uses _connect (Store) and _audit (AuditStore); no stubs, which would hide them in the Store's MRO.

    def _user_row(self, conn: Connection, username: str) -> Any:
        row = conn.execute(select(*_USER_COLUMNS, users.c.password_hash).where(users.c.username == username)).first()
        if row is None:
            raise AccountError(f"no user {username!r}; `recruitwatch users list` shows them")
        return row

    def add_user(self, username: str, password: str, role: str, language: str = "en", *, actor: str = "system") -> User:
        """Create an account (argon2id password hash). Raises AccountError for a taken name or a bad role."""
        username = A.check_username(username)
        A.check_role(role)
        A.check_language(language)
        A.check_password(password)
        digest = A.hash_password(password)
        with self._connect(write=True) as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None:
                raise AccountError(f"the user name {username!r} is taken")
            conn.execute(users.insert().values(username=username, password_hash=digest, role=role, language=language,
                                               disabled=False, created_at=_now()))
            self._audit(conn, "user_add", actor=actor, target_kind="user", target_id=username,
                        details={"role": role, "language": language})
            return _user(self._user_row(conn, username))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user, when ``password`` is theirs and the account is enabled; else None.

        Every attempt is audited (``login``, with ``ok`` and the reason of a failure). A hash made
        with older argon2 parameters is replaced by a new one on a successful login.
        """
        with self._connect(write=True) as conn:
            row = conn.execute(select(*_USER_COLUMNS, users.c.password_hash).where(users.c.username == username)).first()
            if row is None:
                A.verify_password(A.hash_password(_DUMMY_PASSWORD), password or "")
                reason = "unknown user"
            elif not A.verify_password(row.password_hash, password or ""):
                reason = "wrong password"
            elif row.disabled:
                reason = "account disabled"
            else:
                reason = None
                if A.needs_rehash(row.password_hash):
                    conn.execute(update(users).where(users.c.id == row.id).values(password_hash=A.hash_password(password)))
            self._audit(conn, "login", actor=username or "", target_kind="user", target_id=username or "",
                        details={"ok": reason is None, **({"reason": reason} if reason else {})})
            return _user(row) if reason is None else None

    def get_user(self, username: str) -> User | None:
        with self._connect() as conn:
            row = conn.execute(select(*_USER_COLUMNS).where(users.c.username == username)).first()
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        with self._connect() as conn:
            return [_user(r) for r in conn.execute(select(*_USER_COLUMNS).order_by(users.c.username))]

    def count_users(self, *, enabled_only: bool = False) -> int:
        stmt = select(func.count()).select_from(users)
        if enabled_only:
            stmt = stmt.where(users.c.disabled.is_(False))
        with self._connect() as conn:
            return conn.execute(stmt).scalar() or 0

    def _change(self, username: str, action: str, values: dict[str, Any], *, actor: str,
                details: dict[str, Any]) -> User:
        with self._connect(write=True) as conn:
            row = self._user_row(conn, username)
            if values.get("role") not in (None, "admin") or values.get("disabled"):
                self._keep_an_admin(conn, row)
            conn.execute(update(users).where(users.c.id == row.id).values(**values))
            if values.get("disabled"):
                conn.execute(delete(api_tokens).where(api_tokens.c.user_id == row.id))
            if values.get("disabled") or "password_hash" in values or "role" in values:
                # a disabled account, a new password or a new role ends every open session: log in again
                ended = self._drop_sessions(conn, row.id)
                if ended:
                    details = {**details, "sessions_ended": ended}
            self._audit(conn, action, actor=actor, target_kind="user", target_id=username, details=details)
            return _user(self._user_row(conn, username))

    def _keep_an_admin(self, conn: Connection, row: Any) -> None:
        if row.role != "admin" or row.disabled:
            return
        others = conn.execute(select(func.count()).select_from(users).where(
            users.c.role == "admin", users.c.disabled.is_(False), users.c.id != row.id)).scalar()
        if not others:
            raise AccountError(f"{row.username!r} is the last enabled administrator; make another user admin first")

    def set_role(self, username: str, role: str, *, actor: str = "system") -> User:
        """A new role; every open session of the user ends (tokens act with the new role at once)."""
        A.check_role(role)
        old = self.get_user(username)
        return self._change(username, "user_set_role", {"role": role}, actor=actor,
                            details={"from": old.role if old else None, "to": role})

    def disable_user(self, username: str, *, actor: str = "system") -> User:
        """Disable an account: it can no longer log in, its sessions end and its API tokens are revoked."""
        return self._change(username, "user_disable", {"disabled": True}, actor=actor, details={})

    def enable_user(self, username: str, *, actor: str = "system") -> User:
        return self._change(username, "user_enable", {"disabled": False}, actor=actor, details={})

    def set_language(self, username: str, lang: str, *, actor: str = "system") -> User:
        A.check_language(lang)
        return self._change(username, "user_set_language", {"language": lang}, actor=actor, details={"to": lang})

    def set_password(self, username: str, password: str, *, actor: str = "system") -> User:
        """A new password; every open session of the user ends (API tokens stay: only admins make them)."""
        A.check_password(password)
        return self._change(username, "user_set_password", {"password_hash": A.hash_password(password)},
                            actor=actor, details={})

    # -- API tokens --------------------------------------------------------------------------

    def create_token(self, username: str, *, days: float | None = A.TOKEN_DAYS, actor: str = "system") -> str:
        """A new API token for ``username``: returned once, stored only as its SHA-256. It stops working
        ``days`` days from now (default 90); ``days=None`` makes one that never expires."""
        if days is not None and not days > 0:
            raise AccountError(f"a token must live more than 0 days (got {days}); give no limit for one that never expires")
        token = A.new_token()
        digest = A.token_hash(token)
        now = _now()
        expires = None if days is None else now + timedelta(days=days)
        with self._connect(write=True) as conn:
            row = self._user_row(conn, username)
            if row.disabled:
                raise AccountError(f"{username!r} is disabled; enable the account before giving it a token")
            conn.execute(api_tokens.insert().values(token_hash=digest, user_id=row.id, created_at=now,
                                                    expires_at=expires))
            self._audit(conn, "token_create", actor=actor, target_kind="user", target_id=username,
                        details={"token": digest[:12], "expires": expires.isoformat(timespec="seconds") if expires else None})
        return token

    def list_tokens(self, username: str) -> list[TokenInfo]:
        """The API tokens of ``username``, newest first: each by the first 12 hex digits of its hash
        (as the audit trail names it), with when it was made, last used and expires."""
        with self._connect() as conn:
            row = self._user_row(conn, username)
            rows = conn.execute(select(api_tokens.c.token_hash, api_tokens.c.created_at, api_tokens.c.last_used_at,
                                       api_tokens.c.expires_at)
                                .where(api_tokens.c.user_id == row.id)
                                .order_by(api_tokens.c.created_at.desc(), api_tokens.c.token_hash)).all()
        return [TokenInfo(r.token_hash[:12], aware(r.created_at), aware(r.last_used_at), aware(r.expires_at))
                for r in rows]

    def user_for_token(self, token: str) -> User | None:
        """The enabled user an API token belongs to, or None. Records the token's last use.

        Not audited per request (the log would grow by one entry per API call); ``last_used_at``
        says when a token was last used, and creating and revoking tokens are audited.
        """
        if not token:
            return None
        digest = A.token_hash(token)
        with self._connect(write=True) as conn:
            row = conn.execute(select(*_USER_COLUMNS).join_from(api_tokens, users, users.c.id == api_tokens.c.user_id)
                               .where(api_tokens.c.token_hash == digest)).first()
            if row is None or row.disabled:
                return None
            expires = aware(conn.execute(select(api_tokens.c.expires_at)
                                          .where(api_tokens.c.token_hash == digest)).scalar())
            if expires is not None and expires <= _now():
                return None
            conn.execute(update(api_tokens).where(api_tokens.c.token_hash == digest).values(last_used_at=_now()))
            return _user(row)

    def revoke_tokens(self, username: str, *, actor: str = "system") -> int:
        """Revoke every API token of ``username``; returns how many there were."""
        with self._connect(write=True) as conn:
            row = self._user_row(conn, username)
            n = conn.execute(delete(api_tokens).where(api_tokens.c.user_id == row.id)).rowcount
            self._audit(conn, "token_revoke", actor=actor, target_kind="user", target_id=username, details={"tokens": n})
            return n
