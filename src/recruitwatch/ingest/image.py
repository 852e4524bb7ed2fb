"""Photos and scans of printed reports (.jpg, .png, .tif, .heic, .webp, .bmp, .gif) -> one Document, by OCR.

The image is opened by the paper check's loader (:class:`recruitwatch.papercheck.sources.ImageSource`):
its size is checked against ``image_pixels`` from the header, before any pixel is decoded, so a
decompression bomb is refused; every frame of a multi-page TIFF is a page (at most ``pdf_pages``).
Each page is read by the paper check's OCR engine (:mod:`recruitwatch.ingest.ocr`). The Document
says that its text came from OCR (``meta["text_from"] = "ocr"``, ``meta["ocr"]``), so reviewers
know to check names and numbers against the picture.

Images named on the command line are always read; images inside folders only with ``--ocr``
(:attr:`OcrOptions.folders`): a folder of reports often holds unrelated photos, and OCR takes
seconds a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest import ocr
from recruitwatch.ingest.text import guess_title
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp", ".bmp", ".gif")
NO_TEXT = "OCR found no readable text in the image"


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS,
         ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR) -> Iterator[Document | ReadFailure]:
    reason = ocr.unavailable(ocr_options)
    if reason:  # before reading a byte: without OCR there is nothing to do with a picture
        raise ReadError(source, f"image of a page: reading it needs OCR; {reason}")
    yield read_bytes(path.read_bytes(), source, limits=limits, ocr_options=ocr_options)


def read_bytes(data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS,
               ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR, fmt: str = "image") -> Document:
    """One Document from the bytes of an image file (a file, or an e-mail attachment); raises ReadError."""
    reason = ocr.unavailable(ocr_options)
    if reason:
        raise ReadError(source, f"image of a page: reading it needs OCR; {reason}")
    from recruitwatch.papercheck.sources import ImageSource

    image = ImageSource(source, data, limits)  # raises ReadError for bombs, junk, truncated files
    pages: list[str] = []
    confidences: list[float] = []
    try:
        for page in image.pages():
            read = ocr.read_image(page.image, ocr_options.langs)
            page.image = None
            if read.text:
                pages.append(read.text)
                confidences.append(read.confidence)
    finally:
        image.close()
    text = "\n\n".join(pages)
    letters = sum(ch.isalpha() for ch in text)
    if letters < ocr.MIN_LETTERS:
        raise ReadError(source, NO_TEXT + (f" (only {letters} letters)" if letters else ""),
                        "is it a photo of a printed page? a blurred or dark photo reads badly: take it again in "
                        f"good light; the OCR languages were {ocr_options.langs} (--ocr-lang)")
    meta = {"format": fmt, "pages": image.page_count,
            **ocr.ocr_meta(ocr_options.langs, list(range(1, image.page_count + 1)), confidences, image.page_count)}
    return Document.create(text=text, origin=source, kind="news", title=guess_title(text), meta=meta)
