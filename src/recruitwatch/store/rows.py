"""Conversions between records and table rows, and incident filters as SQL conditions."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, exists, func, literal, or_, select, true, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import NullType

from recruitwatch.errors import StoreError
from recruitwatch.records import Document, Evidence, Incident, ReadFailure
from recruitwatch.store.schema import CODE_FIELDS, documents, evidence, incident_codes, incidents

DOCUMENT_FIELDS = (
    "id", "origin", "text", "kind", "lang", "title", "published", "url", "outlet", "author",
    "relevance", "relevant", "reasons", "pipeline_version", "meta",
)  # fmt: skip
INCIDENT_FIELDS = (
    "id", "document_id", "date", "date_precision", "places", "nationalities", "status", "count",
    "actors", "tactics", "outcome", "summary", "verification", "sensitivity", "confidence", "pipeline_version", "case_id", "version",
)  # fmt: skip

# Values stored when a required incident field is None.
INCIDENT_DEFAULTS = {"status": "unknown", "outcome": "unknown", "summary": "", "verification": "reported", "sensitivity": "normal",
                     "version": 1}


@dataclass(slots=True)
class IncidentFilter:
    """Conditions on incidents; every one given must hold. A value may also be a list (any of).

    ``date_from``/``date_to`` take ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and keep incidents whose
    (possibly partial) date overlaps the range. ``place`` matches by prefix: ``RU`` matches ``RU-MOW``.
    """

    date_from: str | None = None
    date_to: str | None = None
    place: str | Sequence[str] | None = None
    nationality: str | Sequence[str] | None = None
    status: str | Sequence[str] | None = None
    actor: str | Sequence[str] | None = None
    tactic: str | Sequence[str] | None = None
    outcome: str | Sequence[str] | None = None
    verification: str | Sequence[str] | None = None
    confidence_min: float | None = None  # the incident's confidence (its least confident field), inclusive
    confidence_max: float | None = None
    document_id: str | None = None
    cases: bool = True  # one row per case (its canonical incident); False: every report's incident


def date_bounds(value: str | None) -> tuple[str | None, str | None]:
    """First and last day a ``YYYY[-MM[-DD]]`` date can mean."""
    if not value:
        return None, None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return f"{year:04d}-01-01", f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            last = calendar.monthrange(year, month)[1]
            return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
        day = int(parts[2])
        return f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{month:02d}-{day:02d}"
    except (ValueError, IndexError, calendar.IllegalMonthError) as exc:
        raise StoreError(f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD") from exc


def document_row(doc: Document, now: datetime) -> dict[str, Any]:
    row = {name: getattr(doc, name) for name in DOCUMENT_FIELDS}
    row["kind"] = doc.kind or "news"
    row["reasons"] = list(doc.reasons or [])
    row["meta"] = dict(doc.meta or {})
    row["added_at"] = now
    row["content_key"] = doc.id
    row["group_id"] = doc.id
    return row


def document_from_row(row: Any) -> Document:
    m = row._mapping
    return Document(**{name: m[name] for name in DOCUMENT_FIELDS})


def incident_row(incident: Incident, now: datetime, link_keys: dict[str, Any] | None = None) -> dict[str, Any]:
    row = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    row["case_id"] = incident.case_id or incident.id
    row["link_keys"] = link_keys
    for name, default in INCIDENT_DEFAULTS.items():
        if row[name] is None:
            row[name] = default
    for name in CODE_FIELDS:
        row[name] = list(row[name] or [])
    try:
        row["date_start"], row["date_end"] = date_bounds(incident.date)
    except StoreError:
        row["date_start"] = row["date_end"] = None  # an unparseable date is kept, just not range-filterable
    row["added_at"] = now
    return row


def code_rows(incident: Incident) -> list[dict[str, str]]:
    rows = {}
    for name, field in CODE_FIELDS.items():
        for code in getattr(incident, name) or ():
            rows[(field, code)] = {"incident_id": incident.id, "field": field, "code": code}
    return list(rows.values())


def evidence_rows(incident: Incident) -> list[dict[str, Any]]:
    return [
        {
            "incident_id": incident.id,
            "ord": i,
            "field": e.field,
            "value": e.value,
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "document_id": e.document_id or incident.document_id,
            "confidence": e.confidence,
        }
        for i, e in enumerate(incident.evidence)
    ]


def incident_from_row(row: Any, spans: Iterable[Evidence] = ()) -> Incident:
    m = row._mapping
    return Incident(**{name: m[name] for name in INCIDENT_FIELDS}, evidence=list(spans))


def evidence_from_row(row: Any) -> Evidence:
    m = row._mapping
    return Evidence(field=m["field"], value=m["value"], start=m["start"], end=m["end"], text=m["text"],
                    document_id=m["document_id"], confidence=m["confidence"])


def failure_row(failure: ReadFailure, now: datetime) -> dict[str, Any]:
    key = hashlib.sha256(f"{failure.source}\x00{failure.problem}".encode()).hexdigest()[:32]
    return {"key": key, "source": failure.source, "problem": failure.problem, "at": now}


class _IsCase(ColumnElement[bool]):
    """The condition "the canonical incident of its case": the computed column ``incidents.is_case``
    (migration 0010) on PostgreSQL, which keeps statistics of a column but estimates ``id = case_id`` at
    0.5% instead of ~67%; ``id = case_id`` on SQLite, the terms of its partial indexes of cases (it uses one
    only when the query's terms match its WHERE, and with them the index covers the query).

    Its type is left unknown (NullType): a Boolean expression in a WHERE is written ``... = 1`` on SQLite,
    which its partial indexes would no longer match."""

    type = NullType()
    inherit_cache = True


@compiles(_IsCase)
def _compile_is_case(element: _IsCase, compiler: Any, **kw: Any) -> str:
    sqlite = compiler.dialect.name == "sqlite"
    return compiler.process(incidents.c.id == incidents.c.case_id if sqlite else incidents.c.is_case == true(), **kw)


IS_CASE = _IsCase()


def _values(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _has_code(field: str, condition: ColumnElement[bool], correlated: bool, cases: bool = False) -> ColumnElement[bool]:
    codes = select(incident_codes.c.incident_id).where(incident_codes.c.field == field, condition)
    if correlated:
        # EXISTS per incident: best when walking incidents in order and stopping at a LIMIT.
        return exists(codes.where(incident_codes.c.incident_id == incidents.c.id))
    # IN (...): best when counting all matches; both databases start from the (is_case, field, code)
    # or (field, code) index. For cases, only the codes of cases (the same answer: the outer query
    # asks for id = case_id too), so fewer ids to look up.
    if cases:
        codes = codes.where(incident_codes.c.is_case == true())
    return incidents.c.id.in_(codes)


def _place_condition(prefix: str) -> ColumnElement[bool]:
    # "RU" matches "RU" and "RU-..."; written as a range so the (field, code) index serves it.
    code = incident_codes.c.code
    return or_(code == prefix, and_(code >= prefix + "-", code < prefix + "."))


def _code_filters(filters: IncidentFilter) -> list[tuple[str, list[str]]]:
    """(field, values) of each code filter of ``filters``; a place value also stands for its sub-places."""
    out = []
    if filters.place:
        out.append(("place", [p.strip().upper() for p in _values(filters.place)]))
    for field in ("nationality", "actor", "tactic"):
        value = getattr(filters, field)
        if value:
            out.append((field, _values(value)))
    return out


def code_conditions(filters: IncidentFilter) -> list[tuple[str, ColumnElement[bool], bool]]:
    """(field, condition on ``incident_codes.code``, whether an incident can match it with several codes)
    for each code filter of ``filters``."""
    out = []
    for field, values in _code_filters(filters):
        if field == "place":
            out.append((field, or_(*(_place_condition(p) for p in values)), True))
        else:
            out.append((field, incident_codes.c.code.in_(values), len(values) > 1))
    return out


# The incident's column with each field's list of codes.
LIST_COLUMNS = {field: name for name, field in CODE_FIELDS.items()}


def listed_code(field: str, values: list[str]) -> ColumnElement[bool]:
    """SQLite: whether the incident's own list of ``field`` codes (``incidents.places``, ...) holds one of
    ``values`` (a place: or one of its sub-places), tested in the stored JSON text, so a walk of an index
    holding the lists needs no look-up in ``incident_codes`` per case.

    The store writes a list as ``json.dumps`` does (``["RU-MOW", "UZ"]``; letters beyond ASCII as they are or
    escaped, ``\\u041c``, both are looked for), and a quote inside an item as
    ``\\"``: so ``"`` after ``[`` or ``,`` (with or without a space) always opens an item, and ``["RU-MOW"``
    or ``, "RU-MOW"`` in the text means exactly that the list has the item ``RU-MOW`` (``"RU-`` without the
    closing quote: an item starting with ``RU-``)."""
    # Each item as the store writes it, and with non-ASCII letters escaped (as json.dumps writes by default).
    items = list(dict.fromkeys(json.dumps(v, ensure_ascii=ascii) for v in values for ascii in (False, True)))
    if field == "place":  # the place itself, or one below it
        items += list(dict.fromkeys(json.dumps(v + "-", ensure_ascii=ascii)[:-1] for v in values
                                    for ascii in (False, True)))
    stored = type_coerce(incidents.c[LIST_COLUMNS[field]], String)
    return or_(*(func.instr(stored, literal(opening + item, String)) > 0
                 for item in items for opening in ("[", ", ", ",")))


def only_codes(filters: IncidentFilter | None) -> bool:
    """True when ``filters`` asks for cases and has no condition but codes (place, nationality, actor, tactic):
    then counts can be read from ``incident_codes.is_case`` alone."""
    if filters is None:
        return True
    return (filters.cases and not filters.document_id and not filters.date_from and not filters.date_to
            and not filters.status and not filters.outcome and not filters.verification
            and filters.confidence_min is None and filters.confidence_max is None)


def case_codes(filters: IncidentFilter | None):
    """For :func:`only_codes` filters: (SELECT of the matching cases' ids from ``incident_codes``,
    whether an id can come more than once), or None when there is no code filter."""
    conditions = code_conditions(filters or IncidentFilter())
    if not conditions:
        return None
    (field, condition, several), *others = conditions
    stmt = select(incident_codes.c.incident_id).where(incident_codes.c.is_case == true(),
                                                      incident_codes.c.field == field, condition)
    for other_field, other, _ in others:
        stmt = stmt.where(incident_codes.c.incident_id.in_(
            select(incident_codes.c.incident_id).where(incident_codes.c.is_case == true(),
                                                       incident_codes.c.field == other_field, other)))
    return stmt, several


def filter_conditions(filters: IncidentFilter | None, *, correlated: bool = True,
                      listed: bool = False) -> list[ColumnElement[bool]]:
    """The SQL conditions on ``incidents`` for ``filters`` (``correlated=False`` for aggregates; ``listed``:
    codes tested in the incident's own lists, :func:`listed_code`, SQLite only)."""
    if filters is None:
        filters = IncidentFilter()
    where: list[ColumnElement[bool]] = []
    if filters.cases and not filters.document_id:
        where.append(IS_CASE)
    if filters.date_from:
        where.append(incidents.c.date_end >= date_bounds(filters.date_from)[0])
    if filters.date_to:
        where.append(incidents.c.date_start <= date_bounds(filters.date_to)[1])
    cases = filters.cases and not filters.document_id
    if listed:
        where += [listed_code(field, values) for field, values in _code_filters(filters)]
    else:
        for field, condition, _ in code_conditions(filters):
            where.append(_has_code(field, condition, correlated, cases))
    if filters.status:
        where.append(incidents.c.status.in_(_values(filters.status)))
    if filters.outcome:
        where.append(incidents.c.outcome.in_(_values(filters.outcome)))
    if filters.verification:
        where.append(incidents.c.verification.in_(_values(filters.verification)))
    if filters.confidence_min is not None:
        where.append(incidents.c.confidence >= filters.confidence_min)
    if filters.confidence_max is not None:
        where.append(incidents.c.confidence <= filters.confidence_max)
    if filters.document_id:
        where.append(incidents.c.document_id == filters.document_id)
    return where


# Columns to select for a Document / an Incident.
DOCUMENT_COLUMNS = [documents.c[name] for name in DOCUMENT_FIELDS]
INCIDENT_COLUMNS = [incidents.c[name] for name in INCIDENT_FIELDS]
EVIDENCE_COLUMNS = [evidence.c[name] for name in ("incident_id", "field", "value", "start", "end", "text", "document_id",
                                                   "confidence")]
