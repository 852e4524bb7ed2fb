"""The watcher's state in the store (migration 0007), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_state_items_and_outbox_survive_and_queue_each_incident_once(store, sample):
    key = "feed:https://example.org/feed"
    assert store.start_watch_poll(key, "feed", "https://example.org/feed", "Desk", T0).failures == 0
    store.save_batch(sample.documents, sample.incidents)  # what the poll ingested (after the poll started)
    ids = [d.id for d in sample.documents]
    queued = store.finish_watch_poll(key, started=T0, next_due=T0 + timedelta(minutes=15), etag='"v1"',
                                     last_modified="Mon, 05 Jan 2026 11:00:00 GMT",
                                     seen={"https://example.org/news/1": ids[0]}, document_ids=ids,
                                     channels=["webhook", "email"])
    relevant = [i.id for i in sample.incidents]
    assert sorted(queued) == sorted(relevant)
    state = store.watch_state(key)
    assert (state.etag, state.failures, state.next_due, state.name) == ('"v1"', 0, T0 + timedelta(minutes=15), "Desk")
    assert store.watch_seen(key) == {"https://example.org/news/1": ids[0]}
    assert sorted(n.incident_id for n in store.pending_notices("email")) == sorted(relevant)
    # The same documents again: nothing is queued twice.
    store.start_watch_poll(key, "feed", "https://example.org/feed", "Desk", T0 + timedelta(minutes=15))
    assert store.finish_watch_poll(key, started=T0 + timedelta(minutes=15), next_due=T0 + timedelta(minutes=30),
                                   document_ids=ids, channels=["webhook", "email"]) == []
    webhook = store.pending_notices("webhook")
    store.mark_notices([n.pk for n in webhook], sent=True)
    assert store.pending_notices("webhook") == [] and store.last_notice_sent("webhook") is not None
    store.mark_notices([n.pk for n in store.pending_notices("email")], sent=False, error="SMTP down")
    assert {n.attempts for n in store.pending_notices("email")} == {1}


def test_a_poll_that_died_before_finishing_queues_its_incidents_at_the_next_one(store, sample):
    key = "page:https://example.org/a"
    store.start_watch_poll(key, "page", "https://example.org/a", None, datetime.now(UTC) - timedelta(seconds=5))
    store.save_batch(sample.documents, sample.incidents)
    # ... the process is killed here: no finish_watch_poll. The next poll finds the documents stored:
    later = datetime.now(UTC) + timedelta(seconds=5)
    before = store.start_watch_poll(key, "page", "https://example.org/a", None, later)
    assert before.cursor < later  # the cursor still marks the unfinished poll
    queued = store.finish_watch_poll(key, started=later, next_due=later, document_ids=[d.id for d in sample.documents],
                                     channels=["email"])
    assert sorted(queued) == sorted(i.id for i in sample.incidents)


def test_failures_count_up_and_reset(store):
    key = "sitemap:https://example.org/sitemap.xml"
    store.start_watch_poll(key, "sitemap", "https://example.org/sitemap.xml", None, T0)
    assert store.fail_watch_poll(key, "HTTP 500", T0 + timedelta(minutes=1)) == 1
    assert store.fail_watch_poll(key, "HTTP 500", T0 + timedelta(minutes=3)) == 2
    assert store.watch_state(key).last_error == "HTTP 500"
    store.finish_watch_poll(key, started=T0, next_due=T0 + timedelta(hours=1), seen={"a": "1", "b": "2"})
    store.finish_watch_poll(key, started=T0, next_due=T0 + timedelta(hours=1), seen={"c": "3"}, forget=["a"])
    state = store.watch_state(key)
    assert (state.failures, state.last_error) == (0, None)
    assert store.watch_seen(key) == {"b": "2", "c": "3"}
