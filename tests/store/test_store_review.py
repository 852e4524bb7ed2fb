"""A reviewer's work through the library (the CLI and the web call the same functions)."""

from __future__ import annotations

import pytest

from recruitwatch.errors import ReviewError, StaleEdit
from recruitwatch.review import accept, dispute, edit_incident, history, reject, review_queue, verify
from recruitwatch.store import IncidentFilter

pytestmark = pytest.mark.issue(9)


@pytest.fixture
def stored(store, sample):
    store.save_batch(sample.documents, sample.incidents)
    return store


def test_an_edit_with_evidence_sets_the_value_the_evidence_and_full_confidence(stored, sample):
    spb = sample.incidents[0]
    before = stored.get_incident(spb.id)
    edited = edit_incident(stored, spb.id[:10], "places", "Петербург", evidence="В Петербурге", actor="alice",
                           expected_version=before.version)
    assert edited.version == before.version + 1
    again = stored.get_incident(spb.id)
    assert again.places == ["RU-SPE"] and again.version == edited.version
    spans = [e for e in again.evidence if e.field == "places"]
    assert spans[-1].text == "В Петербурге" and spans[-1].confidence == 1.0
    assert sample.documents[0].text[spans[-1].start:spans[-1].end] == "В Петербурге"
    assert again.field_confidence()["places"] == 1.0
    entry = history(stored, spb.id)[0]
    assert (entry.action, entry.actor, entry.details["field"], entry.details["to"]) == ("edit", "alice", "places", ["RU-SPE"])
    assert entry.details["evidence"]["text"] == "В Петербурге"


def test_an_edit_changes_what_filters_and_search_find(stored, sample):
    moscow = sample.incidents[1]
    edit_incident(stored, moscow.id, "tactics", "raid_or_document_check, threat_to_status", evidence=None, actor="alice")
    found = stored.list_incidents(IncidentFilter(tactic="threat_to_status"))
    assert [i.id for i in found] == [moscow.id]
    assert not stored.list_incidents(IncidentFilter(tactic="document_seizure"))
    edit_incident(stored, moscow.id, "date", "2023-08-30", evidence=None, actor="alice")
    assert [i.id for i in stored.list_incidents(IncidentFilter(date_from="2023-08", date_to="2023-08"))] == [moscow.id]
    assert stored.get_incident(moscow.id).date_precision == "day"
    edit_incident(stored, moscow.id, "nationalities", "Uzbekistan, tajik", evidence=None, actor="alice")
    assert stored.get_incident(moscow.id).nationalities == ["UZ", "TJ"]
    edit_incident(stored, moscow.id, "count", "40", evidence=None, actor="alice")
    assert stored.get_incident(moscow.id).count == 40
    edit_incident(stored, moscow.id, "summary", "forty dormitory residents", evidence=None, actor="alice")
    assert [i.id for i in stored.search_incidents("dormitory")] == [moscow.id]
    edit_incident(stored, moscow.id, "summary", "officers took their passports", evidence=None, actor="alice")
    assert stored.search_incidents("dormitory") == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tactics", "bribery", "unknown tactics code"),
    ("status", "tourist", "unknown status code"),
    ("date", "14.05.2023", "not a date"),
    ("date", "2023-02-30", "not a date of the calendar"),
    ("places", "Narnia", "unknown place"),
    ("count", "many", "whole number"),
    ("verification", "verified", "cannot edit"),
])
def test_invalid_values_are_refused_with_the_reason(stored, sample, field, value, message):
    with pytest.raises(ReviewError, match=message):
        edit_incident(stored, sample.incidents[0].id, field, value, evidence=None, actor="alice")
    assert stored.get_incident(sample.incidents[0].id).version == 1  # nothing changed


def test_evidence_must_be_in_the_sources(stored, sample):
    with pytest.raises(ReviewError, match="not in the incident's sources"):
        edit_incident(stored, sample.incidents[0].id, "outcome", "refused", evidence="он отказался", actor="alice")


def test_a_stale_edit_is_refused(stored, sample):
    iid = sample.incidents[0].id
    edit_incident(stored, iid, "outcome", "signed_contract", evidence=None, actor="alice", expected_version=1)
    with pytest.raises(StaleEdit, match="you read version 1, it is now version 2"):
        edit_incident(stored, iid, "outcome", "refused", evidence=None, actor="bob", expected_version=1)
    with pytest.raises(StaleEdit):
        verify(stored, iid, actor="bob", expected_version=1)
    assert stored.get_incident(iid).outcome == "signed_contract"
    verify(stored, iid, actor="bob", expected_version=2)


def test_decisions_and_relinking(stored, sample):
    spb, moscow, testimony = (i.id for i in sample.incidents)
    assert verify(stored, spb, actor="alice", note="confirmed").verification == "verified"
    assert dispute(stored, moscow, actor="alice").verification == "disputed"
    assert reject(stored, testimony, actor="alice", note="not recruitment").verification == "rejected"
    stored.relink()  # corroboration is recomputed; reviewers' decisions stay
    assert [stored.get_incident(i).verification for i in (spb, moscow, testimony)] == ["verified", "disputed", "rejected"]
    assert [e.action for e in history(stored, testimony)] == ["reject"]


def test_accept_and_the_queue(stored, sample):
    spb, moscow, testimony = (i.id for i in sample.incidents)
    queue = [i.id for i in review_queue(stored, limit=10)]
    assert set(queue) == {spb, moscow, testimony}
    assert stored.count_review_queue() == 3
    accepted = accept(stored, moscow, actor="alice")
    assert accepted.confidence == 1.0 and accepted.verification == "reported"
    assert all(v == 1.0 for v in stored.get_incident(moscow).field_confidence().values())
    verify(stored, spb, actor="alice")
    reject(stored, testimony, actor="alice")
    assert review_queue(stored) == []
    # A disputed case that is then accepted goes back to the machine's state.
    dispute(stored, moscow, actor="bob")
    assert accept(stored, moscow, actor="alice").verification == "reported"


def test_queue_is_least_confident_first(store, sample):
    for inc, conf in zip(sample.incidents, (0.9, 0.3, 0.6)):
        inc.confidence = conf
    store.save_batch(sample.documents, sample.incidents)
    assert [i.confidence for i in review_queue(store)] == [0.3, 0.6, 0.9]
    assert [i.confidence for i in review_queue(store, limit=1, offset=1)] == [0.6]


def test_reextraction_keeps_what_a_reviewer_edited_or_accepted(stored, sample):
    spb, moscow, _ = (i.id for i in sample.incidents)
    edit_incident(stored, spb, "outcome", "refused", evidence=None, actor="alice")
    accept(stored, moscow, actor="alice")
    docs = [stored.get_document(sample.documents[0].id), stored.get_document(sample.documents[1].id)]
    counts = stored.replace_extraction([(d, []) for d in docs])  # an extractor that now finds nothing
    assert counts["kept"] == 2 and counts["removed"] == 0
    assert stored.get_incident(spb).outcome == "refused"
    assert stored.audit_entries(action="reextract")[0].details["kept"] == 2


def test_merge_and_split_are_in_the_history_of_both(stored, sample):
    spb, moscow, _ = (i.id for i in sample.incidents)
    stored.merge_incidents(spb, moscow, actor="alice")
    assert [e.action for e in history(stored, moscow)][:2] == ["merge", "merge"]
    stored.split_incident(moscow, actor="bob")
    assert history(stored, moscow)[0].action == "split" and history(stored, moscow)[0].actor == "bob"
