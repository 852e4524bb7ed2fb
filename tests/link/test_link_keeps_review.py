"""Linking never overrides a reviewer: a case keeps its decision when new reports join it."""

from __future__ import annotations

import pytest
from reports import english, russian, russian_repost

from recruitwatch.review import dispute, reject, verify

pytestmark = [pytest.mark.issue(9), pytest.mark.issue(8)]


def save(store, *reports):
    for r in reports:
        store.save_batch([r.document], [r.incident])


@pytest.mark.parametrize(("decide", "state"), [(verify, "verified"), (dispute, "disputed"), (reject, "rejected")])
def test_a_decided_case_keeps_its_decision_when_an_earlier_report_joins(store, decide, state):
    en, ru = english(), russian()
    save(store, en)
    decide(store, en.incident.id, actor="alice")
    save(store, ru)  # earlier, so it becomes the case's canonical report
    case = store.get_case(en.incident.id)
    assert {m.id for m in case.members} == {en.incident.id, ru.incident.id}
    assert case.incident.id == ru.incident.id
    assert case.incident.verification == state
    assert {m.verification for m in case.members} == {state}
    store.relink()
    assert store.get_case(en.incident.id).incident.verification == state


def test_a_new_report_of_a_case_with_conflicting_decisions_is_disputed(store):
    en, ru, repost = english(), russian(), russian_repost()
    save(store, en)
    verify(store, en.incident.id, actor="alice")
    save(store, ru)
    store.split_incident(ru.incident.id, actor="alice")
    reject(store, ru.incident.id, actor="bob")
    store.merge_incidents(en.incident.id, ru.incident.id, actor="carol")
    save(store, repost)
    states = {m.id: m.verification for m in store.get_case(repost.incident.id).members}
    # Each reviewer's decision stays; the new report, between two decisions, needs a reviewer.
    assert states == {en.incident.id: "verified", ru.incident.id: "rejected", repost.incident.id: "disputed"}
