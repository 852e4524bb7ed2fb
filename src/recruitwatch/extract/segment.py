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
from typing import TYPE_CHECKING

from recruitwatch.records import CueHit
from recruitwatch.taxonomy.lexicon import CONTRACT_WORD, word_class
from recruitwatch.text.sentences import paragraph_spans, sentence_spans

if TYPE_CHECKING:
    from recruitwatch.extract.learned import SentenceLabels

# A new case usually starts with a number, a name-like capitalised word followed by age, or an
# enumerator ("1.", "Second,"), or the first mention of a new person.
_NEW_CASE = re.compile(
    r"^\s*(?:\d+[.)]\s|[-•*]\s|(?:first|second|third|another|one|in\s+another|another\s+case|yet\s+another|"
    r"a\s+similar|similar(?:ly)?|others?\b|among\s+(?:them|the)|meanwhile|elsewhere|also\s+in)\b|"
    r"(?:ещё\s+один|еще\s+один|другой|друг\w+\s+случа\w*|во-первых|во-вторых|в\s+другом|похож\w+|"
    r"аналогичн\w+|среди\s|другие\b|тем\s+временем|кроме\s+того|также\s+в)\b|"
    r"(?:yana\s+bir|boshqa|shunga\s+o|дигар|боз\s+як|тағы\s+бір|басқа|дагы\s+бир|башка)\w*\b|"
    r"[A-ZА-ЯЁ][\w\-]+,\s+\d{2}\b|[A-ZА-ЯЁ][\w\-]+\s+\(\d{2}\))", re.IGNORECASE)
# A heading line above a paragraph ("The detention centre", "Kaluga region, August 2023").
_HEADING = re.compile(r"^\s*[^\n.!?:;]{2,70}\n(?=\S)")
# A short label sentence opening a paragraph ("Uzon District Court, Surkhandarya region.", "Куба.").
_LABEL = re.compile(r"^\s*[«\"]?[A-ZА-ЯЁЎҚҒҲӮӢҶҲӘІҢҮҰӨҺ][^.!?\n]{0,60}[.:]\s+(?=[«\"]?[A-ZА-ЯЁ0-9])")
# The first mention of a person, with age or initials: "a 23-year-old", "Mansur H., 30", "S.B., 25",
# "23-летний", "49 лет", "30 жаштагы", "32 жастағы", "25 yoshli", "30-сола", "in his forties".
_PERSON_INTRO = re.compile(
    r"(?:(?<!the\s)(?<!The\s)\b(?:a|an)\s+(?:\w+\s+)?\d{2}-year-old|\b[A-ZА-ЯЁ][\w.\-]*(?:\s+[A-ZА-ЯЁ][\w.]*)?,\s+(?:a\s+)?\d{2}\b"
    r"|\b\d{2}-летн\w+|[A-ZА-ЯЁ]\w+,\s+\d{2}\s+(?:лет|года)|\b\d{2}\s+(?:жаштагы|жастағы|yoshli|yoshdagi|сола|солаи)\b"
    r"|\bin\s+(?:his|her)\s+(?:twenties|thirties|forties|fifties)|\bпод\s+(?:сорок|пятьдесят)|\bодин\s+из\s+собеседник)")
# A paragraph that opens with a pronoun or a time connective goes on with the same case.
_CONTINUES = re.compile(
    r"^\s*(?:he|she|his|her|him|they|their|them|then|later|afterwards|after\s+that|the\s+next|the\s+following|there|"
    r"он|она|его|её|ее|ему|ей|они|их|там|потом|затем|после\s+этого|на\s+следующий|позже|"
    r"u\b|uni\b|uning\b|ӯ\b|вай\b|ал\b|ол\b|оның\b|анын\b)", re.IGNORECASE)
_BACKGROUND_NUMBER = re.compile(r"\b\d[\d,.\s]{2,}\b|\b\d+\s*(?:000|тыс|thousand|million|млн)", re.IGNORECASE)
_BIG_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:[ ,.]\d{3})+|(?!(?:19|20)\d\d(?!\d))\d{4,6}|\d+(?:[.,]\d+)?\s*(?:тыс\w*|thousand|million|млн|минг|мың|миң|ҳазор))"
                         r"(?![\d.,]*\s*(?:year|год|йил|yil|жыл|сол|roubles|руб|rubl|сом|so.m|\$|долл|dollar))", re.IGNORECASE)
_QA = re.compile(r"^[ \t]*(?:—|–|-|Q:|В:|Вопрос)?[ \t]*[^\n]{3,200}\?[ \t]*$", re.MULTILINE)
# Answers in the first person (an interview transcript, not an explainer).
_FIRST_PERSON = re.compile(r"(?<!\w)(?:" + word_class("first_person") + r")(?!\w)", re.IGNORECASE)
_LAW = re.compile(r"(?<!\w)(?:" + word_class("law") + ")", re.IGNORECASE)


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
    _sentences: tuple[int, list[Sentence]] | None = field(default=None, repr=False, compare=False)

    @property
    def start(self) -> int:
        return self.paragraphs[0].start

    @property
    def end(self) -> int:
        return self.paragraphs[-1].end

    @property
    def sentences(self) -> list[Sentence]:
        """Its paragraphs' sentences (one list while the paragraphs stay the same)."""
        if self._sentences is None or self._sentences[0] != len(self.paragraphs):
            self._sentences = (len(self.paragraphs), [s for p in self.paragraphs for s in p.sentences])
        return self._sentences[1]

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


# Stages that only happen in military service: in a relevant document they speak of the army
# even when no military word is used ("he signed and was sent near Avdiivka").
_SERVICE_OUTCOMES = ("signed_contract", "deployed", "wounded", "killed", "captured", "deserted")


def _service(s: Sentence, text: str) -> bool:
    return _military(s) or any(c.category == "outcome" and c.code in _SERVICE_OUTCOMES for c in s.cues) \
        or bool(CONTRACT_WORD.search(text, s.start, s.end))


def anchor_sentence(paragraph: Paragraph, text: str) -> Sentence | None:
    """The sentence that makes this paragraph describe a recruitment act, if any: tactic cues in
    a paragraph about military service, a military cue next to a custody or state-office setting,
    or, in a paragraph that introduces a person, that person's path into service."""
    service = [_service(s, text) for s in paragraph.sentences]
    if not any(service) and not paragraph.has("tactic"):
        return None
    best: tuple[int, Sentence] | None = None
    para_military = any(service)
    previous: Sentence | None = None
    for s, mil in zip(paragraph.sentences, service):
        weight = 0
        tactics = s.codes("tactic")
        if tactics and para_military:
            weight += 2 * len(tactics)
        if mil and (s.has("institution", "custody") or s.has("institution", "state_office")
                    or previous is not None and previous.has("institution", "state_office")):
            weight += 2  # the setting may be given by the sentence before ("took the oath. Then ...")
        previous = s
        if mil and (s.has("actor") or s.has("status") or s.has("relevance", "migrant")):
            weight += 1
        if weight and (best is None or weight > best[0]):
            best = (weight, s)
    if best is not None and best[0] >= 2:
        return best[1]
    # A described person (age, initials) whose paragraph speaks of service is a case (rule 6).
    head = text[paragraph.start:min(paragraph.end, paragraph.start + 300)]
    if para_military and _PERSON_INTRO.search(head):
        return best[1] if best is not None else next(s for s, m in zip(paragraph.sentences, service) if m)
    return None


def is_background(paragraph: Paragraph, text: str) -> bool:
    """Totals, trends, law and explainers (coding rule 6): no concrete case in the paragraph.

    A paragraph is background when it holds a background cue with big figures or legal language,
    when it answers a question (Q&A explainers), when it is about a law or decree, or when it is
    made of totals (several big figures), unless it describes a concrete person, violence, a
    seized document or a dated event."""
    body = text[paragraph.start:paragraph.end]
    if _PERSON_INTRO.search(body):
        return False
    # Violence or a seized passport makes a concrete case, unless the sentence that tells it
    # is itself a generalisation ("others tell similar stories: first an offer, then beatings").
    if any((s.has("tactic", "physical_violence") or s.has("tactic", "document_seizure"))
           and not s.has("relevance", "background") for s in paragraph.sentences):
        return False
    big = len(_BIG_NUMBER.findall(body))
    if _QA.search(body) and not _FIRST_PERSON.search(_QA.sub("", body)):
        return True  # an explainer's questions and answers; an interview's answers tell a story
    if _LAW.search(body) and not paragraph.has("outcome") \
            and not any(s.has("tactic") and s.has("actor") for s in paragraph.sentences):
        return True
    if big >= 2 and not any(len(s.codes("tactic")) >= 2 for s in paragraph.sentences):
        return True
    if not paragraph.has("relevance", "background"):
        return False
    return bool(_BACKGROUND_NUMBER.search(body)) or len(paragraph.sentences) <= 3


def opens_new_case(body: str) -> bool:
    """Whether a paragraph's opening introduces a new case: an enumerator or "another case", a
    heading or label line, or the first mention of a new person (age, initials)."""
    if _CONTINUES.match(body):
        return False
    if _NEW_CASE.search(body) or _HEADING.match(body) or _LABEL.match(body):
        return True
    head = body[:220]
    return bool(_PERSON_INTRO.search(head))


def split(text: str, hits: list[CueHit], new_anchor) -> list[Segment]:
    """Incident segments of a document. ``new_anchor(paragraph) -> bool`` tells whether a
    paragraph introduces its own place, date or person (the caller knows the geo mentions)."""
    paragraphs = annotate(text, hits)
    segments: list[Segment] = []
    last_story: Paragraph | None = None  # the last paragraph that is not background
    for paragraph in paragraphs:
        anchor = anchor_sentence(paragraph, text)
        background = is_background(paragraph, text)
        if anchor is not None and background:
            anchor = None
        if anchor is None:
            previous, last_story = last_story, (last_story if background else paragraph)
            if not segments or previous is not segments[-1].paragraphs[-1]:
                continue
            # Follow-up paragraphs belong to the incident before them (background in between
            # is skipped): outcomes only ("He refused. Two weeks later he was deported."), or
            # more of the same offer without a military word ("Within days the offer was in
            # migrants' hands: leaflets promised 190,000 roubles").
            outcome_only = paragraph.has("outcome") and not paragraph.has("relevance", "background")
            # (A short first sentence is no sign of a new case here: only an enumerator or a
            # newly introduced person is.)
            body = text[paragraph.start:paragraph.end]
            more_tactics = paragraph.has("tactic") and not background and (
                bool(_CONTINUES.match(body)) or not (_NEW_CASE.search(body) or _PERSON_INTRO.search(body[:220])))
            if outcome_only and previous is paragraphs[paragraphs.index(paragraph) - 1] or more_tactics:
                segments[-1].paragraphs.append(paragraph)
                last_story = paragraph
            continue
        last_story = paragraph
        body = text[paragraph.start:paragraph.end]
        adjacent = bool(segments) and segments[-1].paragraphs[-1] is paragraphs[paragraphs.index(paragraph) - 1]
        # A case introduced without any tactic (a court report's lead: "the court sentenced a
        # 31-year-old native of Osh for mercenarism") is told in the paragraph that follows it.
        introduced_only = adjacent and not any(p.has("tactic") for p in segments[-1].paragraphs)
        continues = adjacent and not opens_new_case(body) \
            and (introduced_only or not (new_anchor(paragraph) and not _CONTINUES.match(body)))
        if continues and introduced_only:
            segments[-1] = Segment(segments[-1].paragraphs + [paragraph], anchor)  # the act anchors it
        elif continues:
            segments[-1].paragraphs.append(paragraph)
        else:
            segments.append(Segment([paragraph], anchor))
    return segments


def told_without_cues(text: str, hits: list[CueHit], labels: SentenceLabels) -> list[Segment]:
    """A case the segmentation rules could not anchor (no paragraph with a tactic cue in a military
    context) but the sentence classifier is sure of: one incident over the whole document, anchored
    at the sentence of the surest tactic label (at least LEARNED_ANCHOR)."""
    from recruitwatch.extract.learned import LEARNED_ANCHOR, MODEL_LANG

    best = None
    for hit in hits:
        if hit.lang == MODEL_LANG and hit.category == "tactic":
            p = labels.probability("tactics", hit.code, hit.start, hit.end)
            if p >= LEARNED_ANCHOR and (best is None or p > best[0]):
                best = (p, hit)
    if best is None:
        return []
    paragraphs = annotate(text, hits)
    anchor = next(s for para in paragraphs for s in para.sentences if s.start <= best[1].start < s.end)
    return [Segment(paragraphs, anchor)]

