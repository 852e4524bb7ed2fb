"""The relational schema, as SQLAlchemy Core tables.

The same tables exist in SQLite and PostgreSQL. Full-text search lives in side tables keyed
by the integer ``pk`` of ``documents`` and ``incidents``; they differ by database and are
created by the migrations, not here:

* SQLite: FTS5 virtual tables ``documents_fts`` and ``incidents_fts`` (contentless, ``rowid`` = ``pk``,
  tokenizer ``unicode61 remove_diacritics 2``);
* PostgreSQL: ``document_search`` and ``incident_search`` (``pk``, ``terms tsvector``) with GIN indexes.

Both hold :func:`recruitwatch.morph.index_terms` of the text, so the two databases match the same words.
The migrations in ``migrations/versions`` are the source of truth for the DDL; these tables
mirror them for queries.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

# SQLite only gives a rowid alias (and autoincrement) to a column declared exactly INTEGER.
PK = BigInteger().with_variant(Integer(), "sqlite")


class _JSON(TypeDecorator):
    """JSON, and JSONB on PostgreSQL (what the migrations create), as ``JSON().with_variant(JSONB(),
    "postgresql")`` is, but the PostgreSQL type is looked up only when a PostgreSQL engine uses it: importing
    SQLAlchemy's PostgreSQL dialect (its drivers' modules, asyncio) cost every command on a SQLite store
    about 0.1 s of start-up."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JSONType = _JSON()
ID = String()
# Strings have no length limit: PostgreSQL would refuse a whole batch for one over-long value,
# and SQLite ignores limits anyway, so the two behave the same.

documents = Table(
    "documents",
    metadata,
    Column("pk", PK, primary_key=True, autoincrement=True),
    Column("id", ID, nullable=False, unique=True),
    Column("origin", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(), nullable=False),
    Column("lang", String()),
    Column("title", Text),
    Column("published", String()),
    Column("url", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("relevance", Float),
    Column("relevant", Boolean),
    Column("reasons", JSONType, nullable=False),
    Column("pipeline_version", String()),
    Column("meta", JSONType, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # Normalised content (+ canonical URL): the id of every document stored since migration 0003.
    Column("content_key", String(), nullable=False),
    Column("group_id", String(), nullable=False),  # canonical (earliest) document of its near-duplicate group
    Index("uq_documents_content_key", "content_key", unique=True),
    Index("ix_documents_group_id", "group_id"),
    Index("ix_documents_lang", "lang"),
    Index("ix_documents_kind", "kind"),
    Index("ix_documents_relevant", "relevant"),
    Index("ix_documents_published", "published"),
    Index("ix_documents_stats", "kind", "lang", "relevant"),  # Store.stats() reads only this index
)

incidents = Table(
    "incidents",
    metadata,
    Column("pk", PK, primary_key=True, autoincrement=True),
    Column("id", ID, nullable=False, unique=True),
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("date", String()),
    Column("date_precision", String()),
    # First and last day the (possibly partial) date can mean, for range filters.
    Column("date_start", String()),
    Column("date_end", String()),
    Column("places", JSONType, nullable=False),
    Column("nationalities", JSONType, nullable=False),
    Column("status", String(), nullable=False),
    Column("count", Integer),
    Column("actors", JSONType, nullable=False),
    Column("tactics", JSONType, nullable=False),
    Column("outcome", String(), nullable=False),
    Column("summary", Text, nullable=False),
    Column("verification", String(), nullable=False),
    Column("sensitivity", String(), nullable=False),
    Column("confidence", Float),  # the least confident field value (review order)
    Column("pipeline_version", String()),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("case_id", String(), nullable=False),  # the canonical incident of its case (itself when alone)
    Column("link_keys", JSONType),  # names, numbers, publication date: see recruitwatch.link.features
    Column("version", Integer, nullable=False, server_default="1"),  # +1 per reviewer's change (optimistic concurrency)
    Column("reviewed_by", String()),  # who accepted or edited it: out of the review queue, kept by re-extraction
    Column("reviewed_at", DateTime(timezone=True)),
    # Whether it is its case's canonical incident: computed by the database (migration 0010), so it follows
    # case_id by itself, and PostgreSQL keeps statistics of it (it cannot estimate id = case_id).
    Column("is_case", Boolean, Computed("id = case_id")),
    Index("ix_incidents_case_id", "case_id"),
    Index("ix_incidents_document_id", "document_id"),
    Index("ix_incidents_date", "date"),  # month/year breakdowns read only this index
    Index("ix_incidents_date_start", "date_start", "pk"),  # DESC NULLS LAST, pk DESC on PostgreSQL
    Index("ix_incidents_date_end", "date_end"),
    Index("ix_incidents_status", "status"),
    Index("ix_incidents_outcome", "outcome"),
    Index("ix_incidents_confidence", "confidence"),
    Index("ix_incidents_verification", "verification"),
    # SQLite also has four partial indexes of cases (WHERE id = case_id; migrations 0006, 0009 and 0014, SQLite only):
    # ix_incidents_cases (id, case_id, date, date_start, date_end, status, outcome, verification, confidence),
    # ix_incidents_cases_date_start (date_start, pk, id, date_end, status, outcome, verification, confidence),
    # ix_incidents_cases_figures (status, outcome, verification, substr(date, 1, 7), date, date_start, date_end,
    # confidence, id, case_id, tactics, places, nationalities, actors) and ix_incidents_cases_codes (tactics, places,
    # nationalities, actors, status, outcome, verification, date_start, date_end, confidence, id, case_id).
)

# One row per code of an incident's list fields: field is place | nationality | actor | tactic.
incident_codes = Table(
    "incident_codes",
    metadata,
    Column("incident_id", ID, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(), primary_key=True),
    Column("code", String(), primary_key=True),
    # Whether the incident is its case's canonical one (id = case_id): kept by triggers (migration 0009),
    # so counts of cases by code read this table's index alone.
    Column("is_case", Boolean),
    Index("ix_incident_codes_field_code", "field", "code", "incident_id"),
    Index("ix_incident_codes_cases", "is_case", "field", "code", "incident_id"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("pk", PK, primary_key=True, autoincrement=True),
    Column("incident_id", ID, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("field", String(), nullable=False),
    Column("value", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("document_id", ID, nullable=False),
    Column("confidence", Float),
    Index("ix_evidence_incident_id", "incident_id", "ord"),
    Index("ix_evidence_document_id", "document_id"),
)

ingest_failures = Table(
    "ingest_failures",
    metadata,
    Column("key", String(), primary_key=True),  # hash of source and problem: a repeat is not a new row
    Column("source", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Every place a document was found: a path, a URL, a message of an export (with its outlet and date).
document_origins = Table(
    "document_origins",
    metadata,
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("origin", Text, primary_key=True),
    Column("url", Text),
    Column("outlet", Text),
    Column("published", String()),
    Column("found_at", DateTime(timezone=True), nullable=False),
)

# MinHash LSH band keys of each document's shingles (recruitwatch.link.documents): one row per
# band, keyed by documents.pk; WITHOUT ROWID on SQLite (the primary key is the whole row).
document_bands = Table(
    "document_bands",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("document_pk", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)

# The fingerprint of each document's shingles (recruitwatch.link.documents.fingerprint): their
# sorted 64-bit hashes, what verifying a near-duplicate candidate needs. Filled as documents are
# linked; a document stored before migration 0012 gets its row when it is first a candidate.
document_shingles = Table(
    "document_shingles",
    metadata,
    Column("document_pk", PK, primary_key=True),
    Column("hashes", LargeBinary, nullable=False),
)

# Blocking keys of incidents for linking: "REGION|YYYY-MM" (recruitwatch.link.match.blocks).
incident_blocks = Table(
    "incident_blocks",
    metadata,
    Column("block", String(), primary_key=True),
    Column("incident_id", ID, primary_key=True),
    sqlite_with_rowid=False,
)

# Links between incidents (a < b): kind "match" (the machine's, with score and agreeing fields),
# "merge" and "split" (a reviewer's decision, which re-linking never undoes).
incident_links = Table(
    "incident_links",
    metadata,
    Column("a", ID, primary_key=True),
    Column("b", ID, primary_key=True),
    Column("kind", String(), primary_key=True),
    Column("score", Float),
    Column("fields", JSONType, nullable=False),
    Column("actor", String(), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_incident_links_b", "b"),
)

# Accounts (recruitwatch.accounts): argon2id password hashes; API tokens stored as SHA-256 hex.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(), nullable=False),
    Column("password_hash", String(), nullable=False),
    Column("role", String(), nullable=False),
    Column("language", String(), nullable=False, server_default="en"),
    Column("disabled", Boolean, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("uq_users_username", "username", unique=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),  # NULL: never (migration 0011)
    Index("ix_api_tokens_user_id", "user_id"),
)

# Workbench sessions (migration 0008, recruitwatch.store.sessions): the SHA-256 hex of each session id.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_sessions_user_id", "user_id"),
)

# The append-only audit chain (recruitwatch.audit): `at` and `details` are stored as the exact
# strings that were hashed; triggers refuse UPDATE and DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(), nullable=False),
    Column("actor", String(), nullable=False),
    Column("action", String(), nullable=False),
    Column("target_kind", String()),
    Column("target_id", String()),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(), nullable=False),
    Column("hash", String(), nullable=False),
    Index("ix_audit_log_target", "target_kind", "target_id", "seq"),
)

# The list fields of an Incident and the `field` they get in incident_codes.
CODE_FIELDS = {"places": "place", "nationalities": "nationality", "actors": "actor", "tactics": "tactic"}

# -- encryption at rest (migration 0005; see docs/encryption.md and recruitwatch.store.confidential) --

# One data key per person, stored wrapped by the master key; NULL wrapped_key once destroyed.
data_keys = Table(
    "data_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("wrapped_key", LargeBinary),
    Column("master_key_id", String()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("destroyed_at", DateTime(timezone=True)),
    Index("ix_data_keys_master_key_id", "master_key_id"),
)

# The person behind a testimony: every identifying field in one sealed blob (``details``).
people = Table(
    "people",
    metadata,
    Column("id", ID, primary_key=True),
    Column("data_key_id", ID, ForeignKey("data_keys.id"), nullable=False),
    Column("details", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(), nullable=False),
    Column("deleted_at", DateTime(timezone=True)),
)

# The sealed text of a testimony document (documents.text holds a placeholder) and its person.
testimonies = Table(
    "testimonies",
    metadata,
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False),
    Column("text", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(), nullable=False),
    Index("ix_testimonies_person_id", "person_id"),
)

testimony_attachments = Table(
    "testimony_attachments",
    metadata,
    Column("id", ID, primary_key=True),
    Column("document_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("name", LargeBinary),
    Column("content", LargeBinary),
    Index("ix_testimony_attachments_document_id", "document_id", "ord"),
)

# -- the watcher's state (migration 0007; see docs/watch.md and recruitwatch.store.watch) --

# One row per watched source: HTTP validators, timing, failures and back-off, the notification cursor.
watch_sources = Table(
    "watch_sources",
    metadata,
    Column("key", String(), primary_key=True),
    Column("kind", String(), nullable=False),
    Column("location", Text, nullable=False),
    Column("name", String()),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("cursor", DateTime(timezone=True)),
    Column("last_attempt", DateTime(timezone=True)),
    Column("last_success", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("next_due", DateTime(timezone=True)),
)

# What a source already gave: feed entries and sitemap pages by URL, folder files by path.
watch_items = Table(
    "watch_items",
    metadata,
    Column("source_key", String(), ForeignKey("watch_sources.key", ondelete="CASCADE"), primary_key=True),
    Column("item", Text, primary_key=True),
    Column("fingerprint", Text),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

# New incidents to notify, one row per channel; sent_at once delivered.
watch_outbox = Table(
    "watch_outbox",
    metadata,
    Column("pk", PK, primary_key=True, autoincrement=True),
    Column("channel", String(), nullable=False),
    Column("incident_id", ID, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("source_key", String(), nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Index("uq_watch_outbox_channel_incident", "channel", "incident_id", unique=True),
    Index("ix_watch_outbox_pending", "channel", "sent_at"),
)
