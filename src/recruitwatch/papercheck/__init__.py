"""Paper check: tell, page by page, whether a stack of papers hides a military document.

    >>> from recruitwatch.papercheck import PaperChecker
    >>> checker = PaperChecker()               # loads phrase lists; OCR starts on first scan
    >>> result = checker.check_file("stack.pdf")
    >>> [(p.page, p.type, p.military) for p in result.pages]

Modules: ``sources`` (reading PDFs and images), ``imageprep`` and ``ocr`` (Tesseract),
``normalise`` and ``classify`` (page types from key phrases in ``data/phrases.json``),
``guidance`` (plain-language texts in ``data/guidance/``), ``marks`` (boxes around the
deciding words, page images). The synthetic page generator for tests and benchmarks is ``tests/papergen.py``, outside the package.
"""

from recruitwatch.papercheck.check import PageViews, PaperChecker
from recruitwatch.papercheck.results import (
    CIVIL_TYPES,
    MILITARY_TYPES,
    PAGE_TYPES,
    FileResult,
    PageResult,
)

__all__ = ["PaperChecker", "PageViews", "FileResult", "PageResult", "PAGE_TYPES", "MILITARY_TYPES", "CIVIL_TYPES"]
