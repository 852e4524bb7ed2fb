"""The paper check: files -> pages -> text (text layer or OCR) -> page type -> results.

``PaperChecker`` holds the resources (classifier, OCR engine) and is built once per process.
The CLI and the web app are thin layers over :meth:`PaperChecker.check_source`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from recruitwatch.errors import ReadError
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.papercheck.classify import PhraseClassifier
from recruitwatch.papercheck.ocr import DEFAULT_LANGS, OcrEngine
from recruitwatch.papercheck.results import OTHER, FileResult, PageResult
from recruitwatch.papercheck.sources import PageInput, Source, open_source

#: Below this many letters an OCR'd page counts as unreadable (blank, or a photo of nothing).
MIN_READABLE_LETTERS = 25
#: An OCR'd page classified with less confidence than this is read a second time (sparse mode).
SECOND_PASS_BELOW = 0.6

PageCallback = Callable[[PageResult], None]


class PaperChecker:
    def __init__(self, ocr_langs: str = DEFAULT_LANGS, classifier: PhraseClassifier | None = None,
                 ocr: OcrEngine | None = None, limits: Limits | None = None):
        self.ocr_langs = ocr_langs
        self.limits = limits or DEFAULT_LIMITS
        self.classifier = classifier or PhraseClassifier.load()
        self._ocr = ocr

    @property
    def ocr(self) -> OcrEngine:
        """The OCR engine, started on first use (a PDF with a text layer never needs it)."""
        if self._ocr is None:
            self._ocr = OcrEngine(self.ocr_langs)
        return self._ocr

    def close(self) -> None:
        if self._ocr is not None:
            self._ocr.close()
            self._ocr = None

    def check_text(self, text: str, file: str = "", page: int = 1, source: str = "text-layer") -> PageResult:
        verdict = self.classifier.classify(text)
        letters = sum(ch.isalpha() for ch in text)
        return PageResult(
            file=file, page=page, type=verdict.type, military=verdict.military, confidence=verdict.confidence,
            cues=_unique([c.matched for c in verdict.cues]), source=source, readable=letters >= MIN_READABLE_LETTERS,
            chars=len(text.strip()), scores=verdict.scores, mentions_military=verdict.mentions_military,
        )

    def check_page(self, page: PageInput) -> PageResult:
        """Text layer -> classify; image -> OCR (1. normal layout; 2. sparse pass if unsure) -> classify."""
        if page.text is not None:
            return self.check_text(page.text, page.file, page.page, "text-layer")
        assert page.image is not None
        read = self.ocr.read(page.image)
        result = self.check_text(read.text, page.file, page.page, "ocr")
        if not read.blank and (result.type == OTHER or result.confidence < SECOND_PASS_BELOW):
            # 2. layout analysis may have dropped blocks (boxed forms, photos at an angle):
            #    read again as sparse text and classify both readings together
            again = self.ocr.reread_sparse(read)
            merged = self.check_text(read.text + "\n\n" + again.text, page.file, page.page, "ocr")
            if merged.type != result.type or merged.confidence > result.confidence:
                result = merged
                read.confidence = max(read.confidence, again.confidence)
        result.ocr_confidence = round(read.confidence, 1)
        result.rotation, result.skew = read.rotation, read.skew
        if read.blank or not result.readable:
            result.readable = False
            if not result.military:
                result.type, result.confidence = OTHER, 0.0
        return result

    def check_source(self, source: Source, on_page: PageCallback | None = None,
                     max_pages: int | None = None) -> FileResult:
        """Check a source page by page; with ``max_pages``, stop after that many pages with an error."""
        result = FileResult(source.name)
        try:
            for page in source.pages():
                if max_pages is not None and len(result.pages) >= max_pages:
                    raise ReadError(source.name, f"only the first {max_pages} pages were checked: one check "
                                    f"reads at most {self.limits.check_pages} pages (check_pages)",
                                    "check the remaining pages separately")
                page_result = self.check_page(page)
                result.pages.append(page_result)
                if on_page:
                    on_page(page_result)
        except ReadError as exc:
            result.error = str(exc)
        finally:
            source.close()
        return result

    def check_file(self, name: str, data: bytes | None = None, on_page: PageCallback | None = None,
                   max_pages: int | None = None) -> FileResult:
        """Check one file (a path, or a name with its bytes). Errors land in ``FileResult.error``.

        ``max_pages``: check at most that many pages of it (what is left of a web check's budget).
        """
        if max_pages is not None and max_pages <= 0:
            return FileResult(name, error=f"{name}: not checked: one check reads at most "
                                          f"{self.limits.check_pages} pages (check_pages); check it separately")
        try:
            source = open_source(name, data, self.limits)
        except ReadError as exc:
            return FileResult(name, error=str(exc))
        return self.check_source(source, on_page, max_pages)

    def check_files(self, names: Iterable[str], on_page: PageCallback | None = None) -> list[FileResult]:
        return [self.check_file(name, on_page=on_page) for name in names]


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
