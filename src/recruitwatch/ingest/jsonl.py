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

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import decode_text
from recruitwatch.isodate import iso_date
from recruitwatch.records import DOCUMENT_KINDS, Document, ReadFailure

EXTENSIONS = (".jsonl", ".ndjson", ".jsonlines")

_KNOWN = {"id", "lang", "title", "published", "date", "url", "kind", "outlet", "author", "text", "origin"}
_GOLD_KEYS = ("relevant", "incidents")


def read(path: Path, source: str) -> Iterator[Document | ReadFailure]:
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    text, _ = decode_text(data, source)
    yielded = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        yielded = True
        label = f"{source}#line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(label, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        yield from _document(record, source, label, f"line-{number}")
    if not yielded:
        raise ReadError(source, "file holds only blank lines")


def read_json_array(path: Path, source: str) -> Iterator[Document | ReadFailure]:
    """A ``.json`` file holding a list of records (same fields as a JSONL line)."""
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
