"""Testimonies and the people behind them, sealed at rest (mixed into :class:`recruitwatch.store.Store`).

A testimony is a ``testimony`` document whose text is analysed in memory like any ingested
document, and then stored sealed: ``documents.text``, the incidents' summaries and their
evidence texts hold placeholders; the incidents keep their codes, dates and spans, so they are
counted, filtered, searched by code and linked into cases like any other. The text, the
person's details and the attachments are sealed with AES-256-GCM under the person's data key,
which is stored only wrapped by the master key (see :mod:`recruitwatch.crypto` and
docs/encryption.md).

    store.use_key_file("master.key")             # or $RECRUITWATCH_KEY_FILE / $RECRUITWATCH_MASTER_KEY
    doc_id = store.add_testimony(text, PersonDetails(name="…", contacts=["…"]), consent="…", actor="ana")
    text, person, attachments = store.read_testimony(doc_id)
    store.delete_person(store.person_of(doc_id))  # crypto-shredding, old backups included
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, update

from recruitwatch.crypto import (
    ConfidentialDataError,
    CryptoError,
    DataKeyDestroyed,
    KeyNotConfigured,
    Keyring,
    WrongKey,
    aad,
    load_keyring,
    new_data_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from recruitwatch.errors import StoreError
from recruitwatch.limits import DEFAULT_LIMITS
from recruitwatch.records import Document, Evidence, Incident, PersonDetails
from recruitwatch.store import rows as R
from recruitwatch.store.schema import (
    data_keys,
    document_shingles,
    documents,
    people,
    testimonies,
    testimony_attachments,
)

#: What ``documents.text`` of a testimony holds: the text itself is sealed in ``testimonies``.
TESTIMONY_PLACEHOLDER = "[confidential testimony: the text is encrypted; read it with `recruitwatch testimony show {id}`]"
#: What an incident of a testimony holds in place of its summary and its evidence texts.
EVIDENCE_PLACEHOLDER = "[confidential: in the encrypted testimony]"
#: What a testimony reads as once its person was deleted (their data key destroyed).
SHREDDED_PLACEHOLDER = "[deleted: the person's data key was destroyed; this testimony cannot be read any more]"


def is_sealed(text: str | None) -> bool:
    """Whether a stored document text is the placeholder of an encrypted (or shredded) testimony:
    its evidence offsets point into the sealed text, not into this one."""
    return bool(text) and (text.startswith(TESTIMONY_PLACEHOLDER.split("{", 1)[0]) or text == SHREDDED_PLACEHOLDER)
_QUOTED = re.compile(r" '[^']*'")  # the cue words quoted in a screening reason


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    # Random, not a hash of the content: an id must not let anyone confirm a guessed text.
    return secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class DeletedPerson:
    """What :meth:`ConfidentialStore.delete_person` did."""

    person_id: str
    documents: list[str]  # the person's testimonies (kept, unreadable; their incidents' codes stay)
    rotated: bool  # the master key was replaced, so copies made before (backups) cannot be read either
    master_key_id: str | None  # the master key now in use, when rotated
    problem: str | None = None  # why the master key was not rotated (then run `recruitwatch keys rotate`)


@dataclass(frozen=True, slots=True)
class Rotation:
    """What :meth:`ConfidentialStore.rotate_master_key` did."""

    master_key_id: str
    rewrapped: int
    dropped: list[str]  # old master keys removed from the key file
    resumed: bool  # an interrupted rotation was completed


@dataclass(slots=True)
class KeyStatus:
    """The master key and the data keys of a store (``keys status``)."""

    master_key_id: str | None
    key_source: str | None
    rotating: bool
    wrapped_by: dict[str, int]  # master key id -> live data keys wrapped by it
    destroyed: int
    people: int
    testimonies: int
    problem: str | None = None  # why the configured key cannot read this store, if it cannot

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _redact_reason(reason: str) -> str:
    return _QUOTED.sub("", reason)


def redact_incident(incident: Incident) -> Incident:
    """The incident as stored for a testimony: codes, dates, counts and spans; no text of the testimony."""
    coded = {*incident.places, *incident.nationalities, *incident.actors, *incident.tactics,
             incident.status, incident.outcome, incident.date or "", str(incident.count)}
    spans = [Evidence(e.field, e.value if (e.field != "summary" and e.value in coded) else EVIDENCE_PLACEHOLDER,
                      e.start, e.end, EVIDENCE_PLACEHOLDER, e.document_id or incident.document_id, e.confidence)
             for e in incident.evidence]
    # A new random id: the usual one hashes the summary text, so it would let anyone confirm a guess of it.
    new_id = _new_id()
    return dataclasses.replace(incident, summary=EVIDENCE_PLACEHOLDER, evidence=spans, sensitivity="confidential",
                               id=new_id, case_id=new_id)


def reveal_incident(incident: Incident, text: str) -> Incident:
    """A stored testimony incident with its evidence texts (and summary) read again from the decrypted ``text``."""
    spans = [dataclasses.replace(e, text=text[e.start:e.end],
                                 value=text[e.start:e.end] if e.field == "summary" else e.value)
             for e in incident.evidence]
    summary = next((e.text for e in spans if e.field == "summary"), incident.summary)
    return dataclasses.replace(incident, evidence=spans, summary=summary)


class ConfidentialStore:
    """Testimony and people methods of the Store; the master key is looked up on first use."""

    dialect: str
    _key_file: str | os.PathLike | None = None
    _keyring: Keyring | None = None

    # Uses Store's _connect, _insert, _insert_incidents and _by_id_or_prefix, and LinkingStore's
    # _add_origins and _link_incidents. (No stubs here: this class comes first in Store's bases,
    # so a stub would hide LinkingStore's method.)

    # -- the master key --------------------------------------------------------------------

    def use_key_file(self, path: str | os.PathLike | None) -> None:
        """Read the master key from ``path`` (None: ``$RECRUITWATCH_KEY_FILE``, ``$RECRUITWATCH_MASTER_KEY``
        or the default key file, in that order)."""
        self._key_file = path
        self._keyring = None

    def use_keyring(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def keyring(self) -> Keyring:
        """The master key(s); :class:`~recruitwatch.crypto.KeyNotConfigured` (saying how to create one) when none."""
        if self._keyring is None:
            self._keyring = load_keyring(self._key_file)
        return self._keyring

    def _data_key(self, row: Any, keyring: Keyring | None = None) -> bytes:
        """Unwrap a ``data_keys`` row (``id``, ``wrapped_key``, ``master_key_id``, ``destroyed_at``)."""
        if row.destroyed_at is not None or row.wrapped_key is None:
            raise DataKeyDestroyed(f"data key {row.id} was destroyed (its person was deleted); the data is gone for good")
        ring = keyring or self.keyring
        master = ring.get(row.master_key_id)
        if master is None and keyring is None and ring.path is not None:
            # Another process may have rotated the key file since it was read.
            ring = self._keyring = ring.reloaded()
            master = ring.get(row.master_key_id)
        if master is None:
            raise WrongKey(
                f"this store's data keys are wrapped by master key {row.master_key_id}, but the {ring.source} "
                f"holds {', '.join(ring.ids)}: use the key file this store was encrypted with"
            )
        return unwrap_key(master.key, master.id, row.id, row.wrapped_key)

    # -- writing ---------------------------------------------------------------------------

    def add_testimony(self, text: str, person: PersonDetails, *, consent: str,
                      attachments: Sequence[tuple[str, bytes]] = (), actor: str, lang: str | None = None,
                      incidents: Sequence[Incident] | None = None) -> str:
        """Analyse a testimony in memory, store it sealed with its person and attachments; returns the document id.

        The text goes through screening and extraction like an ingested document; its incidents
        are stored with their codes, dates and spans (the summary and evidence texts are
        placeholders) and linked into cases. ``incidents`` (e.g. the intake form's fields, which
        the documenter checked after the extractor pre-filled them from ``pipeline.analyse``)
        replace the extracted ones; their evidence spans are offsets into ``text``. ``consent``
        is what the person agreed to (required); its date is ``person.consent_date`` or today.
        One transaction: all is stored or nothing.
        """
        from recruitwatch.link.features import LinkKeys
        from recruitwatch.pipeline import analyse
        from recruitwatch.store.database import incident_terms

        if not text or not text.strip():
            raise StoreError("a testimony needs its text")
        if not consent or not consent.strip():
            raise StoreError("a testimony needs the person's consent (what they agreed to); nothing was stored")
        if not actor or not actor.strip():
            raise StoreError("a testimony needs the name of who entered it (actor)")
        total = sum(len(content) for _, content in attachments)
        if total > DEFAULT_LIMITS.upload_bytes:
            from recruitwatch.ingest.markup import human_size

            raise StoreError(f"the attachments take {human_size(total)}, above the {human_size(DEFAULT_LIMITS.upload_bytes)} "
                             "limit of one upload (upload_bytes); nothing was stored")
        keyring = self.keyring  # before the analysis: no key, nothing done
        doc_id, person_id, key_id = _new_id(), _new_id(), _new_id()
        details = dataclasses.replace(person, contacts=list(person.contacts), consent=consent.strip(),
                                      consent_date=person.consent_date or date.today().isoformat())
        analysis = analyse(Document(id=doc_id, origin=f"testimony:{doc_id}", text=text, kind="testimony", lang=lang))
        read = analysis.document
        stored = Document(id=doc_id, origin=f"testimony:{doc_id}", text=TESTIMONY_PLACEHOLDER.format(id=doc_id),
                          kind="testimony", lang=read.lang, relevance=read.relevance, relevant=read.relevant,
                          reasons=[_redact_reason(r) for r in read.reasons or []],
                          pipeline_version=read.pipeline_version, meta={"confidential": True})
        incs = [redact_incident(i) for i in (analysis.incidents if incidents is None else incidents)]
        for inc in incs:
            inc.document_id = doc_id
            for e in inc.evidence:
                e.document_id = doc_id
        # No names or numbers of the testimony in the link keys: its incidents match on their codes.
        keys = {i.id: LinkKeys([], [], None) for i in incs}

        data_key = new_data_key()
        now = _now()
        with self._connect(write=True) as conn:
            # Wrap with the key file's current key as it is now, under the lock a rotation takes
            # before it drops an old key: a key wrapped by a key being dropped would be lost.
            self._lock_keys(conn, exclusive=False)
            keyring = self._keyring = keyring.reloaded()
            master = keyring.current
            conn.execute(self._insert(documents), [R.document_row(stored, now)])
            self._add_origins(conn, [stored], {}, now)
            conn.execute(data_keys.insert(), {"id": key_id, "wrapped_key": wrap_key(master.key, master.id, key_id, data_key),
                                              "master_key_id": master.id, "created_at": now})
            conn.execute(people.insert(), {
                "id": person_id, "data_key_id": key_id, "created_at": now, "created_by": actor,
                "details": seal(data_key, json.dumps(details.to_dict(), ensure_ascii=False).encode("utf-8"),
                                aad("people", person_id, "details")),
            })
            conn.execute(testimonies.insert(), {
                "document_id": doc_id, "person_id": person_id, "created_at": now, "created_by": actor,
                "text": seal(data_key, text.encode("utf-8"), aad("testimonies", doc_id, "text")),
            })
            rows = []
            for ord_, (name, content) in enumerate(attachments):
                att_id = _new_id()
                row = f"{doc_id}/{att_id}"
                rows.append({"id": att_id, "document_id": doc_id, "ord": ord_,
                             "name": seal(data_key, name.encode("utf-8"), aad("testimony_attachments", row, "name")),
                             "content": seal(data_key, bytes(content), aad("testimony_attachments", row, "content"))})
            if rows:
                conn.execute(testimony_attachments.insert(), rows)
            if incs:
                added = self._insert_incidents(conn, incs, {i.id: keys[i.id] for i in incs}, now,
                                               {i.id: incident_terms(dataclasses.replace(i, summary="", evidence=[
                                                   dataclasses.replace(e, text="") for e in i.evidence]))
                                                for i in incs})
                fresh = {i for _, i in added}
                new = [i for i in incs if i.id in fresh]
                if new:
                    self._link_incidents(conn, new, {i.id: keys[i.id] for i in new})
        return doc_id

    # -- reading ---------------------------------------------------------------------------

    def _testimony_row(self, conn: Connection, document_id: str) -> Any:
        pk = self._by_id_or_prefix(conn, documents, document_id)
        row = None
        if pk is not None:
            row = conn.execute(
                select(testimonies.c.document_id, testimonies.c.person_id, testimonies.c.text, people.c.details,
                       data_keys.c.id, data_keys.c.wrapped_key, data_keys.c.master_key_id, data_keys.c.destroyed_at)
                .join_from(documents, testimonies, testimonies.c.document_id == documents.c.id)
                .join(people, people.c.id == testimonies.c.person_id)
                .join(data_keys, data_keys.c.id == people.c.data_key_id)
                .where(documents.c.pk == pk)
            ).first()
        if row is None:
            raise StoreError(f"no testimony {document_id!r} in this store")
        return row

    def person_of(self, document_id: str) -> str:
        """The id of the person behind a testimony."""
        with self._connect() as conn:
            return self._testimony_row(conn, document_id).person_id

    def read_testimony(self, document_id: str) -> tuple[str, PersonDetails, list[tuple[str, bytes]]]:
        """The decrypted text, person and attachments (name, bytes) of a testimony; needs the master key.

        Raises :class:`~recruitwatch.crypto.DataKeyDestroyed` once the person was deleted,
        :class:`~recruitwatch.crypto.WrongKey` for another store's key, and
        :class:`~recruitwatch.crypto.ConfidentialDataError` for a ciphertext altered or moved.
        """
        with self._connect() as conn:
            row = self._testimony_row(conn, document_id)
            atts = conn.execute(select(testimony_attachments).where(testimony_attachments.c.document_id == row.document_id)
                                .order_by(testimony_attachments.c.ord)).all()
        key = self._data_key(row)
        doc_id = row.document_id
        text = open_sealed(key, row.text, aad("testimonies", doc_id, "text"), what=f"the text of testimony {doc_id}").decode("utf-8")
        raw = open_sealed(key, row.details, aad("people", row.person_id, "details"), what=f"the details of person {row.person_id}")
        person = PersonDetails.from_dict(json.loads(raw))
        out = []
        for a in atts:
            where = f"{doc_id}/{a.id}"
            name = open_sealed(key, a.name, aad("testimony_attachments", where, "name"), what=f"an attachment of {doc_id}")
            content = open_sealed(key, a.content, aad("testimony_attachments", where, "content"), what=f"an attachment of {doc_id}")
            out.append((name.decode("utf-8"), content))
        return text, person, out

    def _testimony_text(self, document_id: str) -> str | None:
        """The decrypted text of a testimony document, or None when it is not one (a placeholder once shredded)."""
        with self._connect() as conn:
            exists = conn.execute(select(testimonies.c.document_id).where(testimonies.c.document_id == document_id)).first()
        if exists is None:
            return None
        try:
            return self.read_testimony(document_id)[0]
        except DataKeyDestroyed:
            return SHREDDED_PLACEHOLDER

    def reveal_document(self, doc: Document | None, decrypt: bool) -> Document | None:
        """``doc`` with its decrypted text when it is a testimony and ``decrypt`` (else as stored: a placeholder)."""
        if doc is None or not decrypt or doc.kind != "testimony":
            return doc
        text = self._testimony_text(doc.id)
        if text is not None:
            doc.text = text
        return doc

    def reveal_incident(self, inc: Incident | None, decrypt: bool) -> Incident | None:
        """``inc`` with its evidence texts read from the decrypted testimony, when ``decrypt`` and it is one."""
        if inc is None or not decrypt:
            return inc
        text = self._testimony_text(inc.document_id)
        if text is None or text == SHREDDED_PLACEHOLDER:
            return inc
        return reveal_incident(inc, text)

    # -- deleting --------------------------------------------------------------------------

    def delete_person(self, person_id: str) -> DeletedPerson:
        """Crypto-shredding: destroy the person's data key, so their details, testimonies and
        attachments can never be read again, from this database or from any copy of it.

        The wrapped data key is erased (and the sealed values with it); then, when the master key
        comes from a key file, the master key is rotated and the old one dropped, so that a copy
        of the database made before (a backup) holds the data key wrapped by a master key that no
        longer exists. With a key from ``$RECRUITWATCH_MASTER_KEY`` no rotation is possible:
        ``rotated`` is False and old backups stay readable with that key until it is replaced.
        """
        now = _now()
        try:
            keyring: Keyring | None = self.keyring
        except KeyNotConfigured:
            keyring = None
        with self._connect(write=True) as conn:
            row = conn.execute(select(people.c.id, people.c.data_key_id).where(people.c.id == person_id.strip())).first()
            if row is None:
                raise StoreError(f"no person {person_id!r} in this store")
            docs = list(conn.execute(select(testimonies.c.document_id).where(testimonies.c.person_id == row.id)
                                     .order_by(testimonies.c.document_id)).scalars())
            conn.execute(update(data_keys).where(data_keys.c.id == row.data_key_id)
                         .values(wrapped_key=None, master_key_id=None, destroyed_at=now))
            conn.execute(update(people).where(people.c.id == row.id).values(details=None, deleted_at=now))
            conn.execute(update(testimonies).where(testimonies.c.person_id == row.id).values(text=None))
            if docs:
                conn.execute(update(testimony_attachments).where(testimony_attachments.c.document_id.in_(docs))
                             .values(name=None, content=None))
                conn.execute(update(documents).where(documents.c.id.in_(docs)).values(text=SHREDDED_PLACEHOLDER))
                # A fingerprint is of the text it was made from: made again from the new text when needed.
                conn.execute(delete(document_shingles).where(document_shingles.c.document_pk.in_(
                    select(documents.c.pk).where(documents.c.id.in_(docs)))))
        if keyring is None or keyring.path is None:
            return DeletedPerson(row.id, docs, False, None)
        try:
            rotation = self.rotate_master_key()
        except CryptoError as exc:  # the data key is destroyed all the same; old copies wait for a rotation
            return DeletedPerson(row.id, docs, False, None, f"{exc}; then run `recruitwatch keys rotate`")
        return DeletedPerson(row.id, docs, True, rotation.master_key_id)

    # -- rotation and status ------------------------------------------------------------------

    def rotate_master_key(self, *, batch: int = 500, on_batch: Callable[[int], None] | None = None) -> Rotation:
        """Replace the master key: every data key is re-wrapped by a new one; no data is re-encrypted.

        Crash-safe and resumable: the new key is first written to the key file beside the old
        one; data keys are re-wrapped batch by batch (a transaction each); only when none is left
        wrapped by the old key is the old key dropped from the file. Run it again after an
        interruption and it finishes the rotation under way (it does not start another).
        ``on_batch`` gets the running count after each batch.
        """
        with self.keyring.rotation_lock():
            keyring = self._keyring = self.keyring.reloaded()
            resumed = keyring.rotating
            # Check the key reads this store before touching anything.
            self._check_keyring(keyring)
            new = keyring.start_rotation()
            done = 0
            while True:
                with self._connect(write=True) as conn:
                    rows = conn.execute(
                        select(data_keys.c.id, data_keys.c.wrapped_key, data_keys.c.master_key_id, data_keys.c.destroyed_at)
                        .where(data_keys.c.wrapped_key.is_not(None),
                               or_(data_keys.c.master_key_id.is_(None), data_keys.c.master_key_id != new.id))
                        .order_by(data_keys.c.id).limit(batch)
                    ).all()
                    for r in rows:
                        data_key = self._data_key(r, keyring)
                        conn.execute(update(data_keys).where(data_keys.c.id == r.id)
                                     .values(wrapped_key=wrap_key(new.key, new.id, r.id, data_key), master_key_id=new.id))
                    if rows:
                        self._lock_keys(conn, exclusive=False)
                    else:
                        # None left: drop the old key while no testimony can be added (one may have
                        # been wrapped by the old key just before; it would have been found here).
                        self._lock_keys(conn, exclusive=True)
                        left = conn.execute(select(func.count()).select_from(data_keys).where(
                            data_keys.c.wrapped_key.is_not(None),
                            or_(data_keys.c.master_key_id.is_(None), data_keys.c.master_key_id != new.id))).scalar()
                        if not left:
                            dropped = keyring.finish_rotation()
                            break
                if rows:
                    done += len(rows)
                    if on_batch is not None:
                        on_batch(done)
        return Rotation(new.id, done, dropped, resumed)

    def _lock_keys(self, conn: Connection, *, exclusive: bool) -> None:
        """Order adding data keys against dropping an old master key. SQLite's write transactions
        are exclusive already; PostgreSQL takes a transaction-scoped advisory lock."""
        if self.dialect == "postgresql":
            fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            conn.exec_driver_sql(f"SELECT {fn}(7245010)")

    def _check_keyring(self, keyring: Keyring) -> None:
        """:class:`WrongKey` unless the keyring unwraps one data key of each master key the store uses."""
        with self._connect() as conn:
            ids = list(conn.execute(select(data_keys.c.master_key_id).where(data_keys.c.wrapped_key.is_not(None))
                                    .group_by(data_keys.c.master_key_id)).scalars())
            for mk in ids:
                row = conn.execute(select(data_keys.c.id, data_keys.c.wrapped_key, data_keys.c.master_key_id,
                                          data_keys.c.destroyed_at)
                                   .where(data_keys.c.master_key_id == mk, data_keys.c.wrapped_key.is_not(None))
                                   .limit(1)).one()
                self._data_key(row, keyring)

    def key_status(self) -> KeyStatus:
        """Which master key is configured, how many data keys each master key wraps, how many were destroyed."""
        with self._connect() as conn:
            wrapped = dict(conn.execute(select(data_keys.c.master_key_id, func.count())
                                        .where(data_keys.c.wrapped_key.is_not(None))
                                        .group_by(data_keys.c.master_key_id)).all())
            destroyed = conn.execute(select(func.count()).select_from(data_keys)
                                     .where(data_keys.c.destroyed_at.is_not(None))).scalar() or 0
            n_people = conn.execute(select(func.count()).select_from(people).where(people.c.deleted_at.is_(None))).scalar() or 0
            n_test = conn.execute(select(func.count()).select_from(testimonies)).scalar() or 0
        status = KeyStatus(None, None, False, {str(k): int(v) for k, v in wrapped.items()}, int(destroyed),
                           int(n_people), int(n_test))
        try:
            keyring = self.keyring
        except KeyNotConfigured as exc:
            status.problem = str(exc)
            return status
        status.master_key_id, status.key_source, status.rotating = keyring.current.id, keyring.source, keyring.rotating
        try:
            self._check_keyring(keyring)
        except (WrongKey, ConfidentialDataError) as exc:
            status.problem = str(exc)
        return status

    # -- re-extraction ---------------------------------------------------------------------

    def documents_to_reextract(self, current: str, *, since: str | None = None, after_pk: int = 0,
                               limit: int = 50) -> list[tuple[int, Document]]:
        """As :meth:`LinkingStore.documents_to_reextract`, without encrypted testimonies: their stored
        text is a placeholder (re-extracting it would drop their incidents)."""
        last = after_pk
        while True:
            found = super().documents_to_reextract(current, since=since, after_pk=last, limit=limit)  # type: ignore[misc]
            if not found:
                return []
            kept = [(pk, d) for pk, d in found if not (d.kind == "testimony" and (d.meta or {}).get("confidential"))]
            if kept:
                return kept
            last = found[-1][0]
