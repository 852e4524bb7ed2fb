"""Which reader a file needs, and what a folder expands to.

A format is chosen by extension; ``.json``, ``.xml`` and files without an extension are sniffed
from their first bytes (a Telegram export versus a list of records; an RSS/Atom feed versus
other XML). Folders are walked recursively in a stable order (names sorted, depth first),
without following links to folders.

Images (photos and scans, read by OCR) are skipped in folders unless ``scan(folder, images=True)``
(``recruitwatch ingest --ocr``): a folder of reports often holds unrelated photos, and OCR takes
seconds a page. An image named directly is always read.

Files of unknown or unsupported types are **skipped, not failed**: a folder of reports usually
holds images, spreadsheets and notes beside them, and a failure per such file would bury the real
problems. Hidden files and folders (``.name``), Office lock files (``~$name``), ``__MACOSX``,
links to folders, named pipes, sockets, devices, broken links and link loops are skipped too
(a pipe is never opened: reading one would block). **Every skipped entry is listed** with its
reason by :func:`scan` (and ``recruitwatch.ingest.list_skipped``, and the ingest summary); an
ignored folder is listed once, not file by file. A file named
explicitly, on the other hand, is something the user asked to read, so an unsupported type there
is a ReadFailure.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from recruitwatch.ingest import csv as csv_reader
from recruitwatch.ingest import docx as docx_reader
from recruitwatch.ingest import feed, html, image, jsonl, mail, pdf, telegram, text, warc

SNIFF_BYTES = 64 * 1024
IMAGE_EXTENSIONS = image.EXTENSIONS
#: Why an image in a folder is not read without --ocr.
IMAGE_SKIPPED = ("image: photos in folders are read by OCR only with --ocr (it takes seconds a page); or name the "
                 "file. To check papers for a military contract: `recruitwatch papercheck`")
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
_IGNORED_DIRS = ("__MACOSX", "__pycache__", "node_modules")
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip", ".7z", ".rar", ".tar", ".tgz")


@dataclass(slots=True)
class Scan:
    """What a source expands to: files to read, and files skipped with the reason."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name in _IGNORED_DIRS


def _ignored_reason(name: str, *, is_dir: bool) -> str:
    if name.startswith("~$"):
        return "Office lock file"
    if name.startswith("."):
        return "hidden folder, not read" if is_dir else "hidden file"
    return "system or tool folder, not read"


def special_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file we can open (a pipe, a link loop...), or None when it is one.

    Never opens the path: opening a named pipe blocks until someone writes to it.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link points back to itself)"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link (its target does not exist)" if os.path.islink(path) else "no such file"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"could not read the file: {exc.strerror}"
        return f"could not read the file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not a regular file; it was not opened"
    if stat.S_ISSOCK(mode):
        return "socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device, not a regular file"
    return "not a regular file"


def supported_extensions() -> list[str]:
    return sorted({*text.EXTENSIONS, *html.EXTENSIONS, *pdf.EXTENSIONS, *jsonl.EXTENSIONS, ".json",
                   *csv_reader.EXTENSIONS, *warc.EXTENSIONS, *feed.EXTENSIONS, *image.EXTENSIONS,
                   *docx_reader.EXTENSIONS, *mail.EML_EXTENSIONS, *mail.MBOX_EXTENSIONS})


def detect_format(path: Path) -> tuple[str | None, str]:
    """``(format, "")`` for a readable file, ``(None, reason)`` for one to skip.

    Formats: text, html, pdf, jsonl, json-records, csv, warc, feed, telegram, image, docx, email, mbox.
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
        return "image", ""
    if suffix in docx_reader.EXTENSIONS:
        return "docx", ""
    if suffix in mail.EML_EXTENSIONS:
        return "email", ""
    if suffix in mail.MBOX_EXTENSIONS:
        return "mbox", ""
    if suffix in _COMPRESSED:
        inner = Path(path.stem).suffix.lower()
        what = f"compressed {inner} file" if inner else "compressed file"
        return None, f"{what} ({suffix}): unpack it first, then ingest what it holds"
    if suffix in (".json", ".xml") or not suffix:
        head = _head(path)
        if isinstance(head, str):
            return None, head
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
    if mail.looks_like_mbox(head):
        return "mbox", ""
    return None, "unknown type (no extension, content not recognised)"


def _gz_warc(head: bytes) -> bool:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _head(path: Path) -> bytes | str:
    try:
        with path.open("rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError as exc:
        return f"could not be opened: {exc.strerror or exc}"


def scan(folder: Path, *, images: bool = False) -> Scan:
    """Readable files under ``folder`` sorted by path components, and the skipped ones with reasons.

    ``images``: read images too (by OCR); without it they are skipped with :data:`IMAGE_SKIPPED`.
    """
    result = Scan()

    def unreadable(exc: OSError) -> None:
        if exc.filename and Path(exc.filename) != folder:
            result.skipped.append((Path(exc.filename), f"could not list the folder: {exc.strerror or exc}"))
        elif exc.filename:
            raise exc

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        kept = []
        for name in sorted(dirs):
            path = Path(root, name)
            if os.path.islink(path):
                result.skipped.append((path, "link to a folder, not followed"))
            elif is_ignored(name):
                result.skipped.append((path, _ignored_reason(name, is_dir=True)))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(root, name)
            if is_ignored(name):
                result.skipped.append((path, _ignored_reason(name, is_dir=False)))
                continue
            special = special_file(path)
            if special:
                result.skipped.append((path, special))
                continue
            fmt, reason = detect_format(path)
            if fmt == "image" and not images:
                result.skipped.append((path, IMAGE_SKIPPED))
            elif fmt is None:
                result.skipped.append((path, reason))
            else:
                result.files.append(path)
    # One order for every platform: by path components, so "news/a.txt" sorts before "notes.txt".
    result.files.sort(key=lambda p: p.relative_to(folder).parts)
    result.skipped.sort(key=lambda item: item[0].relative_to(folder).parts)
    return result
