"""Paper checks as background jobs: a bounded queue, a few worker threads, progress, expiry.

    jobs = CheckJobs(lambda: checker, limits)
    job = jobs.submit(owner, [("scan.pdf", data)])    # at once; CheckBusy when the queue is full
    jobs.get(job.id, owner)                           # -> the job (progress, then results), or None
    job.finished.wait()

A check of a scanned 300-page PDF takes minutes; the web app answers at once with a job page that
follows its progress (``page 3 of 12``) instead of holding the request. The rules:

* **Memory only.** The uploaded bytes stay in the job, in memory, until that file is checked, then
  the job drops them; nothing is written to disk. Results (page types, flags, certainty, decisive
  words and, for the web page, a small image of each page with those words boxed) stay until the job expires, ``ttl`` seconds after it finished (default 30 minutes,
  ``$RECRUITWATCH_CHECK_JOB_MINUTES``), then the job is removed and its results dropped. (Python
  frees the memory; it does not overwrite it.)
* **Bounded.** At most ``workers`` checks run at once (rendering and OCR are CPU-bound, and a
  page image may hold up to ``image_pixels`` bytes), at most ``max_queued`` wait, and one owner
  has at most ``per_owner`` checks queued or running. Beyond that :class:`CheckBusy` says to try
  again later: nothing is queued without bound.
* **Private.** A job's id is random (192 bits) and a job answers only to its ``owner`` (the web
  app's hash of a random per-browser cookie): another browser holding the id gets nothing.

Worker threads start when a job arrives and end after a minute with nothing to do.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from recruitwatch.errors import ConfigError, RecruitwatchError
from recruitwatch.limits import Limits
from recruitwatch.papercheck.results import FileResult

log = logging.getLogger(__name__)

TTL_ENV = "RECRUITWATCH_CHECK_JOB_MINUTES"
#: A worker thread with nothing to do for this long (seconds) ends; the next job starts another.
IDLE_EXIT = 60.0


class CheckBusy(RecruitwatchError):
    """Too many checks queued (in all, or for this owner): try again in a minute."""


@dataclass(eq=False)
class CheckJob:
    """One paper check in the background. ``state``: queued, running, done."""

    id: str
    owner: str
    files: list[tuple[str, bytes] | None]
    total_pages: int
    meta: dict[str, Any]
    created: float
    state: str = "queued"
    done_pages: int = 0
    current_file: str = ""
    results: list[FileResult] = field(default_factory=list)
    error: str | None = None
    views: bool = False
    finished_at: float | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def done(self) -> bool:
        return self.state == "done"

    def status(self) -> dict[str, Any]:
        """What the API's status URL answers: the state and progress; the results once done."""
        out: dict[str, Any] = {"id": self.id, "state": self.state, "done_pages": self.done_pages,
                               "total_pages": self.total_pages, "error": self.error}
        if self.done:
            out["files"] = [r.to_dict() for r in self.results]
        return out


def ttl_from_env(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a finished job is kept: ``$RECRUITWATCH_CHECK_JOB_MINUTES`` (default 30) times 60."""
    value = (os.environ if environ is None else environ).get(TTL_ENV, "").strip()
    if not value:
        return 30 * 60.0
    try:
        minutes = float(value)
    except ValueError:
        raise ConfigError(f"${TTL_ENV} is {value!r}; give a number of minutes (e.g. {TTL_ENV}=10)") from None
    if minutes <= 0:
        raise ConfigError(f"${TTL_ENV} must be above 0 minutes")
    return minutes * 60


def count_pages(files: Sequence[tuple[str, bytes]], limits: Limits) -> int:
    """How many pages the files hold, as far as opening them tells (unreadable files count 0): cheap,
    no page is rendered. Capped by ``check_pages``, the most one check reads."""
    from recruitwatch.errors import ReadError
    from recruitwatch.papercheck.sources import open_source

    total = 0
    for name, data in files:
        try:
            source = open_source(name, data, limits)
        except ReadError:
            continue
        except Exception:  # a hostile file the reader chokes on counts 0 here; the check reports it
            log.warning("could not count the pages of an upload")
            continue
        try:
            total += int(getattr(source, "page_count", 1) or 0)
        finally:
            source.close()
        if total >= limits.check_pages:
            return limits.check_pages
    return total


class CheckJobs:
    """The queue and the workers. ``checker_factory`` returns the (thread-safe) PaperChecker to use."""

    def __init__(self, checker_factory: Callable[[], Any], limits: Limits, *, workers: int = 2,
                 max_queued: int = 4, per_owner: int = 2, ttl: float | None = None):
        self._checker_factory = checker_factory
        self.limits = limits
        self.workers, self.max_queued, self.per_owner = workers, max_queued, per_owner
        self.ttl = ttl_from_env() if ttl is None else ttl
        self._jobs: dict[str, CheckJob] = {}
        self._queue: queue.Queue[CheckJob] = queue.Queue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0

    # -- asking ------------------------------------------------------------------------------

    def submit(self, owner: str, files: Sequence[tuple[str, bytes]], *, total_pages: int | None = None,
               views: bool = False, meta: Mapping[str, Any] | None = None) -> CheckJob:
        """Queue a check of ``files`` (name, bytes) for ``owner``; returns at once. Raises :class:`CheckBusy`.

        ``views``: keep an image of each page with its deciding words boxed (at most ``check_images``
        pages; the web result shows them), in memory with the results."""
        self.sweep()
        total = count_pages(files, self.limits) if total_pages is None else total_pages
        job = CheckJob(id=secrets.token_urlsafe(24), owner=owner, files=list(files), total_pages=total,
                       meta=dict(meta or {}), created=time.monotonic(), views=views)
        with self._lock:
            waiting = sum(1 for j in self._jobs.values() if j.state == "queued")
            mine = sum(1 for j in self._jobs.values() if j.owner == owner and not j.done)
            if waiting >= self.max_queued:
                raise CheckBusy(f"{waiting} paper checks are waiting already; try again in a minute")
            if mine >= self.per_owner:
                raise CheckBusy(f"you have {mine} paper checks under way; wait for them to finish")
            self._jobs[job.id] = job
            self._queue.put(job)
            if self._idle == 0 and self._threads < self.workers:
                self._threads += 1
                threading.Thread(target=self._work, name="papercheck-job", daemon=True).start()
        return job

    def get(self, job_id: str, owner: str) -> CheckJob | None:
        """The job, if it exists, has not expired, and belongs to ``owner``; else None (the same answer
        for all three, so nobody learns whether someone else's id exists)."""
        self.sweep()
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job

    def sweep(self, now: float | None = None) -> int:
        """Remove the jobs that finished more than ``ttl`` seconds ago, dropping their results."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [j for j in self._jobs.values() if j.finished_at is not None and now - j.finished_at > self.ttl]
            for job in old:
                del self._jobs[job.id]
                job.results, job.files, job.meta = [], [], {}
        return len(old)

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    # -- working -----------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            try:
                job = self._queue.get(timeout=IDLE_EXIT)
            except queue.Empty:
                with self._lock:
                    self._idle -= 1
                    if self._queue.empty():
                        self._threads -= 1
                        return
                continue
            with self._lock:
                self._idle -= 1
            self._run(job)

    def _run(self, job: CheckJob) -> None:
        job.state = "running"
        try:
            checker = self._checker_factory()
            pages_left = self.limits.check_pages
            views = None
            if job.views:
                from recruitwatch.papercheck.check import PageViews

                views = PageViews(self.limits.check_images)  # page images, encoded in memory, never on disk

            def on_page(_page) -> None:
                job.done_pages += 1

            for n, item in enumerate(job.files):
                if item is None:
                    continue
                name, data = item
                job.current_file = name
                result = checker.check_file(name, data, on_page=on_page, max_pages=pages_left,
                                            **({"views": views} if views is not None else {}))
                job.files[n] = None  # the papers leave memory as soon as they are checked
                del data, item
                pages_left -= len(result.pages)
                job.results.append(result)
        except Exception as exc:  # a bug, not a bad file (those end in FileResult.error): say so, log no content
            log.warning("a paper check failed: %s", type(exc).__name__)
            job.error = "the check stopped with an internal error; try again, or check the files one at a time"
        finally:
            job.files = []
            job.total_pages = max(job.total_pages, job.done_pages)
            job.finished_at = time.monotonic()
            job.state = "done"
            job.finished.set()
