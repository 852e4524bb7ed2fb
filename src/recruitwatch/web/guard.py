"""Request hardening for the web app: same-origin posts, CSRF tokens, request size while streaming.

* **Origin check.** A POST (or PUT, PATCH, DELETE) whose ``Origin`` header, or failing that whose
  ``Referer``, names another site is refused with 403 before its body is read: any page a user
  visits could otherwise post files to the local server. ``Origin: null`` (sandboxed frames,
  ``file://`` pages) is refused too. Requests with neither header (scripts, curl) go on to the
  CSRF check, which they can pass only with a token from a form they fetched.
* **CSRF token.** The form carries a token that must match a cookie (``SameSite=Strict``,
  ``HttpOnly``) signed with the app's secret (a random key per process, or
  ``$RECRUITWATCH_SECRET_KEY``). See :func:`new_token` and :func:`token_ok`.
* **Size.** A body larger than ``Limits.upload_bytes`` is refused with 413: at once when its
  ``Content-Length`` says so, otherwise as soon as the bytes received pass the limit, before the
  rest is read. Because no request can be larger than that, no uploaded part ever outgrows the
  in-memory spool (set to the same size in ``create_app``): uploads are never written to disk.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recruitwatch.ingest.markup import human_size

CSRF_COOKIE = "rw_csrf"
CSRF_FIELD = "csrf_token"
SECRET_ENV = "RECRUITWATCH_SECRET_KEY"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def app_secret() -> bytes:
    """The key that signs CSRF tokens: ``$RECRUITWATCH_SECRET_KEY``, else random for this process."""
    configured = os.environ.get(SECRET_ENV, "")
    return configured.encode() if configured else secrets.token_bytes(32)


def new_token(secret: bytes) -> str:
    nonce = secrets.token_hex(16)
    return f"{nonce}.{_sign(secret, nonce)}"


def token_ok(secret: bytes, cookie: str | None, field: str | None) -> bool:
    """True when the form's token is the cookie's token and carries our signature."""
    if not cookie or not field or not hmac.compare_digest(cookie, field):
        return False
    nonce, _, signature = cookie.partition(".")
    return bool(nonce) and hmac.compare_digest(signature, _sign(secret, nonce))


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]


def same_origin(scope: Scope, headers: Headers) -> bool | None:
    """True/False when the request says where it comes from (Origin, else Referer); None when it does not."""
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        if not referer:
            return None
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin == "null":
        return False
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("", None)
        host = f"{server[0]}:{server[1]}" if server[1] else server[0]
    scheme = scope.get("scheme", "http")
    return origin.lower() in {f"{scheme}://{host}".lower(), _default_port(scheme, host)}


def _default_port(scheme: str, host: str) -> str:
    default = {"http": ":80", "https": ":443"}.get(scheme, "")
    return f"{scheme}://{host.removesuffix(default)}".lower()


class RequestGuard:
    """ASGI middleware: refuse cross-origin writes and bodies over ``max_body`` bytes while they stream."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _UNSAFE:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if same_origin(scope, headers) is False:
            response = PlainTextResponse("Refused: this form was sent from another site. Open the page on this "
                                         "server and send it from there.", status_code=403)
            await response(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self._too_large(int(length))(scope, receive, send)
            return
        received = 0
        limit = self.max_body

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large_text(None, limit))
            return message

        await self.app(scope, counted, send)

    def _too_large(self, size: int | None) -> PlainTextResponse:
        return PlainTextResponse(_too_large_text(size, self.max_body), status_code=413,
                                 headers={"Connection": "close"})


def _too_large_text(size: int | None, limit: int) -> str:
    what = f"The files together are {human_size(size)}" if size else "The files together are too large"
    return (f"{what}; one check accepts at most {human_size(limit)} (upload_bytes). "
            "Send fewer or smaller files at a time.")
