"""The link stage's persistence: document origins and near-duplicate groups, incident links and cases.

:class:`LinkingStore` is a part of :class:`recruitwatch.store.Store`. The decisions are pure
functions of :mod:`recruitwatch.link`; this module finds their candidates through the store's
indexes (band keys for documents; date range and region codes for incidents), records the
links with their provenance and keeps ``documents.group_id``, ``incidents.case_id`` and the
machine's verification state (``reported`` / ``corroborated``) up to date, inside the
transaction of the batch that changed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, or_, select, update
from sqlalchemy import text as text_

from recruitwatch.accounts import system_user
from recruitwatch.errors import StoreError
from recruitwatch.link import cases as C
from recruitwatch.link.documents import Sketch, components, fingerprint, hashes, near_duplicate, shingles, sketch
from recruitwatch.link.features import LinkKeys, incident_keys
from recruitwatch.link.match import Match, blocks, match
from recruitwatch.records import Document, Incident
from recruitwatch.store import rows as R
from recruitwatch.store.confidential import is_sealed
from recruitwatch.store.schema import (
    document_bands,
    document_origins,
    document_shingles,
    documents,
    evidence,
    incident_blocks,
    incident_codes,
    incident_links,
    incidents,
)

CHUNK = 500
MAX_CANDIDATES = 2000  # stored incidents compared with one new incident, at most
REVIEW_KINDS = ("merge", "split")


#: An encrypted testimony's stored text is a placeholder that differs between testimonies only by its id:
#: shingled, any two are near duplicates (Jaccard 0.83). It gets no band keys and no fingerprint, so it is
#: never anyone's near duplicate; its cases are linked by their incidents as before.
_NO_SKETCH = Sketch([], b"")

def _chunks(items: Sequence[Any], size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One link between two incidents: a machine match (with its score and agreeing fields) or a reviewer's merge or split."""

    a: str
    b: str
    kind: str
    score: float | None
    fields: dict[str, float]
    actor: str
    at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "score": self.score, "fields": self.fields,
                "actor": self.actor, "at": self.at.isoformat() if self.at else None}


@dataclass(slots=True)
class Case:
    """One case: its canonical incident (with the evidence of every report), the reports' incidents,
    their sources grouped into independent ones, and the links that joined them."""

    incident: Incident
    members: list[Incident]
    sources: list[C.Source]
    independent: list[list[C.Source]]
    links: list[LinkRecord] = field(default_factory=list)


@dataclass(slots=True)
class DocumentGroup:
    """A document's near-duplicate group (canonical first) and every origin of the document."""

    group_id: str
    members: list[Document]
    origins: list[dict[str, Any]]


def _version_at_most(version: str | None, limit: str) -> bool:
    """Whether a pipeline version's code part (before ``+``) is ``limit`` or older; None (unknown) is."""
    if not version:
        return True

    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in v.split("+")[0].split("."))

    return parts(version) <= parts(limit)


class LinkingStore:
    """Linking methods of the Store (mixed into :class:`recruitwatch.store.Store`)."""

    dialect: str

    # provided by Store
    def _connect(self, *, write: bool = False, check: bool = True): ...  # pragma: no cover
    def _insert(self, tbl): ...  # pragma: no cover
    def _insert_incidents(self, conn, incs, keys, now, terms): ...  # pragma: no cover
    # _audit comes from AuditStore (a stub here would hide it: LinkingStore is first in the Store's MRO)

    # -- origins ---------------------------------------------------------------------------

    def _stored_ids(self, conn: Connection, keys: Iterable[str]) -> dict[str, str]:
        """content key -> stored document id, for the keys already stored."""
        out: dict[str, str] = {}
        wanted = list(dict.fromkeys(keys))
        for chunk in _chunks(wanted):
            out.update(conn.execute(select(documents.c.content_key, documents.c.id)
                                    .where(documents.c.content_key.in_(chunk))).all())
        return out

    def _add_origins(self, conn: Connection, docs: Iterable[Document], stored: dict[str, str], now: datetime) -> None:
        found_at = document_origins.c.found_at.type._cached_bind_processor(conn.dialect) if self.dialect == "sqlite" else None
        at = found_at(now) if found_at else now  # stored as SQLAlchemy stores it (rows go to the driver directly)
        rows = {}
        for d in docs:
            owner = stored.get(d.id, d.id)
            rows[(owner, d.origin)] = (owner, d.origin, d.url, d.outlet, d.published, at)
        self._insert_rows(conn, document_origins, ("document_id", "origin", "url", "outlet", "published", "found_at"),
                          list(rows.values()))

    # -- near-duplicate documents ------------------------------------------------------------

    def _link_documents(self, conn: Connection, docs: list[tuple[int, Document]],
                        sketches: Mapping[str, Sketch] | None = None) -> set[str]:
        """Index new documents' band keys and fingerprints (``docs``: stored pk and document) and
        regroup them with their near duplicates. ``sketches``: those already computed (by a worker
        process), by document id; the others are computed here.

        Returns the ids of documents whose group changed (their cases' corroboration may change).
        """
        sketches = sketches or {}
        made = {pk: _NO_SKETCH if is_sealed(d.text) else sketches.get(d.id) or sketch(d.text) for pk, d in docs}
        prints = {pk: s.fingerprint for pk, s in made.items()}
        if prints:
            self._insert_rows(conn, document_shingles, ("document_pk", "hashes"), list(prints.items()))
        bands = [(key, pk) for pk, s in made.items() for key in s.bands]
        if not bands:
            return set()
        # Who shares a band key: this batch's documents, and the stored ones (read before this
        # batch's keys are added, so the lookup returns only documents stored before).
        by_key: dict[int, set[int]] = {}
        for key, pk in bands:
            by_key.setdefault(key, set()).add(pk)
        for key, pk in self._band_rows(conn, sorted(by_key)):
            by_key[key].add(pk)
        self._insert_rows(conn, document_bands, ("key", "document_pk"), bands)
        pairs: set[tuple[int, int]] = set()  # candidates, each pair once
        for pk, s in made.items():
            if s.bands:
                near = set().union(*(by_key[key] for key in s.bands))
                near.discard(pk)
                pairs.update((pk, other) if pk < other else (other, pk) for other in near)
        ids = {pk: d.id for pk, d in docs}
        others = sorted({pk for pair in pairs for pk in pair} - ids.keys())
        ids.update(self._fingerprints(conn, others, prints))
        arrays = {pk: hashes(prints[pk]) for pair in pairs for pk in pair if pk in prints}
        edges = {tuple(sorted((ids[a], ids[b]))) for a, b in pairs
                 if a in ids and b in ids and near_duplicate(arrays[a], arrays[b]) is not None}
        if not edges:
            return set()
        return self._regroup(conn, {n for e in edges for n in e}, list(edges))

    def _insert_rows(self, conn: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert rows (tuples in ``columns`` order), skipping those already there."""
        if not rows:
            return
        if self.dialect == "sqlite":  # the same statement, straight to the driver: the writer's hot path
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING", rows)
        else:
            conn.execute(self._insert(table), [dict(zip(columns, row)) for row in rows])

    def _band_rows(self, conn: Connection, keys: list[int]) -> list[tuple[int, int]]:
        """(key, document pk) of the stored band keys among ``keys``."""
        found: list[tuple[int, int]] = []
        for chunk in _chunks(keys):
            if self.dialect == "sqlite":
                query = f"SELECT key, document_pk FROM document_bands WHERE key IN ({', '.join('?' * len(chunk))})"
                found += conn.exec_driver_sql(query, tuple(chunk)).fetchall()
            else:
                found += conn.execute(select(document_bands.c.key, document_bands.c.document_pk)
                                      .where(document_bands.c.key.in_(chunk))).all()
        return found

    def _fingerprints(self, conn: Connection, pks: list[int], prints: dict[int, bytes]) -> dict[int, str]:
        """The ids of stored documents (by pk), their fingerprints added to ``prints``. A document
        stored before fingerprints were kept (migration 0012) gets one now, from its text."""
        ids: dict[int, str] = {}
        missing: list[int] = []
        for chunk in _chunks(pks):
            stmt = (select(documents.c.pk, documents.c.id, document_shingles.c.hashes)
                    .join_from(documents, document_shingles, document_shingles.c.document_pk == documents.c.pk,
                               isouter=True)
                    .where(documents.c.pk.in_(chunk)))
            for pk, doc_id, stored in conn.execute(stmt):
                ids[pk] = doc_id
                if stored is None:
                    missing.append(pk)
                else:
                    prints[pk] = stored
        for chunk in _chunks(missing):
            rows = conn.execute(select(documents.c.pk, documents.c.text).where(documents.c.pk.in_(chunk))).all()
            made = [(pk, b"" if is_sealed(text) else fingerprint(shingles(text))) for pk, text in rows]
            prints.update(made)
            self._insert_rows(conn, document_shingles, ("document_pk", "hashes"), made)
        return ids

    def _regroup(self, conn: Connection, involved: set[str], edges: list[tuple[str, str]]) -> set[str]:
        groups: set[str] = set()
        for chunk in _chunks(sorted(involved)):
            groups.update(conn.execute(select(documents.c.group_id).where(documents.c.id.in_(chunk))).scalars())
        members: dict[str, tuple[str | None, str]] = {}
        for chunk in _chunks(sorted(groups)):
            for row in conn.execute(select(documents.c.id, documents.c.published, documents.c.group_id)
                                    .where(documents.c.group_id.in_(chunk))):
                members[row.id] = (row.published, row.group_id)
        all_edges = list(edges) + [(m, g) for m, (_, g) in members.items() if g in members]
        changed: set[str] = set()
        for comp in components(set(members) | involved, all_edges):
            canon = min(comp, key=lambda i: ((members.get(i, (None, ""))[0] or "9999"), i))
            moved = [i for i in comp if members.get(i, (None, None))[1] != canon]
            for chunk in _chunks(sorted(moved)):
                conn.execute(update(documents).where(documents.c.id.in_(chunk)).values(group_id=canon))
            changed.update(moved)
        return changed

    # -- incidents ---------------------------------------------------------------------------

    def _incident_rows(self, conn: Connection, where) -> list[tuple[Incident, dict | None]]:
        stmt = select(*R.INCIDENT_COLUMNS, incidents.c.link_keys).where(where)
        return [(R.incident_from_row(r), r.link_keys) for r in conn.execute(stmt)]

    def _keys_for(self, conn: Connection, found: list[tuple[Incident, dict | None]]) -> dict[str, LinkKeys]:
        """Link keys of incidents; computed (and stored) from their documents where missing."""
        keys = {i.id: LinkKeys.from_dict(k) for i, k in found if k is not None}
        missing = [i for i, k in found if k is None]
        if missing:
            for inc, k in zip(missing, self._compute_keys(conn, missing)):
                keys[inc.id] = k
        return keys

    def _compute_keys(self, conn: Connection, missing: list[Incident]) -> list[LinkKeys]:
        spans: dict[str, list] = {i.id: [] for i in missing}
        for chunk in _chunks(list(spans)):
            stmt = select(*R.EVIDENCE_COLUMNS).where(evidence.c.incident_id.in_(chunk)).order_by(evidence.c.ord)
            for row in conn.execute(stmt):
                spans[row.incident_id].append(R.evidence_from_row(row))
        texts: dict[str, tuple[str, str | None]] = {}
        for chunk in _chunks(sorted({i.document_id for i in missing})):
            for row in conn.execute(select(documents.c.id, documents.c.text, documents.c.published)
                                    .where(documents.c.id.in_(chunk))):
                texts[row.id] = (row.text, row.published)
        out = []
        for inc in missing:
            inc.evidence = spans[inc.id]
            text, published = texts.get(inc.document_id, ("", None))
            k = incident_keys(inc, text, published)
            conn.execute(update(incidents).where(incidents.c.id == inc.id).values(link_keys=k.to_dict()))
            out.append(k)
        return out

    def _add_blocks(self, conn: Connection, incs: Iterable[Incident]) -> None:
        rows = [{"block": b, "incident_id": i.id} for i in incs for b in blocks(i)]
        for chunk in _chunks(rows, 2000):
            conn.execute(self._insert(incident_blocks), list(chunk))

    def _candidates(self, conn: Connection, inc: Incident) -> list[tuple[Incident, dict | None, str]]:
        """Stored incidents that could be the same case: sharing a blocking key (a region and a
        month of the date, with slack); each with its link keys and its document's near-duplicate group."""
        keys = blocks(inc)
        if not keys:
            return []
        in_block = select(incident_blocks.c.incident_id).where(incident_blocks.c.block.in_(keys))
        stmt = (select(*R.INCIDENT_COLUMNS, incidents.c.link_keys, documents.c.group_id)
                .join_from(incidents, documents, documents.c.id == incidents.c.document_id)
                .where(incidents.c.id.in_(in_block), incidents.c.document_id != inc.document_id)
                .order_by(incidents.c.id).limit(MAX_CANDIDATES))
        return [(R.incident_from_row(r), r.link_keys, r.group_id) for r in conn.execute(stmt)]

    def _link_incidents(self, conn: Connection, new: list[Incident], keys: dict[str, LinkKeys],
                        changed_documents: Iterable[str] = ()) -> None:
        """Match stored incidents (the new ones included) against the new ones; update cases.

        Two reports in one near-duplicate group that match are copies of one report: their link
        gets score 1 and the field ``copy``, so a case keeps its copies together first.
        """
        found: dict[tuple[str, str], Any] = {}
        groups: dict[str, str] = {}
        for chunk in _chunks(sorted({i.document_id for i in new})):
            groups.update(conn.execute(select(documents.c.id, documents.c.group_id)
                                       .where(documents.c.id.in_(chunk))).all())
        self._add_blocks(conn, new)
        for inc in new:
            cands = self._candidates(conn, inc)
            other_keys = self._keys_for(conn, [(c, k) for c, k, _ in cands if c.id not in keys])
            for other, _, group in cands:
                pair = tuple(sorted((inc.id, other.id)))
                if other.id == inc.id or pair in found:
                    continue
                m = match(inc, keys[inc.id], other, keys.get(other.id) or other_keys[other.id])
                if m is not None and group == groups.get(inc.document_id):
                    m = Match(1.0, {**m.fields, "copy": 1.0})
                found[pair] = m
        now = _now()
        rows = [{"a": a, "b": b, "kind": "match", "score": m.score, "fields": m.fields, "actor": "linker", "at": now}
                for (a, b), m in sorted(found.items()) if m is not None]
        if rows:
            conn.execute(self._insert(incident_links), rows)
        seeds = {i.id for i in new} | {x for r in rows for x in (r["a"], r["b"])}
        changed = sorted(set(changed_documents))
        for chunk in _chunks(changed):
            seeds.update(conn.execute(select(incidents.c.id).where(incidents.c.document_id.in_(chunk))).scalars())
        self._recompute_cases(conn, seeds)

    def _recompute_cases(self, conn: Connection, seeds: set[str]) -> None:
        """Recompute the cases of ``seeds`` (and of everything linked to them): case ids and verification."""
        nodes: set[str] = set()
        frontier = set(seeds)
        links: dict[tuple[str, str, str], float | None] = {}
        while frontier:
            # Whole cases: every member of a frontier incident's case.
            case_ids: set[str] = set()
            for chunk in _chunks(sorted(frontier)):
                case_ids.update(conn.execute(select(incidents.c.case_id).where(incidents.c.id.in_(chunk))).scalars())
            members = set(frontier)
            for chunk in _chunks(sorted(case_ids)):
                members.update(conn.execute(select(incidents.c.id).where(incidents.c.case_id.in_(chunk))).scalars())
            new_nodes = members - nodes
            nodes |= new_nodes
            frontier = set()
            for chunk in _chunks(sorted(new_nodes)):
                for a, b, kind, score in conn.execute(
                        select(incident_links.c.a, incident_links.c.b, incident_links.c.kind, incident_links.c.score)
                        .where(or_(incident_links.c.a.in_(chunk), incident_links.c.b.in_(chunk)))):
                    links[(a, b, kind)] = score if kind == "match" else None
                    frontier.update(x for x in (a, b) if x not in nodes)
        stored: dict[str, tuple[str, str, str, dict | None]] = {}
        for chunk in _chunks(sorted(nodes)):
            for row in conn.execute(select(incidents.c.id, incidents.c.case_id, incidents.c.document_id,
                                           incidents.c.verification, incidents.c.link_keys)
                                    .where(incidents.c.id.in_(chunk))):
                stored[row.id] = (row.case_id, row.document_id, row.verification, row.link_keys)
        nodes &= set(stored)  # a reviewer's link may name an incident that re-extraction removed
        joined = [(a, b, score) for (a, b, kind), score in links.items()
                  if kind in ("match", "merge") and a in nodes and b in nodes]
        apart = [(a, b) for a, b, kind in links if kind == "split"]
        sources = self._sources(conn, {v[1] for v in stored.values()})
        for comp in C.cases(nodes, joined, apart):
            published = {i: sources[stored[i][1]].published if stored[i][1] in sources else None for i in comp}
            canon = C.canonical(comp, published)
            moved = sorted(i for i in comp if stored[i][0] != canon)
            for chunk in _chunks(moved):
                conn.execute(update(incidents).where(incidents.c.id.in_(chunk)).values(case_id=canon))
            # A reviewer's decision on any report is the case's: the machine's reports join it (and stay
            # in it while the case does); reports that two different decisions meet in are disputed.
            # A reviewer's own decision is never changed here.
            decided = {stored[i][2] for i in comp if stored[i][2] not in C.MACHINE_STATES}
            if decided:
                state = decided.pop() if len(decided) == 1 else "disputed"
            else:
                state = C.verification(sources[stored[i][1]] for i in comp if stored[i][1] in sources)
            relabel = sorted(i for i in comp if stored[i][2] in C.MACHINE_STATES and stored[i][2] != state)
            for chunk in _chunks(relabel):
                conn.execute(update(incidents).where(incidents.c.id.in_(chunk)).values(verification=state))

    def _sources(self, conn: Connection, doc_ids: Iterable[str]) -> dict[str, C.Source]:
        out: dict[str, C.Source] = {}
        for chunk in _chunks(sorted(set(doc_ids))):
            for r in conn.execute(select(documents.c.id, documents.c.group_id, documents.c.outlet, documents.c.url,
                                         documents.c.published, documents.c.title)
                                  .where(documents.c.id.in_(chunk))):
                out[r.id] = C.Source(r.id, r.group_id, r.outlet, r.url, r.published, r.title)
        return out

    # -- reading -----------------------------------------------------------------------------

    def _resolve_incident(self, conn: Connection, key: str) -> str:
        pk = self._by_id_or_prefix(conn, incidents, key)  # type: ignore[attr-defined]
        if pk is None:
            raise StoreError(f"no incident with id {key!r}; `recruitwatch incidents list` shows the ids")
        return conn.execute(select(incidents.c.id).where(incidents.c.pk == pk)).scalar_one()

    def get_case(self, id_or_prefix: str) -> Case | None:
        """The case an incident belongs to, with every report's evidence, its sources and links."""
        with self._connect() as conn:
            pk = self._by_id_or_prefix(conn, incidents, id_or_prefix)  # type: ignore[attr-defined]
            if pk is None:
                return None
            case_id = conn.execute(select(incidents.c.case_id).where(incidents.c.pk == pk)).scalar_one()
            found = conn.execute(select(*R.INCIDENT_COLUMNS).where(incidents.c.case_id == case_id)
                                 .order_by(incidents.c.id)).all()
            members = self._with_evidence(conn, found)  # type: ignore[attr-defined]
            ids = [m.id for m in members]
            links: list[LinkRecord] = []
            for chunk in _chunks(ids):
                for r in conn.execute(select(incident_links).where(or_(incident_links.c.a.in_(chunk),
                                                                       incident_links.c.b.in_(chunk)))):
                    links.append(LinkRecord(r.a, r.b, r.kind, r.score, dict(r.fields or {}), r.actor, r.at))
            sources = self._sources(conn, {m.document_id for m in members})
        canon = next((m for m in members if m.id == case_id), members[0])
        merged = Incident.from_dict({**canon.to_dict(), "evidence": [e for m in members for e in m.evidence]})
        merged.id, merged.case_id = canon.id, case_id
        src = sorted(sources.values(), key=lambda s: (s.published or "9999", s.document_id))
        unique = {(lk.a, lk.b, lk.kind): lk for lk in links}
        return Case(merged, members, src, C.independent_sources(src), sorted(unique.values(), key=lambda x: (x.a, x.b, x.kind)))

    def document_group(self, document_id: str) -> DocumentGroup:
        """The near-duplicate group of a stored document (canonical first) and the document's origins."""
        with self._connect() as conn:
            group_id = conn.execute(select(documents.c.group_id).where(documents.c.id == document_id)).scalar()
            if group_id is None:
                raise StoreError(f"no document with id {document_id!r}")
            rows = conn.execute(select(*R.DOCUMENT_COLUMNS).where(documents.c.group_id == group_id)).all()
            origins = [dict(r._mapping) for r in conn.execute(
                select(document_origins.c.origin, document_origins.c.url, document_origins.c.outlet,
                       document_origins.c.published, document_origins.c.found_at)
                .where(document_origins.c.document_id == document_id).order_by(document_origins.c.found_at,
                                                                                document_origins.c.origin))]
        members = sorted((R.document_from_row(r) for r in rows), key=lambda d: (d.id != group_id, d.published or "9999", d.id))
        return DocumentGroup(group_id, members, origins)

    # -- reviewer actions --------------------------------------------------------------------

    def merge_incidents(self, first: str, second: str, *, actor: str = "reviewer") -> str:
        """A reviewer's decision that two incidents (ids or prefixes) are one case. Returns the case id.

        Any earlier split between the two cases' members is withdrawn.
        """
        with self._connect(write=True) as conn:
            a, b = sorted((self._resolve_incident(conn, first), self._resolve_incident(conn, second)))
            if a == b:
                raise StoreError(f"{first!r} and {second!r} are the same incident")
            cases = conn.execute(select(incidents.c.case_id).where(incidents.c.id.in_([a, b]))).scalars().all()
            members = conn.execute(select(incidents.c.id).where(incidents.c.case_id.in_(cases))).scalars().all()
            conn.execute(delete(incident_links).where(incident_links.c.kind == "split",
                                                      incident_links.c.a.in_(members), incident_links.c.b.in_(members)))
            conn.execute(self._insert(incident_links), [{"a": a, "b": b, "kind": "merge", "score": None, "fields": {},
                                                         "actor": actor, "at": _now()}])
            self._recompute_cases(conn, {a, b})
            case_id = conn.execute(select(incidents.c.case_id).where(incidents.c.id == a)).scalar_one()
            for x, other in ((a, b), (b, a)):  # in both incidents' history
                self._audit(conn, "merge", actor=actor, target_kind="incident", target_id=x,
                            details={"with": other, "case": case_id})
            return case_id

    def split_incident(self, key: str, *, actor: str = "reviewer") -> list[str]:
        """A reviewer's decision that an incident is not the case it was linked into.

        The incident gets a case of its own; the split is recorded for every other member, so
        neither re-linking nor a new report undoes it (only a reviewer's ``merge`` does).
        Returns the case ids of the incident and of the rest.
        """
        with self._connect(write=True) as conn:
            x = self._resolve_incident(conn, key)
            case_id = conn.execute(select(incidents.c.case_id).where(incidents.c.id == x)).scalar_one()
            others = [i for i in conn.execute(select(incidents.c.id).where(incidents.c.case_id == case_id)).scalars()
                      if i != x]
            if not others:
                raise StoreError(f"incident {x} is alone in its case; there is nothing to split it from")
            now = _now()
            pairs = [tuple(sorted((x, o))) for o in others]
            for chunk in _chunks(others):
                conn.execute(delete(incident_links).where(
                    incident_links.c.kind == "merge",
                    or_(and_(incident_links.c.a == x, incident_links.c.b.in_(chunk)),
                        and_(incident_links.c.b == x, incident_links.c.a.in_(chunk)))))
            conn.execute(self._insert(incident_links), [{"a": a, "b": b, "kind": "split", "score": None, "fields": {},
                                                         "actor": actor, "at": now} for a, b in pairs])
            conn.execute(update(incidents).where(incidents.c.id == x).values(case_id=x))
            self._recompute_cases(conn, {x, *others})
            result = sorted(set(conn.execute(select(incidents.c.case_id).where(incidents.c.id.in_([x, *others]))).scalars()))
            self._audit(conn, "split", actor=actor, target_kind="incident", target_id=x,
                        details={"from": sorted(others), "from_case": case_id, "cases": result})
            return result

    # -- re-extraction -----------------------------------------------------------------------

    def documents_to_reextract(self, current: str, *, since: str | None = None, after_pk: int = 0,
                               limit: int = 50) -> list[tuple[int, Document]]:
        """Stored documents (pk order, after ``after_pk``) whose pipeline version is not ``current``;
        with ``since``, only those made by code version ``since`` or older."""
        out: list[tuple[int, Document]] = []
        last = after_pk
        with self._connect() as conn:
            while len(out) < limit:
                rows = conn.execute(select(documents.c.pk, *R.DOCUMENT_COLUMNS)
                                    .where(documents.c.pk > last,
                                           or_(documents.c.pipeline_version.is_(None),
                                               documents.c.pipeline_version != current))
                                    .order_by(documents.c.pk).limit(limit)).all()
                if not rows:
                    break
                last = rows[-1].pk
                out += [(r.pk, R.document_from_row(r)) for r in rows
                        if since is None or _version_at_most(r.pipeline_version, since)]
        return out[:limit]

    def replace_extraction(self, analysed: list[tuple[Document, list[Incident]]], *,
                           actor: str | None = None) -> dict[str, int]:
        """Store a new screening and extraction of stored documents, in one transaction, and re-link them.

        A document's machine incidents (``reported`` / ``corroborated``) are replaced by the new ones.
        Incidents a reviewer decided (``verified``, ``disputed``, ``rejected``), accepted or edited are kept as they are,
        and a new incident with the same id does not replace them; reviewers' merges and splits are
        kept (they name incident ids, which stay the same while the extraction of a case does).
        Returns counts: ``removed``, ``added``, ``kept``; one ``reextract`` audit entry records them.
        """
        from recruitwatch.link.features import incident_keys
        from recruitwatch.store.database import incident_terms

        counts = {"removed": 0, "added": 0, "kept": 0}
        now = _now()
        with self._connect(write=True) as conn:
            new_incidents: list[Incident] = []
            keys: dict[str, LinkKeys] = {}
            seeds: set[str] = set()
            for doc, incs in analysed:
                conn.execute(update(documents).where(documents.c.id == doc.id).values(
                    lang=doc.lang, relevance=doc.relevance, relevant=doc.relevant, reasons=list(doc.reasons or []),
                    pipeline_version=doc.pipeline_version))
                old = conn.execute(select(incidents.c.pk, *R.INCIDENT_COLUMNS, incidents.c.reviewed_by)
                                   .where(incidents.c.document_id == doc.id)).all()
                decided = {r.id for r in old if r.verification not in C.MACHINE_STATES or r.reviewed_by is not None}
                counts["kept"] += len(decided)
                gone = [r for r in old if r.id not in decided]
                if gone:
                    case_ids = {r.case_id for r in gone}
                    seeds.update(conn.execute(select(incidents.c.id).where(incidents.c.case_id.in_(case_ids))).scalars())
                    self._delete_incidents(conn, gone, incident_terms)
                    counts["removed"] += len(gone)
                for inc in incs:
                    if inc.id in decided:
                        continue
                    inc.document_id = doc.id
                    keys[inc.id] = incident_keys(inc, doc.text, doc.published)
                    new_incidents.append(inc)
            if new_incidents:
                added = self._insert_incidents(conn, new_incidents, keys, now,
                                               {i.id: incident_terms(i) for i in new_incidents})
                counts["added"] = len(added)
                inserted = {i for _, i in added}
                fresh = [i for i in new_incidents if i.id in inserted]
                self._link_incidents(conn, fresh, {i.id: keys[i.id] for i in fresh})
            seeds = {x for x in seeds if x not in {i.id for i in new_incidents}}
            remaining = set(conn.execute(select(incidents.c.id).where(incidents.c.id.in_(sorted(seeds)))).scalars()) \
                if seeds else set()
            if remaining:
                self._recompute_cases(conn, remaining)
            if analysed:
                self._audit(conn, "reextract", actor=actor or system_user(), target_kind="batch", target_id=None,
                            details={**counts, "documents": len(analysed),
                                     "pipeline_version": analysed[0][0].pipeline_version})
        return counts

    def _delete_incidents(self, conn: Connection, rows: Sequence[Any], terms) -> None:
        ids = [r.id for r in rows]
        if self.dialect == "sqlite":  # contentless FTS5: a row is deleted with the terms it was indexed with
            for row, inc in zip(rows, self._with_evidence(conn, rows)):  # type: ignore[attr-defined]
                conn.execute(text_("INSERT INTO incidents_fts (incidents_fts, rowid, terms) VALUES ('delete', :pk, :t)"),
                             {"pk": row.pk, "t": terms(inc)})
        for chunk in _chunks(ids):
            conn.execute(delete(evidence).where(evidence.c.incident_id.in_(chunk)))
            conn.execute(delete(incident_codes).where(incident_codes.c.incident_id.in_(chunk)))
            conn.execute(delete(incident_blocks).where(incident_blocks.c.incident_id.in_(chunk)))
            conn.execute(delete(incident_links).where(incident_links.c.kind == "match",
                                                      or_(incident_links.c.a.in_(chunk), incident_links.c.b.in_(chunk))))
            conn.execute(delete(incidents).where(incidents.c.id.in_(chunk)))

    # -- whole-store passes ------------------------------------------------------------------

    def relink(self, batch: int = 500, *, actor: str | None = None) -> dict[str, int]:
        """Link the whole store again: band keys and groups of every document, machine matches of
        every incident, every case. Reviewers' merges and splits are kept and respected.

        Run it after upgrading a store from before migration 0003, or after a change to the
        linking rules. Returns counts of documents, incidents and cases.
        """
        with self._connect(write=True) as conn:
            conn.execute(delete(incident_links).where(incident_links.c.kind == "match"))
            conn.execute(delete(document_bands))
            conn.execute(delete(document_shingles))
            conn.execute(delete(incident_blocks))
            conn.execute(update(documents).values(group_id=documents.c.id))
            conn.execute(update(incidents).values(case_id=incidents.c.id))
            last, n_docs = 0, 0
            while True:
                rows = conn.execute(select(documents.c.pk, *R.DOCUMENT_COLUMNS).where(documents.c.pk > last)
                                    .order_by(documents.c.pk).limit(batch)).all()
                if not rows:
                    break
                last = rows[-1].pk
                n_docs += len(rows)
                self._link_documents(conn, [(r.pk, R.document_from_row(r)) for r in rows])
            last, n_incs = 0, 0
            while True:
                found = conn.execute(select(incidents.c.pk, *R.INCIDENT_COLUMNS, incidents.c.link_keys)
                                     .where(incidents.c.pk > last).order_by(incidents.c.pk).limit(batch)).all()
                if not found:
                    break
                last = found[-1].pk
                n_incs += len(found)
                pairs = [(R.incident_from_row(r), r.link_keys) for r in found]
                self._link_incidents(conn, [i for i, _ in pairs], self._keys_for(conn, pairs))
            n_cases = conn.execute(select(func.count()).select_from(incidents)
                                   .where(incidents.c.id == incidents.c.case_id)).scalar() or 0
            counts = {"documents": n_docs, "incidents": n_incs, "cases": n_cases}
            self._audit(conn, "relink", actor=actor or system_user(), target_kind="store", target_id=None,
                        details=counts)
        return counts
