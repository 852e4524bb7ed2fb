"""Reviewers' changes in the store: field edits, verification decisions, the review queue.

:class:`ReviewStore` is a part of :class:`recruitwatch.store.Store`. The rules (which fields, which
values, where evidence must come from) are in :mod:`recruitwatch.review`, which calls these methods.
Each change is one transaction: the incident, its codes, evidence, search terms and linking keys,
its ``version`` (+1) and the audit entry. A change that names an older ``expected_version`` than the
stored one is refused with :class:`recruitwatch.errors.StaleEdit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy import text as text_

from recruitwatch.errors import StaleEdit, StoreError
from recruitwatch.link import cases as C
from recruitwatch.records import Document, Incident
from recruitwatch.store import rows as R
from recruitwatch.store.schema import documents, evidence, incident_blocks, incident_codes, incidents, ingest_failures

#: Verification states a reviewer sets; linking never changes them (see link.cases.MACHINE_STATES).
REVIEW_STATES = ("verified", "disputed", "rejected")
_ACTIONS = {"verified": "verify", "disputed": "dispute", "rejected": "reject"}


def _now() -> datetime:
    return datetime.now(UTC)


class ReviewStore:
    """Review methods of the Store (mixed into :class:`recruitwatch.store.Store`)."""

    dialect: str

    # Uses _connect, _with_evidence (Store), _resolve_incident, _add_blocks, _recompute_cases, _sources
    # (LinkingStore) and _audit (AuditStore). No stubs here: in the Store's MRO a stub would hide them.

    # -- reading -----------------------------------------------------------------------------

    def _load(self, conn: Connection, key: str) -> tuple[int, Incident]:
        iid = self._resolve_incident(conn, key)
        row = conn.execute(select(incidents.c.pk, *R.INCIDENT_COLUMNS).where(incidents.c.id == iid)).one()
        return row.pk, self._with_evidence(conn, [row])[0]

    @staticmethod
    def _check_version(inc: Incident, expected: int | None) -> None:
        if expected is not None and inc.version != expected:
            raise StaleEdit(f"someone else changed incident {inc.id[:12]} since you read it (you read version {expected}, "
                            f"it is now version {inc.version}); nothing of yours was saved: reload it (`recruitwatch "
                            f"incidents show {inc.id[:12]}` or the page), check their change and apply yours again "
                            "if it is still needed")

    def source_documents(self, incident_id: str) -> list[Document]:
        """The documents behind an incident: its own first, then those of the other reports of its case."""
        with self._connect() as conn:
            _, inc = self._load(conn, incident_id)
            ids = [inc.document_id] + sorted(set(conn.execute(
                select(incidents.c.document_id).where(incidents.c.case_id == inc.case_id)).scalars()) - {inc.document_id})
            rows = {r.id: R.document_from_row(r) for r in conn.execute(
                select(*R.DOCUMENT_COLUMNS).where(documents.c.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def sources(self, document_ids: Iterable[str]) -> dict[str, C.Source]:
        """Title, outlet, URL and date of documents, by id (for lists: one query for a page of rows)."""
        with self._connect() as conn:
            return self._sources(conn, document_ids)

    def _queue_conditions(self) -> list[Any]:
        return [R.IS_CASE, incidents.c.verification.not_in(("verified", "rejected")),
                incidents.c.reviewed_by.is_(None)]

    def review_queue(self, *, limit: int = 20, offset: int = 0) -> list[Incident]:
        """Cases that need a reviewer, least confident first: not verified, not rejected, not accepted or edited."""
        stmt = (select(*R.INCIDENT_COLUMNS).where(*self._queue_conditions())
                .order_by(incidents.c.confidence.asc().nulls_last(), incidents.c.pk.asc()).limit(limit).offset(offset))
        with self._connect() as conn:
            return self._with_evidence(conn, conn.execute(stmt).all())

    def count_review_queue(self) -> int:
        with self._connect() as conn:
            return conn.execute(select(func.count()).select_from(incidents).where(*self._queue_conditions())).scalar() or 0

    def list_failures(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """What ingest could not read: source, problem and when, newest first."""
        stmt = (select(ingest_failures.c.source, ingest_failures.c.problem, ingest_failures.c.at)
                .order_by(ingest_failures.c.at.desc(), ingest_failures.c.source).limit(limit).offset(offset))
        with self._connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def count_failures(self) -> int:
        with self._connect() as conn:
            return conn.execute(select(func.count()).select_from(ingest_failures)).scalar() or 0

    # -- writing -----------------------------------------------------------------------------

    def _rewrite(self, conn: Connection, pk: int, old: Incident, new: Incident, *, actor: str, reviewed: bool) -> None:
        """Store ``new`` over ``old`` (same id): row, codes, evidence, search terms, linking keys; version + 1."""
        from recruitwatch.link.features import incident_keys
        from recruitwatch.store.database import incident_terms

        doc = conn.execute(select(documents.c.text, documents.c.published).where(documents.c.id == new.document_id)).first()
        keys = incident_keys(new, doc.text if doc else "", doc.published if doc else None)
        now = _now()
        row = R.incident_row(new, now, keys.to_dict())
        values = {k: row[k] for k in ("date", "date_precision", "date_start", "date_end", "places", "nationalities",
                                      "status", "count", "actors", "tactics", "outcome", "summary", "confidence",
                                      "verification", "link_keys")}
        values["version"] = old.version + 1
        if reviewed:
            values.update(reviewed_by=actor, reviewed_at=now)
        done = conn.execute(update(incidents).where(incidents.c.pk == pk, incidents.c.version == old.version)
                            .values(**values))
        if done.rowcount != 1:  # another writer got there between our read and this update
            raise StaleEdit(f"someone else changed incident {old.id[:12]} while your change was being saved; nothing of "
                            "yours was saved: reload it, check their change and apply yours again if still needed")
        conn.execute(delete(incident_codes).where(incident_codes.c.incident_id == new.id))
        codes = R.code_rows(new)
        if codes:
            conn.execute(incident_codes.insert(), codes)
        conn.execute(delete(evidence).where(evidence.c.incident_id == new.id))
        spans = R.evidence_rows(new)
        if spans:
            conn.execute(evidence.insert(), spans)
        conn.execute(delete(incident_blocks).where(incident_blocks.c.incident_id == new.id))
        self._add_blocks(conn, [new])
        if self.dialect == "sqlite":  # contentless FTS5: delete with the terms it was indexed with
            conn.execute(text_("INSERT INTO incidents_fts (incidents_fts, rowid, terms) VALUES ('delete', :pk, :t)"),
                         {"pk": pk, "t": incident_terms(old)})
            conn.execute(text_("INSERT INTO incidents_fts (rowid, terms) VALUES (:pk, :t)"), {"pk": pk, "t": incident_terms(new)})
        else:
            conn.execute(text_("UPDATE incident_search SET terms = to_tsvector('simple', :t) WHERE pk = :pk"),
                         {"pk": pk, "t": incident_terms(new)})
        new.version = old.version + 1

    def change_incident(self, incident_id: str, change: Callable[[Incident], dict[str, Any]], *, action: str,
                        actor: str, expected_version: int | None = None, reviewed: bool = True) -> Incident:
        """Apply ``change`` (which edits a copy of the stored incident in place and returns the audit
        details) in one transaction, with the version check and an audit entry. Returns the new incident."""
        with self._connect(write=True) as conn:
            pk, old = self._load(conn, incident_id)
            self._check_version(old, expected_version)
            new = Incident.from_dict(old.to_dict())
            details = change(new)
            self._rewrite(conn, pk, old, new, actor=actor, reviewed=reviewed)
            self._audit(conn, action, actor=actor, target_kind="incident", target_id=old.id,
                        details={**details, "version": new.version})
            return new

    def set_verification(self, incident_id: str, state: str, *, actor: str, note: str | None = None,
                         expected_version: int | None = None, action: str | None = None) -> Incident:
        """A reviewer's decision on a case: ``verified``, ``disputed`` or ``rejected`` for every report
        of the incident's case (linking never overrides it). Returns the incident."""
        if state not in REVIEW_STATES:
            raise StoreError(f"{state!r} is not a reviewer's decision; one of {', '.join(REVIEW_STATES)}")
        with self._connect(write=True) as conn:
            pk, inc = self._load(conn, incident_id)
            self._check_version(inc, expected_version)
            members = list(conn.execute(select(incidents.c.id, incidents.c.verification)
                                        .where(incidents.c.case_id == inc.case_id)))
            done = conn.execute(update(incidents).where(incidents.c.pk == pk, incidents.c.version == inc.version)
                                .values(verification=state, version=inc.version + 1))
            if done.rowcount != 1:
                raise StaleEdit(f"someone else changed incident {inc.id[:12]} while your change was being saved; nothing "
                                "of yours was saved: reload it, check their change and apply yours again if still needed")
            others = [m.id for m in members if m.id != inc.id]
            if others:
                conn.execute(update(incidents).where(incidents.c.id.in_(others))
                             .values(verification=state, version=incidents.c.version + 1))
            self._audit(conn, action or _ACTIONS[state], actor=actor, target_kind="incident", target_id=inc.id,
                        details={"from": inc.verification, "to": state, "note": note, "case": inc.case_id,
                                 "reports": sorted(m.id for m in members), "version": inc.version + 1})
            inc.verification, inc.version = state, inc.version + 1
            return inc

    def accept_incident(self, incident_id: str, *, actor: str, note: str | None = None,
                        expected_version: int | None = None) -> Incident:
        """A reviewer accepts the machine's values: every field's confidence becomes 1.0 and the incident
        leaves the review queue. A disputed or rejected case goes back to the machine's state
        (reported, or corroborated by its independent sources); verified stays verified."""

        def accept(inc: Incident) -> dict[str, Any]:
            for e in inc.evidence:
                e.confidence = 1.0 if e.field != "summary" else e.confidence
            inc.confidence = 1.0
            before = inc.verification
            if inc.verification in ("disputed", "rejected"):
                inc.verification = "reported"
            return {"note": note, "from": before, "to": inc.verification}

        new = self.change_incident(incident_id, accept, action="accept", actor=actor,
                                   expected_version=expected_version)
        if new.verification == "reported":
            with self._connect(write=True) as conn:  # the rest of the case goes back with it
                conn.execute(update(incidents).where(incidents.c.case_id == new.case_id,
                                                     incidents.c.verification.in_(("disputed", "rejected")))
                             .values(verification="reported"))
                self._recompute_cases(conn, {new.id})
                new.verification = conn.execute(select(incidents.c.verification)
                                                .where(incidents.c.id == new.id)).scalar_one()
        return new

    def incident_version(self, incident_id: str) -> int:
        with self._connect() as conn:
            iid = self._resolve_incident(conn, incident_id)
            return conn.execute(select(incidents.c.version).where(incidents.c.id == iid)).scalar_one()
