"""RSS and Atom feeds, from a file (.rss, .atom, .xml) or an http(s) URL -> one Document per entry.

Each entry gives: title, publication date (``published``, else ``updated``), link (the
Document's ``url`` and ``origin``), and text from the longest of its content and summary with
the HTML stripped. An entry with neither content nor summary falls back to its title
(``meta["text_from"] == "title"``); an entry with no text at all is reported.
The feed's title becomes each Document's ``outlet``.

feedparser only ever sees bytes: it is never given a URL, so nothing is fetched behind our back.
URLs are fetched by :mod:`recruitwatch.ingest.fetch` (a timeout, a User-Agent, the size limit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.fetch import TIMEOUT_SECONDS
from recruitwatch.ingest.fetch import fetch as fetch_url
from recruitwatch.ingest.markup import fragment_to_text
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits, check_parse_size
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".rss", ".atom", ".xml", ".rdf")
ACCEPT_FEEDS = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    check_parse_size(path, source, limits, "a feed")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    yield from documents_from_feed(data, source)


def read_url(url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> Iterator[Document | ReadFailure]:
    yield from documents_from_feed(fetch(url, max_bytes=max_bytes, timeout=timeout), url)


def fetch(url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The body at ``url``; ReadError naming the URL on any network or HTTP problem."""
    return fetch_url(url, max_bytes=max_bytes, timeout=timeout, accept=ACCEPT_FEEDS, what="the feed").body


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)


def documents_from_feed(data: bytes, source: str) -> Iterator[Document | ReadFailure]:
    import feedparser

    if _ENTITY_DECLARATION.search(data):
        # RSS and Atom never need their own entities; declared ones are how "billion laughs" and
        # external-entity attacks work. Refuse rather than trust every parser to resist them.
        raise ReadError(source, "the feed declares its own XML entities (<!ENTITY>), which feeds never need; "
                        "refused as a possible entity-expansion (\"billion laughs\") attack")

    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except (UnicodeError, ValueError, LookupError) as exc:
        # feedparser's encoding sniffing trips over a broken <?xml encoding="..."?> declaration
        raise ReadError(source, f"malformed feed: {type(exc).__name__}: {_first_line(exc)}",
                        "it is not well-formed RSS or Atom") from None
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise ReadError(source, f"malformed feed: {_first_line(reason)}",
                            "it is not well-formed RSS or Atom")
        if not parsed.get("version"):
            raise ReadError(source, "not an RSS or Atom feed")
        raise ReadError(source, "the feed has no entries")
    feed = parsed.get("feed") or {}
    outlet = fragment_to_text(feed.get("title") or "") or None
    feed_meta = {"format": "feed", "feed_version": parsed.get("version") or None}
    if parsed.get("bozo"):
        feed_meta["feed_warning"] = _first_line(parsed.get("bozo_exception"))
    items = list(_entries(entries, source, outlet, feed_meta))
    if parsed.get("bozo") and not any(isinstance(item, Document) for item in items):
        raise ReadError(source, f"malformed feed: {_first_line(parsed.get('bozo_exception'))}",
                        "it is not well-formed RSS or Atom and no entry could be salvaged")
    yield from items


def _entries(entries: list, source: str, outlet: str | None, feed_meta: dict) -> Iterator[Document | ReadFailure]:
    for index, entry in enumerate(entries, start=1):
        link = (entry.get("link") or "").strip() or None
        label = f"{source}#entry {index}"
        title = fragment_to_text(entry.get("title") or "") or None
        bodies = [c.get("value") or "" for c in entry.get("content") or []]
        bodies.append(entry.get("summary") or "")
        text = max((fragment_to_text(b) for b in bodies), key=len, default="")
        meta = dict(feed_meta)
        if not text and title:
            text, meta["text_from"] = title, "title"
        if not text:
            yield ReadFailure(label + (f" ({link})" if link else ""), "entry has no title, summary or content")
            continue
        entry_id = (entry.get("id") or "").strip()
        if entry_id:
            meta["entry_id"] = entry_id
        published = iso_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        if published is None:
            published = iso_date(entry.get("published") or entry.get("updated"))
        origin = link or (f"{source}#{entry_id}" if entry_id else f"{source}#entry-{index}")
        author = (entry.get("author") or "").strip() or None
        yield Document.create(
            text=text,
            origin=origin,
            kind="news",
            title=title,
            published=published,
            url=link,
            outlet=outlet,
            author=author,
            meta=meta,
        )


def _first_line(exc: object) -> str:
    text = str(exc or "").strip()
    return (text.splitlines() or ["unknown error"])[0][:300]
