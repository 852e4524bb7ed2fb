"""Who is asking: signed session cookies, API tokens, login throttling and role checks.

* **Session.** After a login the browser holds ``rw_session``: a random 256-bit session id
  (``HttpOnly``, ``SameSite=Lax``, ``Secure`` over HTTPS). The store keeps its SHA-256 with the user
  and the times it was created and last used (:mod:`recruitwatch.store.sessions`); every request
  looks it up, so a logout, a revocation, a disabled account, a new password or role, an idle
  session or one past its maximum age (:class:`recruitwatch.accounts.sessions.SessionPolicy`) ends
  it at once, on the server, whatever the browser still holds.
* **API tokens.** ``Authorization: Bearer <token>`` (``recruitwatch users token``) for scripts.
* **Throttle.** :class:`LoginThrottle` refuses a login after :data:`MAX_FAILURES` failures from
  one address, or for one username, within :data:`WINDOW_SECONDS`.
* **Roles.** :func:`require` is a FastAPI dependency: no user -> the login page (HTML) or 401
  (API); a role without the permission -> 403. The permissions are the library's
  (:func:`recruitwatch.accounts.can`), the same for the CLI and the web.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import quote

from fastapi import HTTPException, Request

from recruitwatch.accounts import User, can

SESSION_COOKIE = "rw_session"
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def session_id(request: Request) -> str | None:
    """The session id the browser sends (its cookie), or None."""
    return request.cookies.get(SESSION_COOKIE) or None


def current_user(request: Request) -> User | None:
    """The user behind a request (session cookie or bearer token), or None; cached per request."""
    if hasattr(request.state, "user"):
        return request.state.user
    if getattr(request.app.state, "public", False):  # the public dashboard knows no users
        request.state.user = None
        return None
    store = request.app.state.store
    user = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and store is not None:
        user = store.user_for_token(header[7:].strip())
    elif store is not None:
        user = store.session_user(session_id(request), request.app.state.sessions)
    if user is not None and user.disabled:
        user = None
    request.state.user = user
    return user


class LoginRequired(Exception):
    """Raised for a page that needs a login; the app answers with a redirect to /login."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


def require(action: str):
    """A dependency: the user, when logged in and allowed ``action`` (see accounts.can)."""

    def dependency(request: Request) -> User:
        if request.app.state.store is None:
            from recruitwatch.web.views.common import get_store

            get_store(request)  # raises NoStore: a paper-check-only server has no workbench
        user = current_user(request)
        if user is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(401, "Log in or send an API token (recruitwatch users token NAME).",
                                    headers={"WWW-Authenticate": "Bearer"})
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        if not can(user.role, action):
            raise HTTPException(403, f"The role {user.role!r} may not {action}.")
        return user

    return dependency


def csrf_token(request: Request) -> str:
    """The CSRF token for a form on this page: the browser's, when valid, else a new one (set as a
    cookie by the app's middleware, ``request.state.csrf_new``)."""
    from recruitwatch.web.guard import CSRF_COOKIE, new_token, token_ok

    secret = request.app.state.secret
    token = request.cookies.get(CSRF_COOKIE)
    if token_ok(secret, token, token):
        return token
    if not getattr(request.state, "csrf_new", None):
        request.state.csrf_new = new_token(secret)
    return request.state.csrf_new


def csrf_ok(request: Request, field: str | None) -> bool:
    from recruitwatch.web.guard import CSRF_COOKIE, token_ok

    return token_ok(request.app.state.secret, request.cookies.get(CSRF_COOKIE), field)


class LoginThrottle:
    """Failed logins per address and per username within a sliding window (in memory, per process)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.max_failures, self.window = max_failures, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, address: str, username: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            return any(len(self._recent(k, now)) >= self.max_failures for k in (f"ip:{address}", f"user:{username}"))

    def failed(self, address: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in (f"ip:{address}", f"user:{username}"):
                self._recent(key, now).append(now)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username}", None)
