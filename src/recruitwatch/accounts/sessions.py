"""How long a workbench session lives: idle and absolute expiry, configurable.

    policy = SessionPolicy.from_env()        # RECRUITWATCH_SESSION_IDLE_MINUTES, RECRUITWATCH_SESSION_MAX_HOURS
    sid = store.create_session("alice")      # the random id goes into the browser's cookie, once
    store.session_user(sid, policy)          # -> User, or None when ended, idle or too old

A session is a random 256-bit id held by the browser (cookie ``rw_session``); the store keeps only
its SHA-256 (``sessions`` table), so a copy of the database gives nobody a usable session. A
session ends when it has not been used for ``idle_minutes``, ``max_hours`` after the login
whatever its use, at logout, and when an administrator disables the account, sets its password
or role, or revokes its sessions (``recruitwatch users revoke NAME``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from recruitwatch.errors import ConfigError

IDLE_ENV = "RECRUITWATCH_SESSION_IDLE_MINUTES"
MAX_ENV = "RECRUITWATCH_SESSION_MAX_HOURS"
#: A session's last use is written at most this often (seconds), not on every request.
TOUCH_EVERY = 60


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """Idle expiry (minutes without a request) and absolute expiry (hours after the login)."""

    idle_minutes: float = 60
    max_hours: float = 12

    def __post_init__(self) -> None:
        if not (self.idle_minutes > 0 and self.max_hours > 0):
            raise ConfigError(f"session lifetimes must be positive (idle {self.idle_minutes} minutes, "
                              f"max {self.max_hours} hours); set {IDLE_ENV} and {MAX_ENV} to numbers above 0")

    @property
    def idle_seconds(self) -> float:
        return self.idle_minutes * 60

    @property
    def max_seconds(self) -> float:
        return self.max_hours * 3600

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, idle_minutes: float | None = None,
                 max_hours: float | None = None) -> SessionPolicy:
        """The policy from ``$RECRUITWATCH_SESSION_IDLE_MINUTES`` and ``$RECRUITWATCH_SESSION_MAX_HOURS``;
        explicit values (``serve --session-idle/--session-max``) win."""
        env = os.environ if environ is None else environ
        values = {}
        for name, var, given in (("idle_minutes", IDLE_ENV, idle_minutes), ("max_hours", MAX_ENV, max_hours)):
            if given is not None:
                values[name] = float(given)
            elif env.get(var, "").strip():
                try:
                    values[name] = float(env[var])
                except ValueError:
                    raise ConfigError(f"${var} is {env[var]!r}; give a number (e.g. {var}=30)") from None
        return cls(**values)
