"""XML sitemaps (sitemaps.org): a ``<urlset>`` lists pages, a ``<sitemapindex>`` lists sitemaps.

Only parsing lives here: :func:`parse_sitemap` turns the bytes of a sitemap into its entries
(the ``<loc>`` URL and, when given, ``<lastmod>``). Which pages are then fetched, and how many,
is for the caller (:mod:`recruitwatch.ingest.web` for ``ingest URL``, the watcher for ``watch``).
A gzip-compressed sitemap (``sitemap.xml.gz``) is unpacked within the size limit.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from recruitwatch.errors import ReadError
from recruitwatch.ingest.markup import human_size

#: The sitemap protocol allows 50,000 URLs per file; more is refused as hostile or broken.
MAX_ENTRIES = 50_000
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``urlset`` (pages) or ``sitemapindex`` (more sitemaps)."""

    kind: str
    entries: list[tuple[str, str | None]]  # (loc, lastmod), in document order


def root_element(data: bytes) -> str | None:
    """The local name of the first element of an XML or HTML document, lower-case (``rss``, ``urlset``,
    ``html``), skipping the XML declaration, comments and the doctype; ``None`` when there is none."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    position = 0
    while True:
        m = _ROOT.search(head, position)
        if m is None:
            return None
        before = head[m.start() - 1 : m.start()] if m.start() else b""
        if before not in (b"?", b"!"):
            inside_comment = head.rfind(b"<!--", 0, m.start()) > head.rfind(b"-->", 0, m.start())
            if not inside_comment:
                return m.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()
        position = m.end()


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    """Unpack gzip ``data`` but never past ``max_bytes`` (a gzip bomb is refused, not unpacked)."""
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ReadError(source, f"corrupt gzip data: {exc}") from None
    if len(out) > max_bytes or unpacker.unconsumed_tail:
        raise ReadError(source, f"the unpacked sitemap is above the {human_size(max_bytes)} limit")
    return out


def parse_sitemap(data: bytes, source: str) -> Sitemap:
    """The entries of a sitemap; ReadError naming ``source`` when it is not one."""
    if _ENTITY_DECLARATION.search(data):
        raise ReadError(source, "the sitemap declares its own XML entities (<!ENTITY>), which sitemaps never need; "
                        "refused as a possible entity-expansion (\"billion laughs\") attack")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ReadError(source, f"malformed sitemap: {exc}", "it is not well-formed XML") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ReadError(source, f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>")
    child = "url" if kind == "urlset" else "sitemap"
    entries: list[tuple[str, str | None]] = []
    for element in root:
        if _local(element.tag) != child:
            continue
        loc = lastmod = None
        for field in element:
            name = _local(field.tag)
            if name == "loc":
                loc = (field.text or "").strip()
            elif name == "lastmod":
                lastmod = (field.text or "").strip() or None
        if loc and loc.lower().startswith(("http://", "https://")):
            entries.append((loc, lastmod))
            if len(entries) > MAX_ENTRIES:
                raise ReadError(source, f"the sitemap lists more than {MAX_ENTRIES:,} entries, the most the "
                                "sitemap protocol allows; refused")
    return Sitemap(kind, entries)


def newest_first(entries: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Entries with the latest ``lastmod`` first (undated ones last, in document order)."""
    dated = sorted((e for e in entries if e[1]), key=lambda e: e[1] or "", reverse=True)
    return dated + [e for e in entries if not e[1]]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
