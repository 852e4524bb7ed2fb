"""Saving and loading documents and incidents: round trips, idempotency, lookups, stats."""

from __future__ import annotations

import pytest

from recruitwatch.errors import StoreError
from recruitwatch.records import Document, ReadFailure


def test_documents_and_incidents_round_trip_with_their_evidence(store, sample):
    store.save_batch(sample.documents, sample.incidents)

    for doc in sample.documents:
        assert store.get_document(doc.id) == doc
    for incident in sample.incidents:
        loaded = store.get_incident(incident.id)
        assert loaded == incident
        assert [(e.field, e.value, e.start, e.end, e.text) for e in loaded.evidence] == [
            (e.field, e.value, e.start, e.end, e.text) for e in incident.evidence
        ]


def test_evidence_without_a_document_id_gets_its_incidents_document(store, sample):
    incident = sample.incidents[0]
    incident.evidence[0].document_id = ""
    store.save_batch(sample.documents, [incident])
    assert store.get_incident(incident.id).evidence[0].document_id == incident.document_id


def test_save_batch_is_idempotent(store, sample):
    failures = [ReadFailure("broken.pdf", "not a PDF file")]
    first = store.save_batch(sample.documents, sample.incidents, failures)
    again = store.save_batch(sample.documents, sample.incidents, failures)

    assert (first.new_documents, first.known_documents, first.new_incidents, first.failures) == (4, 0, 3, 1)
    assert (again.new_documents, again.known_documents, again.new_incidents) == (0, 4, 0)
    stats = store.stats()
    assert (stats["documents"], stats["incidents"], stats["failures"]) == (4, 3, 1)
    assert stats["evidence"] == sum(len(i.evidence) for i in sample.incidents)
    # The search index did not get a second copy either.
    assert len(store.search_documents("Петербург")) == 1


def test_a_batch_mixing_new_and_known_documents_counts_both(store, sample):
    store.save_batch(sample.documents[:2], sample.incidents[:2])
    result = store.save_batch(sample.documents, sample.incidents)
    assert (result.new_documents, result.known_documents, result.new_incidents) == (2, 2, 1)


def test_known_document_ids(store, sample):
    store.save_batch(sample.documents[:2], [])
    ids = [d.id for d in sample.documents]
    assert store.known_document_ids(ids) == set(ids[:2])
    assert store.known_document_ids([]) == set()


def test_lookup_by_unambiguous_prefix(store, sample):
    store.save_batch(sample.documents, sample.incidents)
    doc, incident = sample.documents[1], sample.incidents[1]
    assert store.get_document(doc.id[:10]) == doc
    assert store.get_document(doc.id[:10].upper()) == doc
    assert store.get_incident(incident.id[:10]) == incident
    assert store.get_document("ffffffffffffffffffffffff") is None
    assert store.get_document("not hex at all") is None


def test_an_ambiguous_prefix_says_so(store):
    docs = [Document.create(text=f"text {i}", origin=f"o{i}") for i in range(40)]
    store.save_batch(docs, [])
    shared = {d.id[0] for d in docs}
    prefix = next(p for p in shared if sum(d.id.startswith(p) for d in docs) > 1)
    with pytest.raises(StoreError, match="several"):
        store.get_document(prefix)


def test_list_documents_filters_and_pages(store, sample):
    store.save_batch(sample.documents, [])
    assert [d.id for d in store.list_documents()] == [d.id for d in reversed(sample.documents)]
    assert {d.lang for d in store.list_documents(lang="ru")} == {"ru"}
    assert len(store.list_documents(lang="ru")) == 2
    assert [d.id for d in store.list_documents(relevant=False)] == [sample.documents[2].id]
    assert len(store.list_documents(relevant=True)) == 3
    assert [d.kind for d in store.list_documents(kind="testimony")] == ["testimony"]
    page = store.list_documents(limit=2, offset=1)
    assert [d.id for d in page] == [sample.documents[2].id, sample.documents[1].id]


def test_stats(store, sample):
    store.save_batch(sample.documents, sample.incidents, [ReadFailure("a.warc", "truncated"), ReadFailure("b.pdf", "encrypted")])
    stats = store.stats()
    assert stats["documents"] == 4
    assert stats["relevant_documents"] == 3
    assert stats["incidents"] == 3
    assert stats["failures"] == 2
    assert stats["languages"] == {"ru": 2, "en": 1, "uz": 1}
    assert stats["kinds"] == {"news": 3, "testimony": 1}


def test_an_incident_of_an_unknown_document_is_refused(store, sample):
    with pytest.raises(StoreError, match="writing failed"):
        store.save_batch([], sample.incidents[:1])


def test_concurrent_writers_of_overlapping_batches_store_each_document_once(store):
    from concurrent.futures import ThreadPoolExecutor

    docs = [Document.create(text=f"Вербовка мигрантов, сообщение {i}", origin=f"c{i}") for i in range(300)]
    batches = [docs[i : i + 100] for i in range(0, 300, 50)]  # every document is in two batches
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda batch: store.save_batch(batch, []), batches))

    assert sum(r.new_documents for r in results) == 300
    assert sum(r.known_documents for r in results) == sum(len(b) for b in batches) - 300
    assert store.stats()["documents"] == 300
    assert len(store.search_documents("вербовка", limit=1000)) == 300


def test_missing_or_long_values_do_not_sink_a_batch(store, sample):
    doc = sample.documents[0]
    doc.published = "2023-05-14T10:30:00+03:00"  # a timestamp: stored, and read back as its date
    doc.meta = {"заметка": "кириллица " * 50}
    incident = sample.incidents[0]
    incident.outcome = None
    incident.tactics = ["a_very_long_code_" + "x" * 100]
    store.save_batch([doc], [incident])
    assert store.get_document(doc.id).published == "2023-05-14"  # normalised on the record
    assert store.get_document(doc.id).meta == doc.meta
    loaded = store.get_incident(incident.id)
    assert loaded.outcome == "unknown" and loaded.tactics == incident.tactics


def test_confidences_and_pipeline_version_are_stored_and_reviewers_get_the_least_confident_first(store, sample):
    for k, incident in enumerate(sample.incidents):
        incident.confidence = [0.9, 0.2, 0.6, 0.4][k % 4]
        incident.pipeline_version = "0.2.0+abcdef012345"
        for e in incident.evidence:
            e.confidence = incident.confidence
    store.save_batch(sample.documents, sample.incidents)
    listed = store.list_incidents(least_confident_first=True)
    confidences = [i.confidence for i in listed]
    assert confidences == sorted(confidences)
    back = store.get_incident(listed[0].id)
    assert back.pipeline_version == "0.2.0+abcdef012345"
    assert all(e.confidence == back.confidence for e in back.evidence)
