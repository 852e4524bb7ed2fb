"""Reviewers' work on incidents, the same for the command line and the web app.

    edit_incident(store, id, "places", "RU-SPE", evidence="в Петербурге", actor="alice", expected_version=3)
    verify(store, id, actor="alice", note="confirmed by phone with the family")
    dispute(store, id, actor="bob"); reject(store, id, actor="bob"); accept(store, id, actor="alice")
    history(store, id)                      # audit entries of the incident's case, newest first
    review_queue(store, limit=20, offset=0) # cases to check, least confident first

Every change is recorded in the audit log with who and what, raises
:class:`recruitwatch.errors.ReviewError` for an invalid value or evidence that is not in the
incident's sources, and :class:`recruitwatch.errors.StaleEdit` when ``expected_version`` is given
and the incident changed since it was read. Permission checks (:func:`recruitwatch.accounts.can`)
are the caller's: the web app knows the logged-in user, the CLI its ``--as`` user.
"""

from recruitwatch.review.actions import (
    EDITABLE_FIELDS,
    accept,
    dispute,
    edit_incident,
    find_evidence,
    history,
    parse_value,
    reject,
    review_queue,
    verify,
)

__all__ = ["EDITABLE_FIELDS", "accept", "dispute", "edit_incident", "find_evidence", "history", "parse_value",
           "reject", "review_queue", "verify"]
