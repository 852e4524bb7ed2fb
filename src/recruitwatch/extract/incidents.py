"""Assembling the fields of one incident from its segment, each value with its evidence.

* tactics: direct tactic cues of the segment, plus tactics described without their usual
  words: a military cue in one sentence with a state-office setting (summons_at_state_office),
  a custody setting (detention_pressure), an online/phone channel (online_or_phone_solicitation)
  or a physical advertising place (recruitment_drive, rule 8);
* actors: actor cues (rule 5 mappings live in the lexicons);
* status: rule 3 (detainee only for prison / pre-trial / migrant detention; dual only when the
  first citizenship was kept), from the segment, else from the whole document;
* outcome: the latest stage reported (rule 2);
* count: the stated number of people, 1 for an individual case, else null (rule 6);
* places, nationalities, date: the finders' mentions, chosen for the segment and for
  the recruitment act (rule 1: not where the person served or died; rule 10: the act's date).
"""

from __future__ import annotations

import re

from recruitwatch.extract import geo_select
from recruitwatch.extract.dates import find_dates
from recruitwatch.extract.gazetteer import tokens
from recruitwatch.extract.learned import MODEL_LANG, RULE_CONFIDENCE, MentionScores, SentenceLabels
from recruitwatch.extract.nationalities import find_nationalities, origin_candidates
from recruitwatch.extract.places import find_places
from recruitwatch.extract.segment import Segment, Sentence
from recruitwatch.records import CueHit, Document, DocumentMentions, Evidence, Incident, Mention, mentions_within
from recruitwatch.taxonomy.lexicon import CONTRACT_WORD, number_words, word_class

OUTCOME_RANK = {"refused": 1, "evaded_or_left": 2, "signed_contract": 3, "deployed": 4, "wounded": 5,
                "deserted": 6, "captured": 6, "killed": 7, "deported": 8, "returned_home": 8,
                "prosecuted_at_home": 9}
STATUS_ORDER = ("detainee", "dual_citizen", "naturalized_citizen", "residence_permit_holder", "student",
                "foreign_national")
_COMBOS = {  # institution cue + military cue in one sentence -> tactic
    "state_office": "summons_at_state_office",
    "custody": "detention_pressure",
    "online": "online_or_phone_solicitation",
    "physical_ad": "recruitment_drive",
}
# Words of the lexicons (their [words] and [numbers] tables): people counted, approximations,
# number words, pronouns of one or several people.
_PEOPLE = "(?:" + word_class("people") + ")"
_COUNT = re.compile(r"(?:(?:" + word_class("approximately") + r")\s+)?"
                    r"(\d{1,3}(?:[ ,]\d{3})*|\d+)\s+(?:\w+\s+){0,2}?" + _PEOPLE + r"\b", re.IGNORECASE)
_WORD_NUMBERS = number_words()
_WORD_COUNT = re.compile(r"\b(" + "|".join(map(re.escape, _WORD_NUMBERS)) + r")\b"
                         r"(?:\s+(?:of\s+)?(?:\w+\s+){0,2}?" + _PEOPLE + r"\b|(?=\s+(?:их|of\s+them)))", re.IGNORECASE)
_SINGULAR = re.compile(r"\b(?:" + word_class("singular") + r")\b", re.IGNORECASE)
_PLURAL = re.compile(r"\b(?:" + word_class("plural") + r")\b", re.IGNORECASE)
_ARREST_VERB = re.compile("(?:" + word_class("arrest") + ")", re.IGNORECASE)



def _ev(field: str, value: str, start: int, end: int, doc: Document, confidence: float | None = None) -> Evidence:
    return Evidence(field=field, value=value, start=start, end=end, text=doc.text[start:end], document_id=doc.id,
                    confidence=confidence)





def _sentence_of(segment: Segment, pos: int) -> Sentence | None:
    return next((s for s in segment.sentences if s.start <= pos < s.end), None)


def _military(s: Sentence) -> CueHit | None:
    return next((c for c in s.cues if c.category == "relevance" and c.code in ("military", "foreign_recruitment")), None)


# Offers and threats: when one is made in custody (same sentence, or the sentence after the
# custody setting) it is pressure applied in custody (rule 4).
_PRESSURE = ("threat_of_prosecution", "threat_to_status", "financial_incentive", "citizenship_promise")


# Advice to readers opens with an imperative or a condition addressed to them.
_ADVICE = re.compile(r"\W*(?:do\s+not|don't|never|if\s+you|always|ask\s+for|refuse\s+to|make\s+sure|"
                     r"you\s+(?:are\s+not|aren't)\s+obliged|you\s+(?:have\s+the\s+right|can|may|should|must)\b|"
                     r"вы\s+не\s+обязаны|вы\s+имеете\s+право|вы\s+можете|"
                     r"не\s+подписывайте|не\s+подписывай|никогда\s+не|если\s+вас|если\s+вам|если\s+вы|требуйте|"
                     r"просите|спрашивайте|обязательно)\b", re.IGNORECASE)


def _mil_or_contract(s: Sentence, text: str | None) -> bool:
    return _military(s) is not None or (text is not None and bool(CONTRACT_WORD.search(text, s.start, s.end)))


def tactics_of(segment: Segment, text: str | None = None) -> dict[str, CueHit]:
    found: dict[str, CueHit] = {}
    sentences = segment.sentences
    military_anywhere = any(_mil_or_contract(s, text) for s in sentences)
    for i, s in enumerate(sentences):
        if text is not None and _ADVICE.match(text, s.start):
            continue  # "Do not sign anything without reading it": advice, not an act
        mil = _mil_or_contract(s, text)
        pressure_here = any(s.has("tactic", code) for code in _PRESSURE)
        pressure_next = i + 1 < len(sentences) and any(sentences[i + 1].has("tactic", code) for code in _PRESSURE)
        for c in s.cues:
            if c.category == "tactic" and (military_anywhere or c.lang == MODEL_LANG):
                if c.code == "financial_incentive" and s.has("tactic", "false_job_offer"):
                    continue  # the promised wage of a fake job is false_job_offer (rule 4)
                found.setdefault(c.code, c)
            if c.category == "institution" and c.code == "custody" and military_anywhere:
                arrest = bool(_ARREST_VERB.match(c.text))
                if pressure_here or (pressure_next and not arrest):
                    found.setdefault("detention_pressure", c)  # an offer or threat made in custody
                    continue
            if c.category == "institution" and c.code in _COMBOS and mil:
                if c.code == "online" and not (s.has("institution", "advert") or s.has("tactic", "financial_incentive")
                                               or s.has("tactic", "citizenship_promise")):
                    continue  # a channel alone is not a solicitation
                if c.code == "custody" and _ARREST_VERB.match(c.text):
                    continue  # being detained is not yet pressure in custody
                if c.code == "state_office" and s.has("tactic", "recruitment_drive"):
                    continue  # a recruitment point set up at a migration centre is a drive (not a summons)
                found.setdefault(_COMBOS[c.code], c)
    # "They took the citizenship oath. Right after, officers handed each a summons": the office
    # set in one sentence is the setting of the military act in the next one of the paragraph.
    if "summons_at_state_office" not in found:
        for p in segment.paragraphs:
            for prev, s in zip(p.sentences, p.sentences[1:]):
                office = next((c for c in prev.cues if c.category == "institution" and c.code == "state_office"), None)
                if office is not None and _mil_or_contract(s, text) and not _mil_or_contract(prev, text) \
                        and not s.has("tactic", "recruitment_drive"):
                    found["summons_at_state_office"] = office
                    break
    # An advert whose medium is not stated gets neither advertising tactic (rule 8).
    return found


def status_of(segment: Segment, doc_hits: list[CueHit]) -> tuple[str, CueHit | None]:
    def pick(cues: list[CueHit]) -> tuple[str, CueHit | None]:
        by_code: dict[str, CueHit] = {}
        for c in cues:
            if c.category == "status":
                by_code.setdefault(c.code, c)
            elif c.category == "institution" and c.code == "prison":
                by_code.setdefault("detainee", c)
        for code in STATUS_ORDER:
            if code in by_code:
                return code, by_code[code]
        return "unknown", None
    status, hit = pick(segment.cues)
    if status == "unknown":
        # The document's other statuses, but never custody: a prison or detention centre named
        # elsewhere in the text does not put this person in it (rule 3).
        status, hit = pick([c for c in doc_hits if not (c.category == "institution" and c.code == "prison")
                            and not (c.category == "status" and c.code == "detainee")])
    if status == "unknown":
        # A migrant or a national of another country with no Russian status stated is a foreign
        # national (patent, work permit, visa-free stay).
        hit = next((c for c in segment.cues if c.category == "relevance" and c.code == "migrant"), None)
        if hit is not None:
            status = "foreign_national"
    return status, hit


# An outcome word governed by a condition, a modal or a negation is not a stage reached:
# "unless he signed a contract", "would be deported", "не подписал контракт", "если подпишет".
_NOT_REACHED = re.compile(r"(?<!\w)(?:unless|if|whether|would|will|could|might|must|should|or\s+else|otherwise|to|not|never|n't|"
                          r"going|instead\s+of|если|чтобы|иначе|или|либо|не|будет|будут|могут|может|хотели|хотят|грозит|назначит|назначат|вместо|"
                          r"agar|aks\s+holda|агар|вагарна|эгер|болбосо|егер|әйтпесе)\s+(?:[\w'’]+\s+){0,2}$", re.IGNORECASE)
# ... or negated after it: "выдворение назначено не было", "a deportation that never happened".
_NOT_REACHED_AFTER = re.compile(r"\s*(?:[\w'’]+\s+){0,1}(?:не\s+(?:было|был|была|были|состоял\w*)|was\s+not|were\s+not|"
                                r"never\s+happened|did\s+not\s+happen)\b", re.IGNORECASE)
# A sentence handed down by a court: in a document about prosecution at home (a prosecuted_at_home
# cue anywhere in it), the case's own verdict is prosecution at home (rules 2 and 9).
_VERDICT = re.compile(r"(?<!\w)(?:" + word_class("verdict") + ")", re.IGNORECASE)


def outcome_of(segment: Segment, text: str | None = None,
               doc_hits: list[CueHit] | None = None) -> tuple[str, CueHit | None]:
    best: tuple[int, CueHit] | None = None
    threats = [c for c in segment.cues if c.category == "tactic" and c.lang != MODEL_LANG
               and c.code in ("threat_to_status", "threat_of_prosecution", "false_job_offer", "financial_incentive",
                              "citizenship_promise", "detention_pressure")]
    for s in segment.sentences:
        unreached: set[str] = set()  # outcome words of this sentence the rules read as not reached
        for c in sorted(s.cues, key=lambda c: c.lang == MODEL_LANG):  # cues first, then model labels
            if c.category != "outcome":
                continue
            if c.lang == MODEL_LANG and c.code in unreached:
                continue  # a label cannot undo the condition or negation the words carry
            # "would be deported unless he signed" is a threat, not an outcome: an outcome cue inside
            # a threat or offer cue is not a stage the person reached (rule 2).
            if any(t.start <= c.start < t.end for t in threats):
                unreached.add(c.code)
                continue
            if text is not None and (_NOT_REACHED.search(text[max(s.start, c.start - 40):c.start])
                                     or _NOT_REACHED_AFTER.match(text, c.end)):
                unreached.add(c.code)
                continue
            rank = OUTCOME_RANK.get(c.code, 0)
            if best is None or rank > best[0]:
                best = (rank, c)
    if text is not None and doc_hits and (best is None or best[1].code != "prosecuted_at_home") \
            and any(c.category == "outcome" and c.code == "prosecuted_at_home" for c in doc_hits):
        m = _VERDICT.search(text, segment.start, segment.end)
        if m is not None:
            lang = best[1].lang if best else (segment.cues[0].lang if segment.cues else "en")
            best = (OUTCOME_RANK["prosecuted_at_home"],
                    CueHit("outcome", "prosecuted_at_home", m.start(), m.end(), m.group(0), lang))
    return (best[1].code, best[1]) if best else ("unknown", None)


# Generic words for staff ("officers", "officials", "сотрудники") name no body of their own when
# they stand next to a named one ("FSB officers", "migration officials", "officers of the enlistment office").
_GENERIC_ACTOR = re.compile(r"^(?:officers?|officials?|staff|employees|guards|сотрудник\w*|чиновник\w*|xodim\w*|"
                            r"кызматкер\w*|қызметкер\w*|кормандон\w*|корманд\w*)$", re.IGNORECASE)
_OF_LINK = re.compile(r"^\s*(?:of|from|at|with|in)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$|^\s*$", re.IGNORECASE)
_COURT_WORD = re.compile(r"^(?:(?:a|the)\s+court|judges?|суд\w*|судь\w+|sud\w*|суди\w*|сот\w*)$", re.IGNORECASE)


def actors_of(segment: Segment, tactics: dict[str, CueHit], outcome: str,
              text: str | None = None) -> dict[str, CueHit]:
    hits = [c for c in segment.cues if c.category == "actor"]
    kept: list[CueHit] = []
    for c in hits:
        others = [o for o in hits if o.code != c.code and o.lang != MODEL_LANG]
        # "officials" inside "migration officials": the longer, named body wins.
        if any(o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in others):
            continue
        if text is not None and _GENERIC_ACTOR.match(c.text.strip()):
            if any(0 <= c.start - o.end <= 2 for o in others):  # "FSB officers"
                continue
            if any(o.start >= c.end and _OF_LINK.match(text[c.end:o.start]) for o in others):  # "officers of the FSB"
                continue
        if c.code == "investigative_or_court" and _COURT_WORD.match(c.text.strip()):
            sentence = _sentence_of(segment, c.start)
            if sentence is None or not sentence.has("tactic"):
                continue  # a court that only rules (expulsion, verdict) recruits nobody
        kept.append(c)
    actors: dict[str, CueHit] = {}
    for c in kept:
        actors.setdefault(c.code, c)
    # Recruiters reaching people through social media, messages, calls or ads are online
    # recruiters; a channel that only reports news is not one.
    if "online_or_phone_solicitation" in tactics:
        actors.setdefault("online_recruiter", tactics["online_or_phone_solicitation"])
    else:
        actors.pop("online_recruiter", None)
    if outcome == "prosecuted_at_home":
        actors.pop("investigative_or_court", None)  # the court at home tries, it did not recruit
    return actors


def count_of(text: str, segment: Segment) -> tuple[int | None, tuple[int, int] | None]:
    anchor = segment.anchor
    body = text[segment.start:segment.end]
    numbers: list[tuple[int, int, int]] = []
    for m in _COUNT.finditer(body):
        value = int(re.sub(r"[ ,]", "", m.group(1)))
        if 1 < value < 100000 and not (1900 <= value <= 2100):
            numbers.append((value, segment.start + m.start(), segment.start + m.end()))
    for m in _WORD_COUNT.finditer(body):
        numbers.append((_WORD_NUMBERS[m.group(1).lower()], segment.start + m.start(), segment.start + m.end()))
    if numbers:
        near = min(numbers, key=lambda n: abs(n[1] - anchor.start))
        return near[0], (near[1], near[2])
    sentence = text[anchor.start:anchor.end]
    if _SINGULAR.search(sentence) and not _PLURAL.search(sentence):
        return 1, (anchor.start, anchor.end)
    return None, None


def build(doc: Document, segment: Segment, doc_hits: list[CueHit], found: DocumentMentions,
          selector: geo_select.Selector, labels: SentenceLabels, mentions: MentionScores) -> Incident:
    text = doc.text
    evidence: list[Evidence] = []
    anchor = segment.anchor

    def coded(field: str, code: str, hit: CueHit) -> Evidence:
        confidence = labels.confidence(field, code, segment.start, segment.end, hit)
        return _ev(field, code, hit.start, hit.end, doc, confidence)

    def located(field: str, group: str, value: str, span: tuple[int, int], by_rule: bool) -> Evidence:
        return _ev(field, value, span[0], span[1], doc, mentions.confidence(group, span, value, by_rule))

    tactics = tactics_of(segment, text)
    for code, hit in tactics.items():
        evidence.append(coded("tactics", code, hit))

    outcome, o_hit = outcome_of(segment, text, doc_hits)
    actors = actors_of(segment, tactics, outcome, text)
    for code, hit in actors.items():
        evidence.append(coded("actors", code, hit))

    status, s_hit = status_of(segment, doc_hits)
    if s_hit is not None:
        evidence.append(coded("status", status, s_hit))

    if o_hit is not None:
        evidence.append(coded("outcome", outcome, o_hit))

    count, c_span = count_of(text, segment)
    if count is not None and c_span is not None:
        evidence.append(_ev("count", str(count), c_span[0], c_span[1], doc, RULE_CONFIDENCE))

    # Places, nationalities and the date: the rules choose among the finders' mentions (rules 1,
    # 9, 10); the mention classifier adds mentions it is sure of and drops choices it doubts.
    places, added = mentions.adjust("place", selector.places(segment), segment.start, segment.end)
    for code, span in places.items():
        evidence.append(located("places", "place", code, span, code not in added))
    nationalities, added = mentions.adjust("nationality", selector.nationalities(segment), segment.start,
                                           segment.end)
    for code, span in nationalities.items():
        evidence.append(located("nationalities", "nationality", code, span, code not in added))
    date, precision, d_span = selector.date(segment)  # rule 10
    date, precision, d_span, learned_date = mentions.adjust_date(date, precision, d_span, segment.start, segment.end,
                                                                 found, text)
    if date and d_span:
        evidence.append(located("date", "date", date, d_span, not learned_date))

    summary = text[anchor.start:anchor.end].strip()
    if len(summary) > 300:
        summary = summary[:300].rsplit(" ", 1)[0]
    evidence.append(_ev("summary", "", anchor.start, anchor.end, doc))
    return Incident(
        document_id=doc.id, date=date, date_precision=precision, places=sorted(places),
        nationalities=sorted(nationalities), status=status, count=count, actors=sorted(actors),
        tactics=sorted(tactics), outcome=outcome, evidence=evidence, summary=summary,
        confidence=min((e.confidence for e in evidence if e.confidence is not None), default=None),
    )


def _values(inc: Incident, field: str) -> set[str]:
    """An incident's current value(s) of a field, as strings (what evidence names)."""
    lists = {"places": inc.places, "nationalities": inc.nationalities, "actors": inc.actors, "tactics": inc.tactics}
    if field in lists:
        return set(lists[field])
    one = {"status": inc.status, "outcome": inc.outcome, "date": inc.date,
           "count": None if inc.count is None else str(inc.count)}.get(field)
    return {one} if one else set()


def _same_period(a: Incident, b: Incident) -> bool:
    return not a.date or not b.date or a.date[:4] == b.date[:4]


def merge_retold(incidents: list[Incident]) -> list[Incident]:
    """One case, one incident: an incident that names no place or origin beyond those of the
    incident before it, in the same year (or undated), retells or continues that case (a lead
    that retells the case below it, a follow-up paragraph): its values join the earlier incident."""
    out: list[Incident] = []
    for inc in incidents:
        prev = out[-1] if out else None
        if prev is None or not (set(inc.places) <= set(prev.places) and set(inc.nationalities) <= set(prev.nationalities)
                                and _same_period(prev, inc)):
            out.append(inc)
            continue
        _absorb(prev, inc)
    return out


def merge_all(incidents: list[Incident]) -> list[Incident]:
    """The incidents of a document that tells one case, as one incident: the values of all, the
    date the model is surest of (the earliest of equals: the act comes before what followed).
    An incident that cannot be the same case (victims of other countries, places in other
    countries, another year) stays apart."""
    if len(incidents) < 2:
        return incidents
    base = incidents[0]
    same = [inc for inc in incidents[1:] if _compatible(base, inc)]
    dated = [(e.confidence or 0.0, inc.date, inc.date_precision) for inc in [base, *same] for e in inc.evidence
             if e.field == "date" and inc.date and e.value == inc.date]
    if dated:
        best = max(c for c, _, _ in dated)
        _, base.date, base.date_precision = min(d for d in dated if d[0] == best)
    for inc in same:
        _absorb(base, inc)
    return [base] + [inc for inc in incidents[1:] if not any(inc is s for s in same)]


def _compatible(a: Incident, b: Incident) -> bool:
    """Whether two incidents of a document can be one case: what both state agrees (origins
    overlap, places lie in one country, the same year)."""
    countries_a, countries_b = {p.split("-")[0] for p in a.places}, {p.split("-")[0] for p in b.places}
    return (not a.nationalities or not b.nationalities or bool(set(a.nationalities) & set(b.nationalities))) \
        and (not countries_a or not countries_b or bool(countries_a & countries_b)) and _same_period(a, b)


def _absorb(prev: Incident, inc: Incident) -> None:
    """``inc``'s values join ``prev``'s; the outcome is the latest stage of the two (rule 2)."""
    prev.tactics = sorted(set(prev.tactics) | set(inc.tactics))
    prev.actors = sorted(set(prev.actors) | set(inc.actors))
    prev.places = sorted(set(prev.places) | set(inc.places))
    prev.nationalities = sorted(set(prev.nationalities) | set(inc.nationalities))
    for code in [c for c in prev.places if "-" not in c]:  # a country says less than its region
        if any(other.startswith(code + "-") for other in prev.places):
            prev.places.remove(code)
    if prev.status == "unknown":
        prev.status = inc.status
    if OUTCOME_RANK.get(inc.outcome, 0) > OUTCOME_RANK.get(prev.outcome, 0):
        prev.outcome = inc.outcome
    if not prev.date:
        prev.date, prev.date_precision = inc.date, inc.date_precision
    if prev.count is None:
        prev.count = inc.count
    seen: set[tuple[str, str]] = set()
    evidence = []
    for e in prev.evidence + [e for e in inc.evidence if e.field != "summary"]:
        if (e.field == "summary" or e.value in _values(prev, e.field)) and (e.field, e.value) not in seen:
            seen.add((e.field, e.value))
            evidence.append(e)
    prev.evidence = evidence
    prev.confidence = min((e.confidence for e in prev.evidence if e.confidence is not None), default=None)


def read_mentions(doc: Document, lang: str) -> DocumentMentions:
    """Every place, nationality and date the document names (the finders run once)."""
    def by_start(m: Mention) -> int:
        return m.start

    words = tokens(doc.text)
    return DocumentMentions(doc.text, doc.published, sorted(find_places(doc.text, lang, words), key=by_start),
                            sorted(find_nationalities(doc.text, lang, words), key=by_start),
                            sorted(find_dates(doc.text, lang, doc.published), key=by_start))


def mention_groups(found: DocumentMentions) -> dict[str, list[Mention]]:
    """The mentions the classifiers score, by group: places, dates, and nationalities with the
    places abroad as candidate origins (:func:`.nationalities.origin_candidates`). Training and
    extraction both read them here."""
    return {"place": found.places,
            "nationality": found.nationalities + origin_candidates(found.places, found.nationalities, found.text),
            "date": found.dates}


def has_new_anchor(mentions: DocumentMentions, paragraph: Sentence) -> bool:
    """Whether a paragraph names a place and a date of its own (it may open a new incident)."""
    return any(m.kind == "place" for m in mentions_within(mentions.places, paragraph.start, paragraph.end)) \
        and bool(mentions_within(mentions.dates, paragraph.start, paragraph.end))
