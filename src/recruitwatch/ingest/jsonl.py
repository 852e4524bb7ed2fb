"""JSON Lines files (.jsonl, .ndjson) and JSON arrays of records (.json) -> one Document per record.

Two shapes are read:

* the **gold** format of ``spec/taxonomy.md`` (``id``, ``lang``, ``title``, ``published``,
  ``origin``, ``text``, ``relevant``, ``incidents``). ``relevant`` and ``incidents`` are kept in
  ``meta["gold"]``, the gold ``id`` in ``meta["source_id"]`` and the gold ``origin`` note in
  ``meta["origin_note"]``, so ``extract`` can write predictions in the same format;
* **generic** records: ``text`` plus optional ``id``, ``lang``, ``title``, ``published`` (or
  ``date``), ``url``, ``kind``, ``outlet``, ``author``. Other keys land in ``meta["extra"]``.

A record's origin is its ``url`` when it has one, else ``<file>#<id>``, else ``<file>#line-<n>``.
A bad line yields a ReadFailure for ``<file>#line <n>``; the other lines go on.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import _damaged_utf8, bom_encoding, decode_text, looks_binary
from recruitwatch.ingest.markup import human_size
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits, check_parse_size
from recruitwatch.records import DOCUMENT_KINDS, Document, ReadFailure

EXTENSIONS = (".jsonl", ".ndjson", ".jsonlines")

_KNOWN = {"id", "lang", "title", "published", "date", "url", "kind", "outlet", "author", "text", "origin"}
_GOLD_KEYS = ("relevant", "incidents")
_SNIFF_BYTES = 64 * 1024


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    """One Document per line, streamed: memory holds one line (at most ``limits.line_bytes``) at a time.

    A line over the limit is skipped without being held in memory and reported as
    ``<file>#line <n>``; so is a line that is not valid in the file's encoding. The other lines go on.
    """
    yielded = False
    for number, line in _lines(path, source, limits.line_bytes):
        label = f"{source}#line {number}"
        if isinstance(line, ReadFailure):
            yielded = True
            yield ReadFailure(label, line.problem)
            continue
        if not line.strip():
            continue
        yielded = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(label, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield ReadFailure(label, "not valid JSON: nested too deeply")
            continue
        yield from _document(record, source, label, f"line-{number}")
    if not yielded:
        raise ReadError(source, "file is empty" if path.stat().st_size == 0 else "file holds only blank lines")


def _lines(path: Path, source: str, limit: int) -> Iterator[tuple[int, str | ReadFailure]]:
    """``(line number, text)`` for each line; ``(number, ReadFailure)`` for a line too long or undecodable."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        fh.seek(0)
        bom = bom_encoding(head)
        if bom and bom[0] != "utf-8":  # UTF-16/32: newlines are not single bytes; decode as a stream
            fh.seek(bom[1])
            stream = io.TextIOWrapper(fh, encoding=bom[0], newline="")
            yield from _text_lines(stream, source, limit // 2)
            return
        if bom:
            fh.seek(len(codecs.BOM_UTF8))
        if looks_binary(head):
            raise ReadError(source, "binary content, not text")
        codec = _codec(head, source)
        number = 0
        while True:
            chunk = fh.readline(limit + 1)
            if not chunk:
                return
            number += 1
            if len(chunk) > limit and not chunk.endswith(b"\n"):
                size = len(chunk) + _skip_line(fh)
                yield number, ReadFailure(source, _too_long(size, limit))
                continue
            try:
                yield number, chunk.decode(codec).rstrip("\r\n")
            except UnicodeDecodeError as exc:
                yield number, ReadFailure(source, f"not valid {_codec_name(codec)} (invalid byte "
                                                  f"0x{chunk[exc.start]:02x} at byte {exc.start + 1} of the line)")


def _text_lines(stream: io.TextIOWrapper, source: str, limit: int) -> Iterator[tuple[int, str | ReadFailure]]:
    number = 0
    while True:
        try:
            line = stream.readline(limit + 1)
        except UnicodeDecodeError as exc:
            raise ReadError(source, f"not valid {exc.encoding} after line {number}") from None
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            size = len(line)
            while True:
                more = stream.readline(1 << 20)
                size += len(more)
                if not more or more.endswith("\n"):
                    break
            yield number, ReadFailure(source, _too_long(size * 2, limit * 2))
            continue
        yield number, line.rstrip("\r\n")


def _skip_line(fh) -> int:
    """Read past the rest of an over-long line, a megabyte at a time; return how many bytes that was."""
    skipped = 0
    while True:
        more = fh.readline(1 << 20)
        skipped += len(more)
        if not more or more.endswith(b"\n"):
            return skipped


def _too_long(size: int, limit: int) -> str:
    return (f"line is {'at least ' if size <= limit else ''}{human_size(size)}, above the {human_size(limit)} "
            f"limit for one line; it was skipped (raise it with --limit line_bytes=... or "
            f"$RECRUITWATCH_MAX_LINE_BYTES)")


def _codec(head: bytes, source: str) -> str:
    """UTF-8, unless the start of the file is plainly in a legacy code page (cp1251, KOI8-R...)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass  # not UTF-8: look for the code page below
    if _damaged_utf8(head):
        return "utf-8"  # UTF-8 with some broken lines: those lines fail, the others are read
    try:
        _, encoding = decode_text(head, source)
    except ReadError:
        return "utf-8"
    return encoding


def _codec_name(codec: str) -> str:
    return "UTF-8" if codec.replace("_", "-").lower() in ("utf-8", "utf8") else codec


def read_json_array(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    """A ``.json`` file holding a list of records (same fields as a JSONL line)."""
    check_parse_size(path, source, limits, "a JSON file")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    text, _ = decode_text(data, source)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(source, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(records, list):
        raise ReadError(source, "JSON file is neither a Telegram export nor a list of records",
                        "records need at least a \"text\" field")
    yield from read_records(records, source)


def read_records(records: Iterable[Any], source: str) -> Iterator[Document | ReadFailure]:
    """Documents from already-parsed records; ``source`` names the container in failures."""
    for number, record in enumerate(records, start=1):
        yield from _document(record, source, f"{source}#record {number}", f"record-{number}")


def _document(record: Any, source: str, label: str, position: str) -> Iterator[Document | ReadFailure]:
    if not isinstance(record, dict):
        yield ReadFailure(label, f"expected a JSON object, found {type(record).__name__}")
        return
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        problem = "no \"text\" field" if "text" not in record else "the \"text\" field is empty or not a string"
        yield ReadFailure(label, problem)
        return
    kind = record.get("kind") or "news"
    if kind not in DOCUMENT_KINDS:
        yield ReadFailure(label, f"unknown kind {kind!r} (expected one of {', '.join(DOCUMENT_KINDS)})")
        return
    record_id = record.get("id")
    record_id = str(record_id) if record_id not in (None, "") else None
    url = record.get("url") if isinstance(record.get("url"), str) and record.get("url") else None
    origin = url or (f"{source}#{record_id}" if record_id else f"{source}#{position}")
    meta: dict[str, Any] = {"format": "jsonl"}
    if record_id:
        meta["source_id"] = record_id
    if any(k in record for k in _GOLD_KEYS):
        meta["format"] = "gold"
        meta["gold"] = {"relevant": record.get("relevant"), "incidents": record.get("incidents") or []}
    if isinstance(record.get("origin"), str):
        meta["origin_note"] = record["origin"]
    raw_date = record.get("published", record.get("date"))
    published = iso_date(raw_date)
    if raw_date and published is None:
        meta["published_raw"] = raw_date
    extra = {k: v for k, v in record.items() if k not in _KNOWN and k not in _GOLD_KEYS}
    if extra:
        meta["extra"] = extra
    yield Document.create(
        text=text,
        origin=origin,
        kind=kind,
        lang=_str_or_none(record.get("lang")),
        title=_str_or_none(record.get("title")),
        published=published,
        url=url,
        outlet=_str_or_none(record.get("outlet")),
        author=_str_or_none(record.get("author")),
        meta=meta,
    )


def _str_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
