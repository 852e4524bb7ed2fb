"""What screening, extraction and training all read of a text, computed once: its language, its
sentences, its cue hits and the rule score of relevance.

:func:`read_document` is the one place these are computed; screening keeps the result on the
way to extraction, and training reads documents through it, so the learned layer sees exactly
what it will see when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from recruitwatch.extract.cues import CueHit, cue_langs, find_cues
from recruitwatch.screen.langid import detect_language
from recruitwatch.screen.relevance import judge, paragraph_spans, sentence_spans


@dataclass(slots=True)
class TextAnalysis:
    text: str
    lang: str
    hits: list[CueHit]
    sentence_spans: list[tuple[int, int]]
    rule_score: float
    rule_reasons: list[str]

    def cue_codes(self) -> list[tuple[str, str]]:
        return [(h.category, h.code) for h in self.hits]

    def sentence_cue_codes(self) -> list[list[tuple[str, str]]]:
        """The (category, code) of the cues that start in each sentence."""
        out: list[list[tuple[str, str]]] = [[] for _ in self.sentence_spans]
        i = 0
        spans = self.sentence_spans
        for h in self.hits:
            while i < len(spans) - 1 and h.start >= spans[i][1]:
                i += 1
            if spans and spans[i][0] <= h.start < spans[i][1]:
                out[i].append((h.category, h.code))
        return out


def all_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of every paragraph (a sentence never crosses a paragraph break)."""
    return [s for a, b in paragraph_spans(text) for s in sentence_spans(text, a, b)]


def read_document(text: str, lang: str | None, title: str | None = None) -> TextAnalysis:
    """Language, sentences, cue hits and the rule judgement of one text."""
    if not lang or lang == "und":
        lang = detect_language(text[:5000])
    hits = find_cues(text, cue_langs(lang, text))
    verdict = judge(text, lang, title, hits)
    return TextAnalysis(text, lang, hits, all_sentence_spans(text), verdict.score, verdict.reasons)
