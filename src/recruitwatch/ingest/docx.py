"""Word documents (.docx) -> one Document: paragraphs and tables in reading order.

python-docx reads the package. Before it parses anything, the ZIP directory is checked: what the
parts would unpack to must stay within ``file_bytes`` (all parts) and ``parse_bytes`` (the XML
parts, parsed whole), so a ZIP bomb is refused from its directory without inflating a byte
(ZIP reading stops at an entry's declared size, so the directory cannot lie about it). lxml
parses the XML without resolving entities.

Title: the core properties' title, else the first paragraph styled as a title or heading.
Published: the core properties' creation date (``meta["docx_modified"]`` holds the last change).
The author property is not kept: Word fills it with the account name of whoever made the file,
who may be a person at risk rather than the report's author. Headers, footers, footnotes and
text boxes are not read (they hold page furniture far more often than report text).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.markup import human_size, tidy
from recruitwatch.ingest.text import guess_title
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".docx",)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office's older container, also used for password-protected .docx
#: More entries than this in one package is not a Word document someone wrote.
MAX_ENTRIES = 10_000
_CELL_SEPARATOR = " | "
#: python-docx's built-in template carries this creation date: files made by tools built on it
#: would all look "published" on 23 December 2013, so it is ignored.
_TEMPLATE_DATE = datetime(2013, 12, 23, 23, 15)


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    with path.open("rb") as fh:
        yield read_stream(fh, source, limits=limits)


def read_bytes(data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """One Document from the bytes of a .docx (an e-mail attachment); raises ReadError."""
    return read_stream(io.BytesIO(data), source, limits=limits)


def read_stream(fh, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    head = fh.read(4096)
    fh.seek(0)
    if not head:
        raise ReadError(source, "file is empty")
    if head.startswith(OLE_MAGIC):
        data = fh.read(limits.parse_bytes)
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ReadError(source, "encrypted Word document: it needs a password",
                            "open it in Word, remove the password, save a copy and ingest that")
        raise ReadError(source, "an old-format Office file (.doc) named .docx, not a .docx package",
                        "open it in Word or LibreOffice and save it as .docx")
    if not head.startswith(ZIP_MAGIC):
        raise ReadError(source, "not a .docx file: it is not a ZIP package")
    _check_package(fh, source, limits)
    fh.seek(0)

    import docx  # python-docx

    try:
        document = docx.Document(fh)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ReadError(source, f"corrupt or truncated .docx ({exc})", "save it again from Word") from None
    except KeyError as exc:
        raise ReadError(source, f"corrupt .docx: a part is missing ({exc})", "save it again from Word") from None
    except Exception as exc:  # python-docx: PackageNotFoundError, ValueError on a non-Word package, lxml errors
        raise ReadError(source, f"not a readable Word document ({type(exc).__name__}: {exc})",
                        "is it a Word file? save it again from Word") from None
    blocks: list[str] = []
    heading: str | None = None
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            blocks.append(_table_text(item))
        else:
            text = item.text.strip()
            blocks.append(text)
            if heading is None and text and _is_heading(item):
                heading = text
    text = tidy("\n".join(blocks))
    if not text:
        raise ReadError(source, "the Word document has no text",
                        "is it a scan saved in Word? save the pages as images and ingest them (OCR)")
    props = document.core_properties
    title = (props.title or "").strip() or heading or guess_title(text)
    meta: dict = {"format": "docx"}
    created = props.created if props.created and props.created.replace(tzinfo=None) != _TEMPLATE_DATE else None
    if props.modified and props.modified.replace(tzinfo=None) != _TEMPLATE_DATE:
        meta["docx_modified"] = iso_date(props.modified.date().isoformat())
    return Document.create(
        text=text,
        origin=source,
        kind="news",
        title=title,
        published=created.date().isoformat() if created else None,
        meta=meta,
    )


def _check_package(fh, source: str, limits: Limits) -> None:
    """Refuse a ZIP bomb (or a package that is not a Word document) from the ZIP directory alone."""
    try:
        with zipfile.ZipFile(fh) as package:
            entries = package.infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError(source, f"corrupt or truncated .docx ({exc})", "save it again from Word") from None
    if len(entries) > MAX_ENTRIES:
        raise ReadError(source, f"the package holds {len(entries):,} files, more than a Word document has "
                                f"(at most {MAX_ENTRIES:,})")
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise ReadError(source, "not a Word document: a ZIP file without Word's parts (word/document.xml)",
                        "an .xlsx, .pptx or .zip renamed to .docx?")
    total = sum(e.file_size for e in entries)
    xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
    if total > limits.file_bytes:
        raise ReadError(source, f"the .docx unpacks to {human_size(total)}, above the {human_size(limits.file_bytes)} "
                                "limit (file_bytes; a ZIP bomb?)", "raise it with --limit file_bytes=...")
    if xml > limits.parse_bytes:
        raise ReadError(source, f"the .docx text unpacks to {human_size(xml)} of XML, above the "
                                f"{human_size(limits.parse_bytes)} limit for what is parsed whole (parse_bytes; a ZIP "
                                "bomb?)", "raise it with --limit parse_bytes=...")


def _is_heading(paragraph) -> bool:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except Exception:  # a style id missing from styles.xml
        return False
    return name == "Title" or name.startswith("Heading")


def _table_text(table) -> str:
    """One line per row, cells separated by `` | ``; a merged cell once; tables inside cells read too."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell))
        line = _CELL_SEPARATOR.join(c for c in cells if c)
        if line:
            rows.append(line)
    return "\n".join(rows)


def _cell_text(cell) -> str:
    parts = []
    for item in cell.iter_inner_content():
        parts.append(_table_text(item) if hasattr(item, "rows") else item.text.strip())
    return " ".join(" ".join(p.split()) for p in parts if p)
