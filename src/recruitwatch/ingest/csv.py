"""CSV/TSV files with a header row and a text column -> one Document per row.

The text column is found by name (case-insensitive): ``text``, ``body``, ``content``,
``message``, ``текст``. Optional columns: ``title``/``headline``/``заголовок``, ``published``/
``date``/``дата``, ``url``/``link``/``ссылка``, ``lang``/``language``/``язык``, ``id``,
``kind``, ``outlet``/``source``, ``author``. The delimiter (comma, semicolon, tab, pipe) is sniffed.

Rows are numbered as in a spreadsheet: the header is row 1, the first record row 2. A bad row
(wrong number of fields, empty text) yields a ReadFailure for ``<file>#row <n>``; the rest go on.
A row's origin is its ``url``, else ``<file>#<id>``, else ``<file>#row-<n>``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import decode_text
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits, check_parse_size
from recruitwatch.records import DOCUMENT_KINDS, Document, ReadFailure

EXTENSIONS = (".csv", ".tsv")

COLUMNS = {
    "text": ("text", "body", "content", "message", "текст"),
    "title": ("title", "headline", "заголовок"),
    "published": ("published", "date", "pubdate", "дата"),
    "url": ("url", "link", "ссылка"),
    "lang": ("lang", "language", "язык"),
    "id": ("id",),
    "kind": ("kind",),
    "outlet": ("outlet", "source", "site"),
    "author": ("author", "автор"),
}
_DELIMITERS = ",;\t|"
_FIELD_LIMIT = 64 * 1024 * 1024  # one report may be long; the default 128 KB is not enough


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    check_parse_size(path, source, limits, "a CSV file")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    text, encoding = decode_text(data, source)
    dialect = _sniff(text, tsv=path.suffix.lower() == ".tsv")
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(source, "file is empty") from None
    except csv.Error as exc:
        raise ReadError(source, f"the header row is not valid CSV: {exc}") from None
    names = [h.strip().lstrip("\ufeff").casefold() for h in header]
    where = {role: _find(names, wanted) for role, wanted in COLUMNS.items()}
    if where["text"] is None:
        raise ReadError(
            source,
            f"no text column: expected one of {', '.join(COLUMNS['text'])} "
            f"(columns found: {', '.join(h.strip() for h in header) or 'none'})",
        )
    rows = 0
    row_number = 1
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield ReadFailure(f"{source}#row {row_number}", f"not valid CSV: {exc}; the rest of the file was not read")
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        label = f"{source}#row {row_number}"
        if len(row) != len(header):
            yield ReadFailure(label, f"has {len(row)} fields, the header has {len(header)}")
            continue
        yield from _document(row, where, header, source, label, row_number, encoding)
    if rows == 0:
        raise ReadError(source, "the file has a header but no rows")


def _document(row, where, header, source, label, row_number, encoding) -> Iterator[Document | ReadFailure]:
    def get(role: str) -> str | None:
        index = where[role]
        value = row[index].strip() if index is not None else ""
        return value or None

    text = row[where["text"]]
    if not text.strip():
        yield ReadFailure(label, f"the text column {header[where['text']].strip()!r} is empty")
        return
    kind = get("kind") or "news"
    if kind not in DOCUMENT_KINDS:
        yield ReadFailure(label, f"unknown kind {kind!r} (expected one of {', '.join(DOCUMENT_KINDS)})")
        return
    record_id, url = get("id"), get("url")
    origin = url or (f"{source}#{record_id}" if record_id else f"{source}#row-{row_number}")
    meta: dict = {"format": "csv", "encoding": encoding, "row": row_number}
    if record_id:
        meta["source_id"] = record_id
    raw_date = get("published")
    published = iso_date(raw_date)
    if raw_date and published is None:
        meta["published_raw"] = raw_date
    yield Document.create(
        text=text.replace("\r\n", "\n").strip(),
        origin=origin,
        kind=kind,
        lang=get("lang"),
        title=get("title"),
        published=published,
        url=url,
        outlet=get("outlet"),
        author=get("author"),
        meta=meta,
    )


def _find(names: list[str], wanted: tuple[str, ...]) -> int | None:
    for candidate in wanted:
        if candidate in names:
            return names.index(candidate)
    return None


def _sniff(text: str, *, tsv: bool) -> type[csv.Dialect] | csv.Dialect:
    """The dialect: the delimiter whose header row holds a known text column wins; else csv.Sniffer."""
    if tsv:
        return csv.excel_tab
    first_line = text.split("\n", 1)[0]
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > 1 or delimiter == ",":
            names = {c.strip().lstrip("\ufeff").casefold() for c in cells}
            if names & set(COLUMNS["text"]):
                return _with_delimiter(delimiter)
    try:
        return csv.Sniffer().sniff(text[:64 * 1024], delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def _with_delimiter(delimiter: str) -> type[csv.Dialect]:
    return type("_Dialect", (csv.excel,), {"delimiter": delimiter})
