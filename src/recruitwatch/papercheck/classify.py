"""Page classification: fuzzy key-phrase matching on normalised page text.

The phrase lists live in ``data/phrases.json``. A page's score for a type is the sum of the
weights of that type's phrases found on it; the best type wins if it reaches the threshold.
Matching is robust to OCR noise:

1. text and phrases are folded the same way (case, Latin/Cyrillic homoglyphs, ``й``/``ё``,
   digits inside words, hyphenated line breaks), see :mod:`.normalise`;
2. each phrase token matches a page word within a small edit distance (stems match prefixes);
3. phrase tokens must appear in order, with at most one stray word between them, and long
   phrases (four tokens or more) may miss one token after the first (a garbled or cut-off word)
   for a proportional share of the weight.

A page that *talks about* these papers is not one of them. News stories, a rights group's memo
or a leaflet say "повестка", "пункт отбора", "контракт о прохождении военной службы" as readily as
the forms do, but they tell what happened (past-tense narrative: "предлагали подписать",
"рассказал адвокату") and carry reporting words ("по словам", "правозащитники"), while a form
has things to fill in or sign ("подпись", blanks, "М.П.", "именуемый", "обязуется", "прошу").
:func:`PhraseClassifier.classify` weighs the two (``prose_rule`` in the data file): a page whose
prose evidence clearly outweighs its form evidence is ``other``, flagged ``mentions_military``
when it would otherwise have been read as a military paper. Real forms have almost no past-tense
narrative (yes/no questions such as "Проходил ли ..." are not counted), so this costs no recall.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from recruitwatch.morph import _analyzer  # one Russian dictionary per process
from recruitwatch.papercheck.normalise import fold_token, tokens_with_spans
from recruitwatch.papercheck.results import MILITARY_TYPES, OTHER, Classification, Cue

GAP = 1  # stray words allowed between two tokens of a phrase
PROSE = "_prose"  # pseudo-types of the phrases that tell prose from forms (not page types)
FORM = "_form"


def max_edits(length: int) -> int:
    """Edits allowed when matching a token of ``length`` letters."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    prefix: bool


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str  # as written in the data file
    type: str
    weight: float
    tokens: tuple[Token, ...]
    lead: str = ""  # a short word the phrase starts with ("по словам"): not matched, but quoted if there

    @property
    def needed(self) -> int:
        """Tokens that must match for the phrase to count."""
        n = len(self.tokens)
        return n if n <= 3 else n - 1


def parse_phrase(text: str, type_: str, weight: float) -> Phrase:
    toks = []
    lead = ""
    for raw in text.split():
        prefix = raw.endswith("*")
        word = fold_token(raw.rstrip("*").lower())
        if not prefix and len(word) <= 2:
            if not toks and not lead:
                lead = word
            continue  # prepositions and conjunctions: covered by GAP
        toks.append(Token(word, prefix))
    if not toks:
        raise ValueError(f"phrase {text!r} of {type_} has no usable tokens")
    return Phrase(text, type_, float(weight), tuple(toks), lead)


class PhraseClassifier:
    """Classifies page text by type. Build once per process (:meth:`load`) and reuse."""

    def __init__(self, phrases: list[Phrase], threshold: float = 3.0, military_bias: float = 0.8,
                 prose_min: float = 5.0, prose_per_form: float = 3.0):
        self.phrases = phrases
        self.threshold = threshold
        self.military_bias = military_bias
        self.prose_min = prose_min
        self.prose_per_form = prose_per_form
        self.types = sorted({p.type for p in phrases} - {PROSE, FORM})
        self._tokens = sorted({t for p in phrases for t in p.tokens}, key=lambda t: (t.text, t.prefix))
        self._token_index = {t: i for i, t in enumerate(self._tokens)}
        # tokens grouped for vectorised matching: (prefix, length) -> [token ids]
        self._groups: dict[tuple[bool, int], list[int]] = {}
        for i, t in enumerate(self._tokens):
            self._groups.setdefault((t.prefix, len(t.text)), []).append(i)
        self._by_text = {(p.type, p.text): p for p in phrases}

    @classmethod
    def load(cls, path: str | Path | None = None) -> PhraseClassifier:
        if path is None:
            raw = resources.files("recruitwatch.papercheck").joinpath("data/phrases.json").read_text("utf-8")
        else:
            raw = Path(path).read_text("utf-8")
        data = json.loads(raw)
        phrases = [
            parse_phrase(text, type_, weight)
            for type_, items in data["types"].items()
            for text, weight in items
        ]
        phrases += [parse_phrase(text, PROSE, weight) for text, weight in data.get("prose", [])]
        phrases += [parse_phrase(text, FORM, weight) for text, weight in data.get("form", [])]
        rule = data.get("prose_rule", {})
        return cls(phrases, data.get("threshold", 3.0), data.get("military_bias", 0.8),
                   rule.get("min", 5.0), rule.get("per_form", 3.0))

    # -- matching ---------------------------------------------------------------------------

    def _token_positions(self, words: list[str]) -> list[set[int]]:
        """For every phrase token, the positions of page words it matches."""
        positions: list[set[int]] = [set() for _ in self._tokens]
        if not words:
            return positions
        vocab = sorted(set(words))
        where: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            where.setdefault(w, []).append(i)
        for (prefix, length), ids in self._groups.items():
            k = max_edits(length)
            queries = [self._tokens[i].text for i in ids]
            if prefix:
                # compare with the word's first L-1, L and L+1 letters (a letter lost or added)
                best = None
                for cut in {max(1, length - 1), length, length + 1}:
                    choices = [w[:cut] for w in vocab]
                    m = cdist(queries, choices, scorer=Levenshtein.distance, score_cutoff=k, workers=1)
                    best = m if best is None else (best if best is m else _min(best, m))
                short = [len(w) < length - k for w in vocab]
            else:
                best = cdist(queries, vocab, scorer=Levenshtein.distance, score_cutoff=k, workers=1)
                short = [False] * len(vocab)
            for row, tid in enumerate(ids):
                hits = positions[tid]
                for col, d in enumerate(best[row]):
                    if d <= k and not short[col]:
                        hits.update(where[vocab[col]])
        return positions

    def token_positions(self, words: list[str]) -> list[set[int]]:
        """For every phrase token, the positions in ``words`` (folded tokens) it matches."""
        return self._token_positions(words)

    def phrase(self, type_: str, text: str) -> Phrase | None:
        """The phrase of ``type_`` written ``text`` in the data file (a :class:`Cue`'s ``phrase``)."""
        return self._by_text.get((type_, text))

    def occurrences(self, phrase: Phrase, positions: list[set[int]]) -> list[tuple[int, int]]:
        """Every place ``phrase`` matches, as (first word, last word), without overlaps; the
        complete matches, or if there is none the best partial one :meth:`classify` would count."""
        sets = [positions[self._token_index[t]] for t in phrase.tokens]
        full: list[tuple[int, int]] = []
        end = -1
        for start in sorted(sets[0]):
            if start <= end:
                continue
            pos, last, matched = start, start, 1
            for k in range(1, len(sets)):
                found = next((q for q in range(pos + 1, pos + 2 + GAP) if q in sets[k]), None)
                if found is None:
                    break
                matched, pos, last = matched + 1, found, found
            if matched == len(sets):
                full.append((start, last))
                end = last
        if full:
            return full
        hit = self._find(phrase, positions)
        return [(hit[1], hit[2])] if hit else []

    def _find(self, phrase: Phrase, positions: list[set[int]]) -> tuple[int, int, int] | None:
        """Best occurrence of ``phrase``: (tokens matched, first word, last word)."""
        sets = [positions[self._token_index[t]] for t in phrase.tokens]
        n = len(sets)
        best: tuple[int, int, int] | None = None
        for start in sorted(sets[0]):  # the first token anchors the phrase
            matched, pos, last = 1, start, start
            for k in range(1, n):
                found = next((q for q in range(pos + 1, pos + 2 + GAP) if q in sets[k]), None)
                if found is None:
                    pos += 1  # assume the word is there but garbled
                else:
                    matched, pos, last = matched + 1, found, found
            if best is None or matched > best[0]:
                best = (matched, start, last)
                if matched == n:
                    return best
        if best is not None and best[0] >= phrase.needed:
            return best
        return None

    def classify(self, text: str) -> Classification:
        text = unicodedata.normalize("NFKC", text)  # spans below index this form of the text
        spans = tokens_with_spans(text)
        words = [w for w, _, _ in spans]
        positions = self._token_positions(words)
        scores = {t: 0.0 for t in [*self.types, PROSE, FORM]}
        cues: dict[str, list[Cue]] = {t: [] for t in scores}
        for phrase in self.phrases:
            hit = self._find(phrase, positions)
            if hit is None:
                continue
            matched, first, last = hit
            weight = phrase.weight * matched / len(phrase.tokens)
            scores[phrase.type] += weight
            if phrase.lead and first > 0 and words[first - 1] == phrase.lead:
                first -= 1  # quote "по словам", "в лице ...", not a clipped "словам"
            quote = _clean_quote(text[spans[first][1] : spans[last][2]])
            cues[phrase.type].append(Cue(phrase.text, quote, round(weight, 2), phrase.type))
        prose_cues, form_cues = cues.pop(PROSE), cues.pop(FORM)
        scores.pop(PROSE), scores.pop(FORM)
        verdict = self._decide(scores, cues)
        if verdict.type != OTHER:
            verdict = self._unless_prose(text, verdict, prose_cues, form_cues)
        if not verdict.military:
            # military phrases strong enough to count on a page that is not a military paper: boxed as warnings
            verdict.warning_cues = sorted((c for t in MILITARY_TYPES if scores.get(t, 0.0) >= self.threshold
                                           for c in cues.get(t, [])), key=lambda c: c.weight, reverse=True)
        return verdict

    def _unless_prose(self, text: str, verdict: Classification, prose_cues: list[Cue],
                      form_cues: list[Cue]) -> Classification:
        """``verdict``, or ``other`` if the page reads as a text about papers rather than a paper."""
        # distinct forms: the checker may classify two OCR readings of one page joined together
        narrative = list({w.lower(): w for w in reversed(narrative_verbs(text))}.values())[::-1]
        prose = len(narrative) + sum(c.weight for c in prose_cues)
        form = sum(c.weight for c in form_cues) + min(3, len(_BLANK.findall(text))) + (1 if _STAMP.search(text) else 0)
        needed = self.prose_min + self.prose_per_form * form
        if prose < needed:
            return verdict
        mentions = any(s >= self.threshold for t, s in verdict.scores.items() if t in MILITARY_TYPES)
        evidence = [Cue(c.phrase, c.matched, c.weight, OTHER) for c in prose_cues]
        evidence += [Cue("(narrative verb)", w, 1.0, OTHER) for w in narrative]
        confidence = 0.5 + 0.5 * (1.0 - needed / prose)
        return Classification(OTHER, False, round(confidence, 2), evidence[:8], verdict.scores, mentions)

    def _decide(self, scores: dict[str, float], cues: dict[str, list[Cue]]) -> Classification:
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best_type, best = ranked[0] if ranked else (OTHER, 0.0)
        if best < self.threshold:
            confidence = 1.0 - 0.5 * best / self.threshold
            return Classification(OTHER, False, round(confidence, 2), [], _rounded(scores))
        if best_type not in MILITARY_TYPES:
            # recall first: a strong military reading close behind a civil one wins
            mil_type, mil = max(((t, s) for t, s in scores.items() if t in MILITARY_TYPES), key=lambda kv: kv[1])
            if mil >= self.threshold and mil >= self.military_bias * best:
                best_type, best = mil_type, mil
        second = max((s for t, s in scores.items() if t != best_type), default=0.0)
        margin = (best - second) / best
        strength = 1.0 - math.exp(-best / 8.0)
        confidence = strength * (0.5 + 0.5 * margin)
        chosen = sorted(cues[best_type], key=lambda c: c.weight, reverse=True)
        return Classification(best_type, best_type in MILITARY_TYPES, round(confidence, 2), chosen, _rounded(scores))


_OCR_JUNK = re.compile(r"[^\w\s.,:;()«»\"№/-]")
#: Something to fill in: a run of underscores or dots (OCR keeps some of them).
_BLANK = re.compile(r"_{3,}|\.{6,}|…{2,}")
#: "М.П." (место печати, the place for the stamp), in Cyrillic or Latin look-alike letters.
_STAMP = re.compile(r"(?<!\w)[мm]\.\s?[пn]\.?(?!\w)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_PAST_ENDING = re.compile(r"[а-яё]+[аеёиоуыэюя](?:л|ла|ло|ли|лся|лась|лось|лись)")

def narrative_verbs(text: str) -> list[str]:
    """Past-tense verbs that tell a story: Russian finite past forms, and English words in -ed.

    Yes/no questions on forms ("Проходил ли военную службу") are not narrative and are skipped,
    and so are words the Russian dictionary does not know (OCR garbage that merely ends in -ли).
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text))
    lower = [w.lower() for w in words]
    out = []
    for i, w in enumerate(lower):
        if len(w) >= 5 and w.isascii() and w.endswith("ed"):
            out.append(words[i])
            continue
        if len(w) < 4 or not _PAST_ENDING.fullmatch(w):
            continue
        if (i + 1 < len(lower) and lower[i + 1] == "ли") or (i > 0 and lower[i - 1] == "ли"):
            continue
        morph = _analyzer()
        if not morph.word_is_known(w):
            continue
        tag = morph.parse(w)[0].tag
        if tag.POS == "VERB" and "past" in tag:
            out.append(words[i])
    return out


def _clean_quote(quote: str) -> str:
    """The page text a phrase matched, without OCR specks (| ` ‘ ©) and broken lines."""
    return " ".join(_OCR_JUNK.sub(" ", quote).split())


def _min(a, b):
    import numpy as np

    return np.minimum(a, b)


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {t: round(s, 2) for t, s in scores.items() if s > 0}
