"""Incident matching across sources: reports of the same case corroborate each other.

Two incidents are taken to describe the same case when they come from different documents
and agree on every field both of them state: dates compatible to the coarser precision,
overlapping places (a country code covers its subdivisions), overlapping nationalities and,
when both name tactics, at least one shared tactic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from recruitwatch.records import Incident


class IncidentSource(Protocol):
    def list_incidents(self, filters=None, *, limit: int = 50, offset: int = 0) -> list[Incident]: ...


def _dates_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a.startswith(b) or b.startswith(a)


def _places_overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    for x in a:
        for y in b:
            if x == y or x.startswith(y + "-") or y.startswith(x + "-"):
                return True
    return False


def _overlap_or_unstated(a: list[str], b: list[str]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def same_case(a: Incident, b: Incident) -> bool:
    """Whether two incidents from different documents plausibly report the same case."""
    if a.document_id == b.document_id:
        return False
    return (
        _dates_compatible(a.date, b.date)
        and _places_overlap(a.places, b.places)
        and _overlap_or_unstated(a.nationalities, b.nationalities)
        and _overlap_or_unstated(a.tactics, b.tactics)
        and (a.count is None or b.count is None or a.count == b.count)
    )


def link_incidents(incidents: list[Incident], known: IncidentSource | None = None) -> list[Incident]:
    """Mark incidents that another source also reports as ``corroborated``.

    Candidates are the other incidents of the batch and, when ``known`` is given, stored
    incidents of the same year and place. Returns the incidents (the same objects).
    """
    from recruitwatch.store import IncidentFilter

    for i, incident in enumerate(incidents):
        if not incident.date or not incident.places:
            continue
        candidates = [other for j, other in enumerate(incidents) if j != i]
        if known is not None:
            year = incident.date[:4]
            country = incident.places[0].split("-")[0]
            candidates += known.list_incidents(
                IncidentFilter(date_from=year, date_to=year, place=country), limit=200
            )
        if any(same_case(incident, other) for other in candidates):
            incident.verification = "corroborated"
    return incidents
