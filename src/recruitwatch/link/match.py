"""Whether two incidents from different documents describe the same case, and how sure that is.

The decision has two steps:

1. **Gates** (all must hold): different documents; neither incident is *vague* (a date no finer
   than a year and places no finer than a country); both dated, the dates compatible at the
   coarser precision (two days up to ``DAY_SLACK`` apart count as one: reports date an event by
   when it happened or when it was told); a shared place below country level (a region,
   ``RU-MOW``; a country alone never links two reports); nationalities not disjoint when both
   name some; counts not far apart when both give one.
2. **Score** in 0..1, a weighted sum of how closely the date agrees, nationalities, tactics,
   counts and the *people*: name stems and numbers (ages, counts, sums) that survive translation
   (see :mod:`recruitwatch.link.features`); two passages that both name people and share no
   name are about different people. Two incidents are one case from ``MERGE_SCORE``.
   When the coarser date is only a year, the people must agree too (``people >= STRONG_PEOPLE``).

``match`` is symmetric (``match(a, b)`` and ``match(b, a)`` agree), which is what makes the
result independent of the order documents are ingested in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as _date
from datetime import timedelta as _timedelta

from recruitwatch.link.features import LinkKeys
from recruitwatch.records import Incident

MERGE_SCORE = 0.65
STRONG_PEOPLE = 0.6
DAY_SLACK = 2
WEIGHTS = {"date": 0.25, "nationalities": 0.10, "tactics": 0.10, "count": 0.10, "people": 0.45}
NOTHING_TO_COMPARE = 0.4  # the people signal when neither names nor numbers can be compared
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True, slots=True)
class Match:
    """A decision that two incidents are one case: the score and the fields that agree."""

    score: float
    fields: dict[str, float] = field(default_factory=dict)  # per signal, 0..1

    def describe(self) -> str:
        return f"{self.score:.2f} (" + ", ".join(f"{k} {v:.2f}" for k, v in self.fields.items() if v > 0) + ")"


def precision(incident: Incident) -> str | None:
    if not incident.date:
        return None
    if incident.date_precision in _PRECISION_RANK:
        return incident.date_precision
    return ("year", "month", "day")[min(2, incident.date.count("-"))]


def regions(incident: Incident) -> set[str]:
    """The places of an incident below country level (ISO 3166-2 subdivision codes)."""
    return {p for p in incident.places if "-" in p}


def is_vague(incident: Incident) -> bool:
    """Known only as a year (or no date) and a country: such an incident never corroborates another."""
    return precision(incident) in (None, "year") and not regions(incident)


def _day(value: str) -> _date | None:
    try:
        return _date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_agreement(a: Incident, b: Incident) -> float | None:
    """How closely two dates agree (1 = same day), or None when they are incompatible."""
    pa, pb = precision(a), precision(b)
    if pa is None or pb is None or not a.date or not b.date:
        return None
    coarse = max(pa, pb, key=_PRECISION_RANK.__getitem__)
    width = {"year": 4, "month": 7, "day": 10}[coarse]
    if coarse == "day":
        da, db = _day(a.date), _day(b.date)
        if da is None or db is None:
            return None
        gap = abs((da - db).days)
        return 1.0 if gap == 0 else 0.7 if gap <= DAY_SLACK else None
    if a.date[:width] != b.date[:width]:
        return None
    return 0.5 if coarse == "month" else 0.15


def _overlap(a: list[str], b: list[str]) -> float | None:
    """1 when the lists share a value, 0.5 when either is empty, None when both are given and disjoint."""
    if not a or not b:
        return 0.5
    return 1.0 if set(a) & set(b) else None


def _shared(a: set[str], b: set[str], cap: int = 3) -> float | None:
    if not a or not b:
        return None
    return min(1.0, len(a & b) / min(len(a), len(b), cap))


def people_agreement(a: LinkKeys, b: LinkKeys) -> float | None:
    """How far the people agree, 0..1: the names both passages give and their numbers (ages,
    counts, sums). None when both name people and no name is shared: different people."""
    names = _shared(set(a.names), set(b.names))
    numbers = _shared(set(a.numbers), set(b.numbers))
    if names == 0.0:
        return None
    if names is None and numbers is None:
        return NOTHING_TO_COMPARE
    if names is None:
        return NOTHING_TO_COMPARE + 0.4 * numbers  # type: ignore[operator]
    if numbers is None:
        return names
    return 0.7 * names + 0.3 * numbers


def _span(value: str) -> tuple[_date, _date] | None:
    """First and last day a ``YYYY[-MM[-DD]]`` date can mean."""
    try:
        parts = [int(p) for p in value.split("-")[:3]]
        if len(parts) == 1:
            return _date(parts[0], 1, 1), _date(parts[0], 12, 31)
        if len(parts) == 2:
            first = _date(parts[0], parts[1], 1)
            following = _date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return first, following - _timedelta(days=1)
        day = _date(*parts)
        return day, day
    except ValueError:
        return None


def blocks(incident: Incident) -> list[str]:
    """Blocking keys ``REGION|YYYY-MM``: one per region of the incident and month its date (with
    ``DAY_SLACK`` days either side) touches. Incidents that can match share at least one; vague
    and undated incidents have none (they never match)."""
    if is_vague(incident) or not incident.date or not regions(incident):
        return []
    span = _span(incident.date)
    if span is None:
        return []
    first, last = span[0] - _timedelta(days=DAY_SLACK), span[1] + _timedelta(days=DAY_SLACK)
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [f"{r}|{month}" for r in sorted(regions(incident)) for month in months]


def match(a: Incident, ka: LinkKeys, b: Incident, kb: LinkKeys) -> Match | None:
    """A :class:`Match` when ``a`` and ``b`` describe the same case, else None."""
    if a.document_id == b.document_id or is_vague(a) or is_vague(b):
        return None
    dates = date_agreement(a, b)
    if dates is None or not (regions(a) & regions(b)):
        return None
    nationalities = _overlap(a.nationalities, b.nationalities)
    if nationalities is None:
        return None
    tactics = _overlap(a.tactics, b.tactics)
    if a.count is not None and b.count is not None:
        low, high = sorted((a.count, b.count))
        if high > max(2 * low, low + 2):
            return None
        count = 1.0 if low == high else 0.5
    else:
        count = 0.5
    people = people_agreement(ka, kb)
    if people is None:
        return None
    coarse_year = "year" in (precision(a), precision(b))
    if coarse_year and people < STRONG_PEOPLE:
        return None
    signals = {"date": dates, "places": 1.0, "nationalities": nationalities, "tactics": tactics or 0.0,
               "count": count, "people": people}
    score = sum(WEIGHTS[k] * v for k, v in signals.items() if k in WEIGHTS)
    if score < MERGE_SCORE:
        return None
    # At most 0.99: a score of 1 is kept for copies of one report (one near-duplicate group).
    return Match(round(min(score, 0.99), 3), {k: round(v, 3) for k, v in signals.items()})
