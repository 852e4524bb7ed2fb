"""Second screening tier: cue co-occurrence in sentences and paragraphs, with negative cues.

A document is about recruitment of migrants or foreigners when military-recruitment cues and
migrant/foreigner cues meet in one sentence (or two neighbouring sentences) or, more weakly,
in one paragraph. Negative cues lower the score when they are not outweighed: mobilisation
of Russian citizens or of residents of occupied territory, sport transfers ("contract",
"army club"). Every signal that counts is kept as a human-readable reason.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from recruitwatch.records import CueHit
from recruitwatch.taxonomy.lexicon import CONTRACT_WORD, cue_langs, find_cues
from recruitwatch.text.sentences import paragraph_spans, sentence_spans

THRESHOLD = 0.5
_STORY_BEFORE = 2  # paragraphs before a military one whose migrant cues it may refer to
def _by_span(hits: list[CueHit], spans: list[tuple[int, int]]) -> list[list[CueHit]]:
    """The hits that start inside each span (spans sorted and disjoint; hits sorted by start)."""
    out: list[list[CueHit]] = [[] for _ in spans]
    starts = [a for a, _ in spans]
    for h in hits:
        k = bisect_right(starts, h.start) - 1
        if k >= 0 and h.start < spans[k][1]:
            out[k].append(h)
    return out


@dataclass
class Judgement:
    score: float
    relevant: bool
    reasons: list[str] = field(default_factory=list)


def _first(hits: list[CueHit], code: str) -> CueHit | None:
    return next((h for h in hits if h.code == code), None)


_ARMED = re.compile(r"army|military|defen[cs]e|mod\b|арми|военн|минобороны|обороны|аскер|коргоо|әскер|қорғаныс|harbiy|mudofaa|"
                    r"ҳарбӣ|мудофиа|wagner|вагнер", re.IGNORECASE)
# A migrant's legal status ("his patent", "a residence permit", "became a Russian citizen") says
# who the person is as well as a migrant word does.
_MIGRANT_STATUSES = ("foreign_national", "residence_permit_holder", "naturalized_citizen", "dual_citizen")


def _as_migrant(hit: CueHit) -> CueHit:
    if hit.category != "status":
        return hit
    return CueHit("relevance", "migrant", hit.start, hit.end, hit.text, hit.lang)


_JUDGED = ("relevance", "tactic", "status")


def judge(text: str, lang: str | None, title: str | None = None, text_hits: list[CueHit] | None = None) -> Judgement:
    """Relevance score (0..1), decision and reasons for one text. ``text_hits``: the cue hits of
    ``text`` when the caller already has them (only the title's are then looked for)."""
    full = f"{title}\n\n{text}" if title else text
    if text_hits is None:
        found = find_cues(full, cue_langs(lang, full), _JUDGED)
    else:
        shift = len(full) - len(text)
        found = (find_cues(title, cue_langs(lang, full), _JUDGED) if title else []) + [
            CueHit(h.category, h.code, h.start + shift, h.end + shift, h.text, h.lang)
            for h in text_hits if h.category in _JUDGED]
    hits = [_as_migrant(h) for h in found if h.category != "status" or h.code in _MIGRANT_STATUSES]
    sentences = sentence_spans(full)
    in_sentence: list[list[CueHit]] = [[] for _ in sentences]
    j = 0
    for h in hits:
        while j < len(sentences) - 1 and h.start >= sentences[j][1]:
            j += 1
        in_sentence[j].append(h)
    # "Signed a two-year contract with the club": in a sentence about sport, a contract that
    # nothing else marks as military is not one.
    for own in in_sentence:
        if any(h.code == "neg_sport" for h in own):
            own[:] = [h for h in own if not (h.code == "military" and CONTRACT_WORD.search(h.text)
                                             and not _ARMED.search(h.text))]

    reasons: list[str] = []
    co_sentences = 0
    for i, own in enumerate(in_sentence):
        window = (in_sentence[i - 1] if i else []) + own + (in_sentence[i + 1] if i + 1 < len(in_sentence) else [])
        mil = _first(own, "military") or _first(own, "foreign_recruitment")
        mig = _first(window, "migrant") or _first(own, "foreign_recruitment")
        if mil is None:
            mil = _first(window, "military")
            mig = _first(own, "migrant") if mil else None
        if mil and mig:
            co_sentences += 1
            if len(reasons) < 4:
                reasons.append(f"military cue '{mil.text.lower()}' + migrant cue '{mig.text.lower()}' in one sentence")
    # Weaker: military and migrant cues in one paragraph but not in neighbouring sentences
    # ("A worker from Kyrgyzstan ... Officers told him ... he signed a contract"). It counts
    # fully only when the paragraph also describes a recruitment tactic.
    # A long feature often says who the person is (a migrant from Namangan) a paragraph or two
    # before it tells how he was recruited: migrant cues in the two paragraphs before count too.
    para_co = para_tactic = 0
    paragraphs = paragraph_spans(full)
    in_paragraph = _by_span(hits, paragraphs)
    if not co_sentences:
        for k in range(len(paragraphs)):
            inside = in_paragraph[k]
            if not any(h.code in ("military", "foreign_recruitment") for h in inside):
                continue
            story = [h for j in range(max(0, k - _STORY_BEFORE), k + 1) for h in in_paragraph[j]]
            if any(h.code == "migrant" for h in story):
                para_co += 1
                if {h.code for h in inside if h.category == "tactic"} - {"financial_incentive"}:
                    para_tactic += 1
        if para_co:
            reasons.append("military and migrant cues in one paragraph or its story")
    foreign = [h for h in hits if h.code == "foreign_recruitment"]
    tactics = {h.code for h in hits if h.category == "tactic"}
    migrant_total = sum(1 for h in hits if h.code == "migrant")
    military_total = sum(1 for h in hits if h.code == "military")
    # Negative cues count only in paragraphs that speak of military service: a sport or
    # local-mobilisation item elsewhere in a digest says nothing about the recruitment story.
    military_paras = [own for own in in_paragraph if any(h.code in ("military", "foreign_recruitment") for h in own)]
    neg = {code: sum(1 for own in military_paras for h in own if h.code == code)
           for code in ("neg_occupied", "neg_local", "neg_sport")}

    score = 0.0
    score += min(0.8, 0.3 + 0.2 * co_sentences) if co_sentences else 0.0
    if para_co:
        score += 0.5 if para_tactic else 0.3
    if foreign:
        score += 0.3
        reasons.append(f"foreign-recruitment cue '{foreign[0].text.lower()}'")
    if co_sentences and migrant_total >= 3 and military_total >= 3:
        score += 0.15
    if co_sentences and tactics - {"financial_incentive"}:
        score += 0.1
        reasons.append("tactic cues: " + ", ".join(sorted(tactics)[:4]))
    for code, label in (("neg_occupied", "occupied-territory"), ("neg_local", "citizens-only mobilisation"),
                        ("neg_sport", "sport")):
        n = neg[code]
        if n and (co_sentences == 0 or n >= 3 * co_sentences):  # para_co alone is weak: penalise
            penalty = min(0.5, 0.15 * n) if co_sentences <= 1 else 0.1
            score -= penalty
            reasons.append(f"negative: {label} cues ({n})")
    score = max(0.0, min(1.0, score))
    return Judgement(score, score >= THRESHOLD, reasons)
