"""The Store: one interface over SQLite (default) and PostgreSQL."""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    bindparam,
    case,
    column,
    func,
    inspect,
    literal_column,
    select,
    table,
    text,
    true,
    tuple_,
)
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from recruitwatch import morph
from recruitwatch.accounts import system_user
from recruitwatch.errors import StoreError
from recruitwatch.link.documents import Sketch, sketch
from recruitwatch.link.features import LinkKeys, incident_keys
from recruitwatch.records import Document, Incident, ReadFailure
from recruitwatch.store import rows as R
from recruitwatch.store.accounts import AccountStore
from recruitwatch.store.audit import AuditStore
from recruitwatch.store.confidential import ConfidentialStore
from recruitwatch.store.connection import create_store_engine, describe_url, lock_wait, parse_url, sqlite_path
from recruitwatch.store.linking import LinkingStore
from recruitwatch.store.review import ReviewStore
from recruitwatch.store.schema import CODE_FIELDS, documents, evidence, incident_codes, incidents, ingest_failures
from recruitwatch.store.search import (
    RANKED_CHARS,
    SearchHit,
    bm25,
    document_body,
    document_terms,
    fts5_match,
    idf,
    parse_query,
    snippet,
    tsquery,
)
from recruitwatch.store.sessions import SessionStore
from recruitwatch.store.watch import WatchStore

if TYPE_CHECKING:
    from recruitwatch.store.case_figures import CaseFigures

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
CHUNK = 500  # ids per IN (...) query
# A search ranks at most this many of the newest matching documents, so a query for a word in
# half the archive, or a phrase of two such words, still answers fast.
SEARCH_CANDIDATES = 200
# SQLite: a query's words are weighed (BM25's idf) by how many of this many newest documents contain them.
SEARCH_SAMPLE = 10_000
# PostgreSQL: a query with a phrase reads this many newest rows first, then older ones the same way if at least
# one in PHRASE_DENSE matched, else through the index of adjacent term pairs (Store._rank_postgresql).
PHRASE_WALK = 10_000
PHRASE_DENSE = 200
BREAKDOWNS = ("tactic", "actor", "place", "nationality", "status", "outcome", "verification", "month", "year")
_HEX = re.compile(r"[0-9a-f]+")
_TSQ = literal_column("'simple'::regconfig")
DOCUMENTS, INCIDENTS = documents, incidents  # save_batch's arguments shadow the table names


@dataclass(frozen=True, slots=True)
class BatchResult:
    new_documents: int
    known_documents: int
    new_incidents: int
    failures: int


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def alembic_config():  # -> alembic.config.Config (alembic is imported only to migrate: 0.3 s)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)', re.MULTILINE)


@cache
def head_revision() -> str | None:
    """The newest migration shipped: the revision no other one revises (read from the files of
    ``migrations/versions``, so that every command need not import alembic to check the schema;
    a test holds it to alembic's own answer)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = sorted(revisions - parents)
    return heads[0] if len(heads) == 1 else None


class Store(ConfidentialStore, LinkingStore, ReviewStore, AccountStore, SessionStore, AuditStore, WatchStore):
    """Documents, incidents with evidence, and ingest failures in one database.

    Create it with :func:`recruitwatch.store.open_store`; nothing is created or connected until
    the first call. Call :meth:`init` once to create or upgrade the schema.
    """

    def __init__(self, url: str):
        self._url = parse_url(url)
        self.dialect = self._url.get_backend_name()
        self._engine = None
        self._ready = False

    # -- connection ------------------------------------------------------------------------

    def describe(self) -> str:
        """Where the store is, without the password."""
        return describe_url(self._url)

    def url_for_workers(self) -> str | None:
        """The URL that opens this store again in a worker process (``None`` for an in-memory database)."""
        if self.dialect == "sqlite" and self._url.database in (None, "", ":memory:"):
            return None
        return self._url.render_as_string(hide_password=False)

    @property
    def engine(self):
        if self._engine is None:
            self._engine = create_store_engine(self._url)
        return self._engine

    def _missing_file(self) -> bool:
        path = sqlite_path(self._url)
        return path is not None and not path.exists()

    def _error(self, action: str, exc: Exception) -> StoreError:
        detail = getattr(exc, "orig", None) or exc
        return StoreError(f"{self.describe()}: {action} failed: {detail}")

    @contextmanager
    def _connect(self, *, write: bool = False, check: bool = True) -> Iterator[Connection]:
        if check and not self._ready:
            if not self.is_initialised():
                raise StoreError(
                    f"{self.describe()} is not initialised or needs an upgrade; run `recruitwatch init` "
                    "(or Store.init()) with the same --db first"
                )
            self._ready = True
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(recruitwatch_write=True)
                with self._begin(conn, write):
                    yield conn
        except SQLAlchemyError as exc:
            raise self._error("writing" if write else "reading", exc) from exc

    def _begin(self, conn: Connection, write: bool):
        """Begin a transaction. A SQLite writer that finds another process writing (``database is locked``
        after the busy timeout) tries again until :func:`lock_wait` seconds have passed: two ingests into one
        file, or an ingest and a web edit, take turns instead of failing. Nothing has run yet, so retrying
        the BEGIN is safe."""
        if not (write and self.dialect == "sqlite"):
            return conn.begin()
        deadline = time.monotonic() + lock_wait()
        told = False
        while True:
            try:
                return conn.begin()
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() >= deadline:
                    raise
                if not told:
                    log.info("%s: another process is writing; waiting for it", self.describe())
                    told = True
                time.sleep(0.2 + random.random() * 0.3)

    def close(self) -> None:
        """Release connections. On SQLite, first let the query planner refresh its statistics
        (``PRAGMA optimize``, as SQLite recommends before closing; bounded by ``analysis_limit``)."""
        if self._engine is not None:
            if self.dialect == "sqlite" and self._ready:
                try:
                    with self._engine.begin() as conn:
                        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                        conn.exec_driver_sql("PRAGMA optimize")
                except SQLAlchemyError:
                    pass  # statistics are an optimisation; never fail a close over them
            self._engine.dispose()
            self._engine = None
        self._ready = False

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------

    def init(self) -> None:
        """Create the schema or upgrade it to the newest version (alembic upgrade head). Idempotent."""
        path = sqlite_path(self._url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        from alembic import command

        config = alembic_config()
        try:
            with self._connect(write=True, check=False) as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7245001)")  # one migrator at a time
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except StoreError:
            raise
        except Exception as exc:  # alembic raises its own errors too
            raise self._error("initialising", exc) from exc
        self._ready = True

    def schema_version(self) -> str | None:
        """The applied migration, or None for an empty database."""
        if self._missing_file():
            return None
        with self._connect(check=False) as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def is_initialised(self) -> bool:
        """True when the schema exists and is at the newest version."""
        return self.schema_version() == head_revision()

    # -- writing ---------------------------------------------------------------------------

    def _insert(self, tbl):
        # The dialect's module is imported here: importing SQLAlchemy's PostgreSQL dialect costs a SQLite store
        # about 0.1 s of start-up (its drivers' modules, asyncio).
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(tbl).on_conflict_do_nothing()

    def _insert_incidents(self, conn: Connection, incs: list[Incident], keys: dict[str, Any], now: datetime,
                          terms: dict[str, str]) -> list[tuple[int, str]]:
        """Insert incidents not stored yet, with their codes, evidence and search terms;
        returns (pk, id) of those inserted (``keys``: each incident's blocking keys)."""
        stmt = self._insert(INCIDENTS).returning(INCIDENTS.c.pk, INCIDENTS.c.id)
        added = [tuple(r) for r in conn.execute(stmt, [R.incident_row(i, now, keys[i.id].to_dict()) for i in incs])]
        by_id = {i.id: i for i in incs}
        fresh = [by_id[i] for _, i in added]
        codes = [row for inc in fresh for row in R.code_rows(inc)]
        if codes:
            conn.execute(incident_codes.insert(), codes)
        spans = [row for inc in fresh for row in R.evidence_rows(inc)]
        if spans:
            conn.execute(evidence.insert(), spans)
        self._index(conn, "incidents", [{"pk": pk, "terms": terms[i]} for pk, i in added])
        return added

    def _insert_documents(self, conn: Connection, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
        """Insert document rows not stored yet (by id or content key); (pk, id) of those inserted, in order."""
        if self.dialect != "sqlite":
            stmt = self._insert(DOCUMENTS).returning(DOCUMENTS.c.pk, DOCUMENTS.c.id)
            return [tuple(r) for r in conn.execute(stmt, rows)]
        # SQLite: the same statement one row at a time, straight to the driver (the writer's hot path), with
        # the columns' own conversions (JSON, times); a row inserted is rowcount 1 and its pk the last rowid.
        names = list(rows[0])
        convert = _sqlite_conversions(conn, DOCUMENTS, tuple(names))
        cursor = conn.connection.cursor()
        statement = (f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                     "ON CONFLICT DO NOTHING")
        added = []
        try:
            for row in rows:
                cursor.execute(statement, [f(row[n]) if f else row[n] for n, f in zip(names, convert)])
                if cursor.rowcount == 1:
                    added.append((cursor.lastrowid, row["id"]))
        except sqlite3.Error as exc:  # as SQLAlchemy raises it, so that the caller reports it as for any statement
            raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc
        finally:
            cursor.close()
        return added

    def _index(self, conn: Connection, kind: str, rows: list[dict[str, Any]]) -> None:
        """Add {pk, terms} rows to the full-text index of documents or incidents."""
        if not rows:
            return
        if self.dialect == "sqlite":
            name = "documents_fts" if kind == "documents" else "incidents_fts"
            conn.exec_driver_sql(f"INSERT INTO {name} (rowid, terms) VALUES (?, ?)",
                                 [(row["pk"], row["terms"]) for row in rows])
        else:
            name = "document_search" if kind == "documents" else "incident_search"
            conn.execute(text(f"INSERT INTO {name} (pk, terms) VALUES (:pk, to_tsvector('simple', :terms))"), rows)

    def save_batch(
        self,
        documents: list[Document],
        incidents: list[Incident],
        failures: Iterable[ReadFailure] = (),
        *,
        origins: Iterable[Document] = (),
        link: bool = True,
        actor: str | None = None,
        prepared: Mapping[str, Prepared] | None = None,
    ) -> BatchResult:
        """Save documents, their incidents (with codes and evidence) and read failures in ONE transaction.

        Idempotent: a document whose content is already stored (same content key, whatever its
        path) is not stored again, only its origin is added; incidents already stored (same id) are
        skipped, so re-running a batch after a crash adds nothing twice. ``origins`` are more
        copies of these or stored documents (other paths or URLs of the same content): only their
        origins are recorded. With ``link`` (the default) the new documents join their
        near-duplicate groups and the new incidents their cases, in the same transaction (see
        docs/linking.md). A batch that stores anything writes one ``ingest`` entry (by ``actor``) to the
        audit log, in the same transaction (``actor`` default: the operating-system user). An error
        rolls the whole batch back.

        ``prepared`` (by document id) holds what a worker process already computed for a document
        (see :func:`prepare`): its index terms, its incidents' index terms and link keys, its sketch.
        What is missing is computed here; the result is the same either way.
        """
        now = _now()
        docs = list({d.id: d for d in documents}.values())
        incs = list({i.id: i for i in incidents}.values())
        fails = list({(f.source, f.problem): f for f in failures}.values())
        by_id = {d.id: d for d in docs}
        inc_by_id = {i.id: i for i in incs}
        prepared = prepared or {}
        # Lemmatise before taking the write lock, and only what is probably new (a re-run skips it).
        unprepared = [i for i in by_id if i not in prepared]
        known = self.known_document_ids(unprepared) if unprepared else set()
        doc_terms, inc_terms, keys, sketches = {}, {}, {}, {}
        for d in docs:
            ready = prepared.get(d.id)
            if ready is not None:
                doc_terms[d.id] = ready.terms
                inc_terms.update(ready.incident_terms)
                keys.update(ready.link_keys)
                sketches[d.id] = ready.sketch
            elif d.id not in known:
                doc_terms[d.id] = document_terms(d.title, d.text)
        for i in incs:
            if i.id not in inc_terms:
                inc_terms[i.id] = incident_terms(i)
            if i.id not in keys:
                doc = by_id.get(i.document_id)
                keys[i.id] = incident_keys(i, doc.text if doc else "", doc.published if doc else None)
        with self._connect(write=True) as conn:
            new_docs: list[tuple[int, str]] = []
            if docs:
                new_docs = self._insert_documents(conn, [R.document_row(d, now) for d in docs])
                self._index(
                    conn, "documents",
                    [
                        {"pk": pk, "terms": doc_terms.get(i) or document_terms(by_id[i].title, by_id[i].text)}
                        for pk, i in new_docs
                    ],
                )  # fmt: skip
            every = [*docs, *origins]
            if every:
                self._add_origins(conn, every, self._stored_ids(conn, {d.id for d in every}), now)
            new_incs: list[tuple[int, str]] = []
            if incs:
                new_incs = self._insert_incidents(conn, incs, keys, now, inc_terms)
            if link:
                stored_docs = [(pk, by_id[i]) for pk, i in new_docs]
                changed = self._link_documents(conn, stored_docs, sketches) if stored_docs else set()
                fresh_incs = [inc_by_id[i] for _, i in new_incs]
                if fresh_incs or changed:
                    self._link_incidents(conn, fresh_incs, {i.id: keys[i.id] for i in fresh_incs}, changed)
            if fails:
                conn.execute(self._insert(ingest_failures), [R.failure_row(f, now) for f in fails])
            result = BatchResult(
                new_documents=len(new_docs),
                known_documents=len(docs) - len(new_docs),
                new_incidents=len(new_incs),
                failures=len(fails),
            )
            if new_docs or new_incs or fails:  # one audit entry per batch that changed something
                self._audit(conn, "ingest", actor=actor or system_user(), target_kind="batch", target_id=None,
                            details={"new_documents": result.new_documents, "known_documents": result.known_documents,
                                     "new_incidents": result.new_incidents, "failures": result.failures,
                                     "documents": sorted(i for _, i in new_docs)})
        return result

    def reindex(self, batch: int = 2000) -> int:
        """Rebuild both full-text indexes from the stored records, in one transaction.

        Run it after a change to :mod:`recruitwatch.morph` or the pymorphy3 dictionaries, so old
        records are indexed the way new queries are analysed. Returns the number of documents.
        """
        done = 0
        with self._connect(write=True) as conn:
            if self.dialect == "sqlite":
                for name in ("documents_fts", "incidents_fts"):
                    conn.exec_driver_sql(f"INSERT INTO {name} ({name}) VALUES ('delete-all')")
            else:
                conn.exec_driver_sql("TRUNCATE document_search, incident_search")
            last = 0
            while True:
                stmt = (
                    select(documents.c.pk, documents.c.title, documents.c.text)
                    .where(documents.c.pk > last).order_by(documents.c.pk).limit(batch)
                )  # fmt: skip
                found = conn.execute(stmt).all()
                if not found:
                    break
                self._index(conn, "documents", [{"pk": r.pk, "terms": document_terms(r.title, r.text)} for r in found])
                done += len(found)
                last = found[-1].pk
            last = 0
            while True:
                stmt = select(incidents.c.pk, *R.INCIDENT_COLUMNS).where(incidents.c.pk > last).order_by(incidents.c.pk).limit(batch)
                found = conn.execute(stmt).all()
                if not found:
                    break
                loaded = self._with_evidence(conn, found)
                self._index(conn, "incidents", [{"pk": r.pk, "terms": incident_terms(i)} for r, i in zip(found, loaded)])
                last = found[-1].pk
        return done

    # -- documents -------------------------------------------------------------------------

    def known_document_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` (content keys: the ids of :class:`Document` records) are already stored."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        if not wanted:
            return found
        with self._connect() as conn:
            for chunk in _chunks(wanted):
                found.update(conn.execute(select(documents.c.content_key).where(documents.c.content_key.in_(chunk))).scalars())
        return found

    def _by_id_or_prefix(self, conn: Connection, tbl, key: str):
        key = key.strip().lower()
        if not key:
            return None
        rows = conn.execute(select(tbl.c.pk, tbl.c.id).where(tbl.c.id == key)).all()
        if not rows and _HEX.fullmatch(key):
            # Ids are lower-case hex, so a prefix is the range [key, key + "g"): the unique index serves it.
            rows = conn.execute(
                select(tbl.c.pk, tbl.c.id).where(tbl.c.id >= key, tbl.c.id < key + "g").order_by(tbl.c.id).limit(2)
            ).all()
        if len(rows) > 1:
            raise StoreError(f"{key!r} matches several {tbl.name} ({rows[0].id}, {rows[1].id}, ...); give more characters")
        return rows[0].pk if rows else None

    def get_document(self, id_or_prefix: str, *, decrypt: bool = False) -> Document | None:
        """A document by its id or an unambiguous prefix of it. A testimony's text is a placeholder
        unless ``decrypt`` (which needs the master key: see docs/encryption.md)."""
        with self._connect() as conn:
            pk = self._by_id_or_prefix(conn, documents, id_or_prefix)
            if pk is None:
                return None
            doc = R.document_from_row(conn.execute(select(*R.DOCUMENT_COLUMNS).where(documents.c.pk == pk)).one())
        return self.reveal_document(doc, decrypt)

    def get_documents(self, ids: Iterable[str], *, with_text: bool = True) -> dict[str, Document]:
        """Stored documents by full id, in one query per 500 ids (ids not stored are left out). Without
        ``with_text`` their ``text`` is empty: for lists that show a title, an outlet and a date.
        A testimony's text is its placeholder, as :meth:`get_document` gives it without ``decrypt``."""
        wanted = list(dict.fromkeys(ids))
        columns = R.DOCUMENT_COLUMNS if with_text else [c for c in R.DOCUMENT_COLUMNS if c.name != "text"]
        found: dict[str, Document] = {}
        with self._connect() as conn:
            for chunk in _chunks(wanted):
                for row in conn.execute(select(*columns).where(documents.c.id.in_(chunk))):
                    found[row.id] = R.document_from_row(row) if with_text else Document(
                        **{name: row._mapping[name] for name in R.DOCUMENT_FIELDS if name != "text"}, text="")
        return found

    def list_documents(
        self, *, limit: int = 50, offset: int = 0, lang: str | None = None, relevant: bool | None = None, kind: str | None = None
    ) -> list[Document]:
        """Documents, most recently added first."""
        stmt = select(*R.DOCUMENT_COLUMNS).order_by(documents.c.pk.desc()).limit(limit).offset(offset)
        if lang is not None:
            stmt = stmt.where(documents.c.lang == lang)
        if relevant is not None:
            stmt = stmt.where(documents.c.relevant == relevant)
        if kind is not None:
            stmt = stmt.where(documents.c.kind == kind)
        with self._connect() as conn:
            return [R.document_from_row(r) for r in conn.execute(stmt)]

    def search_documents(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Documents containing every word (in any inflected form) and "quoted phrase" of ``query``, best first.

        The newest ``SEARCH_CANDIDATES`` matches (or ``limit``, if more) are ranked (see docs/storage.md, Search).
        """
        groups = parse_query(query)
        if not groups:
            return []
        n = max(SEARCH_CANDIDATES, limit)
        with self._connect() as conn:
            ranked = self._rank_sqlite(conn, groups, n) if self.dialect == "sqlite" else self._rank_postgresql(conn, groups, n)
            best = sorted(ranked, key=lambda pk: (ranked[pk], pk), reverse=True)[:limit]
            found = {row.pk: row for row in conn.execute(
                select(documents.c.pk, *R.DOCUMENT_COLUMNS).where(documents.c.pk.in_(best)))} if best else {}
        result = []
        for pk in best:
            doc = R.document_from_row(found[pk])
            snip, spans = snippet(doc.text, groups)
            result.append(SearchHit(document=doc, snippet=snip, rank=ranked[pk], matches=spans))
        return result

    def _rank_sqlite(self, conn: Connection, groups: list[list[str]], n: int) -> dict[int, float]:
        """pk -> BM25 of the ``n`` newest matches, computed here: FTS5's ``bm25()`` would count each word's
        matches in the whole index (all of its postings) on every query."""
        fts = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q"
        candidates = conn.execute(text(
            f"SELECT d.pk, d.title, substr(d.text, 1, :chars) AS text FROM ({fts} ORDER BY rowid DESC LIMIT :n) c "
            "JOIN documents d ON d.pk = c.rowid"), {"q": fts5_match(groups), "n": n, "chars": RANKED_CHARS})
        bodies = {row.pk: document_body(row.title, row.text) for row in candidates}
        if not bodies:
            return {}
        # Each group's weight (idf) from how many of the newest SEARCH_SAMPLE documents contain it. A single
        # group's weight would scale every score alike, so it is not counted. The documents are counted in
        # FTS5's row per document (documents_fts_docsize, a few bytes), not in `documents` (their texts).
        weights = [1.0]
        if len(groups) > 1:
            low = conn.exec_driver_sql("SELECT max(id) FROM documents_fts_docsize").scalar_one() - SEARCH_SAMPLE
            sample = conn.execute(text("SELECT count(*) FROM documents_fts_docsize WHERE id > :low"),
                                  {"low": low}).scalar_one()
            counts = [conn.execute(text(f"SELECT count(*) FROM ({fts} AND rowid > :low)"),
                                   {"q": fts5_match([g]), "low": low}).scalar_one() for g in groups]
            weights = [idf(count, sample) for count in counts]
        return bm25(bodies, groups, weights)

    def _rank_postgresql(self, conn: Connection, groups: list[list[str]], n: int) -> dict[int, float]:
        """pk -> ``ts_rank_cd`` of the ``n`` newest matches.

        A query with a phrase reads the newest PHRASE_WALK rows one by one, checking positions. With fewer than
        ``n`` matches there, older rows are read the same way if the phrase is common there (at least one row
        in PHRASE_DENSE), else only the rows holding every adjacent pair of its terms (the GIN index on
        ``term_pairs(terms)``, migration 0013): a rare phrase of two common words otherwise read most of the
        table. Reading a row of the index's is about 10 times the cost of the next row of the walk (random
        heap blocks), hence the threshold (docs/storage.md, "Phrases on PostgreSQL")."""
        q = {"q": tsquery(groups), "n": n}
        rank = ("SELECT pk, ts_rank_cd(terms, to_tsquery('simple', :q)) AS score FROM "
                "(SELECT pk, terms FROM document_search WHERE {} ORDER BY pk DESC LIMIT :n) s")
        plain = "terms @@ to_tsquery('simple', :q)"
        phrases = [" ".join(g) for g in groups if len(g) > 1]
        if not phrases:
            return {row.pk: float(row.score) for row in conn.execute(text(rank.format(plain)), q)}
        # A bound the planner can see (a subquery's value it cannot: it then chose a plan that computed term_pairs()
        # of many rows).
        q["low"] = (conn.exec_driver_sql("SELECT max(pk) FROM document_search").scalar_one() or 0) - PHRASE_WALK
        found = {row.pk: float(row.score) for row in conn.execute(text(rank.format(f"{plain} AND pk > :low")), q)}
        if len(found) * PHRASE_DENSE >= PHRASE_WALK:
            older = plain
        else:
            # The pairs as term_pairs() makes them from a document, from the phrases' own tsvectors.
            pairs = conn.execute(text(
                "SELECT string_agg(quote_literal(p.lexeme), ' & ') FROM unnest(CAST(:phrases AS text[])) ph, "
                "unnest(term_pairs(to_tsvector('simple', ph))) p"), {"phrases": phrases}).scalar_one()
            # The query is checked with ts_match_vq(), the function of @@, which no index answers: with `@@` the
            # planner also read the terms index (for a phrase, every row with both words; for a word, every row
            # with it) and then, as a phrase needs its positions checked (or the bitmap was too large to be
            # exact), computed term_pairs() again for every row it read.
            older = ("term_pairs(terms) @@ CAST(:pairs AS tsquery) AND ts_match_vq(terms, to_tsquery('simple', :q))"
                     if pairs else plain)
            q["pairs"] = pairs
        if len(found) < n and q["low"] > 0:
            rows = conn.execute(text(rank.format(f"{older} AND pk <= :low")), q | {"n": n - len(found)})
            found |= {row.pk: float(row.score) for row in rows}
        return found

    # -- incidents -------------------------------------------------------------------------

    def _with_evidence(self, conn: Connection, found: Sequence[Any]) -> list[Incident]:
        ids = [row.id for row in found]
        spans: dict[str, list] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            stmt = select(*R.EVIDENCE_COLUMNS).where(evidence.c.incident_id.in_(chunk)).order_by(evidence.c.incident_id, evidence.c.ord)
            for row in conn.execute(stmt):
                spans[row.incident_id].append(R.evidence_from_row(row))
        return [R.incident_from_row(row, spans[row.id]) for row in found]

    def list_incidents(self, filters: R.IncidentFilter | None = None, *, limit: int = 50, offset: int = 0,
                       least_confident_first: bool = False) -> list[Incident]:
        """Incidents matching ``filters``, newest date first (undated last), with their evidence;
        or, for review, least confident first."""
        order = ((incidents.c.confidence.asc().nulls_last(), incidents.c.pk.asc()) if least_confident_first
                 else (incidents.c.date_start.desc().nulls_last(), incidents.c.pk.desc()))
        stmt = (
            select(*R.INCIDENT_COLUMNS)
            .where(*R.filter_conditions(filters))
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        with self._connect() as conn:
            return self._with_evidence(conn, conn.execute(stmt).all())

    def _incident_search(self, query: str, columns: Sequence[Any], filters: R.IncidentFilter | None, *,
                         scored: bool = True):
        """SELECT ``columns`` (and a ``score``, unless not ``scored``: a count needs none) of incidents matching
        ``query`` and ``filters``; None for an empty query."""
        groups = parse_query(query)
        if not groups:
            return None
        if self.dialect == "sqlite":
            fts = table("incidents_fts", column("rowid"))
            score = -func.bm25(literal_column("incidents_fts"))
            stmt = (
                select(*columns, *([score.label("score")] if scored else []))
                .join_from(incidents, fts, fts.c.rowid == incidents.c.pk)
                .where(text("incidents_fts MATCH :q").bindparams(q=fts5_match(groups)))
            )
        else:
            fts = table("incident_search", column("pk"), column("terms"))
            q = func.to_tsquery(_TSQ, bindparam("q", tsquery(groups)))
            score = func.ts_rank_cd(fts.c.terms, q)
            stmt = (
                select(*columns, *([score.label("score")] if scored else []))
                .join_from(incidents, fts, fts.c.pk == incidents.c.pk)
                .where(fts.c.terms.op("@@")(q))
            )
        # Every report's incident: a word may be in one report of a case only.
        return stmt.where(*R.filter_conditions(filters or R.IncidentFilter(cases=False)))

    def search_incidents(self, query: str, *, filters: R.IncidentFilter | None = None, limit: int = 20,
                         offset: int = 0) -> list[Incident]:
        """Incidents whose evidence, summary or codes contain every word of ``query``, best first.

        On PostgreSQL the newest ``SEARCH_CANDIDATES`` matches (or ``offset + limit``, if more) are ranked,
        as documents are (``ts_rank_cd`` of every match of a common word cost 90 ms at 100,000 incidents);
        SQLite ranks every match with FTS5's ``bm25()``, which its index answers quickly here."""
        stmt = self._incident_search(query, R.INCIDENT_COLUMNS, filters)
        if stmt is None:
            return []
        if self.dialect != "sqlite":
            newest = self._incident_search(query, [incidents.c.pk], filters, scored=False)
            newest = newest.order_by(incidents.c.pk.desc()).limit(max(SEARCH_CANDIDATES, offset + limit))
            stmt = stmt.where(incidents.c.pk.in_(newest.scalar_subquery()))
        stmt = stmt.order_by(literal_column("score").desc(), incidents.c.pk.desc()).limit(limit).offset(offset)
        with self._connect() as conn:
            return self._with_evidence(conn, conn.execute(stmt).all())

    def count_incidents(self, filters: R.IncidentFilter | None = None, *, query: str | None = None) -> int:
        """How many incidents :meth:`list_incidents` (or, with ``query``, :meth:`search_incidents`) would return
        without a limit: one count over the same conditions, for paging."""
        if query is not None:
            found = self._incident_search(query, [incidents.c.pk], filters, scored=False)
            if found is None:
                return 0
            if self.dialect != "sqlite" and not R.filter_conditions(filters or R.IncidentFilter(cases=False)):
                # no condition on incidents: the search table alone (its rows are the incidents'), no join
                found = select(literal_column("pk")).select_from(table("incident_search")).where(
                    literal_column("terms").op("@@")(func.to_tsquery(_TSQ, bindparam("q", tsquery(parse_query(query))))))
            stmt = select(func.count()).select_from(found.subquery())
        elif R.only_codes(filters) and (found := R.case_codes(filters)) is not None:
            # Cases filtered by codes only: counted in incident_codes' (is_case, field, code) index alone.
            ids, several = found
            sub = ids.subquery()
            stmt = select(func.count(sub.c.incident_id.distinct()) if several else func.count()).select_from(sub)
        else:
            stmt = select(func.count()).select_from(incidents).where(*R.filter_conditions(filters, correlated=False))
        with self._connect() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    def get_incident(self, id_or_prefix: str, *, decrypt: bool = False) -> Incident | None:
        """An incident by id or unambiguous prefix, with its evidence spans (a testimony's evidence
        texts are placeholders unless ``decrypt``, which needs the master key)."""
        with self._connect() as conn:
            pk = self._by_id_or_prefix(conn, incidents, id_or_prefix)
            if pk is None:
                return None
            inc = self._with_evidence(conn, conn.execute(select(*R.INCIDENT_COLUMNS).where(incidents.c.pk == pk)).all())[0]
        return self.reveal_incident(inc, decrypt)

    # -- figures ---------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for a status line: documents, relevant documents, incidents, failures, languages, kinds.

        Documents are counted in one grouped read of ``ix_documents_stats`` (kind, lang, relevant), not
        four scans of the table; cases and corroborated cases in one read of the cases."""
        with self._connect() as conn:
            one = lambda stmt: conn.execute(stmt).scalar() or 0  # noqa: E731
            total = relevant = 0
            languages: dict[str, int] = {}
            kinds: dict[str, int] = {}
            grouped = (select(documents.c.kind, documents.c.lang, documents.c.relevant, func.count())
                       .group_by(documents.c.kind, documents.c.lang, documents.c.relevant))
            for kind, lang, is_relevant, n in conn.execute(grouped):
                total += n
                relevant += n if is_relevant else 0
                languages[lang or "unknown"] = languages.get(lang or "unknown", 0) + n
                kinds[kind] = kinds.get(kind, 0) + n
            cases, corroborated = self._case_counts(conn)
            return {
                "documents": total,
                "relevant_documents": relevant,
                "incidents": cases,
                "corroborated": corroborated,
                "incident_reports": one(select(func.count()).select_from(incidents)),
                "evidence": one(select(func.count()).select_from(evidence)),
                "failures": one(select(func.count()).select_from(ingest_failures)),
                "languages": dict(sorted(languages.items(), key=lambda kv: (kv[0] == "unknown", kv[0]))),
                "kinds": dict(sorted(kinds.items())),
            }

    def case_counts(self) -> tuple[int, int]:
        """(cases, corroborated cases): the two counts of :meth:`stats` that ``summary`` shows, without its
        counts of documents and evidence."""
        with self._connect() as conn:
            return self._case_counts(conn)

    def _case_counts(self, conn: Connection) -> tuple[int, int]:
        # Cases: an incident reported by several documents counts once.
        corroborated = func.sum(case((incidents.c.verification == "corroborated", 1), else_=0))
        cases, corroborated = conn.execute(select(func.count(), corroborated).select_from(incidents)
                                           .where(R.IS_CASE)).one()
        return int(cases or 0), int(corroborated or 0)

    def case_snapshot(self) -> CaseFigures:
        """The cases and their codes, read once into memory, to count and break down any case filter
        there (:class:`~recruitwatch.store.case_figures.CaseFigures`; the dashboard keeps one)."""
        from recruitwatch.store.case_figures import CaseFigures

        i = incidents.c
        with self._connect() as conn:
            cases = conn.execute(select(i.id, i.date, i.date_start, i.date_end, i.status, i.outcome, i.verification,
                                        i.confidence).where(R.IS_CASE)).all()
            codes = conn.execute(select(incident_codes.c.incident_id, incident_codes.c.field, incident_codes.c.code)
                                 .where(incident_codes.c.is_case == true())).all()
        return CaseFigures(cases, codes)

    def incident_breakdown(self, by: str, filters: R.IncidentFilter | None = None) -> list[tuple[str, int]]:
        """Incident counts per value of ``by``; list fields are unnested (an incident counts once per code).

        Months and years come in time order, everything else by count, largest first.
        """
        if by not in BREAKDOWNS:
            raise StoreError(f"cannot break incidents down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")
        where = R.filter_conditions(filters, correlated=False)
        n = func.count().label("n")
        if by in CODE_FIELDS.values():
            key = incident_codes.c.code
            stmt = select(key, n).where(incident_codes.c.field == by)
            if where:  # a join lets the database start from whichever side is smaller
                stmt = stmt.join_from(incident_codes, incidents, incidents.c.id == incident_codes.c.incident_id).where(*where)
        else:
            if by in ("status", "outcome", "verification"):
                key = incidents.c[by]
            else:
                width = 7 if by == "month" else 4
                key = func.substr(incidents.c.date, 1, width)
                where = [*where, func.length(incidents.c.date) >= width]
            stmt = select(key.label("key"), n).where(*where)
        stmt = stmt.group_by(key)
        stmt = stmt.order_by(key) if by in ("month", "year") else stmt.order_by(n.desc(), key)
        with self._connect() as conn:
            return [(str(k), int(c)) for k, c in conn.execute(stmt).all()]

    def incident_figures(self, by: Iterable[str], filters: R.IncidentFilter | None = None
                         ) -> tuple[int, dict[str, list[tuple[str, int]]]]:
        """:meth:`count_incidents` and an :meth:`incident_breakdown` for each of ``by``, with the same
        results and order, from two grouped reads instead of one query per breakdown.

        Cases (a filter without ``document_id``) are read as rows of an index of cases, each case once,
        the filter evaluated on the row (on SQLite its codes in the case's own lists,
        :func:`~recruitwatch.store.rows.listed_code`, so no look-up per case), grouped by status, outcome,
        verification and month (the count and those breakdowns) and by the lists of the code fields asked
        (tactics and places together; each list's distinct codes are counted here): on SQLite one walk of
        an index per grouping, in the index's order (migration 0014), on PostgreSQL one statement with
        ``GROUPING SETS`` (the filter's semi-join with ``incident_codes`` done once). Every report's
        incidents (``cases=False`` or ``document_id``) are counted from ``incident_codes``.

        Ties in count are ordered by the value's code points (as SQLite and a PostgreSQL database
        with the C collation order them).
        """
        wanted = list(dict.fromkeys(by))
        unknown = [b for b in wanted if b not in BREAKDOWNS]
        if unknown:
            raise StoreError(f"cannot break incidents down by {unknown[0]!r}; choose one of {', '.join(BREAKDOWNS)}")
        f = filters or R.IncidentFilter()
        cases = f.cases and not f.document_id
        where = R.filter_conditions(f, correlated=False, listed=cases and self.dialect == "sqlite")
        # substr(date, 1, 7) with literal bounds: the expression of ix_incidents_cases_figures (SQLite).
        month = func.substr(incidents.c.date, literal_column("1"), literal_column("7"))
        fields = [b for b in wanted if b in CODE_FIELDS.values()]
        groups = _list_groups(fields) if cases else []
        groupings = [[incidents.c.status, incidents.c.outcome, incidents.c.verification, month]]
        groupings += [[incidents.c[R.LIST_COLUMNS[field]] for field in group] for group in groups]
        counts: dict[str, dict[str, int]] = {b: {} for b in wanted}
        total = 0
        with self._connect() as conn:
            for k, values, c in self._grouped(conn, groupings, where):
                if k == 0:
                    total += c
                    status, outcome, verification, key = values
                    for b, value in (("status", status), ("outcome", outcome), ("verification", verification),
                                     ("month", key if key and len(key) >= 7 else None),
                                     ("year", key[:4] if key and len(key) >= 4 else None)):
                        if b in counts and value is not None:
                            counts[b][value] = counts[b].get(value, 0) + c
                    continue
                for field, listed in zip(groups[k - 1], values, strict=True):
                    for code in set(listed):
                        counts[field][code] = counts[field].get(code, 0) + c
            if fields and not cases:
                ids = select(incidents.c.id).where(*where)
                for field, code, c in conn.execute(
                        select(incident_codes.c.field, incident_codes.c.code, func.count())
                        .where(incident_codes.c.field.in_(fields), incident_codes.c.incident_id.in_(ids))
                        .group_by(incident_codes.c.field, incident_codes.c.code)):
                    counts[field][code] = c
        out = {}
        for b, found in counts.items():
            rows = [(str(k), int(c)) for k, c in found.items()]
            out[b] = sorted(rows) if b in ("month", "year") else sorted(rows, key=lambda r: (-r[1], r[0]))
        return total, out

    def _grouped(self, conn: Connection, groupings: list[list[Any]], where: list[Any]
                 ) -> Iterator[tuple[int, list[Any], int]]:
        """(k, values, count) for each group of the incidents matching ``where`` grouped by the columns
        ``groupings[k]``: on SQLite one query per grouping, on PostgreSQL one statement for all of them."""
        n = func.count()
        if self.dialect == "sqlite" or len(groupings) == 1:
            for k, columns in enumerate(groupings):
                for *values, c in conn.execute(select(*columns, n).where(*where).group_by(*columns)):
                    yield k, values, c
            return
        columns = list(dict.fromkeys(c for grouping in groupings for c in grouping))  # by identity
        where_in = [[columns.index(c) for c in grouping] for grouping in groupings]
        # GROUPING(all columns): a bit per column, set when the row's grouping leaves that column out.
        mask = {sum(1 << (len(columns) - 1 - i) for i in range(len(columns)) if i not in at): k
                for k, at in enumerate(where_in)}
        sets = func.grouping_sets(*(tuple_(*grouping) for grouping in groupings))
        stmt = select(*columns, func.grouping(*columns), n).where(*where).group_by(sets)
        for *values, bits, c in conn.execute(stmt):
            k = mask[bits]
            yield k, [values[i] for i in where_in[k]], c


def _list_groups(fields: list[str]) -> list[list[str]]:
    """The code fields grouped together: tactic and place (the first columns of ``ix_incidents_cases_codes``,
    so SQLite groups them in index order without a sort; their pairs of lists are few), each other alone."""
    together = [f for f in ("tactic", "place") if f in fields]
    return ([together] if together else []) + [[f] for f in fields if f not in together]


def _sqlite_conversions(conn: Connection, tbl, names: tuple[str, ...]) -> list:
    """Each column's bind conversion (``None`` where a value goes to SQLite as it is), as SQLAlchemy
    applies it to the statements it runs: rows sent to the driver directly are stored the same."""
    return [tbl.c[name].type._cached_bind_processor(conn.dialect) for name in names]


@dataclass(frozen=True, slots=True)
class Prepared:
    """What :meth:`Store.save_batch` computes for a new document, computed ahead in a worker
    process (:func:`prepare`): its index terms, its incidents' index terms and link keys, and the
    sketch near-duplicate linking needs (band keys and shingle fingerprint)."""

    terms: str
    incident_terms: dict[str, str]
    link_keys: dict[str, LinkKeys]
    sketch: Sketch


def prepare(document: Document, incidents: list[Incident]) -> Prepared:
    """What storing ``document`` and its ``incidents`` needs besides the records themselves."""
    return Prepared(document_terms(document.title, document.text), {i.id: incident_terms(i) for i in incidents},
                    {i.id: incident_keys(i, document.text, document.published) for i in incidents},
                    sketch(document.text))


def incident_terms(incident: Incident) -> str:
    """Index terms of an incident: summary, evidence texts and values, and its codes."""
    parts = [incident.summary, incident.status, incident.outcome]
    parts += [e.text for e in incident.evidence] + [e.value for e in incident.evidence]
    for name in CODE_FIELDS:
        parts += list(getattr(incident, name) or ())
    return morph.index_terms("\n".join(p for p in parts if p))
