"""HTML pages (.html, .htm, and HTML records inside WARC archives) -> one Document each.

trafilatura finds the main text (navigation, sidebars, footers and reader comments dropped)
and the metadata: title, publication date, author, site name and canonical URL.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import bom_encoding, decode_declared, looks_binary
from recruitwatch.ingest.markup import human_size, tidy
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".html", ".htm", ".xhtml")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_HTML_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_TAG = re.compile(r"<\s*[a-zA-Z!?/]")
_HTML_MARKERS = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|article|section|main|title|h[1-6]|span|a|table|ul|ol|li|br|meta)\b", re.I
)

#: libxml2 (under lxml and trafilatura) stops building the tree about this many elements deep.
MAX_PARSED_DEPTH = 250
_TAGS = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>", re.S)
# Elements that have no end tag, or whose end tag is usually left out: they do not nest.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup rp rt".split()
)


def nesting_depth(markup: str) -> int:
    """The deepest element nesting in ``markup``, counted from the tags in one pass (no tree is built)."""
    depth = deepest = 0
    for m in _TAGS.finditer(markup):
        name = m.group(2)
        if name is None or name.lower() in _NOT_NESTING or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# trafilatura logs every page it cannot handle at WARNING; we report those ourselves.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    size = path.stat().st_size
    if size > limits.page_bytes:
        raise page_too_large(source, size, limits)
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    yield document_from_html(data, source)


_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
_REL_CANONICAL = re.compile(r"""\brel\s*=\s*["']?[^"'>]*\bcanonical\b""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def canonical_link(markup: str) -> str | None:
    """The ``href`` of the page's ``<link rel="canonical">``, as written (maybe relative)."""
    for tag in _LINK_TAG.finditer(markup[:262144]):
        if _REL_CANONICAL.search(tag.group(0)):
            m = _HREF.search(tag.group(0))
            href = html_lib.unescape(next((g for g in m.groups() if g is not None), "")).strip() if m else ""
            if href:
                return href
    return None


def canonical_url(markup: str, address: str) -> str:
    """The URL a fetched page is stored under: its ``<link rel="canonical">`` resolved against the
    ``address`` it came from (after redirects), else that address."""
    link = canonical_link(markup)
    if link:
        resolved = urljoin(address, link)
        if resolved.lower().startswith(("http://", "https://")):
            return resolved
    return address


def page_too_large(source: str, size: int, limits: Limits) -> ReadError:
    return ReadError(source, f"the page is {human_size(size)}, above the {human_size(limits.page_bytes)} limit for "
                             "one HTML page (page_bytes)", "raise the limit with --limit page_bytes=...")


def document_from_html(
    data: bytes | str,
    origin: str,
    *,
    declared_charset: str | None = None,
    url: str | None = None,
    follow_canonical: bool = False,
) -> Document:
    """The main text and metadata of one page. Raises ReadError naming ``origin`` when it has none.

    ``declared_charset`` is the charset of an HTTP header (WARC records); a ``<meta charset>`` in
    the page is used otherwise, and detection when neither decodes. ``follow_canonical`` (a page
    fetched live from ``url``): the Document's ``url`` is the page's ``<link rel="canonical">``
    resolved against ``url``; otherwise it is ``url`` (archived pages) or what trafilatura finds.
    """
    if isinstance(data, bytes):
        if not bom_encoding(data) and looks_binary(data):
            raise ReadError(origin, "does not look like HTML: binary content")
        declared = declared_charset
        if not declared:
            m = _META_CHARSET.search(data[:4096])
            declared = m.group(1).decode("ascii", "replace") if m else None
        try:
            markup, encoding = decode_declared(data, declared, origin)
        except ReadError as exc:
            raise ReadError(origin, f"does not look like HTML: {exc.problem}", exc.hint) from None
    else:
        markup, encoding = data, "unicode"
    if not _TAG.search(markup[:65536]) or not _HTML_MARKERS.search(markup):
        raise ReadError(origin, "does not look like HTML: no HTML tags found")

    import trafilatura  # imported late: it takes about a second to load

    try:
        result = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        raise ReadError(origin, f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    text = tidy(getattr(result, "text", None) or "") if result is not None else ""
    if not text:
        depth = nesting_depth(markup)
        if depth > MAX_PARSED_DEPTH:
            raise ReadError(origin, f"HTML is nested {depth:,} elements deep; the HTML parser reads at most "
                            f"{MAX_PARSED_DEPTH} levels, so the text inside could not be reached",
                            "such nesting is broken or hostile markup; save the page again from a browser")
        raise ReadError(origin, "no main text found in the page", "it may be a navigation page, "
                        "a page built by JavaScript, or an error page")
    meta: dict = {"format": "html", "encoding": encoding}
    m = _HTML_LANG.search(markup[:4096])
    if m:
        meta["declared_lang"] = m.group(1).lower()
    if getattr(result, "hostname", None):
        meta["hostname"] = result.hostname
    for key in ("description", "categories", "tags"):
        value = getattr(result, key, None)
        if value:
            meta[key] = value
    return Document.create(
        text=text,
        origin=origin,
        kind="news",
        title=(result.title or "").strip() or None,
        published=iso_date(result.date),
        url=canonical_url(markup, url) if follow_canonical and url else (result.url or url or None),
        outlet=(result.sitename or "").strip() or None,
        author=(result.author or "").strip() or None,
        meta=meta,
    )
