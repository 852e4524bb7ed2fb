"""Choosing an incident's places, nationalities and date among the mentions the finders return.

The finders (:mod:`.places`, :mod:`.nationalities`, :mod:`.dates`) return every mention of a
document; this module decides which of them belong to one incident (one :class:`Segment`).
It works clause by clause: a mention's *clause* is the part of its sentence between commas,
semicolons, dashes or brackets, and the nearest cue word in that clause says what the mention
is about:

* an **act** cue (detained, raid, offered, signed, summons, recruited, enlistment office,
  migration centre, advert, ...) ties the mention to the recruitment act;
* an **after** cue (killed, buried, wounded, fought, trained, sent to the front, court,
  sentenced, returned home, ...) ties it to what happened after the act (rule 1);
* a **before** cue (came to work, lived, studied, born, obtained citizenship, ...) ties it to the
  person's history, not to the act (rules 1 and 10);
* a **report** cue (said, reported, learned) ties a date to the report, not to the act.

Places (taxonomy rule 1 and 9): the place of the act. Origins ("a native of Uzbekistan",
"гражданин Таджикистана") are nationalities, never places. Russian places are kept unless
their clause is about service, death, trial or the person's history; Ukrainian (front-line,
occupied) places only when the clause ties them to hiring or signing; the home country only
when an offer, advert or recruiter reached the person there; other foreign countries when the
clause or sentence ties them to recruitment. A bare country code is dropped when a more
specific code of that country is kept. With nothing in the segment, the lead paragraph and
the paragraph just before the segment (the scene-setting text) are tried, then ``RU`` when
Russia is mentioned.

Nationalities: the nationality mentions of the segment (never ``RU``; ``UA`` only from a word
about people, not from "sent to Ukraine"); else the country of a Central Asian place named in
the segment (the victim's home town or region); else the document's most frequent nationality;
else the most frequent foreign country of the document.

Date (rule 10): the best-scored date of the segment: mentions in act clauses and in the
anchor sentence first, the more precise of two that agree; mentions of the person's history,
of later events or of the report are not the act's date. When only later events are dated, the
year is kept only if all of them fall in one year (never the month); then the last date before
the segment (its year), then the publication year.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from recruitwatch.extract.places import CITY_TO_REGION  # federal cities and the region around them
from recruitwatch.records import DocumentMentions, Mention, mentions_within
from recruitwatch.taxonomy.lexicon import word_class
from recruitwatch.text.regate import Gate, Occurrences
from recruitwatch.text.sentences import paragraph_spans

if TYPE_CHECKING:  # pragma: no cover
    from recruitwatch.extract.segment import Segment, Sentence

Span = tuple[int, int]

CENTRAL_ASIA = frozenset({"TJ", "UZ", "KG", "KZ", "TM"})

# ---- word classes (data: the [words] tables of taxonomy/lexicons/*.toml) ------------------------
_W = r"(?<![^\W\d_])"  # a word start

# The words of the act, of what followed it, of the person's life before it and of the period it
# may fall in, of how it became known, and of an offer that reaches a person where they are (rule 9).
_ACT = re.compile(_W + "(?:" + word_class("act") + ")", re.IGNORECASE)
_AFTER = re.compile(_W + "(?:" + word_class("after_act") + ")", re.IGNORECASE)
_BEFORE = re.compile(_W + "(?:" + word_class("before_act") + ")", re.IGNORECASE)
_PERIOD = re.compile(_W + "(?:" + word_class("period") + ")", re.IGNORECASE)
_REPORT = re.compile(_W + "(?:" + word_class("report") + ")", re.IGNORECASE)
_OFFER = re.compile(_W + "(?:" + word_class("offer") + ")", re.IGNORECASE)
# Origin words right before a place: "a native of", "from", "уроженец", "выходец из", "родом из".
_ORIGIN_BEFORE = re.compile(r"(?:native\s+of|natives\s+of|born\s+in|hails?\s+from|from|уроженц?\w*(?:\s+из)?|"
                            r"выход\w+\s+из|родом\s+из|родил\w*\s+в|из|аз)\s+(?:the\s+)?$", re.IGNORECASE)
_CITY_ADJECTIVE = re.compile(r"(?<!\w)(моск|петерб|питер)(?:овск|ургск|ск)\w*(?!\s+(?:област|обл\.|регион|время|времени))",
                             re.IGNORECASE)
_CITY_ADJECTIVE_CODES = {"моск": "RU-MOW", "пете": "RU-SPE", "пите": "RU-SPE"}
_BARE = re.compile(r"\s*(?:(?:on|in|at|by|since|early|late|mid|the|of|в|во|на|с|к|по|в\s+начале|в\s+конце|"
                   r"в\s+середине)[\s-]+)*", re.IGNORECASE)
_LANGUAGE_AFTER = re.compile(r"(?:[\s,]+(?:and|or|и|или|va|ва|жана|және|[^\W\d_]+(?:ском|ском|ский|ской|cha)))*"
                             r"[\s,]+(?:language|языке|языках|языку|язык|tilida|tilidagi|tili|тилинде|тілінде|забони|забон)",
                             re.IGNORECASE)
_TRANSIT = re.compile(r"(?:через|via|through|orqali|аркылуу|арқылы)\s+$", re.IGNORECASE)
_GOVERNMENT = re.compile(r"(?:authorities|government|ministry|minister|ambassador|embassy|consulate|president|"
                         r"власт\w*|правительств\w*|министр\w*(?:\s+\w+){0,3}|посол\w*|посольств\w*|президент\w*)\s+"
                         r"(?:of\s+)?(?:the\s+)?$", re.IGNORECASE)
# A country named in an enumeration ("citizens of Armenia, Belarus, Kazakhstan ...") names an
# audience or a membership, not a place where something happened.
_LIST_GAP = re.compile(r"\s*(?:,|и|and|or|или|va|ва|жана|және)\s*$|^\s*(?:,|и|and|or|или|va|ва|жана|және)\s*", re.IGNORECASE)
# "near Moscow", "под Москвой", "east of St Petersburg": the region around a federal city.
_AROUND = re.compile(r"(?:\b(?:near|outside|(?:north|south|east|west)\s+of)\s+|(?<!\w)(?:под|около|возле|близ|"
                     r"(?:к|в)\s+(?:\d+\s+\w+\s+)?(?:северу|югу|востоку|западу|северо-\w+|юго-\w+)\s+от)\s+)$",
                     re.IGNORECASE)
_COURT = re.compile(_W + "(?:" + word_class("court") + ")", re.IGNORECASE)
# A dateline: a place name in capitals, a comma or dash, the date, at the top of the text.
_DATELINE = re.compile(r"\s*[A-ZА-ЯЁ][A-ZА-ЯЁ.\- ]{1,30}(?:\s*\([^)\n]{1,30}\))?\s*[,—–-]\s*[^\n.]{0,20}\d[^\n.]{0,20}[.—–-]")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]«»\"“”]|\s[—–-]\s")
_RUSSIA_WORD = re.compile(r"(?<!\w)(?:" + word_class("russia") + ")", re.IGNORECASE)
_ACT_CUE_CATEGORIES = ("tactic", "actor", "institution")
_ACT_REACH = 60  # an act word further away in the clause says nothing about the mention
_UA_REACH = 30  # a front-line place counts only right next to the hiring or signing
# Motion towards a place: "sent to Ukraine", "go to Donbas", "в Украину" (accusative): a destination.
_REACH = re.compile(r"\b(?:reach|reached|reaching|cross|crossed)\s+(?:the\s+)?$", re.IGNORECASE)
_TOWARDS = re.compile(r"(?:\b(?:to|into|towards)\s+(?:the\s+)?|(?<!\w)(?P<ru>на|в)\s+)$", re.IGNORECASE)
_ACCUSATIVE = re.compile(r"\w*[ую]$")
_UA_PEOPLE = re.compile(r"(?:украин(?:ец|ц|к)|ukrainian|украин\w*\s+граждан|граждан\w*\s+украин|citizens?\s+of\s+ukraine|"
                        r"nationals?\s+of\s+ukraine|беженц\w*|refugee)", re.IGNORECASE)


# ---- helpers ---------------------------------------------------------------------------------------

def _clause(text: str, start: int, end: int, lo: int, hi: int) -> Span:
    """The clause of ``text[start:end]`` inside the sentence ``[lo, hi)``."""
    left = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, start):
        left = m.end()
    m = _CLAUSE_BREAK.search(text, end, hi)
    right = m.start() if m else hi
    if m is not None and _BARE.fullmatch(text, left, start) and not text[end:right].strip(" .,"):
        # "On 27 September, police stopped him": the clause of a fronted date or place is the
        # clause it introduces.
        n = _CLAUSE_BREAK.search(text, m.end(), hi)
        right = n.start() if n else hi
    return left, right


def _towards(text: str, m: Mention) -> bool:
    """Motion towards the place: "sent to Ukraine", "ехать на Украину" (в/на with the accusative)."""
    before = _TOWARDS.search(text, max(0, m.start - 20), m.start)
    return before is not None and (before.group("ru") is None or bool(_ACCUSATIVE.match(m.text)))


def _nearest(spans: Sequence[Span], start: int, end: int) -> int | None:
    """Distance in characters from the mention to the nearest of ``spans`` (the matches of one
    pattern in the mention's clause), the mention itself not counted."""
    best: int | None = None
    for m_start, m_end in spans:
        if m_start < end and m_end > start:
            continue  # the mention itself
        d = max(start - m_end if m_end <= start else m_start - end, 0)
        if best is None or d < best:
            best = d
    return best


#: The words a clause is read for, in the order _Where takes them.
_CLAUSE_WORDS = (_ACT, _AFTER, _BEFORE, _REPORT, _PERIOD)
#: Their literal gate: the text is read for its strings once, and a clause runs only the word
#: classes whose strings it holds (most clauses hold one class or none).
_CLAUSE_GATE = Gate(list(_CLAUSE_WORDS))


class _Where:
    """What a mention's clause says about it."""

    __slots__ = ("act", "after", "before", "report", "period", "sentence", "clause",
                 "is_act", "is_after", "is_before", "is_period", "neutral")

    def __init__(self, act: int | None, after: int | None, before: int | None, report: int | None,
                 period: int | None, sentence: Sentence | None, clause: Span):
        self.act, self.after, self.before, self.report, self.period = act, after, before, report, period
        self.sentence, self.clause = sentence, clause
        # The nearest cue decides what the clause is about; an act cue wins ties.
        ranked = [(d, rank, name) for rank, (name, d) in enumerate(
            (("act", act), ("after", after), ("before", before), ("period", period))) if d is not None]
        kind = min(ranked)[2] if ranked else None
        self.is_act, self.is_after = kind == "act", kind == "after"
        self.is_before, self.is_period = kind == "before", kind == "period"
        self.neutral = act is None and after is None and before is None


def _cue_act(sentence: Sentence | None, lo: int, hi: int) -> bool:
    return sentence is not None and any(c.category in _ACT_CUE_CATEGORIES and lo <= c.start < hi for c in sentence.cues)


class Selector:
    """A document's choices of places, nationalities and dates, for each of its incident segments:
    made from its mentions and the segments, both given (nothing else is read)."""

    def __init__(self, mentions: DocumentMentions, segments: Sequence[Segment]) -> None:
        self.mentions = mentions
        self.segments = list(segments)
        self.text: str = mentions.text
        self._paragraphs: list[Span] | None = None
        self._free: tuple[list[Span], list[int]] | None = None
        self._nat_spans = [(m.start, m.end) for m in mentions.nationalities]
        self._where_cache: dict[tuple[int, int, int], _Where] = {}
        self._clause_words: dict[Span, tuple[list[Span], ...]] = {}  # clause -> the matches of _CLAUSE_WORDS in it
        self._sentence_starts: dict[int, list[int]] = {}  # id of a segment's sentences -> their starts
        self._date_starts: list[int] | None = None
        self._gate_strings: Occurrences | None | bool = False  # False: the text not read for them yet

    # -- shared ---------------------------------------------------------------------------------
    @property
    def paragraphs(self) -> list[Span]:
        if self._paragraphs is None:
            self._paragraphs = paragraph_spans(self.text)
        return self._paragraphs

    def _where(self, m: Mention, sentences: Sequence[Sentence]) -> _Where:
        s = self._sentence_at(sentences, m.start)
        key = (m.start, m.end, id(s))  # the sentences live as long as the document's segments
        where = self._where_cache.get(key)
        if where is None:
            where = self._where_cache[key] = self._where_in(m, s)
        return where

    def _sentence_at(self, sentences: Sequence[Sentence], pos: int) -> Sentence | None:
        """The sentence (of a segment's, sorted) holding ``pos``: a bisection, so choosing among a
        long segment's mentions stays linear in its length."""
        starts = self._sentence_starts.get(id(sentences))
        if starts is None:
            starts = self._sentence_starts[id(sentences)] = [s.start for s in sentences]
        k = bisect_right(starts, pos) - 1
        return sentences[k] if k >= 0 and pos < sentences[k].end else None

    def _where_in(self, m: Mention, s: Sentence | None) -> _Where:
        text = self.text
        lo, hi = (s.start, s.end) if s is not None else self._sentence_bounds(m.start)
        c_lo, c_hi = _clause(text, m.start, m.end, lo, hi)
        found = self._clause_words.get((c_lo, c_hi))
        if found is None:  # each clause is read once, whatever number of mentions it holds
            if self._gate_strings is False:
                self._gate_strings = _CLAUSE_GATE.occurrences(text)
            strings = self._gate_strings
            may = _CLAUSE_GATE.mask_of(strings.present(c_lo, c_hi) if strings is not None else None)
            found = self._clause_words[c_lo, c_hi] = tuple(
                [(w.start(), w.end()) for w in pattern.finditer(text, c_lo, c_hi)] if ok else []
                for pattern, ok in zip(_CLAUSE_WORDS, may))
        act, after, before, report, period = (_nearest(spans, m.start, m.end) for spans in found)
        if act is not None and act > _ACT_REACH:
            act = None
        if act is None and _cue_act(s, c_lo, c_hi):
            act = _ACT_REACH
        return _Where(act, after, before, report, period, s, (c_lo, c_hi))

    def _sentence_bounds(self, pos: int) -> Span:
        text = self.text
        lo = max(text.rfind(". ", 0, pos) + 2, text.rfind("\n", 0, pos) + 1, 0)
        ends = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
        return lo, (min(ends) + 1 if ends else len(text))

    def _free_paragraphs(self) -> tuple[list[Span], list[int]]:
        """Paragraphs outside every incident segment, and their ends (computed once: linear)."""
        if self._free is None:
            spans = sorted((o.start, o.end) for o in self.segments)
            starts = [lo for lo, _ in spans]
            reach = list(accumulate((hi for _, hi in spans), max))  # furthest end of the spans so far
            free = [p for p in self.paragraphs
                    if not ((k := bisect_right(starts, p[0]) - 1) >= 0 and reach[k] > p[0])]
            self._free = (free, [p[1] for p in free])
        return self._free

    def _context_spans(self, segment: Segment) -> list[Span]:
        """Scene-setting text before a segment: the paragraph just before it and the lead.
        Paragraphs of another case are not scene-setting for this one."""
        free, ends = self._free_paragraphs()
        n = bisect_right(ends, segment.start)
        if not n:
            return []
        spans = [free[n - 1]]
        if free[0] != free[n - 1]:
            spans.append(free[0])  # the lead sets the scene of the cases right after it
        return spans

    def _is_origin(self, m: Mention) -> bool:
        if any(s < m.end and m.start < e for s, e in self._nat_spans):
            return True
        return bool(_ORIGIN_BEFORE.search(self.text, max(0, m.start - 25), m.start))

    # -- places ---------------------------------------------------------------------------------
    def _place_tier(self, m: Mention, sentences: Sequence[Sentence]) -> int:
        """1: a place of the act; 2: a Russian place of the person's life there (where they lived
        or worked: the act's place when nothing more specific is named); 0: not a place of the act."""
        if m.kind != "place":
            return 0
        if self._is_origin(m):
            return 0
        w = self._where(m, sentences)
        country = m.value.split("-", 1)[0]
        if w.is_after:
            return 0
        if w.is_before or w.is_period:
            return 2 if country == "RU" else 0
        clause_text = self.text[w.clause[0]:w.clause[1]]
        if country == "RU":
            return 1
        if "-" not in m.value and self._in_country_list(m):
            return 0
        towards = _towards(self.text, m)
        if country != "RU" and (_REACH.search(self.text, max(0, m.start - 20), m.start)
                                or _GOVERNMENT.search(self.text, max(0, m.start - 40), m.start)):
            return 0  # a destination ("tried to reach Finland") or a government ("власти Танзании")
        if country == "UA":
            return int(w.is_act and w.act <= _UA_REACH and not towards and not _AFTER.search(clause_text))
        sentence_text = self.text[w.sentence.start:w.sentence.end] if w.sentence is not None else clause_text
        if country in CENTRAL_ASIA:
            # The home country only when an offer, advert or recruiter reached the person there.
            return int(w.is_act and bool(_OFFER.search(clause_text) or _OFFER.search(sentence_text))
                       and not _AFTER.search(clause_text))
        # Another foreign country: where the person was recruited or the offer reached them.
        if w.is_act:
            return 1
        return int(w.neutral and w.sentence is not None and (w.sentence.has("tactic") or w.sentence.has("actor"))
                   and bool(_OFFER.search(sentence_text)))

    def _in_country_list(self, m: Mention) -> bool:
        """Whether a country name stands in an enumeration of three or more countries."""
        countries = [o for o in self.mentions.places if o.kind == "place" and "-" not in o.value]
        k = next((i for i, o in enumerate(countries) if o.start == m.start), None)
        if k is None:
            return False
        lo = hi = k
        while lo > 0 and _LIST_GAP.fullmatch(self.text, countries[lo - 1].end, countries[lo].start):
            lo -= 1
        while hi + 1 < len(countries) and _LIST_GAP.fullmatch(self.text, countries[hi].end, countries[hi + 1].start):
            hi += 1
        return hi - lo >= 2

    def _value(self, m: Mention) -> str:
        """The code of a place mention, "near Moscow" being the Moscow region."""
        if m.value in CITY_TO_REGION and _AROUND.search(self.text, max(0, m.start - 40), m.start):
            return CITY_TO_REGION[m.value]
        return m.value

    def places(self, segment: Segment) -> dict[str, Span]:
        known = self.mentions
        sentences = segment.sentences
        chosen: dict[str, Span] = {}
        lived: dict[str, Span] = {}
        for m in mentions_within(known.places, segment.start, segment.end):
            tier = self._place_tier(m, sentences)
            if tier == 1:
                chosen.setdefault(self._value(m), (m.start, m.end))
            elif tier == 2:
                lived.setdefault(self._value(m), (m.start, m.end))
        if not any(c.startswith("RU-") for c in chosen):
            # "He has lived in St Petersburg for ten years ... was handed a summons": the act
            # happened where the person lived or worked when nothing more specific is named.
            specific = {c: sp for c, sp in lived.items() if c.startswith("RU-")}
            if specific and not any(c.split("-")[0] not in ("RU",) and c not in CENTRAL_ASIA for c in chosen):
                chosen.update(specific)
        _drop_bare_countries(chosen)
        if not chosen or set(chosen) == {"RU"}:
            # The scene-setting paragraph before the case ("Police in St Petersburg went hunting
            # for migrants.") when the case itself names no more specific place.
            for lo, hi in self._context_spans(segment):
                found: dict[str, Span] = {}
                for m in mentions_within(known.places, lo, hi):
                    if m.value.startswith("RU") and self._place_tier(m, ()) == 1:
                        found.setdefault(m.value, (m.start, m.end))
                _drop_bare_countries(found)
                if found and (not chosen or any(c.startswith("RU-") for c in found)):
                    chosen = {c: sp for c, sp in found.items() if not chosen or c.startswith("RU")} or chosen
                    break
        if not chosen:
            # "В московском метро": a city named only by its adjective.
            for lo, hi in [(segment.start, segment.end)] + self._context_spans(segment):
                m = _CITY_ADJECTIVE.search(self.text, lo, hi)
                if m is not None:
                    chosen[_CITY_ADJECTIVE_CODES[m.group(1).casefold()[:4]]] = (m.start(), m.end())
                    break
        if not chosen:
            body = self.text[segment.start:segment.end]
            m = _RUSSIA_WORD.search(body)
            base = segment.start
            if m is None:
                m = _RUSSIA_WORD.search(self.text)
                base = 0
            if m is not None:
                chosen["RU"] = (base + m.start(), base + m.end())
        return chosen

    # -- nationalities --------------------------------------------------------------------------
    def _nationality_ok(self, m: Mention) -> bool:
        if m.value == "RU":
            return False
        if m.value == "UA":
            # "sent to Ukraine" is a destination; Ukrainians are people words.
            window = self.text[max(0, m.start - 30):m.end + 15]
            return bool(_UA_PEOPLE.search(window))
        return True

    def nationalities(self, segment: Segment) -> dict[str, Span]:
        known = self.mentions
        chosen: dict[str, Span] = {}
        languages: dict[str, Span] = {}
        for m in mentions_within(known.nationalities, segment.start, segment.end):
            if self._nationality_ok(m):
                # "posters in Tajik, Uzbek and Kyrgyz": a language names the audience, weaker
                # than a word about the people themselves.
                target = languages if _LANGUAGE_AFTER.match(self.text, m.end) else chosen
                target.setdefault(m.value, (m.start, m.end))
        if chosen or languages:
            return chosen or languages
        # Foreign countries the case names other than as the place of the act: the victims' home
        # towns, their families' funerals, their governments ("near Dushanbe, the family buried
        # him", "власти Танзании подтвердили гибель студента").
        home: dict[str, Span] = {}
        for m in mentions_within(known.places, segment.start, segment.end):
            country = m.value.split("-", 1)[0]
            if m.kind != "place" or country in ("RU", "UA") or self._place_tier(m, segment.sentences) != 0:
                continue
            if _TRANSIT.search(self.text, max(0, m.start - 15), m.start):
                continue  # "через Казахстан вернулся домой": a country passed through
            if country in CENTRAL_ASIA or not known.nationalities:
                home.setdefault(country, (m.start, m.end))
        if home:
            return home
        doc_nats = [m for m in known.nationalities if self._nationality_ok(m)]
        if doc_nats:
            top = Counter(m.value for m in doc_nats).most_common(1)[0][0]
            first = next(m for m in doc_nats if m.value == top)
            return {top: (first.start, first.end)}
        foreign = [m for m in known.places if m.kind == "place" and "-" not in m.value and m.value not in ("RU", "UA")]
        if foreign:
            top = Counter(m.value for m in foreign).most_common(1)[0][0]
            first = next(m for m in foreign if m.value == top)
            return {top: (first.start, first.end)}
        return {}

    # -- date -----------------------------------------------------------------------------------
    def _date_score(self, m: Mention, segment: Segment) -> tuple[float, _Where]:
        w = self._where(m, segment.sentences)
        score = 0.0
        if w.is_act:
            score += 3
        elif w.is_after:
            score -= 4
        elif w.is_before:
            score -= 3
        if w.report is not None and (not w.is_act or w.report < w.act):
            score -= 4  # the date of a report, a call or an interview, not of the act (rule 10)
        if _DATELINE.match(self.text) and m.start < _DATELINE.match(self.text).end():
            score -= 6  # "NEW DELHI, 13 September." opens the report: its date, not the act's
        if m.kind == "date_relative" and m.precision == "day" and not w.is_act \
                and not any(ch.isdigit() for ch in m.text):
            score -= 2  # "on Thursday", "yesterday": usually the report's day
        s = w.sentence
        if s is not None:
            if s is segment.anchor:
                score += 2
            if any(c.category in _ACT_CUE_CATEGORIES for c in s.cues):
                score += 1
        if m.kind == "date_relative" and m.precision == "year":
            score -= 1.5  # "recently", "this year": a fallback
        return score, w

    def _opens_story(self, m: Mention) -> bool:
        """Whether a date stands in the first sentence of the text, a sentence about the act."""
        first = self.paragraphs[0] if self.paragraphs else (0, 0)
        if not first[0] <= m.start < first[1]:
            return False
        lo, hi = self._sentence_bounds(m.start)
        return lo <= first[0] + 1 and _ACT.search(self.text, lo, hi) is not None \
            and _REPORT.search(self.text, lo, hi) is None

    def date(self, segment: Segment) -> tuple[str | None, str | None, Span | None]:
        known = self.mentions
        published = known.published or ""

        def ok(m) -> bool:
            return not published or m.value[:len(published)] <= published or m.value[:4] <= published[:4]

        inside = [m for m in mentions_within(known.dates, segment.start, segment.end) if ok(m)]
        scored = [(self._date_score(m, segment)[0], m) for m in inside]
        good = [(sc, m) for sc, m in scored if sc >= 0]
        if good:
            best_score = max(sc for sc, _ in good)
            top = [m for sc, m in good if sc == best_score]
            # Prefer dates at or before the anchor, then the earliest.
            anchor_end = segment.anchor.end
            before = [m for m in top if m.start < anchor_end]
            m = (before or top)[0]
            # A more precise mention that agrees with the chosen one ("April 2025" ... "on 3 April").
            for sc, other in good:
                if other is not m and other.value.startswith(m.value + "-") and sc >= 0:
                    m = other
            return m.value, m.precision, (m.start, m.end)
        # (A conviction or trial is not a later stage here: prisoners are recruited after it.)
        later = [m for m in inside if self._where(m, segment.sentences).is_after
                 and not _COURT.search(self.text, *self._where(m, segment.sentences).clause)]
        if later:
            # Only later events (deployment, death) are dated: the act happened by then; keep
            # the year of the first of them, never its month (rule 10).
            m = later[0]
            return m.value[:4], "year", (m.start, m.end)
        m = self._last_date_before(segment.start, ok)
        if m is not None:
            if self._opens_story(m):
                # The date that opens the story ("Friday prayers on 20 October ended at the
                # enlistment office"): the people of the later paragraphs were taken that day.
                return m.value, m.precision, (m.start, m.end)
            return m.value[:4], "year", (m.start, m.end)
        if known.published_year:
            a = segment.anchor
            return known.published_year, "year", (a.start, a.end)
        return None, None, None


    def _last_date_before(self, pos: int, ok) -> Mention | None:
        """The last date before ``pos`` that ``ok`` accepts and whose clause is neither the person's
        life before the act nor what followed it (read from the end: linear in a document of many cases)."""
        dates = self.mentions.dates
        if self._date_starts is None:
            self._date_starts = [m.start for m in dates]
        for k in range(bisect_left(self._date_starts, pos) - 1, -1, -1):
            m = dates[k]
            if ok(m) and not (self._where(m, ()).is_before or self._where(m, ()).is_after):
                return m
        return None


def _drop_bare_countries(chosen: dict[str, Span]) -> None:
    """``RU`` beside ``RU-MOW``: the specific code is kept (it also matches a gold ``RU``)."""
    for code in list(chosen):
        if "-" not in code and any(c.startswith(code + "-") for c in chosen):
            del chosen[code]


__all__: Iterable[str] = ("Selector", "CENTRAL_ASIA")
