"""PDF files with a text layer -> one Document (the pages' text joined by blank lines).

PDFium (pypdfium2) reads the text layer at about a thousand pages a second. A PDF without
one (a scan) is refused with a pointer to the paper check, which runs OCR page by page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest.markup import tidy
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".pdf",)
MAGIC = b"%PDF-"

# PDFium error codes (FPDF_GetLastError) in words.
_PDFIUM_ERRORS = {
    "file": "file could not be opened",
    "format": "corrupt or truncated PDF",
    "password": "encrypted PDF: it needs a password",
    "security": "unsupported PDF security handler",
    "page": "page not found or content error",
}


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    import pypdfium2 as pdfium

    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise ReadError(source, "file is empty")
    if MAGIC not in head:
        raise ReadError(source, "not a PDF: the file does not start with %PDF-")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ReadError(source, _explain(exc)) from None
    if len(pdf) > limits.pdf_pages:
        count = len(pdf)
        pdf.close()
        raise ReadError(source, f"the PDF has {count:,} pages, above the {limits.pdf_pages:,} page limit (pdf_pages)",
                        "split it, or raise the limit with --limit pdf_pages=...")
    try:
        pages: list[str] = []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                pages.append(tidy(textpage.get_text_range()))
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise ReadError(source, f"page {index + 1}: {_explain(exc)}") from None
        try:
            info = pdf.get_metadata_dict(skip_empty=True)
        except pdfium.PdfiumError:
            info = {}
        page_count = len(pdf)
    finally:
        pdf.close()
    if page_count == 0:
        raise ReadError(source, "corrupt or truncated PDF: no pages")
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise ReadError(source, "no text layer (scanned?)", "use `recruitwatch papercheck` for scans")
    meta: dict = {"format": "pdf", "pages": page_count}
    if info.get("CreationDate"):
        meta["pdf_created"] = iso_date(info["CreationDate"])
    for key in ("Producer", "Creator", "Subject"):
        if info.get(key):
            meta[f"pdf_{key.lower()}"] = info[key]
    yield Document.create(
        text=text,
        origin=source,
        kind="news",
        title=(info.get("Title") or "").strip() or None,
        author=(info.get("Author") or "").strip() or None,
        meta=meta,
    )


def _explain(exc: Exception) -> str:
    message = str(exc)
    for key, words in _PDFIUM_ERRORS.items():
        if key in message.lower():
            return f"{words} ({message})"
    return f"corrupt or truncated PDF ({message})"
