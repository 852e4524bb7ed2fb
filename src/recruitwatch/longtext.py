"""Long documents: screened and extracted window by window, so cost stays linear in length.

A text longer than :data:`LONG_TEXT` characters (a dump of a whole site, a book-length report,
a 20 MB line of JSON) is cut into windows of about :data:`WINDOW` characters at paragraph
breaks, else sentence ends, else spaces. Each window is screened on its own; the cheap first
tier drops windows about something else without reading them further, and only relevant windows
are extracted. Evidence offsets are shifted back into the whole text, so they stay exact; the
document is as relevant as its most relevant window.

The windows are independent, so a text of :data:`PARALLEL_WINDOWS` windows or more is analysed
by child processes, one per CPU this process may use (its affinity: ``taskset -c 0`` keeps a run
on one core), never more than there are windows. The first window is read here; then children
are forked: they inherit what it loaded (the model, the compiled expressions) and the document,
so a task is a window's two offsets and only the window's result comes back. The results are
taken in window order, so the document's relevance, reasons and incidents are exactly those of
the sequential path. The windows are all read here, one after the other, where children cannot
or should not be started: without the ``fork`` start method (Windows); in a process that is
itself a worker of a pool (``ingest --workers``, Dask's worker processes, ``serve --workers``:
its siblings already use the cores, and a daemonic process may not have children); in any
thread but the main one (Dask's task threads, the web app's request threads: their siblings
share the cores, and forking a threaded server is unsafe).

A window that fails raises the same exception as sequentially (the first failing window's, in
window order) and stops the children. They ignore Ctrl-C, which reaches the whole process
group: this process stops them; and they end when it does, however it ends.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from typing import NamedTuple

from recruitwatch.records import Document, Evidence, Incident

LONG_TEXT = 300_000
WINDOW = 100_000
#: From this many windows on, a text is analysed by child processes (below, starting them and
#: their first reads of the model cost about what they would save).
PARALLEL_WINDOWS = 4
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"[.!?…]\s"), re.compile(r"\s"))

Analyse = Callable[[Document], tuple[Document, list[Incident]]]


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """(start, end) spans covering text, each at most ``size`` characters (cut at a break when
    one lies in the window's last half)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for pattern in _BREAKS:
            last = None
            for m in pattern.finditer(text, start + size // 2, end):
                last = m
            if last is not None:
                cut = last.end()
                break
        cut = cut or end
        spans.append((start, cut))
        start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this system (macOS, Windows)
        return os.cpu_count() or 1


def processes_for(count: int, processes: int | None = None) -> int:
    """How many processes analyse a text of ``count`` windows; 1: this one, window after window.

    ``processes=None`` chooses: the usable CPUs from :data:`PARALLEL_WINDOWS` windows on, else 1.
    A number asks for that many (tests, benchmarks); either way there are never more processes
    than windows, and always 1 where children cannot or should not be started (see the module).
    """
    if processes is None:
        processes = usable_cpus() if count >= PARALLEL_WINDOWS else 1
    if processes < 2 or not _may_start_children():
        return 1
    return min(processes, count)


def _may_start_children() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and multiprocessing.parent_process() is None  # not a pool's worker (daemonic or not)
            and threading.current_thread() is threading.main_thread())


class _Window(NamedTuple):
    """What the whole document keeps of one window's analysis."""

    lang: str | None
    relevance: float | None
    relevant: bool | None
    reasons: list[str]
    incidents: list[Incident]  # their evidence offsets already in the whole text


def _shift(incident: Incident, doc: Document, offset: int) -> Incident:
    evidence = [replace(e, start=e.start + offset, end=e.end + offset, document_id=doc.id)
                if isinstance(e, Evidence) else e for e in incident.evidence]
    return replace(incident, document_id=doc.id, evidence=evidence, id="")


def _analyse_window(doc: Document, analyse: Analyse, span: tuple[int, int]) -> _Window:
    start, end = span
    part, found = analyse(replace(doc, text=doc.text[start:end], reasons=[], meta={}))
    return _Window(part.lang, part.relevance, part.relevant, part.reasons, [_shift(i, doc, start) for i in found])


def analyse_windows(doc: Document, analyse: Analyse, processes: int | None = None) -> tuple[Document, list[Incident]]:
    """Screen and extract a long document window by window (``analyse`` does one window), in
    ``processes`` processes (see :func:`processes_for`)."""
    spans = windows(doc.text)
    count = processes_for(len(spans), processes)
    if count > 1:
        results: Iterator[_Window] = _in_children(doc, analyse, spans, count)
    else:
        results = map(partial(_analyse_window, doc, analyse), spans)
    best: _Window | None = None
    incidents: list[Incident] = []
    for result in results:
        if best is None or (result.relevance or 0.0) > (best.relevance or 0.0):
            best = result
        incidents.extend(result.incidents)
    assert best is not None
    doc.lang = doc.lang or best.lang
    doc.relevance, doc.relevant = best.relevance, any(True for _ in incidents) or bool(best.relevant)
    doc.reasons = [f"long text read in windows of {WINDOW:,} characters; the most relevant one: "] + best.reasons
    return doc, incidents


# -- in child processes ---------------------------------------------------------------------

_job: tuple[Document, Analyse] | None = None  # in a child: the document and how to analyse a window


def _start_child(parent: int, doc: Document, analyse: Analyse) -> None:
    from recruitwatch.pipeline import _init_worker

    _init_worker(parent)  # one BLAS thread, Ctrl-C left to the parent, ends with the parent
    global _job
    _job = (doc, analyse)


def _child_window(span: tuple[int, int]) -> _Window:
    assert _job is not None
    return _analyse_window(*_job, span)


def _in_children(doc: Document, analyse: Analyse, spans: list[tuple[int, int]], processes: int) -> Iterator[_Window]:
    """The windows' analyses, in window order: the first here, the others by forked children.

    What a window needs is loaded on first use (the model, the lexicons, the compiled regular
    expressions); read here first, it is loaded once and the children inherit it, instead of each
    loading its own (a second of CPU and tens of MB each). Forked, the children also get the
    document and ``analyse`` without pickling. A task is one window (two offsets: windows are many
    and cost about the same, so one at a time balances the load for nothing); its result, the
    window's few fields and incidents.
    """
    yield _analyse_window(doc, analyse, spans[0])
    pool = ProcessPoolExecutor(min(processes, len(spans) - 1), mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_child, initargs=(os.getpid(), doc, analyse))
    done = False
    try:
        yield from pool.map(_child_window, spans[1:])
        done = True
    finally:
        if not done:  # a window failed, Ctrl-C: stop the children now, not after their current window
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
