"""`recruitwatch watch`: poll feeds, article pages, sitemaps and folders; ingest what is new; notify."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from recruitwatch.cli import EXIT_PARTIAL, EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits
from recruitwatch.cli.output import console, error
from recruitwatch.cli.store import DbOption, opened
from recruitwatch.errors import ConfigError


class _Stopped(BaseException):
    """A second Ctrl-C or SIGTERM: stop now (the batch in flight rolls back)."""


@contextmanager
def _stop_requests(stop: threading.Event) -> Iterator[None]:
    """The first SIGTERM or Ctrl-C asks to stop after the poll in progress; a second one stops at once."""

    def handler(signum, _frame) -> None:
        if stop.is_set():
            raise _Stopped()
        stop.set()
        logging.getLogger("recruitwatch.watch").info(
            "%s: stopping after the poll in progress (again to stop at once)", signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S%z"))
    logger = logging.getLogger("recruitwatch.watch")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


@app.command()
def watch(
    config: Annotated[Path, typer.Option("--config", "-c", help="The watch file (TOML): sources, intervals, "
                                         "notifications. See examples/watch.toml and docs/watch.md.")],
    once: Annotated[bool, typer.Option("--once", help="Poll every due source once, send notifications, and exit "
                                       "(for cron and tests). Exit code 1 when a source or a delivery failed.")] = False,
    status: Annotated[bool, typer.Option("--status", help="Show each source's state (last success, failures, "
                                         "next poll) and the notifications waiting, and exit.")] = False,
    db: DbOption = None,
    limit: LimitsOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log only failures, not one line per poll.")] = False,
) -> None:
    """Watch RSS/Atom feeds, article pages, sitemaps and folders; ingest only what is new; notify about new incidents.

    Each source is polled at its own interval with conditional requests (ETag, Last-Modified: an unchanged feed costs a 304). What each source already gave is kept in the store, so a restart goes on where it stopped. A failing source is retried later and later (exponential back-off, capped) and never stops the others. New incidents go to a webhook (JSON, HMAC-SHA256 signed) and/or by email, after each round or as a digest. One log line per poll on stderr. SIGTERM or Ctrl-C stops after the poll in progress.
    """
    from recruitwatch.watch import load_config, run_round
    from recruitwatch.watch import watch as watch_loop

    try:
        settings = load_config(config)
    except ConfigError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    try:  # fail now, not at the first delivery, when a secret's environment variable is missing
        if settings.notify.webhook is not None and not status:
            settings.notify.webhook.secret()
        if settings.notify.email is not None and not status:
            settings.notify.email.password()
    except ConfigError as exc:
        error(f"{config}: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    limits = resolve_limits(limit)
    _logging(quiet)
    with opened(db, must_exist=False) as store:
        store.init()
        if status:
            _show_status(store, settings)
            return
        stop = threading.Event()
        try:
            with _stop_requests(stop):
                if once:
                    report = run_round(store, settings, limits=limits, stop=stop.is_set)
                    if report.failed:
                        raise typer.Exit(EXIT_PARTIAL)
                    return
                logging.getLogger("recruitwatch.watch").info(
                    "watching %d source%s from %s; store %s", len(settings.sources),
                    "s" if len(settings.sources) != 1 else "", config, store.describe())
                watch_loop(store, settings, stop=stop, limits=limits)
        except _Stopped:
            error("stopped: the batch in flight was rolled back; what was stored before is kept")
            raise typer.Exit(130) from None


def _show_status(store, settings) -> None:
    states = store.watch_states()
    table = Table(title=f"Sources in {settings.path}", title_justify="left")
    for column in ("source", "last success", "failures", "last error", "next poll"):
        table.add_column(column)
    for source in settings.sources:
        state = states.get(source.key)
        when = lambda value: value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "never"  # noqa: E731
        table.add_row(source.label, when(state.last_success if state else None), str(state.failures if state else 0),
                      (state.last_error or "") if state else "", when(state.next_due if state else None) if state else "now")
    console.print(table)
    for channel in settings.notify.channels:
        console.print(f"{channel}: {len(store.pending_notices(channel, limit=100_000)):,} incident(s) waiting")
