"""Splitting a relevant document into incidents.

A document is read as paragraphs of sentences, each annotated with the cues it holds. A
paragraph *anchors* an incident when one of its sentences describes a recruitment act: a tactic
cue in a paragraph that also speaks of military service, or a military cue next to a custody
or state-office setting. Paragraphs that only give totals, trends or the law (coding rule 6)
anchor nothing. A paragraph continues the previous incident, instead of opening a new one,
when it names no new person, place or date of its own (e.g. "He refused. Two weeks later he
was deported."); paragraphs after an incident that only add outcomes are attached to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recruitwatch.extract.cues import CueHit
from recruitwatch.screen.relevance import paragraph_spans, sentence_spans

# A new case usually starts with a number, a name-like capitalised word followed by age, or an
# enumerator ("1.", "Second,"), or the first mention of a new person.
_NEW_CASE = re.compile(
    r"^\s*(?:\d+[.)]\s|[-•*]\s|(?:first|second|third|another|one|in\s+another|another\s+case)\b|"
    r"(?:ещё\s+один|еще\s+один|другой|друг\w+\s+случа\w*|во-первых|во-вторых|в\s+другом)\b|"
    r"[A-ZА-ЯЁ][\w\-]+,\s+\d{2}\b|[A-ZА-ЯЁ][\w\-]+\s+\(\d{2}\))", re.IGNORECASE)
_BACKGROUND_NUMBER = re.compile(r"\b\d[\d,.\s]{2,}\b|\b\d+\s*(?:000|тыс|thousand|million|млн)", re.IGNORECASE)


@dataclass
class Sentence:
    start: int
    end: int
    cues: list[CueHit] = field(default_factory=list)

    def codes(self, category: str) -> set[str]:
        return {c.code for c in self.cues if c.category == category}

    def has(self, category: str, code: str | None = None) -> bool:
        return any(c.category == category and (code is None or c.code == code) for c in self.cues)


@dataclass
class Paragraph:
    start: int
    end: int
    sentences: list[Sentence]

    @property
    def cues(self) -> list[CueHit]:
        return [c for s in self.sentences for c in s.cues]

    def has(self, category: str, code: str | None = None) -> bool:
        return any(s.has(category, code) for s in self.sentences)


@dataclass
class Segment:
    """The text span(s) of one incident: its paragraphs and the sentence that anchors it."""

    paragraphs: list[Paragraph]
    anchor: Sentence

    @property
    def start(self) -> int:
        return self.paragraphs[0].start

    @property
    def end(self) -> int:
        return self.paragraphs[-1].end

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    @property
    def cues(self) -> list[CueHit]:
        return [c for p in self.paragraphs for c in p.cues]


def annotate(text: str, hits: list[CueHit]) -> list[Paragraph]:
    """Paragraphs and sentences of text, each sentence with the cues that start inside it."""
    paragraphs: list[Paragraph] = []
    for p_start, p_end in paragraph_spans(text):
        paragraphs.append(Paragraph(p_start, p_end, [Sentence(s, e) for s, e in sentence_spans(text, p_start, p_end)]))
    flat = [s for p in paragraphs for s in p.sentences]
    i = 0
    for hit in hits:
        while i < len(flat) - 1 and hit.start >= flat[i].end:
            i += 1
        if flat and flat[i].start <= hit.start < flat[i].end:
            flat[i].cues.append(hit)
    return paragraphs


def _military(s: Sentence) -> bool:
    return s.has("relevance", "military") or s.has("relevance", "foreign_recruitment")


def anchor_sentence(paragraph: Paragraph, text: str) -> Sentence | None:
    """The sentence that makes this paragraph describe a recruitment act, if any."""
    if not any(_military(s) for s in paragraph.sentences) and not paragraph.has("tactic"):
        return None
    best: tuple[int, Sentence] | None = None
    para_military = any(_military(s) for s in paragraph.sentences)
    for s in paragraph.sentences:
        weight = 0
        tactics = s.codes("tactic")
        if tactics and para_military:
            weight += 2 * len(tactics)
        if _military(s) and (s.has("institution", "custody") or s.has("institution", "state_office")):
            weight += 2
        if _military(s) and (s.has("actor") or s.has("status") or s.has("relevance", "migrant")):
            weight += 1
        if weight and (best is None or weight > best[0]):
            best = (weight, s)
    if best is None or best[0] < 2:
        return None
    return best[1]


def is_background(paragraph: Paragraph, text: str) -> bool:
    """Totals, trends and law: a background cue with big figures or legal language, and no
    concrete violence, custody or individual case in the paragraph."""
    if not paragraph.has("relevance", "background"):
        return False
    concrete = paragraph.has("tactic", "physical_violence") or paragraph.has("tactic", "document_seizure")
    body = text[paragraph.start:paragraph.end]
    return not concrete and (bool(_BACKGROUND_NUMBER.search(body)) or len(paragraph.sentences) <= 3)


def split(text: str, hits: list[CueHit], new_anchor) -> list[Segment]:
    """Incident segments of a document. ``new_anchor(paragraph) -> bool`` tells whether a
    paragraph introduces its own place, date or person (the caller knows the geo mentions)."""
    paragraphs = annotate(text, hits)
    segments: list[Segment] = []
    for paragraph in paragraphs:
        anchor = anchor_sentence(paragraph, text)
        if anchor is not None and is_background(paragraph, text):
            anchor = None
        if anchor is None:
            # Outcome-only follow-up paragraphs belong to the incident before them.
            if segments and paragraph.has("outcome") and not paragraph.has("relevance", "background") \
                    and segments[-1].paragraphs[-1] is paragraphs[paragraphs.index(paragraph) - 1]:
                segments[-1].paragraphs.append(paragraph)
            continue
        body = text[paragraph.start:paragraph.end]
        continues = (segments and segments[-1].paragraphs[-1] is paragraphs[paragraphs.index(paragraph) - 1]
                     and not _NEW_CASE.search(body) and not new_anchor(paragraph))
        if continues:
            segments[-1].paragraphs.append(paragraph)
        else:
            segments.append(Segment([paragraph], anchor))
    return segments
