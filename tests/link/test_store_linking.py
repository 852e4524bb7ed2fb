"""Linking in the store: documents by content, near-duplicate groups, cases, corroboration, reviewers'
merges and splits. Every test runs on SQLite and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import pytest
from reports import english, english_follow_up, other_case_same_city_month, russian, russian_repost, vague

from recruitwatch.errors import StoreError
from recruitwatch.records import Document

pytestmark = pytest.mark.issue(8)


def save(store, *reports):
    """Each report in its own batch, as ingest would store reports that arrive one by one."""
    for r in reports:
        store.save_batch([r.document], [r.incident])


def case_of(store, r):
    return store.get_case(r.incident.id)


def test_a_document_is_its_content_not_its_path(store):
    text = "Police at the Sakharovo centre handed a summons to a Kyrgyz worker on 3 May 2024."
    first = Document.create(text=text, origin="/data/a.txt")
    moved = Document.create(text="  " + text.replace(" ", "  ") + "\n", origin="/mnt/copy/renamed.txt")
    assert first.id == moved.id
    store.save_batch([first], [])
    result = store.save_batch([moved], [])
    assert (result.new_documents, result.known_documents) == (0, 1)
    group = store.document_group(first.id)
    assert [o["origin"] for o in group.origins] == ["/data/a.txt", "/mnt/copy/renamed.txt"]
    assert store.stats()["documents"] == 1


def test_a_web_page_is_its_content_and_canonical_url(store):
    text = "A report syndicated word for word by two sites."
    a = Document.create(text=text, origin="https://one.example/x?utm_source=feed", url="https://One.example/x/?utm_source=feed")
    b = Document.create(text=text, origin="https://one.example/x#top", url="https://one.example/x")
    c = Document.create(text=text, origin="https://two.example/y", url="https://two.example/y")
    assert a.id == b.id != c.id


def test_a_repost_with_one_added_line_joins_the_group_and_the_earliest_is_canonical(store):
    ru, repost = russian(), russian_repost()
    save(store, repost, ru)  # the repost arrives first; the original is older
    group = store.document_group(repost.document.id)
    assert group.group_id == ru.document.id
    assert [d.id for d in group.members] == [ru.document.id, repost.document.id]


@pytest.mark.issue(11)
def test_a_document_stored_before_fingerprints_were_kept_gets_one_when_it_is_a_candidate(store):
    from sqlalchemy import delete, select

    from recruitwatch.link.documents import fingerprint, shingles
    from recruitwatch.store.schema import document_shingles, documents

    ru, repost, en = russian(), russian_repost(), english()
    save(store, ru, en)
    with store._connect(write=True) as conn:  # as a store upgraded by migration 0012 holds them: none
        conn.execute(delete(document_shingles))
    save(store, repost)
    assert store.document_group(repost.document.id).group_id == ru.document.id
    with store._connect() as conn:
        kept = dict(conn.execute(select(documents.c.id, document_shingles.c.hashes)
                                 .join_from(document_shingles, documents, documents.c.pk == document_shingles.c.document_pk)).all())
    # The candidate's fingerprint was made from its stored text; the unrelated report was no candidate.
    assert kept == {ru.document.id: fingerprint(shingles(ru.document.text)),
                    repost.document.id: fingerprint(shingles(repost.document.text))}


def test_an_english_and_a_russian_report_are_one_case_corroborated_by_two_outlets(store):
    en, ru = english(), russian()
    save(store, en, ru)
    case = case_of(store, en)
    assert {m.id for m in case.members} == {en.incident.id, ru.incident.id}
    assert case.incident.id == ru.incident.id  # the earliest source is canonical
    assert case.incident.verification == "corroborated"
    assert {e.document_id for e in case.incident.evidence} == {en.document.id, ru.document.id}
    assert len(case.independent) == 2
    (link,) = [lk for lk in case.links if lk.kind == "match"]
    assert link.score >= 0.8 and link.fields["people"] == 1.0
    stats = store.stats()
    assert (stats["incidents"], stats["incident_reports"], stats["corroborated"]) == (1, 2, 1)
    assert store.incident_breakdown("place") == [("RU-SVE", 1)]


def test_copies_in_one_near_duplicate_group_do_not_corroborate(store):
    ru, repost = russian(), russian_repost()  # two outlets, but one text
    save(store, ru, repost)
    case = case_of(store, ru)
    assert len(case.members) == 2 and len(case.independent) == 1
    assert case.incident.verification == "reported"
    assert store.stats()["corroborated"] == 0


def test_two_reports_by_one_outlet_do_not_corroborate(store):
    en, follow = english(), english_follow_up()
    save(store, en, follow)
    case = case_of(store, en)
    assert len(case.members) == 2
    assert case.incident.verification == "reported"


def test_a_vague_incident_does_not_corroborate(store):
    en, v = english(), vague()
    save(store, en, v)
    assert case_of(store, en).incident.verification == "reported"
    assert len(case_of(store, v).members) == 1
    assert store.stats()["incidents"] == 2


def test_a_similar_case_in_the_same_city_and_month_stays_apart(store):
    en, ru, other = english(), russian(), other_case_same_city_month()
    save(store, en, ru, other)
    assert len(case_of(store, other).members) == 1
    assert store.stats()["incidents"] == 2


def _state(store, reports):
    out = {}
    for r in reports:
        case = case_of(store, r)
        out[r.incident.id] = (case.incident.id, case.incident.verification, tuple(sorted(m.id for m in case.members)))
        out[r.document.id] = store.document_group(r.document.id).group_id
    return out


def _wipe(store):
    """Empty the store's tables (the schema stays), to ingest the same reports again. The audit log is
    append-only (its triggers refuse a DELETE) and stays."""
    from sqlalchemy import delete

    from recruitwatch.store.schema import metadata

    with store.engine.begin() as conn:
        for tbl in reversed(metadata.sorted_tables):
            if tbl.name != "audit_log":
                conn.execute(delete(tbl))


def test_the_order_of_ingest_does_not_change_the_result(store):
    reports = [english(), russian(), russian_repost(), english_follow_up(), other_case_same_city_month(), vague()]
    save(store, *reports)
    forward = _state(store, reports)
    _wipe(store)
    save(store, *reversed(reports))
    backward = _state(store, reports)
    _wipe(store)
    store.save_batch([r.document for r in reports], [r.incident for r in reports])  # all in one batch
    assert forward == backward == _state(store, reports)
    assert forward[reports[0].incident.id][1] == "corroborated"
    assert len({case for case, _, _ in (forward[r.incident.id] for r in reports)}) == 3  # Rahimov, cleaners, vague


def test_a_split_is_remembered_by_relinking_and_new_reports(store):
    en, ru = english(), russian()
    save(store, en, ru)
    assert len(case_of(store, en).members) == 2
    store.split_incident(en.incident.id[:10])
    assert len(case_of(store, en).members) == 1
    assert case_of(store, ru).incident.verification == "reported"
    store.relink()
    assert len(case_of(store, en).members) == 1
    save(store, russian_repost())  # matches both sides; must not join them again
    assert en.incident.id not in {m.id for m in case_of(store, ru).members}
    assert len(case_of(store, ru).members) == 2
    # A reviewer's merge undoes the split.
    store.merge_incidents(en.incident.id, ru.incident.id)
    case = case_of(store, en)
    assert len(case.members) == 3 and case.incident.verification == "corroborated"
    assert any(lk.kind == "merge" and lk.actor == "reviewer" for lk in case.links)


def test_reviewer_actions_name_what_is_wrong(store):
    en = english()
    save(store, en)
    with pytest.raises(StoreError, match="alone in its case"):
        store.split_incident(en.incident.id)
    with pytest.raises(StoreError, match="no incident"):
        store.merge_incidents(en.incident.id, "ffffffff")
    with pytest.raises(StoreError, match="same incident"):
        store.merge_incidents(en.incident.id, en.incident.id)
