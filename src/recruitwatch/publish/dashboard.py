"""Figures for the public dashboard (``recruitwatch serve --public``): the redaction of public exports.

    figures = public_breakdowns(store, IncidentFilter(date_from="2023"), min_count=5)
    figures["breakdowns"]["region"]   # [("RU-MOW", 41), ("RU-SPE", 17), ...]; no cell under 5

Rejected incidents are left out, places are generalised to regions, and every count below the
threshold is dropped (with no total beside it, so nothing can be recovered by subtraction).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from recruitwatch.errors import ConfigError
from recruitwatch.publish import redact as rules
from recruitwatch.publish.export import DIMENSIONS, dimension_values
from recruitwatch.publish.source import BATCH, iter_rows
from recruitwatch.store import IncidentFilter, Store

DASHBOARD_DIMENSIONS = ("month", "region", "country", "nationality", "tactic", "actor", "status", "outcome")


def public_breakdowns(store: Store, filters: IncidentFilter | None = None, min_count: int | None = None, *,
                      dims: Sequence[str] = DASHBOARD_DIMENSIONS, batch: int = BATCH) -> dict[str, Any]:
    """Public counts of incidents (cases) per value of each of ``dims``, in one pass over the store.

    Returns ``{"min_count": k, "breakdowns": {dim: [(value, count), ...]}}``: months and years in
    time order, everything else largest first; only counts of at least ``k``.
    """
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ConfigError(f"cannot break incidents down by {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}")
    k = rules.min_count(min_count)
    counts: dict[str, Counter] = {d: Counter() for d in dims}
    for row in iter_rows(store, filters, sources=False, batch=batch):
        if not rules.publishable(row.fields["verification"]):
            continue
        for d in dims:
            counts[d].update(dimension_values(row.fields, d, public=True))
    out: dict[str, list[tuple[str, int]]] = {}
    for d, counter in counts.items():
        kept = [(value, n) for value, n in counter.items() if n >= k]
        kept.sort(key=(lambda c: c[0]) if d in ("month", "year") else (lambda c: (-c[1], c[0])))
        out[d] = kept
    return {"min_count": k, "breakdowns": out}
