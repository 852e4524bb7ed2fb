"""Fetch one http(s) URL within limits: bytes, time, redirects; conditional requests.

Every problem becomes a :class:`recruitwatch.errors.ReadError` naming the URL asked for: an HTTP
error status, a refused connection, a timeout, too many redirects, an answer above the size
limit, an empty answer. A ``304 Not Modified`` answer to a conditional request (``etag`` /
``last_modified`` given) is not an error: it comes back as :class:`Fetched` with ``status=304``
and no body, so a watcher pays nothing for a page that did not change.

Nothing else is fetched: no scripts, images or linked pages; redirects are followed only to
http and https URLs, at most ``max_redirects`` of them.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from recruitwatch import __version__
from recruitwatch.errors import ReadError
from recruitwatch.ingest.markup import human_size

USER_AGENT = f"recruitwatch/{__version__} (report monitor; +https://github.com/recruitwatch)"
TIMEOUT_SECONDS = 30
MAX_REDIRECTS = 5
CHUNK = 1 << 16
ACCEPT_ANY = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
              "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True, slots=True)
class Fetched:
    """The answer to one GET. ``status`` is 200-ish, or 304 (not modified; ``body`` is empty)."""

    url: str  # the URL asked for
    final_url: str  # where the answer came from, after redirects
    status: int
    body: bytes
    content_type: str | None  # the media type, lower-case, without parameters ("text/html")
    charset: str | None  # the charset parameter of Content-Type, when given
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most ``limit`` redirects, and only to http(s) URLs."""

    def __init__(self, limit: int):
        super().__init__()
        self.max_redirections = limit
        self.max_repeats = min(self.max_repeats, limit)

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-http(s) URL {newurl[:200]}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = TIMEOUT_SECONDS,
    max_redirects: int = MAX_REDIRECTS,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = ACCEPT_ANY,
    what: str = "the page",
) -> Fetched:
    """GET ``url``; a ReadError naming it on any network or HTTP problem (``what`` names the thing in
    messages: "the page", "the feed", "the sitemap"). ``timeout`` bounds each network wait and the
    whole download; with ``etag`` / ``last_modified`` the request is conditional."""
    if not url.lower().startswith(("http://", "https://")):
        raise ReadError(url, "unsupported URL scheme: only http and https URLs can be read")
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_Redirects(max_redirects))
    deadline = time.monotonic() + timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ReadError(url, f"{what} is {human_size(int(length))}, above the {human_size(max_bytes)} limit")
            body = _read(response, url, max_bytes, deadline, timeout, what)
            final_url, status, info = response.geturl(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            info = exc.headers or Message()
            return Fetched(url, getattr(exc, "url", None) or url, 304, b"", None, None, info.get("ETag") or etag,
                           info.get("Last-Modified") or last_modified)
        if 300 <= exc.code < 400:
            reason = str(exc.reason) if "non-http(s)" in str(exc.reason) else f"more than {max_redirects} redirects"
            raise ReadError(url, f"could not fetch {what}: {reason}",
                            f"recruitwatch follows at most {max_redirects} redirects, to http(s) URLs only") from None
        raise ReadError(url, f"the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise ReadError(url, f"could not fetch {what}: {exc.reason}", "check the address and the connection") from None
    except TimeoutError:
        raise ReadError(url, f"could not fetch {what}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset, bad URL, IncompleteRead
        raise ReadError(url, f"could not fetch {what}: {type(exc).__name__}: {exc}") from None
    if not body.strip():
        raise ReadError(url, "the server sent an empty answer")
    content_type = info.get_content_type() if info.get("Content-Type") else None
    return Fetched(url, final_url, status, body, content_type, info.get_content_charset(),
                   info.get("ETag"), info.get("Last-Modified"))


def _read(response, url: str, max_bytes: int, deadline: float, timeout: float, what: str) -> bytes:
    """The body, in chunks: refused past ``max_bytes`` or past the deadline (a server that drips)."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise ReadError(url, f"{what} is above the {human_size(max_bytes)} limit")
        if time.monotonic() > deadline:
            raise ReadError(url, f"could not fetch {what}: the download took longer than {timeout:g} s")
