"""Small text helpers shared by the readers: HTML fragments to text, whitespace, sizes."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer "
    "figure figcaption dd dt dl hr".split()
)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANKS = re.compile(r"\n\s*\n+")
_TAG = re.compile(r"<[a-zA-Z!/?]")


def tidy(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row, no outer blank space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def fragment_to_text(fragment: str) -> str:
    """Readable text of an HTML fragment (feed summaries, titles): tags stripped, blocks on new lines."""
    if not fragment or not _TAG.search(fragment):
        return tidy(_unescape(fragment or ""))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return tidy(_unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in list(root.iter(*_DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return tidy("".join(parts))


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def human_size(n: int) -> str:
    """Decimal units, one decimal place: 2_100_000_000 -> '2.1 GB', 200_000_000 -> '200 MB'."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) or value >= 100 else f"{value:.1f} {unit}"
    return f"{n} bytes"
