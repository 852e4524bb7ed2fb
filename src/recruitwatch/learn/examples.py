"""What the classifiers read: the features of a document and of each of its sentences.

Training (:mod:`.train`) and prediction (screening and extraction) call the same functions, so
a feature cannot mean one thing when learned and another when used.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

from recruitwatch.learn.features import STEM, cue_features, quick_features, text_features, words
from recruitwatch.records import DateMention

if TYPE_CHECKING:
    from recruitwatch.learn.model import Linear

DOC_CHARS = 20000  # relevance reads the title and the first 20,000 characters
QUICK_CHARS = 6000  # the first tier reads less


def quick_doc_features(text: str, title: str | None, lang: str | None) -> set[str]:
    head = f"{title}\n{text[:QUICK_CHARS]}" if title else text[:QUICK_CHARS]
    return quick_features(words(head, lang))


def quick_probability(model: Linear, text: str, title: str | None, lang: str | None) -> float:
    """The first tier's relevance probability: the same number as
    ``model.probability(quick_doc_features(...))``, with dictionary look-ups and no feature strings."""
    head = f"{title}\n{text[:QUICK_CHARS]}" if title else text[:QUICK_CHARS]
    tokens = set(words(head, lang))
    by_kind = model.weights_by_kind()
    word_w, stem_w = by_kind.get("w", {}), by_kind.get("p", {})
    known = [w for t in tokens if (w := word_w.get(t)) is not None]
    known += [w for s in {t[:STEM] for t in tokens if len(t) > STEM} if (w := stem_w.get(s)) is not None]
    z = float(model.bias[0]) + (sum(known) / math.sqrt(len(known)) if known else 0.0)
    return 1.0 / (1.0 + math.exp(-z))


def doc_features(text: str, title: str | None, lang: str | None, cues: Sequence[tuple[str, str]],
                 rule_score: float) -> set[str]:
    """Words, stems, stem pairs, the cue codes found and the rule score's band."""
    head = f"{title}\n{text[:DOC_CHARS]}" if title else text[:DOC_CHARS]
    feats = text_features(words(head, lang))
    feats |= cue_features("c", cues)
    feats.add(f"r|{min(4, int(rule_score * 5))}")
    feats.add(f"L|{lang or 'und'}")
    return feats


def sentence_words(text: str, spans: Sequence[tuple[int, int]], lang: str | None) -> list[list[str]]:
    """The words of each sentence: read once for the sentence labels and the mentions' features."""
    return [words(text[start:end], lang) for start, end in spans]


def sentence_features(text: str, spans: Sequence[tuple[int, int]], cues: Sequence[Sequence[tuple[str, str]]],
                      i: int, lang: str | None, tokens: list[str] | None = None) -> set[str]:
    """A sentence's words, stems and stem pairs, its own cue codes and its neighbours'
    (``tokens``: its :func:`sentence_words`, when already read)."""
    start, end = spans[i]
    feats = text_features(words(text[start:end], lang) if tokens is None else tokens)
    feats |= cue_features("c", cues[i])
    for j in (i - 1, i + 1):
        if 0 <= j < len(spans):
            feats |= cue_features("n", cues[j])
    feats.add(f"L|{lang or 'und'}")
    return feats


_LINE_BREAK = re.compile("\n")
DATELINE = re.compile(r"\W*[A-ZА-ЯЁ][^\W\d]*(?:[ .\-][^\W\d]+){0,3}\s*(?:\(\w+\))?\s*(?:,|[-—–])\s*$")
_CENTRAL_ASIA = frozenset({"TJ", "UZ", "KG", "KZ", "TM"})
_OCCUPIED = frozenset({"UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40"})


def in_dateline(text: str, start: int, line_start: int | None = None) -> bool:
    """Whether a mention at ``start`` stands in a dateline ("NEW DELHI, 13 February. ...");
    ``line_start``: where its line starts, when known."""
    if line_start is None:
        line_start = text.rfind("\n", 0, start) + 1
    return DATELINE.match(text, line_start, start) is not None


def line_starts(text: str) -> list[int]:
    """Where each line of text starts (0, then after each line break), for :func:`line_start`."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def line_start(starts: list[int], pos: int) -> int:
    """Where the line holding ``pos`` starts (``text.rfind("\\n", 0, pos) + 1``), by bisection:
    in a long text without line breaks a search back would read the whole text per mention."""
    return starts[bisect_right(starts, pos) - 1]


def value_class(value: str) -> str:
    """A coarse class of a place or country code, shared by every code of the class."""
    if value.startswith("RU-"):
        return "ru-region"
    if value in _OCCUPIED:
        return "ua-occupied"
    if value.startswith("UA-"):
        return "ua-region"
    if value in ("RU", "UA"):
        return value.lower()
    return "central-asia" if value in _CENTRAL_ASIA else "country"


def mention_features(text: str, start: int, end: int, value: str, kind: str, sentence: tuple[int, int],
                     sentence_cues: Sequence[tuple[str, str]], lang: str | None, *, same_value: int, order: int,
                     in_lead: bool, published: str | None = None, precision: str | None = None,
                     sentence_feats: tuple[list[str], set[str]] | None = None, line: int | None = None) -> set[str]:
    """What makes a found mention a value of the case: the words just before and after it, its
    sentence's words and cues, its kind and class, and its place in the document.
    ``sentence_feats``: :func:`sentence_mention_features` of the sentence, when already read;
    ``line``: where the mention's line starts, when known."""
    left = words(text[max(sentence[0], start - 80):start], lang)[-4:]
    right = words(text[end:min(sentence[1], end + 80)], lang)[:4]
    feats = {"k|" + kind, f"L|{lang or 'und'}", f"n|{min(same_value, 4)}", f"o|{min(order, 3)}",
             "lead" if in_lead else "body"}
    if left:
        feats.add("l1|" + left[-1])
    feats.update("l|" + t[:STEM] for t in left)
    feats.update("r|" + t[:STEM] for t in right)
    if right:
        feats.add("r1|" + right[0])
    stems, cues = sentence_feats or sentence_mention_features(text, sentence, sentence_cues, lang)
    feats.update(stems)
    feats |= cues
    if line is None:
        line = text.rfind("\n", 0, start) + 1
    if in_dateline(text, start, line):
        feats.add("shape|dateline")  # "NEW DELHI, 13 February." dates the report, as a rule
    if start - line < 3:
        feats.add("shape|line-start")
    if kind.startswith("date"):
        feats.add(f"d|{precision}")
        year = value[:4]
        if published and published[:4].isdigit() and year.isdigit():
            gap = int(published[:4]) - int(year)
            feats.add("d|future" if gap < 0 else f"d|gap{min(gap, 3)}")
            if value[:7] == published[:7]:
                feats.add("d|publication-month")
    else:
        feats.add("v|" + value_class(value))
    return feats


def sentence_mention_features(text: str, sentence: tuple[int, int], sentence_cues: Sequence[tuple[str, str]],
                              lang: str | None, tokens: list[str] | None = None) -> tuple[list[str], set[str]]:
    """What every mention of a sentence reads of it: the stems of its words (in order) and its cues
    (``tokens``: the sentence's words, when already read)."""
    if tokens is None:
        tokens = words(text[sentence[0]:sentence[1]], lang)
    return ["s|" + t[:STEM] for t in tokens], cue_features("c", sentence_cues)


def mention_examples(text: str, lang: str | None, published: str | None, groups: dict[str, Sequence],
                     spans: Sequence[tuple[int, int]], cues: Sequence[Sequence[tuple[str, str]]],
                     tokens: Sequence[list[str]] | None = None) -> list[tuple[str, object, set[str]]]:
    """(group, mention, features) for every mention of every group (``place``, ``nationality``,
    ``date``); a mention has ``start``, ``end``, ``value``, ``kind`` (and ``precision``).
    ``tokens``: the :func:`sentence_words` of ``spans``, when already read."""
    starts = [a for a, _ in spans]
    lines = line_starts(text)
    lead_end = text.find("\n\n")
    lead_end = len(text) if lead_end < 0 else lead_end
    out: list[tuple[str, object, set[str]]] = []
    read: dict[tuple[int, int, bool], tuple[list[str], set[str]]] = {}  # a sentence read once for all its mentions
    for group, mentions in groups.items():
        ordered = sorted(mentions, key=lambda m: m.start)
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for m in ordered:
            counts[m.value] = counts.get(m.value, 0) + 1
            first.setdefault(m.value, len(first))
        chronology = _chronology(ordered) if group == "date" else {}
        for m in ordered:
            k = bisect_right(starts, m.start) - 1
            sentence = spans[k] if k >= 0 and m.start < spans[k][1] else (m.start, m.end)
            own = cues[k] if k >= 0 and m.start < spans[k][1] else ()
            inside = k >= 0 and m.start < spans[k][1]
            key = (*sentence, inside)
            if key not in read:
                read[key] = sentence_mention_features(text, sentence, own, lang,
                                                      tokens[k] if inside and tokens is not None else None)
            feats = mention_features(text, m.start, m.end, m.value, m.kind, sentence, own, lang,
                                     same_value=counts[m.value], order=first[m.value], in_lead=m.start < lead_end,
                                     published=published, precision=m.precision if isinstance(m, DateMention) else None,
                                     sentence_feats=read[key], line=line_start(lines, m.start))
            if chronology:
                feats.add("chron|" + chronology[m.value])
            out.append((group, m, feats))
    return out


def _chronology(dates: Sequence) -> dict[str, str]:
    """Where each date value stands in time among the document's dates: the act a report is
    about usually comes before what followed it (training, the front, a trial), and after the
    background (years of work in Russia)."""
    values = sorted({m.value for m in dates})
    if len(values) == 1:
        return {values[0]: "only"}
    out = {}
    for k, v in enumerate(values):
        out[v] = "first" if k == 0 else "last" if k == len(values) - 1 else "second" if k == 1 else "middle"
    return out
