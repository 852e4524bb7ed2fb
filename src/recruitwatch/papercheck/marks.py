"""Where on the page the deciding words are: boxes around the phrases that decided a verdict.

A migrant should be able to point a lawyer or a consulate at the exact clause. The classifier
says *which* key phrases decided a page (:class:`~recruitwatch.papercheck.results.Cue`); this
module finds *where* they are, from the page's word boxes (Tesseract's words for a scanned page,
the PDF text layer's characters for a PDF with text), and makes the small page image the web page
and the CLI show:

1. the words are joined into a text, one line per printed line, and tokenised exactly as the
   classifier tokenises page text (:func:`~recruitwatch.papercheck.normalise.tokens_with_spans`:
   folded homoglyphs, joined line-end hyphens), so an OCR-garbled phrase is found here too;
2. each deciding phrase is matched on those tokens by the classifier's own fuzzy matcher;
3. the words of each occurrence become one rectangle per printed line (a phrase broken over two
   lines gets two), in the pixel coordinates of the page as it was read.

Only the words of deciding phrases are boxed, never every word.
"""

from __future__ import annotations

import bisect
import io
import unicodedata
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from recruitwatch.papercheck.normalise import tokens_with_spans
from recruitwatch.papercheck.results import Cue

if TYPE_CHECKING:
    from recruitwatch.papercheck.classify import PhraseClassifier

#: Box kinds: words that made a page a military paper, and military words on a page that is not one.
MILITARY = "military"
WARNING = "warning"
#: The strongest deciding phrases boxed on one page, and the occurrences of each (a phrase may recur
#: in every clause): enough to point at the clause, few enough to keep the page readable.
MAX_PHRASES = 6
MAX_OCCURRENCES = 2
#: Longest side of a page image shown on the web or written by ``--boxes``, in pixels.
VIEW_SIDE = 1200
COLOURS = {MILITARY: (200, 16, 16), WARNING: (222, 140, 0)}


@dataclass(frozen=True, slots=True)
class Word:
    """One printed word and where it is: pixel box (left, top, right, bottom) and its line's number."""

    text: str
    box: tuple[int, int, int, int]
    line: int


@dataclass(slots=True)
class Box:
    """A rectangle around (part of) a deciding phrase, in pixels of the page as read."""

    x: int
    y: int
    w: int
    h: int
    kind: str  # MILITARY or WARNING
    phrase: str  # the page text the phrase matched (the cue's quote)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class PageView:
    """The page downscaled for showing: an encoded image (JPEG or PNG) held in memory, never on disk."""

    data: bytes
    mime: str
    width: int
    height: int


def locate(classifier: PhraseClassifier, cues: list[Cue], readings: list[list[Word]], kind: str) -> list[Box]:
    """Boxes around each cue's phrase, looked up in the first word list that holds it.

    ``readings`` are the page's word lists in order of preference (an OCR'd page read twice has two).
    """
    prepared = [_Tokens(classifier, words) for words in readings if words]
    boxes: list[Box] = []
    for cue in sorted(cues, key=lambda c: c.weight, reverse=True)[:MAX_PHRASES]:
        phrase = classifier.phrase(cue.type, cue.phrase)
        if phrase is None:
            continue
        for tokens in prepared:
            spans = classifier.occurrences(phrase, tokens.positions)[:MAX_OCCURRENCES]
            for first, last in spans:
                for x0, y0, x1, y1 in tokens.rects(first, last):
                    _add(boxes, Box(x0, y0, x1 - x0, y1 - y0, kind, cue.matched))
            if spans:
                break
    return boxes


def _add(boxes: list[Box], new: Box) -> None:
    """Add ``new``, or widen a box it overlaps on the same line ("в лице Министерства обороны" and
    "Министерства обороны Российской Федерации" become one box)."""
    for b in boxes:
        overlap_y = min(b.y + b.h, new.y + new.h) - max(b.y, new.y)
        overlap_x = min(b.x + b.w, new.x + new.w) - max(b.x, new.x)
        if overlap_y > 0.5 * min(b.h, new.h) and overlap_x > 0:
            x0, y0 = min(b.x, new.x), min(b.y, new.y)
            b.w, b.h = max(b.x + b.w, new.x + new.w) - x0, max(b.y + b.h, new.y + new.h) - y0
            b.x, b.y = x0, y0
            return
    boxes.append(new)


class _Tokens:
    """A word list as the classifier sees it: folded tokens, each tied back to the words it covers."""

    def __init__(self, classifier: PhraseClassifier, words: list[Word]):
        self.words = words
        parts, starts, pos, line = [], [], 0, None
        for word in words:
            sep = "" if line is None else (" " if word.line == line else "\n")
            pos += len(sep)
            starts.append(pos)
            parts.append(sep + word.text)
            pos += len(word.text)
            line = word.line
        text = "".join(parts)  # word texts are NFKC already (see _nfkc), so offsets hold
        spans = tokens_with_spans(text)
        self.token_words = [(bisect.bisect_right(starts, s) - 1, bisect.bisect_right(starts, e - 1) - 1)
                            for _, s, e in spans]
        self.positions = classifier.token_positions([t for t, _, _ in spans])

    def rects(self, first: int, last: int) -> list[tuple[int, int, int, int]]:
        """One rectangle per printed line over the words of tokens ``first``..``last``."""
        lo, hi = self.token_words[first][0], self.token_words[last][1]
        out: list[list[int]] = []
        line = None
        for word in self.words[lo : hi + 1]:
            x0, y0, x1, y1 = word.box
            if word.line == line and out:
                r = out[-1]
                r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)
            else:
                out.append([x0, y0, x1, y1])
            line = word.line
        return [tuple(r) for r in out if r[2] > r[0] and r[3] > r[1]]  # type: ignore[misc]


def nfkc(text: str) -> str:
    """Word text in the form the classifier reads (NFKC), so character offsets agree."""
    return unicodedata.normalize("NFKC", text)


# -- word boxes from the two kinds of page -------------------------------------------------------

def ocr_words(iterator, level, line_level, scale: float = 1.0) -> list[Word]:
    """Words from a Tesseract result iterator (tesserocr ``GetIterator()``), after ``Recognize``."""
    words: list[Word] = []
    if iterator is None:
        return words
    line = 0
    while True:
        try:
            text = iterator.GetUTF8Text(level)
        except RuntimeError:  # tesserocr: an element with no text (a drawing taken for a word)
            text = None
        box = iterator.BoundingBox(level)
        if text and text.strip() and box:
            words.append(Word(nfkc(text.strip()), tuple(round(v * scale) for v in box), line))  # type: ignore[arg-type]
        if iterator.IsAtFinalElement(line_level, level):
            line += 1
        if not iterator.Next(level):
            break
    return words


def pdf_words(page, textpage, size: tuple[int, int]) -> list[Word]:
    """Words of a PDF page's text layer with their boxes in pixels of the page rendered at ``size``.

    PDFium's text and its character list can differ (generated spaces and line breaks), so each
    text index is mapped to its character before its box is read. Boxes go from page space to
    pixels through PDFium's own page-to-device transform, the one rendering uses: a page turned by
    /Rotate or with a crop box away from the origin is boxed where it is drawn.
    """
    import ctypes
    import re

    import pypdfium2.raw as pdfium_c

    def to_pixels(x: float, y: float) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value, dy.value

    text = textpage.get_text_range()
    words: list[Word] = []
    line = 0
    last_end = 0
    for m in re.finditer(r"\S+", text):
        gap = text[last_end : m.start()]
        if "\n" in gap or "\r" in gap:
            line += 1
        last_end = m.end()
        left = bottom = float("inf")
        right = top = float("-inf")
        for i in range(m.start(), m.end()):
            index = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, i)
            if index < 0:
                continue
            l_, b_, r_, t_ = textpage.get_charbox(index)
            if r_ <= l_ or t_ <= b_:
                continue
            left, right, bottom, top = min(left, l_), max(right, r_), min(bottom, b_), max(top, t_)
        if right > left:
            (x0, y0), (x1, y1) = to_pixels(left, bottom), to_pixels(right, top)
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            words.append(Word(nfkc(m.group(0)), box, line))
    return words


# -- page images ------------------------------------------------------------------------------------

def encode_view(image: Image.Image, fmt: str = "JPEG", side: int = VIEW_SIDE) -> PageView:
    """``image`` shrunk to at most ``side`` pixels on its long side and encoded in memory."""
    factor = min(1.0, side / max(image.size))
    if factor < 1.0:
        image = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))),
                             Image.LANCZOS)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    out = io.BytesIO()
    if fmt.upper() == "PNG":
        image.save(out, "PNG", optimize=True)
        mime = "image/png"
    else:
        image.save(out, "JPEG", quality=72, optimize=True)
        mime = "image/jpeg"
    return PageView(out.getvalue(), mime, image.width, image.height)


def annotate(view: PageView, boxes: list[Box], page_size: tuple[int, int]) -> bytes:
    """The page image with its boxes drawn on it, as PNG bytes (for ``papercheck --boxes``)."""
    image = Image.open(io.BytesIO(view.data)).convert("RGB")
    sx, sy = image.width / page_size[0], image.height / page_size[1]
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    pad = 3
    for b in boxes:
        colour = COLOURS.get(b.kind, COLOURS[WARNING])
        rect = (b.x * sx - pad, b.y * sy - pad, (b.x + b.w) * sx + pad, (b.y + b.h) * sy + pad)
        draw.rectangle(rect, fill=colour + (40,), outline=colour + (255,), width=3)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
