"""Concurrent reviewers and writers: no lost update, no forked audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from recruitwatch.accounts import User, require
from recruitwatch.audit import verify_chain
from recruitwatch.errors import PermissionDenied, StaleEdit
from recruitwatch.review import edit_incident
from recruitwatch.store import open_store

pytestmark = [pytest.mark.issue(9), pytest.mark.issue(10)]


def _race(n, work):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # the outcome is what the test checks
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_editors_of_one_version_one_wins_the_other_is_told(store_url, sample):
    setup = open_store(store_url)
    setup.init()
    setup.save_batch(sample.documents, sample.incidents)
    iid = sample.incidents[0].id
    stores = [open_store(store_url) for _ in range(2)]
    outcomes = ("refused", "signed_contract")
    results = _race(2, lambda i: edit_incident(stores[i], iid, "outcome", outcomes[i], evidence=None,
                                               actor=f"editor{i}", expected_version=1))
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and sum(isinstance(r, StaleEdit) for r in results) == 1, results
    stored = setup.get_incident(iid)
    assert stored.outcome == winners[0].outcome and stored.version == 2
    assert [e.actor for e in setup.audit_entries(action="edit")] == [f"editor{outcomes.index(stored.outcome)}"]
    for s in (*stores, setup):
        s.close()


def test_concurrent_appends_keep_one_chain(store_url):
    setup = open_store(store_url)
    setup.init()
    stores = [open_store(store_url) for _ in range(4)]
    _race(4, lambda i: [stores[i].audit("note", actor=f"w{i}", details={"k": k}) for k in range(5)])
    assert setup.count_audit_entries() == 20
    assert verify_chain(setup) is None
    for s in (*stores, setup):
        s.close()


def test_require_checks_the_role():
    alice = User(1, "alice", "reviewer", "en", False)
    assert require(alice, "review") is alice
    with pytest.raises(PermissionDenied, match="may not edit"):
        require(alice, "edit")
    with pytest.raises(PermissionDenied):
        require(User(2, "bob", "admin", "en", True), "view")
    with pytest.raises(PermissionDenied):
        require(None, "view")
