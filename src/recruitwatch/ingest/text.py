"""Plain text and Markdown files (.txt, .md, .markdown) -> one Document each.

The text is kept whole (only the byte-order mark, line endings and outer blank space are
normalised), so character spans found downstream point into what the user has on disk.
A title is taken from simple front matter (``title:``), the first Markdown heading, or the
first line when it looks like a headline. Front matter may also give ``date``/``published``,
``url`` and ``lang``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import decode_text
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".txt", ".text", ".md", ".markdown")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MAX_TITLE = 200
# A dateline near the top of a plain file: "Date: 2024-03-14", "Дата: 14.03.2024", or a bare date.
_DATELINE = re.compile(
    r"^\s*(?:(?:date|published|дата|опубликовано|sana|сана|күні|сана|таърих)\s*[:\-–]\s*)?"
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\s*$",
    re.I,
)
_DATELINE_SEARCH = 6


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    size = path.stat().st_size
    if size > 4 * limits.document_chars:  # more characters than the limit, whatever the encoding
        raise too_long(source, size, limits, unit="bytes")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty" if not data else "file holds only blank space")
    text, encoding = decode_text(data, source)
    del data
    if len(text) > limits.document_chars:  # refused before the copies that cleaning and hashing make
        raise too_long(source, len(text), limits)
    yield document_from_text(text, source, encoding=encoding, markdown=path.suffix.lower() in (".md", ".markdown"))


def too_long(source: str, size: int, limits: Limits, unit: str = "characters") -> ReadError:
    return ReadError(source, f"the text is {size:,} {unit} long, above the {limits.document_chars:,} character "
                             "limit for one document (document_chars)",
                     "split it, or raise the limit with --limit document_chars=...")


def document_from_text(text: str, origin: str, *, encoding: str = "utf-8", markdown: bool = False) -> Document:
    """One Document from decoded text; raises ReadError when nothing readable is left."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    meta: dict = {"format": "markdown" if markdown else "text", "encoding": encoding}
    fields: dict[str, str] = {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        for line in fm.group(1).splitlines():
            m = _FM_LINE.match(line)
            if m:
                fields[m.group(1).lower()] = m.group(2).strip().strip("'\"")
        text = text[fm.end():].strip()
    if not text:
        raise ReadError(origin, "file has no text" + (" besides its front matter" if fm else ""))
    title = fields.get("title") or guess_title(text, markdown=markdown)
    published = iso_date(fields.get("date") or fields.get("published")) or dateline(text)
    extra = {}
    if fields.get("lang"):
        extra["lang"] = fields["lang"]
    if fields.get("kind") in ("news", "testimony", "official", "social", "paper"):
        extra["kind"] = fields["kind"]
    return Document.create(
        text=text,
        origin=origin,
        title=title,
        published=published,
        url=fields.get("url") or None,
        author=fields.get("author") or None,
        meta=meta,
        **extra,
    )


def dateline(text: str) -> str | None:
    """The publication date from a dateline among the first lines of the text, if there is one."""
    for line in text.split("\n", _DATELINE_SEARCH)[:_DATELINE_SEARCH]:
        m = _DATELINE.match(line)
        if m:
            return iso_date(m.group(1))
    return None


def guess_title(text: str, *, markdown: bool = False) -> str | None:
    """The first heading, or the first line when it reads like a headline (short, no full stop)."""
    lines = text.split("\n", 40)
    for i, line in enumerate(lines[:40]):
        if markdown:
            m = _ATX.match(line)
            if m:
                return m.group(1).strip() or None
            if line.strip() and i + 1 < len(lines) and _SETEXT.match(lines[i + 1]):
                return line.strip()
    first = lines[0].strip().lstrip("#").strip() if lines else ""
    rest = any(ln.strip() for ln in lines[1:])
    if (
        first
        and rest  # a one-line file is a text, not a title
        and len(first) <= _MAX_TITLE
        and not first.endswith((".", ",", ";", ":"))
        and len(first.split()) <= 25
    ):
        return first
    return None
