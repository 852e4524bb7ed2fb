"""Testimonies sealed at rest: nothing confidential in the raw database, search still works on the rest,
keys rotate, a wrong key or a moved ciphertext is refused, a deleted person is gone from backups too."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import text

from recruitwatch import morph
from recruitwatch.crypto import (
    ConfidentialDataError,
    CryptoError,
    DataKeyDestroyed,
    KeyNotConfigured,
    WrongKey,
    init_key_file,
    load_keyring,
)
from recruitwatch.errors import StoreError
from recruitwatch.records import Document, PersonDetails, incident_id
from recruitwatch.store import IncidentFilter, open_store
from recruitwatch.store.confidential import EVIDENCE_PLACEHOLDER
from recruitwatch.store.connection import sqlite_path
from recruitwatch.store.schema import data_keys, testimonies

pytestmark = pytest.mark.issue(10)

TESTIMONY = (
    "Меня зовут Алишер Каримов, я гражданин Узбекистана. 12 марта 2024 года в Москве полиция задержала нас "
    "на стройке на Варшавском шоссе и отвезла в военкомат, где заставили подписать контракт с Минобороны. "
    "Бригадир Шухрат Рахимов забрал у всех паспорта."
)
PERSON = PersonDetails(name="Алишер Каримов", contacts=["+998901234567", "alisher.k@example.org"],
                       birth_date="1990-01-02", address="Ташкент, улица Навои, дом 5")
CONSENT = "Согласен на публикацию без имени"
ATTACHMENT = ("pasport-alishera.jpg", b"\xff\xd8\xff\xe0JFIF-alisher-passport-scan-0042")
NEWS = Document.create(
    text="В Казани сотрудники полиции провели рейд в общежитии мигрантов и вручили повестки в военкомат.",
    origin="https://example.org/kazan", lang="ru", title="Рейд в Казани", published="2024-04-02", relevant=True,
)


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch, tmp_path):
    for name in ("RECRUITWATCH_KEY_FILE", "RECRUITWATCH_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "keys" / "master.key"
    init_key_file(path)
    return path


@pytest.fixture
def keyed(store, key_file):
    store.use_key_file(key_file)
    return store


def add(store, text=TESTIMONY, person=PERSON, **kwargs):
    kwargs.setdefault("consent", CONSENT)
    kwargs.setdefault("actor", "documenter")
    return store.add_testimony(text, person, **kwargs)


def confidential_needles(doc_incidents) -> list[bytes]:
    """Every confidential value, as the bytes that would betray it (UTF-8, and hex for PostgreSQL's bytea)."""
    values = [PERSON.name, *PERSON.contacts, PERSON.birth_date, PERSON.address, CONSENT, ATTACHMENT[0], TESTIMONY,
              *(s.strip() for s in TESTIMONY.split(".") if s.strip())]
    values += [TESTIMONY[e.start:e.end] for inc in doc_incidents for e in inc.evidence if e.end - e.start >= 5]
    # Every longer word of the testimony, and its index term (what a full-text index would hold).
    words = {w for w in re.findall(r"\w{5,}", TESTIMONY)}
    values += sorted(words) + sorted(t for t in morph.index_terms(" ".join(words)).split() if len(t) >= 5)
    needles = [v.encode("utf-8") for v in values] + [ATTACHMENT[1], b"alisher-passport"]
    return needles + [n.hex().encode() for n in needles]


def raw_database(store) -> bytes:
    """Everything the database holds, as an attacker with the files or the tables would see it."""
    if store.dialect == "sqlite":
        path = sqlite_path(store.engine.url)
        with store.engine.connect() as conn:
            terms = []
            for name in ("documents_fts", "incidents_fts"):  # the words the full-text indexes hold
                conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{name} USING fts5vocab(main, {name}, row)")
                terms += [r[0] for r in conn.exec_driver_sql(f"SELECT term FROM temp.v_{name}")]
        store.close()
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]  # the file, -wal, -shm
        return b"\n".join([p.read_bytes() for p in files] + ["\n".join(terms).encode()])
    chunks = []
    with store.engine.connect() as conn:
        tables = conn.execute(text("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = current_schema()")).scalars().all()
        assert {"documents", "people", "testimonies", "testimony_attachments", "incident_search"} <= set(tables)
        for name in tables:
            # The whole row as text: every column, tsvector lexemes and bytea (as hex) included.
            chunks += [r[0].encode() for r in conn.execute(text(f'SELECT t::text FROM "{name}" t'))]
            for col in conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                         "current_schema() AND table_name = :t AND data_type = 'bytea'"), {"t": name}).scalars():
                chunks += [bytes(r[0]) for r in conn.execute(text(f'SELECT "{col}" FROM "{name}"')) if r[0] is not None]
    return b"\n".join(chunks)


ENGLISH_NEWS = Document.create(text="Police in Kazan raided a hostel of migrant workers and handed out summonses.",
                               origin="https://example.org/en/kazan", lang="en", relevant=True)


def test_no_confidential_value_is_in_the_raw_database(keyed):
    keyed.save_batch([ENGLISH_NEWS], [])
    doc_id = add(keyed, attachments=[ATTACHMENT])
    text_, person, attachments = keyed.read_testimony(doc_id)
    assert text_ == TESTIMONY and attachments == [ATTACHMENT]
    assert (person.name, person.contacts, person.birth_date, person.address, person.consent) == (
        PERSON.name, PERSON.contacts, PERSON.birth_date, PERSON.address, CONSENT)
    incidents = [keyed.get_incident(i.id, decrypt=True) for i in keyed.list_incidents(IncidentFilter(document_id=doc_id))]
    assert incidents and any(e.text == "Москве" for i in incidents for e in i.evidence)  # extraction ran on the text
    for inc in incidents:  # no id is a hash of the text (it would confirm a guess of it)
        span = next(e for e in inc.evidence if e.field == "summary")
        assert inc.id != incident_id(dataclasses.replace(inc, summary=TESTIMONY[span.start:span.end]))
    raw = raw_database(keyed)
    assert b"raided a hostel of migrant workers" in raw and b"summons" in raw  # the scan sees stored text and terms
    found = [n for n in confidential_needles(incidents) if n in raw]
    assert found == [], f"plaintext of confidential fields in the raw database: {found[:5]}"


def test_search_finds_the_news_and_the_testimonys_incident_by_its_codes(keyed):
    keyed.save_batch([NEWS], [])
    doc_id = add(keyed)
    assert [h.document.id for h in keyed.search_documents("общежитии Казани")] == [NEWS.id]
    assert keyed.search_documents("Шухрат") == [] and keyed.search_documents("стройке") == []
    assert keyed.search_incidents("стройке") == []
    by_code = keyed.list_incidents(IncidentFilter(place="RU-MOW", nationality="UZ", date_from="2024-03"))
    assert [i.document_id for i in by_code] == [doc_id]
    assert doc_id in {i.document_id for i in keyed.search_incidents("RU-MOW")}
    assert dict(keyed.incident_breakdown("place")).get("RU-MOW") == 1
    stored = keyed.get_incident(by_code[0].id)
    assert stored.summary == EVIDENCE_PLACEHOLDER and {e.text for e in stored.evidence} == {EVIDENCE_PLACEHOLDER}
    assert {e.value for e in stored.evidence if e.field == "places"} == {"RU-MOW"}


def test_a_testimony_reads_as_a_placeholder_without_decrypt_or_key(keyed, store_url):
    doc_id = add(keyed)
    assert "confidential testimony" in keyed.get_document(doc_id).text
    assert keyed.get_document(doc_id, decrypt=True).text == TESTIMONY
    assert keyed.get_document(NEWS.id) is None
    keyless = open_store(store_url)
    assert "confidential testimony" in keyless.get_document(doc_id).text
    with pytest.raises(KeyNotConfigured, match="keys init"):
        keyless.read_testimony(doc_id)
    with pytest.raises(KeyNotConfigured):
        add(keyless)  # nothing stored without a key
    assert keyless.stats()["documents"] == 1
    keyless.close()


def test_a_testimony_needs_consent_and_attachments_within_the_upload_limit(keyed, monkeypatch):
    with pytest.raises(StoreError, match="consent"):
        add(keyed, consent=" ")
    from recruitwatch.limits import DEFAULT_LIMITS

    big = b"x" * (DEFAULT_LIMITS.upload_bytes + 1)
    with pytest.raises(StoreError, match="upload_bytes"):
        add(keyed, attachments=[("big.bin", big)])
    assert keyed.stats()["documents"] == 0


def test_another_stores_key_is_refused(keyed, tmp_path):
    doc_id = add(keyed)
    other = tmp_path / "other.key"
    init_key_file(other)
    keyed.use_key_file(other)
    with pytest.raises(WrongKey, match="use the key file this store was encrypted with"):
        keyed.read_testimony(doc_id)
    assert "wrapped by master key" in keyed.key_status().problem
    with pytest.raises(WrongKey):
        keyed.rotate_master_key()  # refuses before touching anything
    assert load_keyring(other).rotating is False


def test_a_ciphertext_moved_to_another_row_is_refused(keyed):
    first = add(keyed, attachments=[ATTACHMENT, ("b.txt", b"second")])
    second = add(keyed, text=TESTIMONY.replace("Алишер", "Бахтиёр"))
    with keyed.engine.begin() as conn:
        blobs = dict(conn.execute(text("SELECT document_id, text FROM testimonies")).all())
        conn.execute(testimonies.update().where(testimonies.c.document_id == first).values(text=blobs[second]))
    with pytest.raises(ConfidentialDataError, match="moved from another row"):
        keyed.read_testimony(first)  # another person's data key: does not open
    with keyed.engine.begin() as conn:
        conn.execute(testimonies.update().where(testimonies.c.document_id == first).values(text=blobs[first]))
        # Same person, same key: two attachments' contents swapped.
        rows = conn.execute(text("SELECT id, content FROM testimony_attachments ORDER BY ord")).all()
        conn.execute(text("UPDATE testimony_attachments SET content = :c WHERE id = :i"), {"c": rows[1][1], "i": rows[0][0]})
    with pytest.raises(ConfidentialDataError, match="moved from another row"):
        keyed.read_testimony(first)
    assert keyed.read_testimony(second)[0].startswith("Меня зовут Бахтиёр")


def test_rotation_rewraps_every_data_key_and_retires_the_old_key(keyed, key_file, tmp_path):
    docs = [add(keyed, text=f"{TESTIMONY} Запись {n}.") for n in range(3)]
    old_copy = tmp_path / "old.key"
    shutil.copy2(key_file, old_copy)
    old_id = load_keyring(key_file).current.id
    with keyed.engine.connect() as conn:
        before = dict(conn.execute(text("SELECT id, wrapped_key FROM data_keys")).all())
        sealed = conn.execute(text("SELECT text FROM testimonies ORDER BY document_id")).scalars().all()
    result = keyed.rotate_master_key()
    assert result.rewrapped == 3 and result.dropped == [old_id] and not result.resumed
    ring = load_keyring(key_file)
    assert ring.current.id == result.master_key_id != old_id and not ring.rotating  # the old key is gone from the file
    with keyed.engine.connect() as conn:
        after = dict(conn.execute(text("SELECT id, wrapped_key FROM data_keys")).all())
        assert conn.execute(text("SELECT text FROM testimonies ORDER BY document_id")).scalars().all() == sealed  # data untouched
    assert all(before[k] != after[k] for k in before)
    assert keyed.key_status().wrapped_by == {result.master_key_id: 3}
    fresh = open_store(str(keyed.engine.url.render_as_string(hide_password=False)))
    fresh.use_key_file(key_file)
    assert [fresh.read_testimony(d)[0].endswith(f"Запись {n}.") for n, d in enumerate(docs)] == [True] * 3
    fresh.use_key_file(old_copy)
    with pytest.raises(WrongKey):
        fresh.read_testimony(docs[0])  # the old key file is no longer needed, nor enough
    fresh.close()


def test_an_interrupted_rotation_is_finished_by_running_it_again(keyed, key_file):
    docs = [add(keyed, text=f"{TESTIMONY} Запись {n}.") for n in range(3)]
    old_id = load_keyring(key_file).current.id

    def crash(done: int) -> None:
        raise KeyboardInterrupt  # the machine dies after the first batch was committed

    with pytest.raises(KeyboardInterrupt):
        keyed.rotate_master_key(batch=1, on_batch=crash)
    half = load_keyring(key_file)
    assert half.rotating and half.others[0].id == old_id  # the old key is kept until the end
    # Meanwhile everything stays readable, with keys wrapped by either master key.
    keyed.use_key_file(key_file)
    assert keyed.key_status().wrapped_by == {half.current.id: 1, old_id: 2}
    assert all(keyed.read_testimony(d)[0].startswith("Меня зовут") for d in docs)
    result = keyed.rotate_master_key()
    assert result.resumed and result.master_key_id == half.current.id and result.rewrapped == 2
    assert result.dropped == [old_id]
    assert keyed.key_status().wrapped_by == {half.current.id: 3} and not load_keyring(key_file).rotating
    assert all(keyed.read_testimony(d)[0].startswith("Меня зовут") for d in docs)


def test_deleting_a_person_shreds_them_in_the_store_and_in_old_copies(keyed, key_file):
    gone = add(keyed, attachments=[ATTACHMENT])
    kept = add(keyed, text=TESTIMONY.replace("Алишер", "Бахтиёр"))
    person = keyed.person_of(gone)
    incidents = keyed.list_incidents(IncidentFilter(document_id=gone))
    with keyed.engine.connect() as conn:  # what a backup made now would hold
        backup = conn.execute(data_keys.select()).all()
    result = keyed.delete_person(person)
    assert result.documents == [gone] and result.rotated
    with pytest.raises(DataKeyDestroyed, match="gone for good"):
        keyed.read_testimony(gone)
    assert "cannot be read" in keyed.get_document(gone, decrypt=True).text
    assert keyed.read_testimony(kept)[0].startswith("Меня зовут Бахтиёр")  # others are untouched
    assert keyed.list_incidents(IncidentFilter(document_id=gone)) == incidents  # the codes stay
    status = keyed.key_status()
    assert status.destroyed == 1 and status.people == 1
    # The backup's copy of the data key was wrapped by a master key that no longer exists.
    for row in backup:
        with pytest.raises(WrongKey):
            keyed._data_key(row)
    with pytest.raises(StoreError, match="no person"):
        keyed.delete_person("no-such-person")


def test_a_copy_of_the_sqlite_file_made_before_a_deletion_cannot_be_read_after_it(tmp_path, key_file):
    path = tmp_path / "live.db"
    live = open_store(str(path))
    live.init()
    live.use_key_file(key_file)
    doc_id = add(live, attachments=[ATTACHMENT])
    live.close()  # checkpoints the WAL into the file
    backup = tmp_path / "backup.db"
    shutil.copy2(path, backup)
    old = open_store(str(backup))
    old.use_key_file(key_file)
    assert old.read_testimony(doc_id)[0] == TESTIMONY  # the backup is readable until the deletion
    old.close()
    live.use_key_file(key_file)
    live.delete_person(live.person_of(doc_id))
    live.close()
    old = open_store(str(backup))
    old.use_key_file(key_file)  # the same key file the store uses now
    with pytest.raises(WrongKey):
        old.read_testimony(doc_id)
    old.close()


def test_reextraction_leaves_encrypted_testimonies_alone(keyed):
    plain = Document.create(text="Свидетельство из файла, введённое через ingest.", origin="/calls/1.txt", kind="testimony")
    keyed.save_batch([NEWS], [])
    add(keyed)
    keyed.save_batch([plain], [])
    todo = keyed.documents_to_reextract("some-other-version")
    assert [d.id for _, d in todo] == [NEWS.id, plain.id]  # a testimony ingested as a file is plain text


def test_a_process_that_read_the_key_before_a_rotation_wraps_with_the_new_key(keyed, key_file, store_url):
    # A web server reads the key file at start; meanwhile an administrator rotates it.
    server = open_store(store_url)
    server.use_key_file(key_file)
    first = add(server)
    assert server.key_status().problem is None
    keyed.rotate_master_key()
    second = add(server)  # wraps with the key file's current key, not the one it read at start
    assert keyed.key_status().wrapped_by == {load_keyring(key_file).current.id: 2}
    assert keyed.read_testimony(second)[0] == TESTIMONY
    assert server.read_testimony(first)[0] == TESTIMONY  # it re-reads the rotated key file
    server.close()


def test_two_rotations_of_one_key_file_never_run_at_once(keyed, key_file):
    doc_id = add(keyed)
    with load_keyring(key_file).rotation_lock():
        with pytest.raises(CryptoError, match="another `recruitwatch keys rotate` is running"):
            keyed.rotate_master_key()
        # A deletion meanwhile destroys the data key all the same, and says the rotation is still to do.
        result = keyed.delete_person(keyed.person_of(doc_id))
        assert not result.rotated and "keys rotate" in result.problem
    with pytest.raises(DataKeyDestroyed):
        keyed.read_testimony(doc_id)
    assert keyed.rotate_master_key().rewrapped == 0


def test_a_rotation_killed_mid_way_is_finished_by_running_it_again(tmp_path, key_file):
    path = tmp_path / "killed.db"
    store = open_store(str(path))
    store.init()
    store.use_key_file(key_file)
    docs = [add(store, text=f"{TESTIMONY} Запись {n}.") for n in range(3)]
    store.close()
    script = (
        "import os, sys\n"
        "from recruitwatch.store import open_store\n"
        "s = open_store(sys.argv[1]); s.use_key_file(sys.argv[2])\n"
        "s.rotate_master_key(batch=1, on_batch=lambda n: os._exit(9) if n == 2 else None)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path), str(key_file)], timeout=120)
    assert done.returncode == 9  # died like a kill -9 after two of three data keys
    store = open_store(str(path))
    store.use_key_file(key_file)
    ring = load_keyring(key_file)
    assert ring.rotating and sorted(store.key_status().wrapped_by.values()) == [1, 2]
    result = store.rotate_master_key()
    assert result.resumed and result.rewrapped == 1 and not load_keyring(key_file).rotating
    assert [store.read_testimony(d)[0].endswith(f"Запись {n}.") for n, d in enumerate(docs)] == [True] * 3
    store.close()


def test_migration_0005_goes_down_and_up_again(store):
    from alembic import command

    from recruitwatch.store.database import alembic_config

    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    assert store.schema_version() == "0003"
    store.init()
    assert store.is_initialised() and store.key_status().people == 0


def test_the_intake_forms_checked_incidents_replace_the_extracted_ones(keyed):
    from recruitwatch.pipeline import analyse
    from recruitwatch.records import Evidence, Incident

    prefilled = analyse(Document(id="draft", origin="form", text=TESTIMONY, kind="testimony")).incidents
    assert prefilled  # what the form shows the documenter first
    start = TESTIMONY.index("Бригадир")
    checked = Incident(document_id="draft", date="2024-03-12", date_precision="day", places=["RU-MOW"],
                       tactics=["document_seizure"], verification="reported",
                       evidence=[Evidence("summary", TESTIMONY[start:], start, len(TESTIMONY), TESTIMONY[start:]),
                                 Evidence("tactics", "document_seizure", start, len(TESTIMONY), TESTIMONY[start:])])
    doc_id = add(keyed, incidents=[checked])
    [stored] = keyed.list_incidents(IncidentFilter(document_id=doc_id))
    assert stored.tactics == ["document_seizure"] and stored.summary == EVIDENCE_PLACEHOLDER
    assert {e.document_id for e in stored.evidence} == {doc_id}
    assert keyed.get_incident(stored.id, decrypt=True).summary == TESTIMONY[start:]
    assert "Шухрат".encode() not in raw_database(keyed)


def test_testimonies_are_never_each_others_near_duplicates(keyed):
    """Their stored texts are placeholders that differ only by id (shingled, any two are near duplicates):
    two different testimonies stay in groups of their own, at ingest and after a full relink."""
    other = TESTIMONY.replace("Алишер Каримов", "Фаррух Содиков").replace("12 марта", "3 мая")
    first = add(keyed)
    second = add(keyed, other, dataclasses.replace(PERSON, name="Фаррух Содиков"))
    assert [m.id for m in keyed.document_group(first).members] == [first]
    assert [m.id for m in keyed.document_group(second).members] == [second]
    keyed.relink(actor="tests")
    assert [m.id for m in keyed.document_group(first).members] == [first]
    assert [m.id for m in keyed.document_group(second).members] == [second]
