"""Ingest: turn sources (files, folders, feeds, web pages, sitemaps) into Documents.

One reader per format, each in its own module (``text``, ``html``, ``pdf``, ``jsonl``, ``csv``,
``warc``, ``feed``, ``telegram``, ``image``, ``docx``, ``mail``); ``folder`` decides which reader a
file needs. Scanned PDF pages and photos are read by OCR (``ocr``, the paper check's engine). This module is
the public entry point::

    for item in read_source("reports/"):
        if isinstance(item, ReadFailure):
            print(f"{item.source}: {item.problem}")
        else:
            handle(item)            # a recruitwatch.records.Document

Reading never raises for bad input: a bad file, or a bad item inside a container (a JSONL line,
a CSV row, a feed entry, a WARC record, a Telegram message), yields a ReadFailure naming it
(``<file>`` or ``<file>#<item>``) and reading goes on. Documents get stable ids (a hash of
normalised text plus origin), so reading the same source twice gives the same ids.

A file's origin is its absolute path; items inside a file use ``<path>#<item>`` unless they have
a URL of their own. See docs/ingest.md for every format, what it yields and its errors.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest import csv as csv_reader
from recruitwatch.ingest import docx as docx_reader
from recruitwatch.ingest import feed, folder, html, image, jsonl, mail, pdf, telegram, text, warc, web
from recruitwatch.ingest.markup import human_size
from recruitwatch.ingest.ocr import DEFAULT_OCR, OcrOptions
from recruitwatch.limits import DEFAULT_LIMITS, LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

__all__ = ["MAX_FILE_BYTES", "READERS", "OcrOptions", "read_source", "read_sources", "list_files", "list_skipped",
           "read_file"]

MAX_FILE_BYTES = DEFAULT_LIMITS.file_bytes
"""Files above this size (200 MB) are refused without being opened; so are larger feed downloads.
Change it with ``Limits(file_bytes=...)`` (see :mod:`recruitwatch.limits`)."""

# A reader: (path, label, *, limits) -> Documents and ReadFailures.
Reader = Callable[..., Iterator[Document | ReadFailure]]

READERS: dict[str, Reader] = {
    "text": text.read,
    "html": html.read,
    "pdf": pdf.read,
    "jsonl": jsonl.read,
    "json-records": jsonl.read_json_array,
    "csv": csv_reader.read,
    "warc": warc.read,
    "feed": feed.read,
    "telegram": telegram.read,
    "image": image.read,
    "docx": docx_reader.read,
    "email": mail.read_eml,
    "mbox": mail.read_mbox,
}
#: Readers that may run OCR (scanned pages, photos, such attachments): they take ``ocr_options``.
OCR_FORMATS = frozenset({"pdf", "image", "email", "mbox"})

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
log = logging.getLogger(__name__)


def _limits(limits: Limits | None, max_bytes: int | None) -> Limits:
    limits = limits or DEFAULT_LIMITS
    return limits if max_bytes is None else replace(limits, file_bytes=max_bytes)


def read_source(source: str | os.PathLike, *, max_bytes: int | None = None,
                limits: Limits | None = None, ocr: OcrOptions | None = None) -> Iterator[Document | ReadFailure]:
    """Documents from a file, a folder (recursive) or an http(s) URL (an RSS/Atom feed, an XML
    sitemap's pages or an article page: see :mod:`recruitwatch.ingest.web`).

    Never raises for bad input: each unreadable file or item yields a ReadFailure and reading
    goes on. Files of unsupported types inside a folder are skipped (see :func:`list_skipped`);
    a file of unsupported type named directly yields a ReadFailure. ``limits`` bounds what one
    input may cost (:class:`recruitwatch.limits.Limits`); ``max_bytes`` overrides its ``file_bytes``.
    ``ocr`` chooses the OCR languages and whether images inside folders are read
    (:class:`recruitwatch.ingest.ocr.OcrOptions`; by default photos are read only when named).
    """
    limits = _limits(limits, max_bytes)
    ocr = ocr or DEFAULT_OCR
    raw = os.fspath(source)
    if isinstance(raw, bytes):
        raw = os.fsdecode(raw)
    if _URL.match(raw):
        yield from _read_url(raw, limits)
        return
    path = Path(raw)
    label = os.path.abspath(raw)
    try:
        if path.is_dir():
            result = folder.scan(path, images=ocr.folders)
            for skipped, reason in result.skipped:
                log.info("skipped %s: %s", os.path.abspath(skipped), reason)
            for file in result.files:
                yield from read_file(file, limits=limits, ocr=ocr)
            return
    except OSError as exc:
        yield ReadFailure(label, f"could not list the folder: {exc.strerror or exc}")
        return
    if not path.exists() and not path.is_symlink():
        yield ReadFailure(label, "no such file or folder")
        return
    yield from read_file(path, limits=limits, ocr=ocr)


def read_sources(sources: Iterable[str | os.PathLike], *, max_bytes: int | None = None,
                 limits: Limits | None = None, ocr: OcrOptions | None = None) -> Iterator[Document | ReadFailure]:
    """:func:`read_source` over several sources, in order."""
    for source in sources:
        yield from read_source(source, max_bytes=max_bytes, limits=limits, ocr=ocr)


def read_file(path: str | os.PathLike, *, max_bytes: int | None = None,
              limits: Limits | None = None, ocr: OcrOptions | None = None) -> Iterator[Document | ReadFailure]:
    """Documents from one file, whatever its format; never raises for bad input."""
    limits = _limits(limits, max_bytes)
    path = Path(path)
    label = os.path.abspath(path)
    try:
        special = folder.special_file(path)
        if special:
            yield ReadFailure(label, special)
            return
        size = path.stat().st_size
    except OSError as exc:
        yield ReadFailure(label, f"could not read the file: {exc.strerror or exc}")
        return
    fmt, reason = folder.detect_format(path)
    if fmt is None:
        yield ReadFailure(label, reason)
        return
    if size > limits.file_bytes:
        yield ReadFailure(label, f"file is {human_size(size)}, above the {human_size(limits.file_bytes)} limit"
                                 f"; raise it with --limit file_bytes=... or ${_env('file_bytes')}")
        return
    if size == 0:
        yield ReadFailure(label, "file is empty")
        return
    options = {"ocr_options": ocr or DEFAULT_OCR} if fmt in OCR_FORMATS else {}
    yield from _within(_guarded(partial(READERS[fmt], limits=limits, **options), path, label), limits)


def _within(items: Iterator[Document | ReadFailure], limits: Limits) -> Iterator[Document | ReadFailure]:
    """Documents whose text is longer than ``limits.document_chars`` become failures naming them."""
    for item in items:
        if isinstance(item, Document) and len(item.text) > limits.document_chars:
            error = text.too_long(item.origin, len(item.text), limits)
            yield ReadFailure(item.origin, f"{error.problem}; {error.hint}")
        else:
            yield item


def _env(name: str) -> str:
    return next(limit.env for limit in LIMITS if limit.name == name)


def list_files(source: str | os.PathLike, *, images: bool = False) -> list[Path]:
    """The files a source expands to, in the order :func:`read_source` reads them (for progress bars).

    A folder gives its readable files (skipped ones are left out, see :func:`list_skipped`);
    a file gives itself; a URL or a missing path gives an empty list. ``images``: images in folders
    are read (``--ocr``).
    """
    raw = os.fsdecode(os.fspath(source))
    if _URL.match(raw):
        return []
    path = Path(raw)
    if path.is_dir():
        return folder.scan(path, images=images).files
    return [path] if path.exists() else []


def list_skipped(source: str | os.PathLike, *, images: bool = False) -> list[tuple[Path, str]]:
    """Files inside a folder that :func:`read_source` skips, each with the reason."""
    path = Path(os.fsdecode(os.fspath(source)))
    return folder.scan(path, images=images).skipped if path.is_dir() else []


def _read_url(url: str, limits: Limits) -> Iterator[Document | ReadFailure]:
    if not url.lower().startswith(("http://", "https://")):
        yield ReadFailure(url, "unsupported URL scheme: only http and https URLs can be read")
        return
    yield from _within(_guarded(lambda _path, _label: web.read_url(url, limits=limits), None, url), limits)


def _guarded(reader: Reader, path: Path | None, label: str) -> Iterator[Document | ReadFailure]:
    """Run a reader; turn its ReadError, or any unexpected error, into a ReadFailure."""
    try:
        yield from reader(path, label)
    except ReadError as exc:
        yield ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else ""))
    except OSError as exc:
        yield ReadFailure(label, f"could not read the file: {exc.strerror or exc}")
    except RecursionError:
        yield ReadFailure(label, "content is nested too deeply to read")
    except MemoryError:
        yield ReadFailure(label, "ran out of memory while reading")
    except Exception as exc:  # a reader bug or a library surprise must not stop the batch
        log.warning("unexpected error reading %s", label, exc_info=True)
        yield ReadFailure(label, f"unexpected error: {type(exc).__name__}: {exc}")
