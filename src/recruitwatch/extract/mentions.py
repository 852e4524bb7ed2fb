"""The small record every extractor of this package returns: a coded span of the text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Mention:
    """A span ``text[start:end]`` that names a coded value.

    ``kind`` says what the value codes: ``place`` (a toponym), ``place_adj`` (an adjective
    naming a country, "российский", "Russian"), ``nationality``, ``date`` (the text fixes the
    year) or ``date_relative`` (the year or day comes from the document's publication date).
    ``value`` is the code: ISO 3166-2 / ISO 3166-1 alpha-2 for places and nationalities, an
    ISO 8601 date for dates.
    """

    start: int
    end: int
    text: str
    value: str
    kind: str


@dataclass(slots=True, frozen=True)
class DateMention(Mention):
    """A date mention; ``value`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as ``precision`` says."""

    precision: str  # "day" | "month" | "year"
