"""Web archives (.warc, .warc.gz) -> one Document per archived HTML page.

Every ``response`` (and ``resource``) record whose payload is HTML and whose HTTP status is 2xx
goes through the HTML reader; its origin is the record's ``WARC-Target-URI``. Other records
(requests, metadata, images, scripts, redirects, error pages) are skipped without a report.
A page with no main text yields a ReadFailure for ``<file>#<uri>``; a corrupt archive yields a
ReadFailure after the pages read so far.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.html import document_from_html, page_too_large
from recruitwatch.ingest.markup import human_size
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_RECORD_BYTES = DEFAULT_LIMITS.record_bytes  # one archived page; guards against decompression bombs

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]+)", re.I)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)", re.I | re.S)
log = logging.getLogger(__name__)


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(4096)
        if not head:
            raise ReadError(source, "file is empty")
        if not _starts_like_archive(head):
            raise ReadError(source, "not a WARC archive: it does not start with a WARC/ or ARC header")
        fh.seek(0)
        seen = 0
        end = 0
        try:
            records = ArchiveIterator(fh)
            for record in records:
                seen += 1
                if record.rec_type not in ("response", "resource"):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#record-{seen}"
                http = record.http_headers
                if http is not None and record.rec_type == "response":
                    status = (http.get_statuscode() or "").strip()
                    if not status.startswith("2"):
                        continue
                    content_type = http.get_header("Content-Type") or ""
                else:
                    content_type = record.rec_headers.get_header("Content-Type") or ""
                payload = record.content_stream().read(limits.record_bytes + 1)
                if len(payload) > limits.record_bytes:
                    del payload
                    yield ReadFailure(f"{source}#{uri}", f"archived page is above the "
                                      f"{human_size(limits.record_bytes)} limit for one record (record_bytes; "
                                      "a gzip bomb, or raise the limit with --limit record_bytes=...)")
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise ReadError(source, f"truncated WARC archive: the record for {uri} is cut short "
                                    f"(record {seen}); pages before it were read")
                if not _is_html(content_type, payload):
                    continue
                if len(payload) > limits.page_bytes:
                    problem = page_too_large(uri, len(payload), limits).problem
                    yield ReadFailure(f"{source}#{uri}", problem)
                    continue
                m = _CHARSET.search(content_type)
                try:
                    yield document_from_html(payload, uri, declared_charset=m.group(1) if m else None, url=uri)
                except ReadError as exc:
                    problem = exc.problem + (f"; {exc.hint}" if exc.hint else "")
                    yield ReadFailure(f"{source}#{uri}", problem)
            if seen:
                end = records.get_record_offset() + (records.get_record_length() or 0)
                if 0 < size - end <= 64:  # the last record's separator may be left unconsumed
                    fh.seek(end)
                    if not fh.read().strip():
                        end = size
        except ArchiveLoadFailed as exc:
            where = "not a WARC archive" if seen == 0 else f"corrupt WARC archive after {seen} records"
            raise ReadError(source, f"{where}: {_first_line(exc)}") from None
        except (EOFError, OSError, ValueError, AttributeError, TypeError, IndexError, KeyError) as exc:
            # truncated gzip members, bad lengths; warcio trips over some damaged headers itself
            raise ReadError(source, f"corrupt or truncated WARC archive after {seen} records: "
                            f"{type(exc).__name__}: {_first_line(exc)}") from None
    if seen == 0:
        raise ReadError(source, "not a WARC archive: no records found")
    if end < size:
        raise ReadError(source, f"truncated or corrupt WARC archive: the last {size - end} bytes "
                        f"are not a complete record (after {seen} records)")


def _starts_like_archive(head: bytes) -> bool:
    if head.startswith(b"\x1f\x8b"):
        import zlib

        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


def _is_html(content_type: str, payload: bytes) -> bool:
    content_type = content_type.lower()
    if "html" in content_type:
        return True
    if content_type and not content_type.startswith(("text/plain", "application/octet-stream")):
        return False
    return bool(_HTML_START.match(payload[:2048]))


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
