"""Language-independent keys of an incident, for matching reports of one case across languages.

An English and a Russian report of one case share few words but many *anchors*: the numbers
(ages, counts, sums), the people's names once transliterated to one Latin skeleton, and the
coded fields (date, places, nationalities). :func:`incident_keys` reads these from the passage
of the document the incident's evidence comes from, and keeps them with the incident in the
store (``incidents.link_keys``), so stored incidents are matched without re-reading documents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from recruitwatch.records import Incident

CONTEXT = 300  # characters of text read on each side of the incident's evidence
MAX_PASSAGE = 4000  # a case told over more text than this is read from its first evidence

# Cyrillic (Russian and the Central Asian letters) to one Latin skeleton. The skeleton is not a
# transliteration standard: it maps the spellings that English, Uzbek Latin and Russian reports
# use for one name (Kh/X/Х, Zh/J/Ж, Yu/Ю) to the same letters.
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "u", "я": "a", "ғ": "g", "қ": "k", "ҳ": "h", "ҷ": "j", "ң": "n", "ү": "u", "ө": "o",
    "ә": "a", "і": "i", "ұ": "u", "һ": "h", "ӣ": "i", "ӯ": "u", "ў": "u",
}  # fmt: skip
_LATIN = (
    ("dzh", "j"), ("dj", "j"), ("kh", "h"), ("zh", "j"), ("yu", "u"), ("ya", "a"), ("ye", "e"), ("yo", "o"),
    ("iy", "i"), ("ts", "c"), ("shch", "sh"), ("x", "h"), ("y", "i"), ("w", "v"), ("q", "k"),
)  # fmt: skip
_NAME = re.compile(r"(?<![\w'])([A-ZА-ЯЁҒҚҲҶҢҮӨӘІҰҺ][\w'ʼ‘’-]{2,})")
_NUMBER = re.compile(r"(?<![\d.,])(\d{2,3})(?!\d|[.,]\d)")  # not a year, not part of a longer number
_SENTENCE_START = re.compile(r"(?:^|[.!?…»\"]\s+|\n\s*)$")
STEM = 5  # a name compares on its first letters: Назарова / Nazarov / Nazarova are one name
# Capitalised words that are not people: months and weekdays, English function words, the
# countries and agencies every report names. (Stems, as skeleton()[:STEM] makes them.)
_NOT_NAMES = frozenset("""
janua febru march april mai june juli augus septe octob novem decem
anvar fevra mart aprel iun iul avgus senta oktab noab dekab
monda tuesd wedne thurs frida satur sunda
the she his her thei they this that our its and but for with when after befor acco
russi rossi rusia ukrai kazah uzbek tadji tajik kirgi kirgh turkm centr asia asian
minis minob mvd fsb gumvd migra teleg sizo militari armi defen polic police court sud
""".split())


def skeleton(word: str) -> str:
    """A word's Latin skeleton: ``Рустама`` -> ``rustama``, ``Khodjaev`` / ``Ходжаев`` -> ``hojaev``."""
    w = unicodedata.normalize("NFKD", word.casefold())
    w = "".join(_CYR.get(c, c) for c in w if not unicodedata.combining(c))
    w = re.sub(r"[^a-z]", "", w)
    for a, b in _LATIN:
        w = w.replace(a, b)
    return w


@dataclass(slots=True)
class LinkKeys:
    """What matching needs of an incident besides its coded fields."""

    names: list[str] = field(default_factory=list)  # name stems (Latin skeletons, STEM letters)
    numbers: list[str] = field(default_factory=list)  # 2-3 digit numbers of the passage (ages, counts)
    published: str | None = None  # publication date of the incident's document

    def to_dict(self) -> dict[str, Any]:
        return {"names": self.names, "numbers": self.numbers, "published": self.published}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> LinkKeys:
        data = data or {}
        return cls(list(data.get("names") or []), list(data.get("numbers") or []), data.get("published"))


def passage(incident: Incident, text: str) -> tuple[int, int]:
    """The span of ``text`` the incident is told in: its evidence, with some context."""
    spans = [(e.start, e.end) for e in incident.evidence if e.end > e.start and e.end <= len(text)]
    if not spans:
        return 0, min(len(text), MAX_PASSAGE)
    start = max(0, min(s for s, _ in spans) - CONTEXT)
    end = min(len(text), max(e for _, e in spans) + CONTEXT, start + MAX_PASSAGE)
    return start, end


def incident_keys(incident: Incident, text: str, published: str | None = None) -> LinkKeys:
    """Names, numbers and publication date of an incident, read from its document ``text``."""
    start, end = passage(incident, text)
    chunk = text[start:end]
    # Place and nationality mentions are capitalised too, but they are fields, not people.
    coded = {skeleton(w)[:STEM] for e in incident.evidence if e.field in ("places", "nationalities", "date")
             for w in re.findall(r"\w+", e.text)}
    names: set[str] = set()
    for m in _NAME.finditer(chunk):
        if _SENTENCE_START.search(chunk[max(0, m.start() - 3) : m.start()]) or m.start() == 0:
            continue  # a capital after a full stop says nothing
        stem = skeleton(m.group(1))[:STEM]
        if len(stem) >= 3 and stem not in coded and stem not in _NOT_NAMES:
            names.add(stem)
    numbers = {m.group(1) for m in _NUMBER.finditer(chunk) if not m.group(1).startswith("0")}
    return LinkKeys(sorted(names), sorted(numbers), published)
