"""Which reader a file needs, and what a folder expands to.

A format is chosen by extension; ``.json``, ``.xml`` and files without an extension are sniffed
from their first bytes (a Telegram export versus a list of records; an RSS/Atom feed versus
other XML). Folders are walked recursively in a stable order (names sorted, depth first),
without following links to folders.

Hidden files and folders (``.name``), Office lock files (``~$name``) and ``__MACOSX`` folders are
ignored silently. Files of unknown or unsupported types are **skipped, not failed**: a folder of
reports usually holds images, spreadsheets and notes beside them, and a failure per such file
would bury the real problems. Skipped files are returned by :func:`scan` (and
``recruitwatch.ingest.list_skipped``) with the reason, and logged at INFO. A file named
explicitly, on the other hand, is something the user asked to read, so an unsupported type there
is a ReadFailure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from recruitwatch.ingest import csv as csv_reader
from recruitwatch.ingest import feed, html, jsonl, pdf, telegram, text, warc

SNIFF_BYTES = 64 * 1024
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp", ".bmp", ".gif")
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
_IGNORED_DIRS = ("__MACOSX", "__pycache__", "node_modules")


@dataclass(slots=True)
class Scan:
    """What a source expands to: files to read, and files skipped with the reason."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name in _IGNORED_DIRS


def supported_extensions() -> list[str]:
    return sorted({*text.EXTENSIONS, *html.EXTENSIONS, *pdf.EXTENSIONS, *jsonl.EXTENSIONS, ".json",
                   *csv_reader.EXTENSIONS, *warc.EXTENSIONS, *feed.EXTENSIONS})


def detect_format(path: Path) -> tuple[str | None, str]:
    """``(format, "")`` for a readable file, ``(None, reason)`` for one to skip.

    Formats: text, html, pdf, jsonl, json-records, csv, warc, feed, telegram.
    """
    name = path.name.lower()
    if name.endswith(warc.EXTENSIONS):
        return "warc", ""
    suffix = path.suffix.lower()
    if suffix in text.EXTENSIONS:
        return "text", ""
    if suffix in html.EXTENSIONS:
        return "html", ""
    if suffix in pdf.EXTENSIONS:
        return "pdf", ""
    if suffix in jsonl.EXTENSIONS:
        return "jsonl", ""
    if suffix in csv_reader.EXTENSIONS:
        return "csv", ""
    if suffix in (".rss", ".atom", ".rdf"):
        return "feed", ""
    if suffix in IMAGE_EXTENSIONS:
        return None, "image: use `recruitwatch papercheck` for photos and scans"
    if suffix in (".json", ".xml") or not suffix:
        head = _head(path)
        if head is None:
            return None, "could not be opened"
        return _sniff(head, suffix)
    return None, f"unsupported file type {suffix} (supported: {', '.join(supported_extensions())})"


def _sniff(head: bytes, suffix: str) -> tuple[str | None, str]:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = stripped[:4096].lower()
    if suffix == ".json":
        if not stripped or telegram.looks_like_export(stripped):
            return ("telegram", "") if stripped else ("json-records", "")
        if stripped.startswith(b"["):
            return "json-records", ""
        return None, "JSON that is neither a Telegram export nor a list of records"
    if any(marker in lower for marker in _FEED_MARKERS):
        return "feed", ""
    if suffix == ".xml":
        return None, "XML that is not an RSS or Atom feed"
    # No extension: recognise the formats that announce themselves.
    if stripped.startswith(pdf.MAGIC):
        return "pdf", ""
    if stripped.startswith((b"WARC/", b"\x1f\x8b")) and (b"WARC/" in stripped[:64] or _gz_warc(stripped)):
        return "warc", ""
    if lower.startswith((b"<!doctype html", b"<html")):
        return "html", ""
    if telegram.looks_like_export(stripped):
        return "telegram", ""
    return None, "unknown type (no extension, content not recognised)"


def _gz_warc(head: bytes) -> bool:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _head(path: Path) -> bytes | None:
    try:
        with path.open("rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError:
        return None


def scan(folder: Path) -> Scan:
    """Readable files under ``folder`` sorted by path components, and the skipped ones with reasons."""
    result = Scan()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        for name in sorted(files):
            if is_ignored(name):
                continue
            path = Path(root, name)
            if not path.is_file():
                result.skipped.append((path, "not a regular file (a broken link, device or socket)"))
                continue
            fmt, reason = detect_format(path)
            if fmt is None:
                result.skipped.append((path, reason))
            else:
                result.files.append(path)
    # One order for every platform: by path components, so "news/a.txt" sorts before "notes.txt".
    result.files.sort(key=lambda p: p.relative_to(folder).parts)
    result.skipped.sort(key=lambda item: item[0].relative_to(folder).parts)
    return result
