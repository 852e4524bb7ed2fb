"""What the classifiers read: the features of a document and of each of its sentences.

Training (:mod:`.train`) and prediction (screening and extraction) call the same functions, so
a feature cannot mean one thing when learned and another when used.
"""

from __future__ import annotations

from typing import Sequence

from recruitwatch.learn.features import cue_features, quick_features, text_features, words

DOC_CHARS = 20000  # relevance reads the title and the first 20,000 characters
QUICK_CHARS = 6000  # the first tier reads less


def quick_doc_features(text: str, title: str | None, lang: str | None) -> set[str]:
    head = f"{title}\n{text[:QUICK_CHARS]}" if title else text[:QUICK_CHARS]
    return quick_features(words(head, lang))


def doc_features(text: str, title: str | None, lang: str | None, cues: Sequence[tuple[str, str]],
                 rule_score: float) -> set[str]:
    """Words, stems, stem pairs, the cue codes found and the rule score's band."""
    head = f"{title}\n{text[:DOC_CHARS]}" if title else text[:DOC_CHARS]
    feats = text_features(words(head, lang))
    feats |= cue_features("c", cues)
    feats.add(f"r|{min(4, int(rule_score * 5))}")
    feats.add(f"L|{lang or 'und'}")
    return feats


def sentence_features(text: str, spans: Sequence[tuple[int, int]], cues: Sequence[Sequence[tuple[str, str]]],
                      i: int, lang: str | None) -> set[str]:
    """A sentence's words, stems and stem pairs, its own cue codes and its neighbours'."""
    start, end = spans[i]
    feats = text_features(words(text[start:end], lang))
    feats |= cue_features("c", cues[i])
    for j in (i - 1, i + 1):
        if 0 <= j < len(spans):
            feats |= cue_features("n", cues[j])
    feats.add(f"L|{lang or 'und'}")
    return feats
