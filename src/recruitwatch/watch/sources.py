"""What one poll of a source finds that is new: feeds, article pages, sitemaps, folders.

:func:`poll` asks the source for what changed since the state the store remembers and returns a
:class:`Poll`: the new Documents and item failures (a lazy stream, read while it is ingested),
the new HTTP validators, and the items to remember. Only what is new is read:

* **feed**: a conditional GET (``If-None-Match`` / ``If-Modified-Since``); a 304 costs nothing.
  Otherwise only entries whose link (or id) is unseen, or whose text changed, are kept.
* **page**: a conditional GET; a page whose content is unchanged is not read again.
* **sitemap**: a conditional GET of the sitemap; pages not seen before, or whose ``<lastmod>``
  changed, are fetched, newest first, at most ``max_pages`` per poll. When more are waiting, the
  sitemap's validators are not kept, so the next poll lists it again and goes on.
* **folder**: files whose size or modification time changed are hashed; only new content is read.

A problem with the source itself (unreachable, HTTP error, not a feed...) raises ReadError and
the source backs off; a problem with one item (an entry, a page, a file) is a ReadFailure in the
stream: it is stored and reported like any ingest failure, and the poll goes on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest import folder as folders
from recruitwatch.ingest import read_file, web
from recruitwatch.ingest.feed import ACCEPT_FEEDS
from recruitwatch.ingest.fetch import ACCEPT_ANY, Fetched, fetch
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure
from recruitwatch.store.watch import WatchSourceState
from recruitwatch.watch.config import Source


@dataclass
class Poll:
    """The outcome of asking a source what is new. ``items`` is read lazily; ``seen``, ``forget`` and
    ``found`` are complete once it has been read to the end."""

    items: Iterator[Document | ReadFailure] = field(default_factory=lambda: iter(()))
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    seen: dict[str, str | None] = field(default_factory=dict)  # items to remember, with fingerprints
    forget: list[str] = field(default_factory=list)  # items gone (deleted files)
    found: int = 0  # entries, pages or files the source lists now
    waiting: int = 0  # new pages left for the next poll (sitemaps)


def poll(source: Source, state: WatchSourceState | None, store, *, limits: Limits = DEFAULT_LIMITS) -> Poll:
    """What ``source`` has that is new since ``state``; ReadError naming the source when it cannot be read."""
    if source.kind == "folder":
        return _poll_folder(source, store, limits)
    etag = state.etag if state else None
    last_modified = state.last_modified if state else None
    accept = ACCEPT_FEEDS if source.kind == "feed" else ACCEPT_ANY
    what = {"feed": "the feed", "sitemap": "the sitemap"}.get(source.kind, "the page")
    fetched = fetch(source.location, max_bytes=limits.file_bytes, etag=etag, last_modified=last_modified,
                    accept=accept, what=what)
    if fetched.not_modified:
        return Poll(not_modified=True, etag=fetched.etag, last_modified=fetched.last_modified)
    kind, body = web.classify(fetched, limits)
    if kind != ("html" if source.kind == "page" else source.kind):
        raise ReadError(source.location, f"expected {'an article page' if source.kind == 'page' else 'a ' + source.kind}, "
                                         f"found {'an HTML page' if kind == 'html' else 'a ' + kind}",
                        f"list it as {'page' if kind == 'html' else kind} = \"...\" in the watch file")
    if source.kind == "feed":
        return _poll_feed(source, fetched, body, store, limits)
    if source.kind == "page":
        return _poll_page(source, fetched, body, store, limits)
    return _poll_sitemap(source, fetched, body, store, limits)


def _poll_feed(source: Source, fetched: Fetched, body: bytes, store, limits: Limits) -> Poll:
    entries = list(web.feed_documents(body, source.location, limits))
    docs = [e for e in entries if isinstance(e, Document)]
    seen = store.watch_seen(source.key, [_entry_key(d) for d in docs])
    result = Poll(etag=fetched.etag, last_modified=fetched.last_modified, found=len(docs))
    new: list[Document | ReadFailure] = [e for e in entries if isinstance(e, ReadFailure)]
    for doc in docs:
        key = _entry_key(doc)
        if seen.get(key, "") != doc.id and key not in result.seen:  # unseen, or its text changed
            new.append(doc)
            result.seen[key] = doc.id
    result.items = iter(new)
    return result


def _entry_key(doc: Document) -> str:
    return doc.url or doc.origin


def _poll_page(source: Source, fetched: Fetched, body: bytes, store, limits: Limits) -> Poll:
    doc = web.page_document(fetched, body, limits)
    result = Poll(etag=fetched.etag, last_modified=fetched.last_modified, found=1)
    if store.watch_seen(source.key, [source.location]).get(source.location, "") != doc.id:
        result.items = iter([doc])
        result.seen[source.location] = doc.id
    return result


def _poll_sitemap(source: Source, fetched: Fetched, body: bytes, store, limits: Limits) -> Poll:
    pages, failures = web.sitemap_pages(body, source.location, limits)
    seen = store.watch_seen(source.key)
    new = [(url, lastmod or "") for url, lastmod in pages if seen.get(url) != (lastmod or "")]
    result = Poll(found=len(pages), waiting=max(0, len(new) - source.max_pages))
    if not result.waiting and not failures:  # nothing left over: the next poll may ask "changed since?"
        result.etag, result.last_modified = fetched.etag, fetched.last_modified

    def pages_read() -> Iterator[Document | ReadFailure]:
        yield from failures
        for url, fingerprint in new[: source.max_pages]:
            try:
                doc = web.read_page(url, limits=limits)
            except ReadError as exc:  # not remembered: tried again at the next poll
                yield ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else ""))
                continue
            result.seen[url] = fingerprint
            yield doc

    result.items = pages_read()
    return result


def _poll_folder(source: Source, store, limits: Limits) -> Poll:
    root = Path(source.location)
    if not root.is_dir():
        raise ReadError(source.location, "no such folder" if not root.exists() else "not a folder")
    try:
        scan = folders.scan(root)
    except OSError as exc:
        raise ReadError(source.location, f"could not list the folder: {exc.strerror or exc}") from None
    seen = store.watch_seen(source.key)
    result = Poll(found=len(scan.files))
    current = {os.path.abspath(f): f for f in scan.files}
    result.forget = [item for item in seen if item not in current]

    def files_read() -> Iterator[Document | ReadFailure]:
        for item, path in current.items():
            try:
                info = path.stat()
            except OSError as exc:
                yield ReadFailure(item, f"could not read the file: {exc.strerror or exc}")
                continue
            stamp = f"{info.st_size}:{info.st_mtime_ns}"
            old = seen.get(item) or ""
            if old.startswith(stamp + ":"):
                continue  # same size and time: unchanged, not even hashed
            digest = _sha256(path)
            if digest is None:
                yield ReadFailure(item, "could not read the file")
                continue
            result.seen[item] = f"{stamp}:{digest}"
            if old.endswith(":" + digest):
                continue  # touched, same content
            yield from read_file(path, limits=limits)

    result.items = files_read()
    return result


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
