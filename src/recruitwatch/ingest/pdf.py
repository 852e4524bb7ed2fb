"""PDF files -> one Document (the pages' text joined by blank lines), scanned pages by OCR.

PDFium (pypdfium2) reads the text layer at about a thousand pages a second. A page without one
(fewer than :data:`MIN_TEXT_LAYER_LETTERS` letters, and an image on it or no text at all: a scan)
is rendered and read by the paper check's OCR engine (:mod:`recruitwatch.ingest.ocr`), within
``image_pixels``; pages with text keep their text layer, so a mixed PDF is read both ways. When OCR
is not installed (or ``--no-ocr``), a PDF with no text layer at all is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest import ocr
from recruitwatch.ingest.markup import tidy
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".pdf",)
MAGIC = b"%PDF-"
#: A page with fewer letters than this in its text layer is a scan, if it holds an image (the paper check's rule).
MIN_TEXT_LAYER_LETTERS = 40

# PDFium error codes (FPDF_GetLastError) in words.
_PDFIUM_ERRORS = {
    "file": "file could not be opened",
    "format": "corrupt or truncated PDF",
    "password": "encrypted PDF: it needs a password",
    "security": "unsupported PDF security handler",
    "page": "page not found or content error",
}


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS,
         ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR) -> Iterator[Document | ReadFailure]:
    with path.open("rb") as fh:
        head = fh.read(1024)
    yield read_pdf(str(path), head, source, limits=limits, ocr_options=ocr_options)


def read_bytes(data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS,
               ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR) -> Document:
    """One Document from the bytes of a PDF (an e-mail attachment); raises ReadError."""
    return read_pdf(data, data[:1024], source, limits=limits, ocr_options=ocr_options)


def read_pdf(pdf_input: str | bytes, head: bytes, source: str, *, limits: Limits,
             ocr_options: ocr.OcrOptions) -> Document:
    import pypdfium2 as pdfium

    if not head:
        raise ReadError(source, "file is empty")
    if MAGIC not in head:
        raise ReadError(source, "not a PDF: the file does not start with %PDF-")
    try:
        pdf = pdfium.PdfDocument(pdf_input)
    except pdfium.PdfiumError as exc:
        raise ReadError(source, _explain(exc)) from None
    if len(pdf) > limits.pdf_pages:
        count = len(pdf)
        pdf.close()
        raise ReadError(source, f"the PDF has {count:,} pages, above the {limits.pdf_pages:,} page limit (pdf_pages)",
                        "split it, or raise the limit with --limit pdf_pages=...")
    try:
        pages: list[str] = []
        scans: list[int] = []  # pages read by OCR
        confidences: list[float] = []
        no_ocr: list[int] = []  # scanned pages left unread because OCR cannot run
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                text = tidy(textpage.get_text_range())
                textpage.close()
                if _is_scan(page, text):
                    reason = ocr.unavailable(ocr_options)
                    if reason:
                        no_ocr.append(index + 1)
                    else:
                        read = _ocr_page(page, source, index + 1, limits, ocr_options)
                        if read.letters > sum(ch.isalpha() for ch in text):
                            text = read.text
                            scans.append(index + 1)
                            confidences.append(read.confidence)
                pages.append(text)
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
        reason = ocr.unavailable(ocr_options)
        if reason:
            raise ReadError(source, f"no text layer (scanned?), and {reason}",
                            "or use `recruitwatch papercheck` to check papers for a military contract")
        raise ReadError(source, f"no text layer, and OCR found no text on its {page_count} page"
                                f"{'s' if page_count > 1 else ''}",
                        f"blank pages or pictures without print? the OCR languages were {ocr_options.langs} "
                        "(--ocr-lang)")
    meta: dict = {"format": "pdf", "pages": page_count}
    if scans:
        meta.update(ocr.ocr_meta(ocr_options.langs, scans, confidences, page_count))
    if no_ocr:
        meta["pages_not_read"] = no_ocr  # scans in a PDF with text elsewhere, read once OCR is installed
        meta["pages_not_read_reason"] = ocr.unavailable(ocr_options)
    if info.get("CreationDate"):
        meta["pdf_created"] = iso_date(info["CreationDate"])
    for key in ("Producer", "Creator", "Subject"):
        if info.get(key):
            meta[f"pdf_{key.lower()}"] = info[key]
    return Document.create(
        text=text,
        origin=source,
        kind="news",
        title=(info.get("Title") or "").strip() or None,
        author=(info.get("Author") or "").strip() or None,
        meta=meta,
    )


def _is_scan(page, text: str) -> bool:
    """A page to OCR: no text at all, or little text beside an image (a scan with a stamp or a page number)."""
    letters = sum(ch.isalpha() for ch in text)
    if letters >= MIN_TEXT_LAYER_LETTERS:
        return False
    if letters == 0:
        return True
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8))


def _ocr_page(page, source: str, number: int, limits: Limits, ocr_options: ocr.OcrOptions) -> ocr.OcrPage:
    from recruitwatch.papercheck.sources import render_page

    try:
        image = render_page(page, source, number, limits.image_pixels)  # refuses image bombs before decoding
    except ReadError:
        raise
    except Exception as exc:  # PDFium cannot draw the page
        raise ReadError(source, f"page {number} could not be drawn for OCR ({exc})") from None
    return ocr.read_image(image, ocr_options.langs)


def _explain(exc: Exception) -> str:
    message = str(exc)
    for key, words in _PDFIUM_ERRORS.items():
        if key in message.lower():
            return f"{words} ({message})"
    return f"corrupt or truncated PDF ({message})"
