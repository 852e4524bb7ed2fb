"""Reading the files a user hands in: PDFs (text layer or scanned), photos and scans.

:func:`open_source` returns a :class:`Source` whose pages are loaded one at a time, so a
100-page PDF never sits in memory as 100 images. Every problem becomes a
:class:`~recruitwatch.errors.ReadError` that names the file.
"""

from __future__ import annotations

import io
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from recruitwatch.errors import ReadError

#: Largest image we decode (pixels): A4 at 600 dpi is 35 Mpx. Bigger is a decompression bomb.
MAX_PIXELS = 60_000_000
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PAGES = 500
#: A PDF page with at least this many letters in its text layer is read without OCR.
MIN_TEXT_LAYER_CHARS = 40
PDF_RENDER_DPI = 200

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
    def __init__(self, name: str, data: bytes):
        import pypdfium2 as pdfium

        self.name = name
        try:
            self._pdf = pdfium.PdfDocument(data)
            self.page_count = len(self._pdf)
        except Exception as exc:  # pdfium raises PdfiumError with a terse reason
            raise ReadError(name, f"not a readable PDF ({exc})", "is the file complete? try saving it again") from exc
        if self.page_count == 0:
            raise ReadError(name, "the PDF has no pages")
        if self.page_count > MAX_PAGES:
            raise ReadError(name, f"the PDF has {self.page_count} pages; the limit is {MAX_PAGES}", "split it into parts")

    def pages(self) -> Iterator[PageInput]:
        for index in range(self.page_count):
            try:
                page = self._pdf[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if sum(ch.isalpha() for ch in text) >= MIN_TEXT_LAYER_CHARS:
                    yield PageInput(self.name, index + 1, text=text)
                    continue
                width, height = page.get_size()
                scale = PDF_RENDER_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (width * height)) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil()
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(self.name, f"page {index + 1} could not be read ({exc})") from exc
            yield PageInput(self.name, index + 1, image=image)

    def close(self) -> None:
        self._pdf.close()


class ImageSource(Source):
    """JPEG, PNG, TIFF (every frame), HEIC, WebP, BMP."""

    def __init__(self, name: str, data: bytes):
        _register_heif()
        self.name = name
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self._image = Image.open(io.BytesIO(data))
                self._check_size(self._image)
                self.page_count = getattr(self._image, "n_frames", 1)
        except ReadError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ReadError(name, "image is too large to open safely (possible decompression bomb)") from exc
        except UnidentifiedImageError as exc:
            raise ReadError(name, "not a PDF or an image we can read", "accepted: PDF, JPEG, PNG, TIFF, HEIC") from exc
        except Exception as exc:
            raise ReadError(name, f"image could not be opened ({exc})") from exc
        if self.page_count > MAX_PAGES:
            raise ReadError(name, f"the image has {self.page_count} frames; the limit is {MAX_PAGES}")

    def _check_size(self, image: Image.Image) -> None:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ReadError(
                self.name,
                f"image is {width}x{height} pixels, more than the {MAX_PIXELS // 1_000_000} Mpx limit "
                "(possible decompression bomb)",
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


def open_source(name: str, data: bytes | None = None) -> Source:
    """Open ``name`` (a path, or a label when ``data`` holds the file's bytes)."""
    if data is None:
        path = Path(name)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ReadError(name, f"file is {size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except ReadError:
            raise
        except IsADirectoryError as exc:
            raise ReadError(name, "is a folder, not a file") from exc
        except FileNotFoundError as exc:
            raise ReadError(name, "file not found") from exc
        except OSError as exc:
            raise ReadError(name, f"file could not be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(name, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data:
        raise ReadError(name, "file is empty")
    if data[:5] == b"%PDF-" or data[:1024].lstrip().startswith(b"%PDF"):
        return PdfSource(name, data)
    return ImageSource(name, data)
