"""One http(s) URL -> Documents: an RSS/Atom feed, an XML sitemap, or an HTML article page.

The URL is fetched once (:mod:`recruitwatch.ingest.fetch`: timeout, redirects, size limit) and
what came back decides the reader, not the URL's spelling:

1. a feed (``<rss>``, ``<feed>``, ``<rdf:RDF>``) -> one Document per entry, as a feed file;
2. a sitemap (``<urlset>``, ``<sitemapindex>``, gzip-compressed or not) -> the pages it lists,
   newest first by ``<lastmod>``, at most ``limits.sitemap_pages`` of them, each fetched and
   read as an article page (a sitemap index: its sitemaps first, at most ``MAX_SITEMAPS``);
3. an HTML page -> one Document: trafilatura's main text and metadata
   (:func:`recruitwatch.ingest.html.document_from_html`). The Document's ``url`` is the page's
   canonical URL (``<link rel="canonical">``), resolved against the address it was fetched from,
   so the same article reached by two addresses is one document; its ``origin`` is the URL asked for.

Anything else (a PDF, an image, JSON...) is a ReadError naming the URL and the type received.
"""

from __future__ import annotations

from collections.abc import Iterator

from recruitwatch.errors import ReadError
from recruitwatch.ingest import sitemap as sitemaps
from recruitwatch.ingest.feed import documents_from_feed
from recruitwatch.ingest.fetch import Fetched, fetch
from recruitwatch.ingest.html import document_from_html, page_too_large
from recruitwatch.ingest.markup import human_size
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

#: A sitemap index may list at most this many sitemaps; the rest are reported, not fetched.
MAX_SITEMAPS = 50
FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFFED_TYPES = frozenset({"text/plain", "application/octet-stream", "binary/octet-stream"})
_GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/x-gunzip"})


def read_url(url: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    """Documents from one http(s) URL: a feed, a sitemap (its pages) or an article page.

    Raises ReadError naming the URL when the URL itself cannot be read; a page of a sitemap that
    cannot be read is yielded as a ReadFailure naming that page, and the other pages are read.
    """
    yield from documents_from_fetched(fetch(url, max_bytes=limits.file_bytes), limits=limits)


def documents_from_fetched(fetched: Fetched, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    kind, body = classify(fetched, limits)
    if kind == "feed":
        yield from feed_documents(body, fetched.url, limits)
    elif kind == "sitemap":
        pages, failures = sitemap_pages(body, fetched.url, limits)
        yield from failures
        if len(pages) > limits.sitemap_pages:
            yield ReadFailure(fetched.url, f"the sitemap lists {len(pages):,} pages; only the newest "
                                           f"{limits.sitemap_pages:,} were read (sitemap_pages limit); "
                                           "raise it with --limit sitemap_pages=...")
        for page_url, _lastmod in pages[: limits.sitemap_pages]:
            try:
                yield read_page(page_url, limits=limits)
            except ReadError as exc:
                yield ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else ""))
    else:
        yield page_document(fetched, body, limits)


def classify(fetched: Fetched, limits: Limits = DEFAULT_LIMITS) -> tuple[str, bytes]:
    """(``feed`` | ``sitemap`` | ``html``, the body, unpacked when it was gzip); ReadError otherwise."""
    ctype = fetched.content_type
    body = fetched.body
    if sitemaps.is_gzip(body) and (ctype in _GZIP_TYPES or ctype in _SNIFFED_TYPES or ctype is None
                                   or fetched.url.lower().endswith(".gz")):
        body = sitemaps.gunzip(body, fetched.url, limits.file_bytes)
        ctype = None
    xmlish = ctype is not None and (ctype.endswith("/xml") or ctype.endswith("+xml"))
    if ctype is not None and ctype not in _HTML_TYPES and not xmlish and ctype not in _SNIFFED_TYPES:
        raise ReadError(fetched.url, f"the server sent {ctype}, not an HTML page, a feed or a sitemap",
                        "only web pages, RSS/Atom feeds and XML sitemaps are read from URLs; "
                        "download other files and ingest them from disk")
    root = sitemaps.root_element(body)
    if root in FEED_ROOTS:
        return "feed", body
    if root in SITEMAP_ROOTS:
        return "sitemap", body
    if ctype in _HTML_TYPES or root == "html" or (root is not None and ctype is None):
        return "html", body
    what = f"XML whose root element is <{root}>" if root else (ctype or "content of no known type")
    raise ReadError(fetched.url, f"the server sent {what}, not an HTML page, a feed or a sitemap")


def feed_documents(body: bytes, source: str, limits: Limits) -> Iterator[Document | ReadFailure]:
    if len(body) > limits.parse_bytes:
        raise ReadError(source, f"the feed is {human_size(len(body))}, above the {human_size(limits.parse_bytes)} "
                                "limit for a feed, which is parsed whole (parse_bytes)")
    yield from documents_from_feed(body, source)


def page_document(fetched: Fetched, body: bytes, limits: Limits) -> Document:
    """The article of a fetched HTML page; its ``url`` is the canonical URL, else the final address."""
    if len(body) > limits.page_bytes:
        raise page_too_large(fetched.url, len(body), limits)
    return document_from_html(body, fetched.url, declared_charset=fetched.charset, url=fetched.final_url,
                              follow_canonical=True)


def read_page(url: str, *, limits: Limits = DEFAULT_LIMITS, etag: str | None = None,
              last_modified: str | None = None) -> Document:
    """Fetch one article page and read it; ReadError naming the URL when it is not an HTML page with text."""
    fetched = fetch(url, max_bytes=limits.file_bytes, etag=etag, last_modified=last_modified)
    kind, body = classify(fetched, limits)
    if kind != "html":
        raise ReadError(url, f"expected an article page, found a {kind}")
    return page_document(fetched, body, limits)


def sitemap_pages(body: bytes, source: str, limits: Limits) -> tuple[list[tuple[str, str | None]], list[ReadFailure]]:
    """The pages a sitemap lists, newest first, de-duplicated; a sitemap index is followed one level
    down (at most ``MAX_SITEMAPS`` sitemaps). Failures name the sitemap that could not be read."""
    parsed = sitemaps.parse_sitemap(body, source)
    if parsed.kind == "urlset":
        return _unique(sitemaps.newest_first(parsed.entries)), []
    failures: list[ReadFailure] = []
    children = sitemaps.newest_first(parsed.entries)
    if len(children) > MAX_SITEMAPS:
        failures.append(ReadFailure(source, f"the sitemap index lists {len(children):,} sitemaps; only the newest "
                                            f"{MAX_SITEMAPS} were read"))
    pages: list[tuple[str, str | None]] = []
    for child_url, _ in children[:MAX_SITEMAPS]:
        try:
            fetched = fetch(child_url, max_bytes=limits.file_bytes, what="the sitemap")
            kind, child_body = classify(fetched, limits)
            child = sitemaps.parse_sitemap(child_body, child_url)
            if child.kind != "urlset":
                raise ReadError(child_url, "a sitemap index inside a sitemap index is not followed")
            pages.extend(child.entries)
        except ReadError as exc:
            failures.append(ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else "")))
    return _unique(sitemaps.newest_first(pages)), failures


def _unique(entries: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    seen: set[str] = set()
    out = []
    for url, lastmod in entries:
        if url not in seen:
            seen.add(url)
            out.append((url, lastmod))
    return out
