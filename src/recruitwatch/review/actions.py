"""Edits, decisions, history and the review queue (see :mod:`recruitwatch.review`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from recruitwatch.audit import AuditEntry
from recruitwatch.errors import ReviewError
from recruitwatch.records import Document, Evidence, Incident
from recruitwatch.taxonomy import FIELDS

if TYPE_CHECKING:
    from recruitwatch.store import Store

LIST_FIELDS = ("places", "nationalities", "actors", "tactics")
CODE_FIELDS = ("status", "outcome")
EDITABLE_FIELDS = ("date", *LIST_FIELDS, *CODE_FIELDS, "count", "summary")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EMPTY = ("", "-", "none", "unknown", "null")


def _date(value: str) -> tuple[str | None, str | None]:
    import datetime as dt

    v = value.strip()
    if v.lower() in _EMPTY:
        return None, None
    m = _DATE.match(v)
    if not m:
        raise ReviewError(f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD (or 'unknown')")
    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ReviewError(f"{value!r} is not a date of the calendar") from None
    return v, "day" if day else "month" if month else "year"


def _codes(field: str, value: str) -> list[str]:
    from recruitwatch.taxonomy.places import resolve_nationality, resolve_place

    items = [p.strip() for p in re.split(r"[,;]", value) if p.strip()]
    if len(items) == 1 and items[0].lower() in _EMPTY:
        return []
    out: list[str] = []
    for item in items:
        if field in ("places", "nationalities"):
            found = (resolve_place if field == "places" else resolve_nationality)(item)
            if not found.codes:
                raise ReviewError(unknown_name(field, found))
            out += found.codes
        else:
            if item not in FIELDS[field]:
                raise ReviewError(f"unknown {field} code {item!r}; choose from: {', '.join(FIELDS[field])}")
            out.append(item)
    return list(dict.fromkeys(out))


def unknown_name(field: str, found: Any) -> str:
    """The message for a place or nationality that matched nothing: the closest names with their codes."""
    kind = "place" if field in ("places", "place") else "nationality"
    close = "; ".join(f"{code} ({name})" for code, name in found.suggestions)
    hint = f"close matches: {close}" if close else "give an ISO code such as RU, RU-MOW, TJ or UZ"
    return f"unknown {kind} {found.query!r}; {hint}"


def parse_value(field: str, value: str) -> Any:
    """The stored value of ``field`` for the text ``value``, checked against the taxonomy.

    List fields take comma-separated codes (places and nationalities also names, in any of the six
    languages); ``date`` takes YYYY, YYYY-MM or YYYY-MM-DD; ``count`` a whole number; ``unknown``
    (or an empty value) clears a field.
    """
    if field not in EDITABLE_FIELDS:
        raise ReviewError(f"cannot edit {field!r}; editable fields: {', '.join(EDITABLE_FIELDS)}")
    value = value if isinstance(value, str) else str(value)
    if field == "date":
        return _date(value)
    if field in LIST_FIELDS:
        return _codes(field, value)
    if field in CODE_FIELDS:
        v = value.strip() or "unknown"
        if v not in FIELDS[field]:
            raise ReviewError(f"unknown {field} code {v!r}; choose from: {', '.join(FIELDS[field])}")
        return v
    if field == "count":
        v = value.strip()
        if v.lower() in _EMPTY:
            return None
        if not v.isdigit():
            raise ReviewError(f"count must be a whole number, not {value!r}")
        return int(v)
    v = " ".join(value.split())
    if not v:
        raise ReviewError("a summary cannot be empty")
    return v


def find_evidence(documents: list[Document], text: str) -> tuple[Document, int] | None:
    """The first of ``documents`` containing ``text`` verbatim, and where; None when none does."""
    for doc in documents:
        at = doc.text.find(text)
        if at >= 0:
            return doc, at
    return None


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def edit_incident(store: Store, incident_id: str, field: str, value: str, *, evidence: str | None, actor: str,
                  expected_version: int | None = None) -> Incident:
    """Set ``field`` of an incident to ``value`` (validated by :func:`parse_value`).

    ``evidence``, when given, must occur verbatim in one of the incident's source documents (its own
    report or another report of its case); it is stored as evidence of the field with confidence 1.0.
    Evidence of values the edit removes is dropped; the field's confidence becomes 1.0 and the
    incident leaves the review queue. Returns the incident as stored (with its new ``version``).
    """
    parsed = parse_value(field, value)
    span: Evidence | None = None
    if evidence is not None:
        quote = evidence.strip()
        if not quote:
            raise ReviewError("the evidence is empty; quote the words of the source that support the value")
        found = find_evidence(store.source_documents(incident_id), quote)
        if found is None:
            raise ReviewError(f"the evidence {quote[:80]!r} is not in the incident's sources; quote the source's "
                              "words exactly as they stand (`recruitwatch incidents show ID` lists the sources)")
        doc, at = found
        span = Evidence(field, "", at, at + len(quote), quote, doc.id, 1.0)

    def change(inc: Incident) -> dict[str, Any]:
        if field == "date":
            before = inc.date
            inc.date, inc.date_precision = parsed
            after = inc.date
            values = [after] if after else []
        else:
            before = getattr(inc, field)
            setattr(inc, field, parsed)
            after = parsed
            values = list(parsed) if isinstance(parsed, list) else ([] if parsed is None else [str(parsed)])
        if field == "summary":
            values = [parsed]
        kept = []
        for e in inc.evidence:
            if e.field == field:
                if e.value not in values:
                    continue
                e.confidence = 1.0
            kept.append(e)
        if span is not None:
            for v in values or [""]:
                kept.append(Evidence(field, v, span.start, span.end, span.text, span.document_id, 1.0))
        inc.evidence = kept
        confidences = [e.confidence for e in kept if e.confidence is not None and e.field != "summary"]
        inc.confidence = min(confidences) if confidences else None
        details: dict[str, Any] = {"field": field, "from": _shown(before), "to": _shown(after)}
        if span is not None:
            details["evidence"] = {"document_id": span.document_id, "start": span.start, "end": span.end,
                                   "text": span.text}
        return details

    return store.change_incident(incident_id, change, action="edit", actor=actor, expected_version=expected_version)


def verify(store: Store, incident_id: str, *, actor: str, note: str | None = None,
           expected_version: int | None = None) -> Incident:
    """A reviewer confirmed the case: ``verified`` (for every report of the case; linking keeps it)."""
    return store.set_verification(incident_id, "verified", actor=actor, note=note, expected_version=expected_version)


def dispute(store: Store, incident_id: str, *, actor: str, note: str | None = None,
            expected_version: int | None = None) -> Incident:
    """A reviewer doubts the case: ``disputed`` (it stays in the review queue)."""
    return store.set_verification(incident_id, "disputed", actor=actor, note=note, expected_version=expected_version)


def reject(store: Store, incident_id: str, *, actor: str, note: str | None = None,
           expected_version: int | None = None) -> Incident:
    """A reviewer found the case is not an incident: ``rejected`` (kept, with its evidence, for the record)."""
    return store.set_verification(incident_id, "rejected", actor=actor, note=note, expected_version=expected_version)


def accept(store: Store, incident_id: str, *, actor: str, note: str | None = None,
           expected_version: int | None = None) -> Incident:
    """A reviewer accepts the machine's values: confidence 1.0 on every field, out of the review queue;
    the verification stays (a disputed or rejected case becomes reported or corroborated again)."""
    return store.accept_incident(incident_id, actor=actor, note=note, expected_version=expected_version)


def history(store: Store, incident_id: str, *, limit: int = 200) -> list[AuditEntry]:
    """The audit entries of the incident's case (every report of it), newest first."""
    case = store.get_case(incident_id)
    if case is None:
        raise ReviewError(f"no incident with id {incident_id!r}; `recruitwatch incidents list` shows the ids")
    ids = sorted(m.id for m in case.members)
    return store.audit_entries(target_kind="incident", target_id=ids, limit=limit)


def review_queue(store: Store, *, limit: int = 20, offset: int = 0) -> list[Incident]:
    """Cases needing review, least confident first: not verified, not rejected, not yet accepted or edited."""
    return store.review_queue(limit=limit, offset=offset)


