"""Workbench sessions in the store: create, look up (with expiry), end, list and revoke.

:class:`SessionStore` is a part of :class:`recruitwatch.store.Store`; the policy (how long a session
lives) is :class:`recruitwatch.accounts.sessions.SessionPolicy`. The store keeps the SHA-256 of
each session id, never the id. Logins are audited by ``authenticate``; ending a session by logout
or revocation is audited here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from recruitwatch.accounts import User, token_hash
from recruitwatch.accounts.sessions import TOUCH_EVERY, SessionPolicy
from recruitwatch.store.connection import aware
from recruitwatch.store.schema import sessions, users

_USER_COLUMNS = (users.c.id, users.c.username, users.c.role, users.c.language, users.c.disabled)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SessionInfo:
    """One open session, as ``users sessions`` shows it: a short prefix of its hash, not the id."""

    ref: str
    created_at: datetime
    last_seen_at: datetime

    def to_dict(self) -> dict[str, str]:
        return {"ref": self.ref, "created_at": self.created_at.isoformat(), "last_seen_at": self.last_seen_at.isoformat()}


class SessionStore:
    """Session methods of the Store (mixed into :class:`recruitwatch.store.Store`)."""

    # Uses _connect (Store), _user_row (AccountStore) and _audit (AuditStore).

    def create_session(self, username: str, *, policy: SessionPolicy | None = None) -> str:
        """A new session for an enabled ``username``; returns its random id (for the cookie), stored as SHA-256.
        Sessions of any user that have expired under ``policy`` are deleted on the way."""
        policy = policy or SessionPolicy()
        sid = secrets.token_urlsafe(32)
        now = _now()
        with self._connect(write=True) as conn:
            row = self._user_row(conn, username)
            conn.execute(delete(sessions).where(
                (sessions.c.created_at < now - timedelta(seconds=policy.max_seconds))
                | (sessions.c.last_seen_at < now - timedelta(seconds=policy.idle_seconds))))
            conn.execute(sessions.insert().values(id_hash=token_hash(sid), user_id=row.id, created_at=now,
                                                  last_seen_at=now))
        return sid

    def session_user(self, sid: str | None, policy: SessionPolicy | None = None, *,
                     now: datetime | None = None) -> User | None:
        """The enabled user of session ``sid``, or None when it does not exist, was ended, or is idle or
        too old under ``policy`` (an expired session is deleted). Records its use at most once a minute."""
        if not sid:
            return None
        policy = policy or SessionPolicy()
        now = now or _now()
        digest = token_hash(sid)
        with self._connect() as conn:
            row = conn.execute(select(*_USER_COLUMNS, sessions.c.created_at, sessions.c.last_seen_at)
                               .join_from(sessions, users, users.c.id == sessions.c.user_id)
                               .where(sessions.c.id_hash == digest)).first()
        if row is None:
            return None
        created, seen = aware(row.created_at), aware(row.last_seen_at)
        expired = (now - created).total_seconds() > policy.max_seconds or \
            (now - seen).total_seconds() > policy.idle_seconds
        if expired or row.disabled:
            with self._connect(write=True) as conn:
                conn.execute(delete(sessions).where(sessions.c.id_hash == digest))
            return None
        if (now - seen).total_seconds() >= TOUCH_EVERY:
            with self._connect(write=True) as conn:
                conn.execute(update(sessions).where(sessions.c.id_hash == digest).values(last_seen_at=now))
        return User(id=row.id, username=row.username, role=row.role, language=row.language, disabled=bool(row.disabled))

    def end_session(self, sid: str | None) -> bool:
        """Logout: delete session ``sid``; True when it existed (audited as ``logout``)."""
        if not sid:
            return False
        digest = token_hash(sid)
        with self._connect(write=True) as conn:
            row = conn.execute(select(users.c.username).join_from(sessions, users, users.c.id == sessions.c.user_id)
                               .where(sessions.c.id_hash == digest)).first()
            if row is None:
                return False
            conn.execute(delete(sessions).where(sessions.c.id_hash == digest))
            self._audit(conn, "logout", actor=row.username, target_kind="user", target_id=row.username, details={})
        return True

    def list_sessions(self, username: str) -> list[SessionInfo]:
        """The open sessions of ``username``, newest first (expired ones may be listed until next cleaned)."""
        with self._connect() as conn:
            row = self._user_row(conn, username)
            found = conn.execute(select(sessions).where(sessions.c.user_id == row.id)
                                 .order_by(sessions.c.created_at.desc())).all()
        return [SessionInfo(r.id_hash[:12], aware(r.created_at), aware(r.last_seen_at)) for r in found]

    def revoke_sessions(self, username: str, *, actor: str = "system") -> int:
        """End every session of ``username`` (they must log in again); returns how many there were."""
        with self._connect(write=True) as conn:
            row = self._user_row(conn, username)
            n = self._drop_sessions(conn, row.id)
            self._audit(conn, "session_revoke", actor=actor, target_kind="user", target_id=username,
                        details={"sessions": n})
            return n

    def count_sessions(self) -> int:
        with self._connect() as conn:
            return conn.execute(select(func.count()).select_from(sessions)).scalar() or 0

    @staticmethod
    def _drop_sessions(conn, user_id: int) -> int:
        return conn.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount or 0
