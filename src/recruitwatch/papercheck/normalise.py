"""Text normalisation for matching key phrases in OCR output.

OCR of Russian forms confuses Cyrillic letters with Latin look-alikes (``Boенн`` for ``Военн``),
reads ``й`` as ``и``, ``з`` as ``3``, and breaks words at line ends with a hyphen. Both the page
text and the phrase lists go through :func:`tokens`, so they meet in the same folded alphabet.
"""

from __future__ import annotations

import re
import unicodedata

# Latin look-alikes -> Cyrillic (after lower-casing). Upper-case shapes included through lower():
# B->b->в, H->h->н, M->m->м, T->t->т, K->k->к.
_LETTER_FOLD = str.maketrans(
    {
        "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о",
        "p": "р", "t": "т", "x": "х", "y": "у", "u": "и", "n": "п", "r": "г", "i": "і",
        "ё": "е", "й": "и", "ѐ": "е", "ї": "і", "l": "і", "|": "і",
    }
)
# Digits that OCR puts inside words: folded only when the token also has letters.
_DIGIT_FOLD = str.maketrans({"0": "о", "3": "з", "6": "б", "4": "ч", "1": "і"})
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad\u2010\u2011]\s*\n\s*(\w)")
_NON_WORD = re.compile(r"[^\w]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT = re.compile(r"\d")


def fold_token(token: str) -> str:
    """Fold one lower-case token into the matching alphabet."""
    token = token.translate(_LETTER_FOLD)
    if _HAS_DIGIT.search(token) and _HAS_LETTER.search(token):
        token = token.translate(_DIGIT_FOLD)
    return token


def tokens(text: str) -> list[str]:
    """Normalised word tokens of ``text``: NFKC, lower case, homoglyphs folded, line-end hyphens joined."""
    text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return [fold_token(t) for t in _NON_WORD.split(text.lower().replace("_", " ")) if t]


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """Like :func:`tokens`, with each token's character span in the NFKC text (for quoting cues)."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for m in re.finditer(r"[^\W_]+(?:[-\u00ad]\s*\n\s*[^\W_]+)?", text):
        raw = re.sub(r"[-\u00ad]\s*\n\s*", "", m.group(0))
        out.append((fold_token(raw.lower()), m.start(), m.end()))
    return out
