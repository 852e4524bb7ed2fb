"""Exports of incidents: per incident or aggregated, public (redacted) or full (admins only).

    result = export(store, "incidents.csv", fmt="csv", per=("region", "month"), actor="ana")
    result = export(store, sys.stdout, fmt="jsonl", full=True, actor="admin")   # personal data!

A public export (``full=False``, the default) applies the rules of :mod:`recruitwatch.publish.redact`:

* aggregated (``per`` = one or more of :data:`DIMENSIONS`): counts of incidents per cell, rejected
  incidents left out, every cell with fewer than ``min_count`` incidents left out (no totals,
  so a suppressed cell cannot be recovered by subtraction);
* per incident: only incidents whose sources include a published web page (so a testimony is
  never a row), never rejected ones, and only those whose (regions, month) cell holds at least
  ``min_count`` such incidents (k-anonymity on place and time); each row carries codes, the month,
  the count, the verification state and the outlets and URLs of published sources, nothing else.

Every export is announced to the store's audit trail before anything is written, when the
store has one (``store.audit``).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import IO, Any

from recruitwatch.errors import ConfigError
from recruitwatch.publish import geo
from recruitwatch.publish import redact as rules
from recruitwatch.publish.source import BATCH, Row, iter_rows, snapshot
from recruitwatch.publish.writers import (
    BINARY_FORMATS,
    CsvWriter,
    GeoJsonWriter,
    JsonLinesWriter,
    ParquetWriter,
    check_format,
)
from recruitwatch.store import IncidentFilter, Store

#: What an aggregated export can count by. ``place`` is the exact code (a region in a public export).
DIMENSIONS = ("month", "year", "region", "country", "place", "tactic", "actor", "nationality", "status", "outcome",
              "verification")
PLACE_DIMENSIONS = ("region", "country", "place")

FULL_COLUMNS = ("id", "case_id", "document_id", "date", "date_precision", "places", "nationalities", "status",
                "count", "actors", "tactics", "outcome", "verification", "sensitivity", "confidence", "summary",
                "evidence", "sources", "pipeline_version")
PUBLIC_COLUMNS = ("date", "date_precision", "places", "nationalities", "status", "count", "actors", "tactics",
                  "outcome", "verification", "sources")
LIST_COLUMNS = ("places", "nationalities", "actors", "tactics")
NESTED_COLUMNS = ("evidence", "sources")
TYPES = {"count": "int", "confidence": "float", "incidents": "int", **dict.fromkeys(LIST_COLUMNS, "list"),
         **dict.fromkeys(NESTED_COLUMNS, "json")}
FILE_MODE = 0o600  # a full export holds personal data; the owner decides whom to give a public one


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int  # rows written (incidents, or aggregated cells)
    withheld: int  # public: cells below the threshold, or incidents left out of a per-incident export
    full: bool
    fmt: str
    per: tuple[str, ...]
    min_count: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_per(per: Sequence[str] | str) -> tuple[str, ...]:
    """``("incident",)`` or a tuple of :data:`DIMENSIONS` (a cross-tabulation when several)."""
    values = tuple(p.strip().lower() for p in ([per] if isinstance(per, str) else per) if p.strip()) or ("incident",)
    if values == ("incident",):
        return values
    unknown = [p for p in values if p not in DIMENSIONS]
    if "incident" in values or unknown:
        raise ConfigError(f"cannot export per {', '.join(unknown) or 'incident together with counts'}; use "
                          f"'incident' alone or any of {', '.join(DIMENSIONS)}")
    return tuple(dict.fromkeys(values))


# -- what a row says --------------------------------------------------------------------------

def dimension_values(fields: dict[str, Any], dim: str, *, public: bool) -> list[str]:
    """The values an incident counts under for ``dim`` (an incident counts once per value)."""
    date, places = fields.get("date") or "", fields.get("places") or []
    if dim == "month":
        return [date[:7]] if len(date) >= 7 else []
    if dim == "year":
        return [date[:4]] if len(date) >= 4 else []
    if dim == "region" or (dim == "place" and public):
        return rules.public_places(places)
    if dim == "country":
        return list(dict.fromkeys(c.strip().upper()[:2] for c in places if c and c.strip()))
    if dim == "place":
        return list(dict.fromkeys(places))
    if dim in ("tactic", "actor", "nationality"):
        return list(dict.fromkeys(fields.get(f"{dim}s" if dim != "nationality" else "nationalities") or []))
    value = fields.get(dim)
    return [value] if value else []


def public_row(row: Row) -> dict[str, Any] | None:
    """The public form of an incident, or None when it must not be a row of its own."""
    f = row.fields
    if not rules.publishable(f["verification"]) or (f.get("sensitivity") or "normal") != "normal":
        return None
    sources = [s for s in (rules.public_source(x.kind, x.url, x.outlet) for x in row.sources) if s]
    if not sources:
        return None  # known only from testimonies, social posts or local files
    date = rules.public_date(f["date"])
    return {
        "date": date,
        "date_precision": None if date is None else ("month" if len(date) == 7 else "year"),
        "places": rules.public_places(f["places"] or []),
        "nationalities": list(f["nationalities"] or []),
        "status": f["status"],
        "count": f["count"],
        "actors": list(f["actors"] or []),
        "tactics": list(f["tactics"] or []),
        "outcome": f["outcome"],
        "verification": f["verification"],
        "sources": [{"outlet": outlet, "url": url} for outlet, url in dict.fromkeys(sources)],
    }


def full_row(row: Row) -> dict[str, Any]:
    inc = row.incident
    assert inc is not None
    return {
        **{name: getattr(inc, name) for name in FULL_COLUMNS if name not in ("evidence", "sources")},
        "evidence": [e.to_dict() for e in inc.evidence],
        "sources": [{"document_id": s.document_id, "kind": s.kind, "outlet": s.outlet, "url": s.url,
                     "published": s.published, "origin": s.origin} for s in row.sources],
    }


def _cell(row: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """The quasi-identifier of a public row: its regions and its month (or year)."""
    return tuple(sorted(row["places"])), row["date"]


# -- rows of an export ------------------------------------------------------------------------

def incident_rows(store: Store, filters: IncidentFilter | None, *, full: bool, k: int, batch: int = BATCH,
                  withheld: list[int] | None = None, conn=None) -> Iterator[dict[str, Any]]:
    """Per-incident rows; for a public export, two passes (in one snapshot, ``conn``): count the
    cells, then write the safe rows."""
    if full:
        for row in iter_rows(store, filters, full=True, batch=batch, conn=conn):
            yield full_row(row)
        return
    cells: Counter = Counter()
    for row in iter_rows(store, filters, batch=batch, conn=conn):
        public = public_row(row)
        if public is not None:
            cells[_cell(public)] += 1
    left_out = 0
    for row in iter_rows(store, filters, batch=batch, conn=conn):
        public = public_row(row)
        if public is None:
            left_out += 1
        elif cells[_cell(public)] >= k:
            yield public
        else:
            left_out += 1
    if withheld is not None:
        withheld.append(left_out)


def count_cells(rows: Iterable[Row], per: Sequence[str], *, public: bool) -> Counter:
    """Incidents per cell of ``per`` (the product of each dimension's values)."""
    counts: Counter = Counter()
    for row in rows:
        if public and not rules.publishable(row.fields["verification"]):
            continue
        values = [dimension_values(row.fields, dim, public=public) for dim in per]
        for cell in product(*values):
            counts[cell] += 1
    return counts


def aggregate_rows(store: Store, filters: IncidentFilter | None, per: Sequence[str], *, full: bool, k: int,
                   batch: int = BATCH, withheld: list[int] | None = None, conn=None) -> Iterator[dict[str, Any]]:
    counts = count_cells(iter_rows(store, filters, sources=False, batch=batch, conn=conn), per, public=not full)
    left_out = 0
    for cell in sorted(counts, key=lambda c: tuple(str(v) for v in c)):
        n = counts[cell]
        if not full and n < k:
            left_out += 1
            continue
        yield {**dict(zip(per, cell)), "incidents": n}
    if withheld is not None:
        withheld.append(left_out)


# -- the export -------------------------------------------------------------------------------

def check_public_filters(filters: IncidentFilter | None) -> None:
    """Public figures count cases: five reports of one case must not pass for five incidents."""
    if filters is not None and (not filters.cases or filters.document_id):
        raise ConfigError("a public export counts cases, not reports (five reports of one case are one incident); "
                          "drop --reports, or make a --full export")


def record_export(store: Store, *, actor: str, details: dict[str, Any]) -> None:
    """Write the export to the audit trail, when the store has one (the trail's hook)."""
    if hasattr(store, "audit"):
        store.audit("export", actor=actor, target_kind="incidents", target_id=None, details=details)


@contextmanager
def _opened(output: str | Path | IO | None, binary: bool) -> Iterator[IO]:
    """A path is written to a private temporary file renamed into place at the end (no half file)."""
    if output is None or output == "-":
        if binary:
            raise ConfigError("Parquet is binary: give an output file (--output FILE)")
        yield sys.stdout
        return
    if not isinstance(output, str | Path):
        yield output
        return
    path = Path(output)
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export(
    store: Store,
    output: str | Path | IO | None,
    *,
    fmt: str = "csv",
    per: Sequence[str] | str = ("incident",),
    filters: IncidentFilter | None = None,
    full: bool = False,
    actor: str,
    min_count: int | None = None,
    batch: int = BATCH,
) -> ExportResult:
    """Export incidents matching ``filters`` to ``output`` (a path, a stream, or None for stdout).

    ``full=False`` (the default) is a public export (see the module's doc and docs/publishing.md);
    ``full=True`` exports everything, summaries and evidence included: for administrators, and
    recorded in the audit trail as such. ``actor`` names who asked.
    """
    fmt = check_format(fmt)
    per = check_per(per)
    k = rules.min_count(min_count)
    if fmt == "geojson" and per != ("incident",) and not any(p in PLACE_DIMENSIONS for p in per):
        raise ConfigError("a GeoJSON export of counts needs a place: add --per region, country or place")
    if not full:
        check_public_filters(filters)
    if fmt in BINARY_FORMATS and (output is None or output == "-"):
        raise ConfigError("Parquet is binary: give an output file (--output FILE)")
    aggregated = per != ("incident",)
    record_export(store, actor=actor, details={
        "full": full, "format": fmt, "per": list(per), "min_count": None if full else k,
        "filters": {k_: v for k_, v in asdict(filters or IncidentFilter()).items() if v not in (None, False)},
        "output": str(output) if isinstance(output, str | Path) else "stream",
    })  # fmt: skip
    withheld: list[int] = []
    if aggregated:
        columns: tuple[str, ...] = (*per, "incidents")
        place_dim = next((p for p in per if p in PLACE_DIMENSIONS), None)
        geometry = lambda r: geo.geometry([r[place_dim]] if place_dim and r.get(place_dim) else [])  # noqa: E731
    else:
        columns = FULL_COLUMNS if full else PUBLIC_COLUMNS
        geometry = lambda r: geo.geometry(r.get("places") or [])  # noqa: E731
    written = 0
    with snapshot(store) as conn, _opened(output, fmt in BINARY_FORMATS) as out:
        if aggregated:
            rows = aggregate_rows(store, filters, per, full=full, k=k, batch=batch, withheld=withheld, conn=conn)
        else:
            rows = incident_rows(store, filters, full=full, k=k, batch=batch, withheld=withheld, conn=conn)
        if fmt == "csv":
            writer: Any = CsvWriter(out, columns, LIST_COLUMNS, NESTED_COLUMNS)
        elif fmt == "jsonl":
            writer = JsonLinesWriter(out, columns)
        elif fmt == "geojson":
            writer = GeoJsonWriter(out, columns, geometry)
        else:
            writer = ParquetWriter(out, columns, {**TYPES, **dict.fromkeys(per, "str"), "incidents": "int"}
                                   if aggregated else TYPES)
        for row in rows:
            writer.write(row)
            written += 1
        writer.close()
    return ExportResult(rows=written, withheld=sum(withheld), full=full, fmt=fmt, per=per,
                        min_count=None if full else k)
