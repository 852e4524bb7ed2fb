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

from sqlalchemy import case, func, select

from recruitwatch.errors import ConfigError
from recruitwatch.publish import redact as rules
from recruitwatch.publish.export import DIMENSIONS, check_public_filters, dimension_values
from recruitwatch.publish.source import BATCH, iter_rows
from recruitwatch.store import IncidentFilter, Store
from recruitwatch.store import rows as R
from recruitwatch.store.schema import incident_codes, incidents

_CODE_DIMS = {"tactic": "tactic", "actor": "actor", "nationality": "nationality", "region": "place",
              "country": "place", "place": "place"}

DASHBOARD_DIMENSIONS = ("month", "region", "country", "nationality", "tactic", "actor", "status", "outcome")


def public_breakdowns(store: Store, filters: IncidentFilter | None = None, min_count: int | None = None, *,
                      dims: Sequence[str] = DASHBOARD_DIMENSIONS) -> dict[str, Any]:
    """Public counts of incidents (cases) per value of each of ``dims``, counted by the database.

    Returns ``{"min_count": k, "breakdowns": {dim: [(value, count), ...]}}``: months and years in
    time order, everything else largest first; only counts of at least ``k``. The same figures as
    :func:`stream_breakdowns` (the export's rules, in Python), which a test holds it to.
    """
    dims = _check(dims)
    check_public_filters(filters)
    k = rules.min_count(min_count)
    where = [*R.filter_conditions(filters, correlated=False), incidents.c.verification.notin_(rules.UNPUBLISHED_STATES)]
    counts: dict[str, Counter] = {}
    with store._connect() as conn:
        for d in dims:
            # An incident has one row per code (the primary key), so only generalised places need DISTINCT.
            n = (func.count(incidents.c.id.distinct()) if d in ("region", "country", "place") else func.count()).label("n")
            if d in _CODE_DIMS:
                key = (_public_code(incident_codes.c.code, store.dialect, d) if _CODE_DIMS[d] == "place"
                       else incident_codes.c.code)
                stmt = (select(key.label("key"), n)
                        .join_from(incident_codes, incidents, incidents.c.id == incident_codes.c.incident_id)
                        .where(incident_codes.c.field == _CODE_DIMS[d], *where))
            elif d in ("month", "year"):
                width = 7 if d == "month" else 4
                key = func.substr(incidents.c.date, 1, width)
                stmt = select(key.label("key"), n).where(func.length(incidents.c.date) >= width, *where)
            else:
                key = incidents.c[d]
                stmt = select(key.label("key"), n).where(*where)
            counts[d] = Counter({str(value): int(c) for value, c in conn.execute(stmt.group_by(key)).all() if value})
    return {"min_count": k, "breakdowns": _suppressed(counts, k)}


def _public_code(code, dialect: str, dim: str):
    """SQL for :func:`recruitwatch.publish.redact.public_place` (region) or the country of a place code."""
    country = func.upper(func.substr(code, 1, 2))
    if dim == "country":
        return country
    # RU-SPE stays; a finer RU-SPE-X becomes RU-SPE; any other country's code becomes the country.
    rest = func.substr(code, 4)
    dash = func.instr(rest, "-") if dialect == "sqlite" else func.strpos(rest, "-")
    region = case((dash > 0, func.substr(code, 1, dash + 2)), else_=code)
    subdivided = func.substr(code, 3, 1) == "-"
    return case((country.in_(rules.SUBDIVIDED) & subdivided, func.upper(region)), else_=country)


def _check(dims: Sequence[str]) -> tuple[str, ...]:
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ConfigError(f"cannot break incidents down by {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}")
    return tuple(dims)


def stream_breakdowns(store: Store, filters: IncidentFilter | None = None, min_count: int | None = None, *,
                      dims: Sequence[str] = DASHBOARD_DIMENSIONS, batch: int = BATCH) -> dict[str, Any]:
    """:func:`public_breakdowns` computed in Python over the incidents read in batches (the export's path)."""
    dims = _check(dims)
    check_public_filters(filters)
    k = rules.min_count(min_count)
    counts: dict[str, Counter] = {d: Counter() for d in dims}
    for row in iter_rows(store, filters, sources=False, batch=batch):
        if not rules.publishable(row.fields["verification"]):
            continue
        for d in dims:
            counts[d].update(dimension_values(row.fields, d, public=True))
    return {"min_count": k, "breakdowns": _suppressed(counts, k)}


def _suppressed(counts: dict[str, Counter], k: int) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for d, counter in counts.items():
        kept = [(value, n) for value, n in counter.items() if n >= k]
        kept.sort(key=(lambda c: c[0]) if d in ("month", "year") else (lambda c: (-c[1], c[0])))
        out[d] = kept
    return out
