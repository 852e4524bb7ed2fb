"""OCR for ingest: scanned PDF pages and photos of printed reports, through the paper check's engine.

There is one OCR path in recruitwatch: :class:`recruitwatch.papercheck.ocr.OcrEngine` (tesserocr,
Debian's tessdata, upright and deskewed pages) fed by the paper check's image loading, which
refuses decompression bombs before decoding (:mod:`recruitwatch.papercheck.sources`). This module
adds what ingest needs on top: the options a run chooses (:class:`OcrOptions`), the six project
languages spelled for Tesseract, one engine per process, and OCR text turned into running text.

OCR is optional (the ``papercheck`` extra and Tesseract's language data): :func:`unavailable`
says why it cannot run, and the readers report that reason for each scan instead of failing the
batch.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from recruitwatch.errors import ConfigError

#: The project's six languages (and Uzbek in Cyrillic) as Tesseract names its language data.
LANGUAGES = {"ru": "rus", "en": "eng", "uz": "uzb", "uz-cyrl": "uzb_cyrl", "tg": "tgk", "ky": "kir", "kk": "kaz"}
#: The paper check's default set (``recruitwatch.papercheck.ocr.DEFAULT_LANGS``), in the project's codes.
DEFAULT_LANGUAGES = "ru+en"
INSTALL_HINT = ("install the papercheck extra (pip install 'recruitwatch[papercheck]') and Tesseract with "
                "its language data (apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng)")
#: Fewer letters than this from OCR means the picture holds no readable print (the paper check's threshold).
MIN_LETTERS = 25

_TESSERACT_NAMES = {name: code for code, name in LANGUAGES.items()}


def tesseract_langs(spec: str) -> str:
    """``"ru+en"`` -> ``"rus+eng"``. Accepts the project's codes (en, ru, uz, uz-cyrl, tg, ky, kk) or
    Tesseract's names (rus, uzb_cyrl...), joined by ``+`` or ``,``; raises ConfigError for anything else."""
    names = []
    for part in re.split(r"[+,\s]+", spec.strip()):
        if not part:
            continue
        code, tesseract = part.lower().replace("_", "-"), part.lower().replace("-", "_")
        name = LANGUAGES.get(code) or (tesseract if tesseract in _TESSERACT_NAMES else None)
        if name is None:
            raise ConfigError(f"--ocr-lang: unknown language {part!r}; choose from {', '.join(LANGUAGES)} "
                              f"joined by + (e.g. --ocr-lang ru+en)")
        if name not in names:
            names.append(name)
    if not names:
        raise ConfigError("--ocr-lang: no language given; e.g. --ocr-lang ru+en")
    return "+".join(names)


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """How a run uses OCR. ``langs`` in Tesseract's spelling (:func:`tesseract_langs`).

    ``folders``: OCR the images found inside folders too (photos named directly are always read).
    ``enabled``: False never runs OCR (scans and photos are reported as not read).
    """

    langs: str = "rus+eng"
    folders: bool = False
    enabled: bool = True


DEFAULT_OCR = OcrOptions()


def unavailable(options: OcrOptions = DEFAULT_OCR) -> str | None:
    """Why OCR cannot run with these options (a sentence that says what to do), or None when it can."""
    if not options.enabled:
        return "OCR is turned off (--no-ocr)"
    return _unavailable(options.langs, os.environ.get("TESSDATA_PREFIX"))


@lru_cache(maxsize=8)
def _unavailable(langs: str, _tessdata_prefix: str | None) -> str | None:  # asked once per page: cached
    try:
        import PIL  # noqa: F401
        import tesserocr  # noqa: F401
    except ImportError as exc:
        return f"OCR is not installed ({exc.name} is missing): {INSTALL_HINT}"
    from recruitwatch.papercheck.ocr import find_tessdata, parse_langs

    try:
        parse_langs(langs, find_tessdata())
    except ConfigError as exc:
        return str(exc)
    return None


def check(options: OcrOptions) -> None:
    """Raise ConfigError when OCR cannot run with ``options`` (for a command that was asked to OCR)."""
    reason = unavailable(options)
    if reason:
        raise ConfigError(reason)


@lru_cache(maxsize=2)
def engine(langs: str):
    """One Tesseract engine per process and language set (starting one reads the language data)."""
    from recruitwatch.papercheck.ocr import OcrEngine

    return OcrEngine(langs)


@dataclass(slots=True)
class OcrPage:
    text: str
    confidence: float  # Tesseract's mean word confidence, 0-100
    letters: int


def read_image(image, langs: str) -> OcrPage:
    """Text of one page image (upright, deskewed, as the paper check reads it), as running text."""
    read = engine(langs).read(image)
    text = "" if read.blank else running_text(read.text)
    return OcrPage(text, round(read.confidence, 1) if text else 0.0, sum(ch.isalpha() for ch in text))


_HYPHEN_END = re.compile(r"(\w)[-\u00ad]$")
_SENTENCE_END = (".", "!", "?", ":", ";", "…", "»", '"', ")")


def running_text(ocr: str) -> str:
    """Tesseract's lines joined into paragraphs: a printed line break is layout, not text.

    Blank lines separate paragraphs, except where Tesseract breaks one inside a sentence (no final
    punctuation, the next line starts in lower case). A word broken by a hyphen at the end of a line
    is joined ("воен-" + "комат" -> "военкомат"); a hyphen before a capital stays ("Санкт-" + "Петербург").
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", ocr.replace("\r", "")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        out = lines[0]
        for line in lines[1:]:
            if _HYPHEN_END.search(out) and line[:1].isalpha():
                out = out[:-1] + line if line[:1].islower() else out[:-1] + "-" + line
            else:
                out += " " + line
        if paragraphs and out[:1].islower() and not paragraphs[-1].endswith(_SENTENCE_END):
            paragraphs[-1] += " " + out
        else:
            paragraphs.append(out)
    return "\n\n".join(paragraphs)


def ocr_meta(langs: str, pages: list[int], confidences: list[float], total_pages: int) -> dict:
    """What a Document's ``meta`` says about its OCR'd text, so reviewers know to check it against the original."""
    return {
        "text_from": "ocr" if len(pages) == total_pages else "text layer and ocr",
        "ocr": {"engine": "tesseract", "langs": langs, "pages": pages,
                "confidence": round(sum(confidences) / len(confidences), 1) if confidences else 0.0},
    }
