"""The watcher's loop: poll each due source, ingest what is new, queue and send notifications.

:func:`run_round` polls every source that is due once (``recruitwatch watch --once`` is one
round) and then delivers pending notifications; :func:`watch` repeats rounds until stopped,
sleeping until the next source is due. Each source is independent: one that fails is retried
later (exponential back-off, capped) and never stops the others. Every poll logs one line on
the ``recruitwatch.watch`` logger.

Time is passed in (``now``) so the schedule can be checked without waiting; the loop itself
uses the clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from recruitwatch.errors import ConfigError, ReadError, StoreError
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.pipeline import run_ingest
from recruitwatch.records import Document, ReadFailure
from recruitwatch.watch import notify as notifier
from recruitwatch.watch.config import Source, WatchConfig
from recruitwatch.watch.sources import poll

log = logging.getLogger("recruitwatch.watch")


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: Source
    outcome: str  # "new", "nothing new", "not modified", "failed", "not due"
    found: int = 0
    read: int = 0
    new_documents: int = 0
    queued: int = 0  # new incidents queued for notification
    item_failures: list[ReadFailure] = field(default_factory=list)
    waiting: int = 0
    error: str | None = None
    failures_in_a_row: int = 0
    next_due: datetime | None = None

    def line(self, now: datetime) -> str:
        """The one log line of this poll."""
        head = self.source.label
        wait = _human_delay((self.next_due - now).total_seconds()) if self.next_due else "?"
        if self.outcome == "failed":
            return f"{head}: failed ({self.failures_in_a_row} in a row): {self.error}; retry in {wait}"
        if self.outcome == "not modified":
            return f"{head}: not modified (304), nothing fetched; next in {wait}"
        parts = [f"{self.found:,} listed", f"{self.read:,} new or changed read", f"{self.new_documents:,} stored",
                 f"{self.queued:,} new incident{'s' if self.queued != 1 else ''}"]
        if self.item_failures:
            parts.append(f"{len(self.item_failures):,} failed (see `recruitwatch documents failures`)")
        if self.waiting:
            parts.append(f"{self.waiting:,} waiting for the next poll")
        return f"{head}: {', '.join(parts)}; next in {wait}"


@dataclass
class RoundReport:
    polls: list[PollReport] = field(default_factory=list)
    deliveries: list[notifier.Delivery] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.outcome == "failed" for p in self.polls) or any(d.error for d in self.deliveries)


def backoff(config: WatchConfig, failures: int) -> float:
    """Seconds to wait after ``failures`` failures in a row: retry_after, doubled each time, at most max_backoff."""
    return min(config.max_backoff, config.retry_after * 2 ** max(0, min(failures - 1, 40)))


def poll_source(store, source: Source, config: WatchConfig, *, now: datetime | None = None,
                limits: Limits = DEFAULT_LIMITS) -> PollReport:
    """Poll one source, ingest what is new, record the outcome (and queue new incidents) in the store."""
    now = now or datetime.now(UTC)
    before = store.start_watch_poll(source.key, source.kind, source.location, source.name, now)
    try:
        found = poll(source, before, store, limits=limits)
        doc_ids: list[str] = []
        failures: list[ReadFailure] = []
        summary = run_ingest(_recorded(found.items, doc_ids, failures), store)
    except ReadError as exc:
        return _failed(store, source, config, exc.problem + (f"; {exc.hint}" if exc.hint else ""), now)
    except (StoreError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # a bug or a library surprise in one source must not stop the others
        log.warning("unexpected error polling %s", source.label, exc_info=True)
        return _failed(store, source, config, f"unexpected error: {type(exc).__name__}: {exc}", now)
    next_due = now + timedelta(seconds=source.interval)
    queued = store.finish_watch_poll(
        source.key, started=now, next_due=next_due, etag=found.etag, last_modified=found.last_modified,
        seen=found.seen, forget=found.forget, document_ids=doc_ids, channels=config.notify.channels)
    outcome = "not modified" if found.not_modified else ("new" if summary.new else "nothing new")
    return PollReport(source, outcome, found=found.found, read=len(doc_ids), new_documents=summary.new,
                      queued=len(queued), item_failures=failures, waiting=found.waiting, next_due=next_due)


def _recorded(items: Iterator[Document | ReadFailure], doc_ids: list[str],
              failures: list[ReadFailure]) -> Iterator[Document | ReadFailure]:
    for item in items:
        if isinstance(item, Document):
            doc_ids.append(item.id)
        else:
            failures.append(item)
        yield item


def _failed(store, source: Source, config: WatchConfig, problem: str, now: datetime) -> PollReport:
    state = store.watch_state(source.key)
    failures = (state.failures if state else 0) + 1
    next_due = now + timedelta(seconds=backoff(config, failures))
    failures = store.fail_watch_poll(source.key, problem, next_due)
    return PollReport(source, "failed", error=problem, failures_in_a_row=failures, next_due=next_due)


def due_sources(store, config: WatchConfig, now: datetime) -> list[Source]:
    """The sources to poll now: never polled, or past their next due time."""
    states = store.watch_states()
    return [s for s in config.sources
            if s.key not in states or states[s.key].next_due is None or states[s.key].next_due <= now]


def next_wake(store, config: WatchConfig, now: datetime) -> datetime:
    """When the next source is due (digests: or the next digest)."""
    states = store.watch_states()
    times = [states[s.key].next_due if s.key in states and states[s.key].next_due else now for s in config.sources]
    return min(times) if times else now + timedelta(hours=1)


def run_round(store, config: WatchConfig, *, now: datetime | None = None, limits: Limits = DEFAULT_LIMITS,
              stop: Callable[[], bool] = lambda: False) -> RoundReport:
    """Poll every due source once (in the file's order), then send pending notifications.
    ``stop()`` is asked between polls: a stop request ends the round after the poll in progress."""
    report = RoundReport()
    for source in due_sources(store, config, now or datetime.now(UTC)):
        if stop():
            break
        at = now or datetime.now(UTC)
        result = poll_source(store, source, config, now=at, limits=limits)
        report.polls.append(result)
        log.info(result.line(at))
        for failure in result.item_failures:  # stored with the reason; listed here only when debugging
            log.debug("  %s: %s", failure.source, failure.problem)
    names = {s.key: s.name or s.location for s in config.sources}
    for channel in config.notify.channels:
        try:
            delivery = notifier.deliver(store, config.notify, channel, now=now, source_names=names)
        except ConfigError as exc:  # e.g. the secret's environment variable is not set
            delivery = notifier.Delivery(channel, 0, str(exc))
        report.deliveries.append(delivery)
        target = config.notify.webhook.host if channel == "webhook" and config.notify.webhook else (
            config.notify.email.host if config.notify.email else "")
        if delivery.error:
            log.warning("notify %s (%s): failed, kept for the next round: %s", channel, target, delivery.error)
        elif delivery.sent:
            log.info("notify %s (%s): sent %d new incident%s", channel, target, delivery.sent,
                     "s" if delivery.sent != 1 else "")
    return report


def watch(store, config: WatchConfig, *, stop: threading.Event, limits: Limits = DEFAULT_LIMITS,
          max_sleep: float = 60.0) -> None:
    """Rounds until ``stop`` is set; between rounds, sleep until the next source is due (waking at
    least every ``max_sleep`` s, so digests and failed notifications are retried)."""
    while not stop.is_set():
        run_round(store, config, limits=limits, stop=stop.is_set)
        now = datetime.now(UTC)
        wait = (next_wake(store, config, now) - now).total_seconds()
        stop.wait(min(max(wait, 0.5), max_sleep))


def _human_delay(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f}m"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f}h".replace(".0h", "h")
    return f"{seconds / 86400:.1f}d".replace(".0d", "d")
