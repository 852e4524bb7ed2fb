"""Users, roles and what each role may do; argon2id passwords and API tokens.

    can("reviewer", "review")   # True
    user = store.add_user("alice", "a long passphrase", "analyst", actor="admin")
    store.authenticate("alice", "a long passphrase")  # -> User, or None
    token = store.create_token("alice")                # shown once; only its SHA-256 is stored
    store.user_for_token(token)                        # -> User, or None

The store methods live in :mod:`recruitwatch.store.accounts`; this module holds the rules.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cache

from recruitwatch.errors import AccountError, PermissionDenied

ROLES = ("admin", "analyst", "reviewer", "viewer")
ACTIONS = ("view", "review", "edit", "intake", "export_full", "manage_users")

#: What each role may do. review: verify, dispute, reject, accept; edit: edit fields, merge, split;
#: intake: record testimony; export_full: export with personal data; manage_users: accounts and tokens.
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "reviewer": frozenset({"view", "review"}),
    "analyst": frozenset({"view", "review", "edit", "intake"}),
    "admin": frozenset(ACTIONS),
}

LANGUAGES = ("en", "ru", "uz", "tg", "ky", "kk")
MIN_PASSWORD_LENGTH = 10
#: How long a new API token works unless told otherwise (``users token NAME --days N``).
TOKEN_DAYS = 90

#: Said by `recruitwatch users` and `recruitwatch serve` while the store has no user.
FIRST_RUN_HINT = (
    "No user exists yet. Create the first administrator with: "
    "recruitwatch users add NAME --role admin  (it asks for the password twice)"
)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    language: str
    disabled: bool


def system_user() -> str:
    """The operating-system user running this process: the actor of command-line changes (and of
    ingest, re-extraction and re-linking when no actor is named)."""
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        return os.environ.get("USER") or "unknown"


def can(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (one of :data:`ACTIONS`). Unknown roles may do nothing."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return action in PERMISSIONS.get(role, frozenset())


def require(user: User | None, action: str) -> User:
    """``user`` when it is enabled and its role allows ``action``; else :class:`PermissionDenied`
    (the web app turns it into 403, the CLI into a message)."""
    if user is None or user.disabled:
        raise PermissionDenied(f"log in to {action}")
    if not can(user.role, action):
        raise PermissionDenied(f"{user.username} is a {user.role}; a {user.role} may not {action}")
    return user


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise AccountError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise AccountError(f"{username!r} is not a usable user name: 1 to 64 printable characters, no spaces")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
                           "(a few words make a good one)")
    return password


@cache
def hasher():  # -> argon2.PasswordHasher: argon2id with the library's current recommended parameters
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)


def new_token() -> str:
    """A fresh API token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 in hex (a token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
