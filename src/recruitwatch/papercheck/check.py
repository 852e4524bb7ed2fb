"""The paper check: files -> pages -> text (text layer or OCR) -> page type -> results.

``PaperChecker`` holds the resources (classifier, OCR engine) and is built once per process.
The CLI and the web app are thin layers over :meth:`PaperChecker.check_source`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PIL import Image

from recruitwatch.errors import ReadError
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.papercheck import marks
from recruitwatch.papercheck.classify import PhraseClassifier
from recruitwatch.papercheck.ocr import DEFAULT_LANGS, OcrEngine
from recruitwatch.papercheck.results import OTHER, Classification, FileResult, PageResult
from recruitwatch.papercheck.sources import PageInput, Source, open_source

#: Below this many letters an OCR'd page counts as unreadable (blank, or a photo of nothing).
MIN_READABLE_LETTERS = 25
#: An OCR'd page classified with less confidence than this is read a second time (sparse mode).
SECOND_PASS_BELOW = 0.6

PageCallback = Callable[[PageResult], None]


class PageViews:
    """The page images one check holds (:class:`~recruitwatch.papercheck.marks.PageView`), at most ``limit``.

    Each image is made only when a page is accepted, from the page in hand, and encoded at once; the
    full-size page is dropped with the page. When the budget is full, a page with boxes takes the
    place of the earliest page without any, so a long stack still shows its military pages.
    ``findings_only``: keep images of pages with boxes only (``papercheck --boxes``).
    """

    def __init__(self, limit: int, fmt: str = "JPEG", side: int = marks.VIEW_SIDE, findings_only: bool = False):
        self.limit, self.fmt, self.side, self.findings_only = limit, fmt, side, findings_only
        self._held: list[PageResult] = []

    def offer(self, result: PageResult, image: Callable[[], Image.Image | None]) -> None:
        if self.limit <= 0 or (self.findings_only and not result.boxes):
            return
        if len(self._held) >= self.limit:
            plain = next((p for p in self._held if not p.boxes), None) if result.boxes else None
            if plain is None:
                return
            self.release(plain)
        try:
            page = image()
        except Exception:  # an image is an aid: a page that will not render keeps its verdict
            return
        if page is None:
            return
        result.view = marks.encode_view(page, self.fmt, self.side)
        self._held.append(result)

    def release(self, result: PageResult) -> None:
        """Drop a page's image (written out, or pushed out by a page with boxes)."""
        result.view = None
        if result in self._held:
            self._held.remove(result)


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
        return self._classify(text, file, page, source)[0]

    def _classify(self, text: str, file: str, page: int, source: str) -> tuple[PageResult, Classification]:
        verdict = self.classifier.classify(text)
        letters = sum(ch.isalpha() for ch in text)
        result = PageResult(
            file=file, page=page, type=verdict.type, military=verdict.military, confidence=verdict.confidence,
            cues=_unique([c.matched for c in verdict.cues]), source=source, readable=letters >= MIN_READABLE_LETTERS,
            chars=len(text.strip()), scores=verdict.scores, mentions_military=verdict.mentions_military,
        )
        return result, verdict

    def _boxes(self, verdict: Classification, readings: list[Callable[[], list[marks.Word]]]) -> list[marks.Box]:
        """Boxes around the phrases that decided the page: red on a military paper, amber around military
        phrases on a page that is not one. Word boxes are only read when there is something to box."""
        if verdict.military:
            cues, kind = verdict.cues, marks.MILITARY
        else:
            cues, kind = verdict.warning_cues, marks.WARNING
        if not cues:
            return []
        return marks.locate(self.classifier, cues, [read() for read in readings], kind)

    def check_page(self, page: PageInput, views: PageViews | None = None) -> PageResult:
        """Text layer -> classify; image -> OCR (1. normal layout; 2. sparse pass if unsure) -> classify.

        Then the deciding phrases are boxed on the page, and ``views`` (if given) may keep its image.
        """
        if page.text is not None:
            result, verdict = self._classify(page.text, page.file, page.page, "text-layer")
            if page.words is not None:
                result.boxes = self._boxes(verdict, [page.words])
                result.page_size = page.size
            if views is not None and page.render is not None:
                views.offer(result, lambda: page.render(views.side))
            return result
        assert page.image is not None
        read = self.ocr.read(page.image)
        result, verdict = self._classify(read.text, page.file, page.page, "ocr")
        readings = [read.words]
        if not read.blank and (result.type == OTHER or result.confidence < SECOND_PASS_BELOW):
            # 2. layout analysis may have dropped blocks (boxed forms, photos at an angle):
            #    read again as sparse text and classify both readings together
            again = self.ocr.reread_sparse(read)
            merged, merged_verdict = self._classify(read.text + "\n\n" + again.text, page.file, page.page, "ocr")
            if merged.type != result.type or merged.confidence > result.confidence:
                result, verdict = merged, merged_verdict
                read.confidence = max(read.confidence, again.confidence)
                readings.append(again.words)
        result.ocr_confidence = round(read.confidence, 1)
        result.rotation, result.skew = read.rotation, read.skew
        if read.blank or not result.readable:
            result.readable = False
            if not result.military:
                result.type, result.confidence = OTHER, 0.0
        if result.readable or result.military:
            result.boxes = self._boxes(verdict, [lambda words=words: words for words in readings])
        if read.page is not None:
            result.page_size = read.page.size
            if views is not None:
                views.offer(result, lambda: read.page)
        return result

    def check_source(self, source: Source, on_page: PageCallback | None = None,
                     max_pages: int | None = None, views: PageViews | None = None) -> FileResult:
        """Check a source page by page; with ``max_pages``, stop after that many pages with an error.

        ``views``: keep page images (with their boxes) within that budget, for showing the result.
        """
        result = FileResult(source.name)
        try:
            for page in source.pages():
                if max_pages is not None and len(result.pages) >= max_pages:
                    raise ReadError(source.name, f"only the first {max_pages} pages were checked: one check "
                                    f"reads at most {self.limits.check_pages} pages (check_pages)",
                                    "check the remaining pages separately")
                page_result = self.check_page(page, views)
                result.pages.append(page_result)
                if on_page:
                    on_page(page_result)
        except ReadError as exc:
            result.error = str(exc)
        finally:
            source.close()
        return result

    def check_file(self, name: str, data: bytes | None = None, on_page: PageCallback | None = None,
                   max_pages: int | None = None, views: PageViews | None = None) -> FileResult:
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
        return self.check_source(source, on_page, max_pages, views)

    def check_files(self, names: Iterable[str], on_page: PageCallback | None = None) -> list[FileResult]:
        return [self.check_file(name, on_page=on_page) for name in names]


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
