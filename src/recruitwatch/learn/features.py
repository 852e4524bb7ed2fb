"""Features of the learned layer: words, word stems, stem pairs and the cue hits of a span.

Every feature is a short string; a model's vocabulary maps the ones seen in training to
columns. Words are case-folded with ``ё`` read as ``е`` and every apostrophe-like letter as
``'``; Uzbek Cyrillic is read in Latin letters so both scripts of Uzbek share what is learned.
A *stem* is a word's first five letters: crude, but it gathers the inflected and suffixed forms
of Russian and the Turkic languages (военкомата, военкомате; askarlikka, askarlar) without a
morphological dictionary for each language, and costs one slice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

STEM = 5
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʻʼ‘`][^\W\d_]+)*|\d+")
_FOLD = (("’", "'"), ("ʻ", "'"), ("ʼ", "'"), ("‘", "'"), ("`", "'"), ("ё", "е"))  # str.replace: C speed
_UZ_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "x", "ц": "s", "ч": "ch", "ш": "sh", "ъ": "'", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "o'", "қ": "q", "ғ": "g'", "ҳ": "h",
})


def words(text: str, lang: str | None = None) -> list[str]:
    """The normalised words of text (numbers become ``#`` and ``#year``)."""
    folded = text.casefold()
    for a, b in _FOLD:
        if a in folded:
            folded = folded.replace(a, b)
    if lang == "uz":
        folded = folded.translate(_UZ_CYRILLIC)
    out = []
    for token in _TOKEN.findall(folded):
        if token.isdigit():
            out.append("#year" if len(token) == 4 and token[:2] in ("19", "20") else "#")
        elif len(token) > 1:
            out.append(token)
    return out


def quick_features(tokens: Sequence[str]) -> set[str]:
    """Words and stems only: the cheap first tier of relevance reads these."""
    feats = {"w|" + t for t in tokens}
    feats.update("p|" + t[:STEM] for t in tokens if len(t) > STEM)
    return feats


def text_features(tokens: Sequence[str]) -> set[str]:
    """Words, stems and pairs of neighbouring stems."""
    feats = quick_features(tokens)
    stems = [t[:STEM] for t in tokens]
    feats.update("b|" + a + " " + b for a, b in zip(stems, stems[1:]))
    return feats


def cue_features(prefix: str, cues: Iterable[tuple[str, str]]) -> set[str]:
    """One feature per (category, code) of the cue hits, under a prefix (own span, neighbours)."""
    return {f"{prefix}|{category}:{code}" for category, code in cues}
