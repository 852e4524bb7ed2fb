"""Reading the files a user hands in: PDFs (text layer or scanned), photos and scans.

:func:`open_source` returns a :class:`Source` whose pages are loaded one at a time, so a
100-page PDF never sits in memory as 100 images. Every problem becomes a
:class:`~recruitwatch.errors.ReadError` that names the file.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from recruitwatch.errors import ReadError
from recruitwatch.limits import DEFAULT_LIMITS, Limits

#: Largest image we decode (pixels): A4 at 600 dpi is 35 Mpx. Bigger is a decompression bomb.
#: (The defaults of :class:`recruitwatch.limits.Limits`; pass ``limits=`` to change them.)
MAX_PIXELS = DEFAULT_LIMITS.image_pixels
MAX_FILE_BYTES = DEFAULT_LIMITS.file_bytes
MAX_PAGES = DEFAULT_LIMITS.pdf_pages
#: A PDF page with at least this many letters in its text layer is read without OCR.
MIN_TEXT_LAYER_CHARS = 40
PDF_RENDER_DPI = 200

#: PDFium is not thread-safe, not even across documents: two calls at once may crash or corrupt the
#: process (pypdfium2's documentation). The web app checks papers in several threads, so every
#: PDFium call of the paper check goes through this lock, and the pages a document opens are
#: closed with it (never by a garbage collection that could run in another thread mid-call).
PDFIUM_LOCK = threading.RLock()

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        try:
            from pillow_heif import register_heif_opener

            register_heif_opener()
        except ImportError:  # HEIC support is optional
            pass
        _heif_registered = True


@dataclass(slots=True)
class PageInput:
    """One page: either its text layer or an image to OCR."""

    file: str
    page: int  # 1-based
    text: str | None = None
    image: Image.Image | None = None
    #: a text-layer page's layout, read only when wanted: its size in pixels (at PDF_RENDER_DPI), its
    #: words with boxes in those pixels, and a renderer giving the page with at most N pixels on its long side
    size: tuple[int, int] | None = None
    words: Callable[[], list] | None = None
    render: Callable[[int], Image.Image] | None = None


class Source(ABC):
    """A file to check, page by page (a PDF, an image, a multi-page TIFF)."""

    name: str
    page_count: int

    @abstractmethod
    def pages(self) -> Iterator[PageInput]:
        """The file's pages, in order, each as its text layer or an image to OCR."""

    def close(self) -> None:  # noqa: B027 - optional for subclasses: most hold nothing open
        """Release what the source holds open (nothing, unless a subclass says otherwise)."""


class PdfSource(Source):
    def __init__(self, name: str, data: bytes, limits: Limits = DEFAULT_LIMITS):
        import pypdfium2 as pdfium

        self.name = name
        self.limits = limits
        self._opened: list = []  # pages and text pages, closed with the document under the lock
        try:
            with PDFIUM_LOCK:
                self._pdf = pdfium.PdfDocument(data)
                self.page_count = len(self._pdf)
        except Exception as exc:  # pdfium raises PdfiumError with a terse reason
            message = str(exc)
            if "password" in message.lower():
                raise ReadError(name, "the PDF is encrypted with a password",
                                "open it, print it to a new PDF without a password, and check that") from exc
            raise ReadError(name, f"not a readable PDF ({exc})", "is the file complete? try saving it again") from exc
        if self.page_count == 0 or self.page_count > limits.pdf_pages:
            self.close()
        if self.page_count == 0:
            raise ReadError(name, "the PDF has no pages")
        if self.page_count > limits.pdf_pages:
            raise ReadError(name, f"the PDF has {self.page_count} pages; the limit is {limits.pdf_pages} (pdf_pages)",
                            "split it into parts")

    def pages(self) -> Iterator[PageInput]:
        for index in range(self.page_count):
            with PDFIUM_LOCK:  # released while the page is checked (OCR, classifying)
                page_input = self._read_page(index)
            yield page_input

    def _read_page(self, index: int) -> PageInput:
        try:
            page = self._pdf[index]
            textpage = page.get_textpage()
            self._opened += [textpage, page]
            text = textpage.get_text_range()
            if sum(ch.isalpha() for ch in text) >= MIN_TEXT_LAYER_CHARS:
                return self._text_page(index, page, textpage, text)
            image = render_page(page, self.name, index + 1, self.limits.image_pixels)
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(self.name, f"page {index + 1} could not be read ({exc})") from exc
        return PageInput(self.name, index + 1, image=image)

    def _text_page(self, index: int, page, textpage, text: str) -> PageInput:
        from recruitwatch.papercheck.marks import pdf_words

        width, height = page.get_size()  # as displayed: /Rotate applied
        scale = PDF_RENDER_DPI / 72
        size = (round(width * scale), round(height * scale))

        def words() -> list:
            try:
                with PDFIUM_LOCK:
                    return pdf_words(page, textpage, size)
            except Exception:  # boxes are an aid: a text layer PDFium cannot place loses them, not the verdict
                return []

        def render(side: int) -> Image.Image:
            with PDFIUM_LOCK:
                check_page_images(page, self.name, index + 1, self.limits.image_pixels)
                return page.render(scale=side / max(width, height)).to_pil()

        return PageInput(self.name, index + 1, text=text, size=size, words=words, render=render)

    def close(self) -> None:
        with PDFIUM_LOCK:
            for opened in self._opened:  # text pages before their pages, pages before the document
                opened.close()
            self._opened.clear()
            self._pdf.close()


def render_page(page, name: str, number: int, max_pixels: int):
    """A PDF page as a grey PIL image for OCR, at :data:`PDF_RENDER_DPI` or less, never above ``max_pixels``.

    Refuses a page holding an image bigger than ``max_pixels`` before anything decodes it
    (:func:`check_page_images`). Shared by the paper check and ingest's scanned-PDF reading.
    """
    check_page_images(page, name, number, max_pixels)
    width, height = page.get_size()
    scale = PDF_RENDER_DPI / 72
    if width * height * scale * scale > max_pixels:
        scale = (max_pixels / (width * height)) ** 0.5
    return page.render(scale=scale, grayscale=True).to_pil()


def check_page_images(page, name: str, number: int, max_pixels: int) -> None:
    """Refuse a PDF page holding an image bigger than ``max_pixels``, before anything decodes it.

    Rendering decodes every image on the page at full size, whatever size it is drawn at: one
    30000x30000 image compressed into an 875 KB PDF would take about a gigabyte. The sizes come
    from the image dictionaries (images inside form objects included), so nothing is decoded here.
    """
    import pypdfium2.raw as pdfium_c

    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        try:
            width, height = obj.get_px_size()
        except Exception:  # an image whose size PDFium cannot read will fail to render anyway
            continue
        if width * height > max_pixels:
            raise ReadError(name, f"page {number} holds an image of {width}x{height} pixels, more than the "
                                  f"{max_pixels // 1_000_000} Mpx limit (image_pixels; possible decompression bomb)",
                            "scan or photograph the page again at a normal resolution")


class ImageSource(Source):
    """JPEG, PNG, TIFF (every frame), HEIC, WebP, BMP."""

    def __init__(self, name: str, data: bytes, limits: Limits = DEFAULT_LIMITS):
        _register_heif()
        self.name = name
        self.limits = limits
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self._image = Image.open(io.BytesIO(data))
                self._check_size(self._image)
                self.page_count = getattr(self._image, "n_frames", 1)
        except ReadError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            # Pillow refuses it from the header alone, before decoding; say how big it claims to be
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)) // 1_000_000} Mpx, " if found else ""
            raise ReadError(name, f"image is too large to open safely ({size}more than the "
                                  f"{limits.image_pixels // 1_000_000} Mpx limit; image_pixels; possible "
                                  "decompression bomb)", "photograph or scan one page at a time") from exc
        except UnidentifiedImageError as exc:
            raise ReadError(name, "not a PDF or an image we can read", "accepted: PDF, JPEG, PNG, TIFF, HEIC") from exc
        except Exception as exc:
            raise ReadError(name, f"image could not be opened ({exc})") from exc
        if self.page_count > limits.pdf_pages:
            raise ReadError(name, f"the image has {self.page_count} frames; the limit is {limits.pdf_pages} (pdf_pages)")

    def _check_size(self, image: Image.Image) -> None:
        width, height = image.size
        if width * height > self.limits.image_pixels:
            raise ReadError(
                self.name,
                f"image is {width}x{height} pixels, more than the {self.limits.image_pixels // 1_000_000} Mpx "
                "limit (image_pixels; possible decompression bomb)",
                "photograph or scan one page at a time",
            )
        if width < 16 or height < 16:
            raise ReadError(self.name, f"image is only {width}x{height} pixels")

    def pages(self) -> Iterator[PageInput]:
        for index, frame in enumerate(ImageSequence.Iterator(self._image)):
            try:
                self._check_size(frame)
                with warnings.catch_warnings():
                    warnings.simplefilter("error", Image.DecompressionBombWarning)
                    frame.load()
                image = frame.copy()
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(self.name, f"image data is damaged or truncated ({exc})", "take the photo again") from exc
            yield PageInput(self.name, index + 1, image=image)

    def close(self) -> None:
        self._image.close()


def open_source(name: str, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Open ``name`` (a path, or a label when ``data`` holds the file's bytes)."""
    limit = limits.file_bytes
    if data is None:
        path = Path(name)
        try:
            from recruitwatch.ingest.folder import special_file

            special = special_file(path)
            if special == "is a folder":
                raise ReadError(name, "is a folder, not a file")
            if special == "no such file":
                raise ReadError(name, "file not found")
            if special:
                raise ReadError(name, special)
            size = path.stat().st_size
            if size > limit:
                raise ReadError(name, f"file is {_mb(size)}; the limit is {_mb(limit)} (file_bytes)")
            data = path.read_bytes()
        except ReadError:
            raise
        except IsADirectoryError as exc:
            raise ReadError(name, "is a folder, not a file") from exc
        except FileNotFoundError as exc:
            raise ReadError(name, "file not found") from exc
        except OSError as exc:
            raise ReadError(name, f"file could not be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise ReadError(name, f"file is larger than {_mb(limit)} (file_bytes)")
    if not data:
        raise ReadError(name, "file is empty")
    if data[:5] == b"%PDF-" or data[:1024].lstrip().startswith(b"%PDF"):
        return PdfSource(name, data, limits)
    return ImageSource(name, data, limits)


def _mb(size: int) -> str:
    from recruitwatch.ingest.markup import human_size

    return human_size(size)
