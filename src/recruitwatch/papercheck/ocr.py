"""OCR through libtesseract (tesserocr): orientation, skew correction, text.

One :class:`OcrEngine` holds the Tesseract handles; build it once per process and reuse it.
Tesseract handles are not thread-safe, so calls are serialised by a lock.
"""

from __future__ import annotations

import os

# Tesseract with OpenMP on several threads is about 5x slower; parallelise across pages instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from recruitwatch.errors import ConfigError
from recruitwatch.papercheck import imageprep
from recruitwatch.papercheck.marks import Word, ocr_words

DEFAULT_LANGS = "rus+eng"
KNOWN_LANGS = {"rus": "Russian", "eng": "English", "uzb": "Uzbek (Latin)", "uzb_cyrl": "Uzbek (Cyrillic)",
               "kaz": "Kazakh", "kir": "Kyrgyz", "tgk": "Tajik"}
TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
MIN_OSD_CONFIDENCE = 1.5


def find_tessdata() -> str:
    env = os.environ.get("TESSDATA_PREFIX")
    for candidate in ((env,) if env else ()) + TESSDATA_CANDIDATES:
        if candidate and (Path(candidate) / "rus.traineddata").exists():
            return str(candidate)
    raise ConfigError(
        "Tesseract language data not found (looked in TESSDATA_PREFIX and "
        + ", ".join(TESSDATA_CANDIDATES)
        + "). Install it: apt-get install tesseract-ocr tesseract-ocr-rus"
    )


def parse_langs(langs: str, tessdata: str) -> str:
    """Validate a Tesseract language list like ``rus+eng+uzb-cyrl``; returns Tesseract's spelling."""
    names = [n.strip().replace("-", "_") for n in langs.replace(",", "+").split("+") if n.strip()]
    if not names:
        raise ConfigError("no OCR language given; use e.g. --ocr-lang rus+eng")
    for name in names:
        if not (Path(tessdata) / f"{name}.traineddata").exists():
            package = "tesseract-ocr-" + name.replace("_", "-")
            raise ConfigError(f"OCR language {name!r} is not installed in {tessdata}; install it: apt-get install {package}")
    return "+".join(names)


@dataclass(slots=True)
class OcrText:
    text: str
    confidence: float  # mean word confidence 0-100
    rotation: int  # degrees turned (counter-clockwise) to make the page upright
    skew: float  # degrees of skew corrected
    blank: bool = False
    page: Image.Image | None = None  # the cleaned, upright page that was read (for a second pass)
    words: list[Word] = field(default_factory=list)  # the words read, with boxes in ``page``'s pixels


class OcrEngine:
    """Tesseract with orientation detection and deskewing."""

    def __init__(self, langs: str = DEFAULT_LANGS, tessdata: str | None = None):
        import tesserocr

        self.tessdata = tessdata or find_tessdata()
        self.langs = parse_langs(langs, self.tessdata)
        self._tesserocr = tesserocr
        self._api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang=self.langs, psm=tesserocr.PSM.AUTO)
        self._api.SetVariable("tessedit_do_invert", "0")  # no white-on-black text on these forms; saves time
        self._osd = None
        if (Path(self.tessdata) / "osd.traineddata").exists():
            self._osd = tesserocr.PyTessBaseAPI(path=self.tessdata, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._api.End()
        if self._osd is not None:
            self._osd.End()

    def __enter__(self) -> OcrEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- steps ---------------------------------------------------------------------------

    def _ocr(self, image: Image.Image, sparse: bool = False) -> tuple[str, float, list[Word]]:
        psm = self._tesserocr.PSM
        self._api.SetPageSegMode(psm.SPARSE_TEXT if sparse else psm.AUTO)
        self._api.SetImage(image)
        text = self._api.GetUTF8Text()
        ril = self._tesserocr.RIL
        words = ocr_words(self._api.GetIterator(), ril.WORD, ril.TEXTLINE)  # boxes of the recognised words
        return text, float(self._api.MeanTextConf()), words

    def _osd_rotation(self, image: Image.Image) -> int | None:
        if self._osd is None:
            return None
        self._osd.SetImage(image)
        try:
            result = self._osd.DetectOrientationScript()
        except RuntimeError:
            return None
        if not result or result.get("orient_conf", 0) < MIN_OSD_CONFIDENCE:
            return None
        return int(result["orient_deg"]) % 360

    def _upside_down_by_confidence(self, image: Image.Image) -> bool:
        """Fallback when OSD is unsure: read a middle band both ways up and keep the reading with
        more confidently recognised words (mean confidence alone rewards a few lucky specks)."""
        w, h = image.size
        band = image.crop((w // 10, h * 3 // 10, w * 9 // 10, h * 6 // 10))
        scores = []
        for angle in (0, 180):
            self._api.SetPageSegMode(self._tesserocr.PSM.AUTO)
            self._api.SetImage(band.rotate(angle) if angle else band)
            self._api.Recognize()
            scores.append(sum(c for c in self._api.AllWordConfidences() if c >= 60))
        return scores[1] > scores[0]

    def read(self, image: Image.Image) -> OcrText:
        """Text of a page image, after making it upright and straight.

        1. clean up: grey, rescale, flatten the light;
        2. straighten: turn by a quarter and deskew until text lines are horizontal (projection
           profile, any angle);
        3. upright: Tesseract OSD says whether the page is upside down; if it is unsure, compare
           readings of a band of the page both ways up;
        4. OCR.
        """
        page = imageprep.rescale(imageprep.to_gray(image))
        page = imageprep.flatten_illumination(page)
        if imageprep.ink_fraction(page) < 0.001:
            return OcrText("", 0.0, 0, 0.0, blank=True, page=page)
        quarter, skew = imageprep.estimate_alignment(page)
        if quarter:
            page = page.rotate(quarter, expand=True, fillcolor=255)
        page = imageprep.deskew(page, skew)
        with self._lock:
            osd = self._osd_rotation(page)
            if osd in (0, 180):
                flip = osd == 180
            else:  # unsure, or a quarter turn after straightening (OSD misread)
                flip = self._upside_down_by_confidence(page)
            if flip:
                page = page.rotate(180)
            text, confidence, words = self._ocr(page)
        rotation = (quarter + (180 if flip else 0)) % 360
        blank = len(text.strip()) < 3
        return OcrText(text, confidence if not blank else 0.0, rotation, skew, blank, page, words)

    def reread_sparse(self, first: OcrText) -> OcrText:
        """Second pass in sparse-text mode: finds text the page-layout analysis dropped.

        Photos of boxed forms at an angle often lose whole blocks in the first pass.
        """
        if first.page is None or first.blank:
            return first
        with self._lock:
            text, confidence, words = self._ocr(first.page, sparse=True)
        return OcrText(text, confidence, first.rotation, first.skew, len(text.strip()) < 3, first.page, words)
