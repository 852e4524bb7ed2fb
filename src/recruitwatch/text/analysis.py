"""Reading a text once: its sentences and the cue hits of its languages' lexicons.

:func:`read_text` makes the :class:`~recruitwatch.records.TextAnalysis` that screening completes
(rule score, features) and hands to extraction, and that training reads documents through, so
the learned layer sees exactly what it will see when it runs.
"""

from __future__ import annotations

from recruitwatch.records import TextAnalysis
from recruitwatch.taxonomy.lexicon import cue_langs, find_cues
from recruitwatch.text.sentences import all_sentence_spans


def read_text(text: str, lang: str | None) -> TextAnalysis:
    """Sentences and cue hits of a text in a language (``und``/None: by its scripts alone)."""
    lang = lang or "und"
    return TextAnalysis(text, lang, find_cues(text, cue_langs(lang, text)), all_sentence_spans(text))
