"""Composes the stages: ingest -> screen -> extract -> link -> store.

Each stage is a plain function over typed records; resources load once per process, so the
same code runs in one process or in a local process pool (``workers > 1``) with the same
results. Every batch is written in one transaction: a crash or ``kill -9`` mid-run loses at
most the batch in flight, and a re-run skips what is already stored.

Progress: :func:`plan_sources` expands files, folders and URLs into the inputs to read (one per
file or feed URL) before anything is read, so the number of inputs is known up front;
:func:`run_ingest` then reports an :class:`IngestProgress` snapshot to ``on_progress`` as inputs
are opened and as each document is screened and extracted (in this process or from the pool).
The library draws nothing: the CLI renders the snapshots.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from recruitwatch import PIPELINE_VERSION, pipeline_version
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, Incident, ReadFailure

DEFAULT_BATCH_SIZE = 50
_ingest_log = logging.getLogger("recruitwatch.ingest")  # where read_source logs skipped files


@dataclass(slots=True)
class Analysis:
    """A screened document and the incidents extracted from it."""

    document: Document
    incidents: list[Incident]

    def to_prediction(self) -> dict:
        """The prediction line of the gold format (what `recruitwatch extract` writes and `eval` reads)."""
        doc = self.document
        return {"id": doc.id, "lang": doc.lang, "relevant": bool(doc.relevant), "relevance": doc.relevance,
                "reasons": doc.reasons, "incidents": [i.to_gold() for i in self.incidents]}


def analyse(document: Document, learned: bool = True) -> Analysis:
    """Screen a document and, when it is relevant, extract its incidents (``learned=False``: with
    the cues alone, the baseline of the blind rounds). Long texts go window by window."""
    from recruitwatch.longtext import LONG_TEXT, analyse_windows

    if len(document.text or "") > LONG_TEXT:
        document, incidents = analyse_windows(document, partial(_analyse_one, learned=learned))
    else:
        document, incidents = _analyse_one(document, learned)
    document.pipeline_version = pipeline_version() if learned else f"{PIPELINE_VERSION}+rules"
    for incident in incidents:
        incident.pipeline_version = document.pipeline_version
    return Analysis(document, incidents)


def _analyse_one(document: Document, learned: bool = True) -> tuple[Document, list[Incident]]:
    from recruitwatch.extract import extract
    from recruitwatch.screen import screen_document

    document, text_analysis = screen_document(document, learned)
    return document, (extract(document, text_analysis, learned) if document.relevant else [])


def _init_worker(parent: int) -> None:
    # One OCR/BLAS thread per worker process: the pool provides the parallelism.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # Ctrl-C reaches the whole process group: the parent stops the pool; a worker must not die
    # mid-task with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the parent's handlers: SIGTERM (the parent stopping the pool) must
    # simply end it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when ``parent`` ends, however it ends (SIGKILL included).

    A worker left behind would keep the parent's inherited database socket open; on PostgreSQL
    that orphan holds the dead parent's transaction, and the re-run waits on its locks. Linux:
    the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); elsewhere a watchdog
    thread polls the parent id. Either way, a parent that died before this call is caught here.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass  # no prctl here: the watchdog thread below does the job

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


_PR_SET_PDEATHSIG = 1


def analyse_or_fail(document: Document, learned: bool = True) -> Analysis | ReadFailure:
    """:func:`analyse`, with any error turned into a ReadFailure naming the document: one bad
    document must not stop the batch (nor lose the good documents stored with it)."""
    try:
        return analyse(document, learned)
    except Exception as exc:
        logging.getLogger(__name__).warning("could not analyse %s", document.origin, exc_info=True)
        return ReadFailure(document.origin, f"could not be screened and extracted: {type(exc).__name__}: {exc}")


class Analyser:
    """Runs `analyse` over documents in this process or in a local process pool.

    ``safe=True``: a document whose analysis fails comes back as a ReadFailure instead of raising.
    """

    def __init__(self, workers: int = 1, learned: bool = True, *, safe: bool = False):
        self.workers = max(1, workers)
        function = analyse_or_fail if safe else analyse
        self._analyse = function if learned else partial(function, learned=False)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Analyser:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(os.getpid(),))
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        if self._pool is not None:
            interrupted = exc_type is not None and not issubclass(exc_type, Exception)
            if interrupted:  # Ctrl-C, SIGTERM: stop the workers now, not after their current task
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)

    def imap(self, documents: list[Document]) -> Iterator[Analysis]:  # (or ReadFailure when safe)
        """Analyses in input order, each as soon as it (and those before it) is done."""
        if self._pool is None or len(documents) < 2:
            return map(self._analyse, documents)
        chunk = max(1, len(documents) // (self.workers * 4))
        return self._pool.map(self._analyse, documents, chunksize=chunk)

    def map(self, documents: list[Document]) -> list[Analysis]:
        return list(self.imap(documents))


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    known: int = 0
    relevant: int = 0
    incidents: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    #: files found in folders and not read, each with the reason (images, archives, pipes, links...)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"read": self.read, "new": self.new, "already_known": self.known, "relevant": self.relevant,
                "incidents": self.incidents, "failed": len(self.failures),
                "failures": [f.to_dict() for f in self.failures], "skipped": len(self.skipped),
                "skipped_files": [{"source": path, "reason": reason} for path, reason in self.skipped]}


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- inputs and progress ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SourceInput:
    """One input to read: a file, or a feed URL. ``label`` is its absolute path or the URL."""

    label: str
    read: Callable[[], Iterator[Document | ReadFailure]] = field(repr=False, compare=False)


@dataclass(slots=True)
class SourcePlan:
    """The inputs that sources expand to, in reading order; nothing has been read yet.

    Iterating a plan reads it (each time) and gives the same items as ``read_sources``.
    """

    inputs: list[SourceInput]
    #: files inside the folders that will not be read, with the reason (absolute path, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.inputs)

    def __iter__(self) -> Iterator[Document | ReadFailure]:
        for source in self.inputs:
            yield from source.read()


def plan_sources(sources: Iterable[str | os.PathLike], *, max_bytes: int | None = None,
                 limits: Limits | None = None) -> SourcePlan:
    """Expand files, folders (recursively) and feed URLs into inputs, without reading them.

    A folder is scanned once, here (the scan sniffs ``.json``/``.xml`` files): each readable file
    in it becomes an input; skipped files go to ``SourcePlan.skipped`` (and the INFO log). A file,
    a URL or a missing path is one input, read by ``read_source`` (so its failures are the same).
    ``limits`` bounds what each input may cost (``max_bytes`` overrides its ``file_bytes``).
    """
    from recruitwatch.ingest import folder, read_file, read_source

    if max_bytes is not None:
        limits = replace(limits or DEFAULT_LIMITS, file_bytes=max_bytes)
    inputs: list[SourceInput] = []
    skipped: list[tuple[str, str]] = []
    for source in sources:
        raw = os.fsdecode(os.fspath(source))
        label = raw if "://" in raw else os.path.abspath(raw)
        scan = None
        if "://" not in raw and Path(raw).is_dir():
            try:
                scan = folder.scan(Path(raw))
            except OSError:
                pass  # read_source reports the folder as unreadable
        if scan is None:
            inputs.append(SourceInput(label, partial(read_source, raw, limits=limits)))
            continue
        for path, reason in scan.skipped:
            _ingest_log.info("skipped %s: %s", os.path.abspath(path), reason)
            skipped.append((os.path.abspath(path), reason))
        inputs.extend(SourceInput(os.path.abspath(file), partial(read_file, file, limits=limits))
                      for file in scan.files)
    return SourcePlan(inputs, skipped)


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """A snapshot of an ingest run, given to ``run_ingest(on_progress=...)`` whenever it changes.

    ``files_total`` is the number of inputs (files, feed URLs) when ``run_ingest`` got a
    :class:`SourcePlan`, else ``None`` (unknown). ``files_done`` counts inputs read to the end
    whose documents have all been screened and extracted. ``documents`` counts documents done:
    screened and extracted, or found already stored (at the end it equals ``IngestSummary.read``).
    ``failed`` counts read failures. ``stage`` is what the run is doing: ``reading`` a batch,
    ``analysing`` it (screening, extracting), ``storing`` it (one transaction), or ``done``;
    ``current`` is the input last opened for reading (``None`` when done).
    """

    files_total: int | None = None
    files_done: int = 0
    documents: int = 0
    failed: int = 0
    stage: str = "reading"
    current: str | None = None


ProgressCallback = Callable[[IngestProgress], None]


class _Progress:
    """Counts progress and hands snapshots to the callback."""

    def __init__(self, callback: ProgressCallback | None, files_total: int | None):
        self._callback = callback
        self.files_total = files_total
        self.files_done = self.documents = self.failed = 0
        self.stage = "reading"
        self.current: str | None = None

    def emit(self) -> None:
        if self._callback is not None:
            self._callback(IngestProgress(self.files_total, self.files_done, self.documents, self.failed,
                                          self.stage, self.current))

    def at(self, stage: str, current: str | None = None) -> None:
        """Enter a stage; ``current`` (when given) is the input now being read."""
        self.stage = stage
        if current is not None or stage == "done":
            self.current = current
        self.emit()

    def advance(self, *, files: int = 0, documents: int = 0, failed: int = 0) -> None:
        if files or documents or failed:
            self.files_done += files
            self.documents += documents
            self.failed += failed
            self.emit()


class _EndOfInput:
    """Marks, in the item stream, that the input before it has been read to the end."""


_END = _EndOfInput()
_Entry = Document | ReadFailure | _EndOfInput


def _entries(plan: SourcePlan, progress: _Progress) -> Iterator[_Entry]:
    for source in plan.inputs:
        progress.at("reading", source.label)
        yield from source.read()
        yield _END


def _batches(entries: Iterable[_Entry], size: int) -> Iterator[list[_Entry]]:
    """Batches of ``size`` items; an end-of-input marker goes with the items before it.

    A full batch is handed on when the next item arrives (or the stream ends), so the marker of
    an input whose last item fills a batch travels in that batch.
    """
    batch: list[_Entry] = []
    count = 0
    for entry in entries:
        if entry is not _END:
            if count >= size:
                yield batch
                batch, count = [], 0
            count += 1
        batch.append(entry)
    if batch:
        yield batch


def run_ingest(
    items: SourcePlan | Iterable[Document | ReadFailure],
    store,
    *,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Analyse and store documents batch by batch, one transaction per batch.

    ``items`` is a :class:`SourcePlan` (progress then counts files against a known total) or any
    iterable of documents and read failures (the total is unknown). ``on_progress`` gets an
    :class:`IngestProgress` snapshot at the start, when an input is opened, as each document is
    done and at the end.
    """
    summary = IngestSummary()
    if isinstance(items, SourcePlan):
        summary.skipped.extend(items.skipped)
        progress = _Progress(on_progress, len(items))
        entries: Iterable[_Entry] = _entries(items, progress)
    else:
        progress = _Progress(on_progress, None)
        entries = items
    progress.emit()
    with Analyser(workers, safe=True) as analyser:
        for batch in _batches(entries, batch_size):
            documents: dict[str, Document] = {}
            copies: list[Document] = []  # the same content found again (another path, name, URL)
            failures: list[ReadFailure] = []
            order: list[str | None] = []  # a document id per document, None per end of input
            for entry in batch:
                if entry is _END:
                    order.append(None)
                elif isinstance(entry, ReadFailure):
                    failures.append(entry)
                else:
                    order.append(entry.id)
                    if documents.setdefault(entry.id, entry) is not entry:  # the same material twice in one batch
                        copies.append(entry)
            read = len(order) - order.count(None)
            if not documents and not failures:  # only ends of inputs that gave nothing
                progress.advance(files=len(order))
                continue
            known = store.known_document_ids(documents)
            fresh = [d for i, d in documents.items() if i not in known]
            summary.read += read
            summary.known += read - len(fresh)
            # An input is done once every fresh document before its end marker is analysed.
            ends_now, ends_after = _ends(order, {d.id for d in fresh}, len(fresh))
            progress.advance(files=ends_now, documents=read - len(fresh), failed=len(failures))
            analyses: list[Analysis] = []
            if fresh:
                progress.at("analysing")
            for index, analysis in enumerate(analyser.imap(fresh)):
                if isinstance(analysis, ReadFailure):
                    failures.append(analysis)
                    progress.advance(files=ends_after[index], documents=1, failed=1)
                    continue
                progress.advance(files=ends_after[index], documents=1)
                analyses.append(analysis)
            progress.at("storing")
            # Linking (near-duplicate groups, cases, corroboration) happens inside the batch's transaction.
            copies += [d for i, d in documents.items() if i in known]
            incidents = [i for a in analyses for i in a.incidents]
            result = store.save_batch([a.document for a in analyses], incidents, failures, origins=copies)
            progress.at("reading")
            summary.new += result.new_documents
            summary.known += result.known_documents
            summary.relevant += sum(1 for a in analyses if a.document.relevant)
            summary.incidents += result.new_incidents
            summary.failures.extend(failures)
    progress.at("done")
    return summary


def _ends(order: list[str | None], fresh: set[str], count: int) -> tuple[int, list[int]]:
    """End markers before the first fresh document, and after each fresh document (up to the next)."""
    ends_now, ends_after = 0, [0] * count
    seen: set[str] = set()
    for doc_id in order:
        if doc_id is None:
            if seen:
                ends_after[len(seen) - 1] += 1
            else:
                ends_now += 1
        elif doc_id in fresh:
            seen.add(doc_id)
    return ends_now, ends_after


# -- re-extraction --------------------------------------------------------------------------

@dataclass
class ReextractSummary:
    documents: int = 0
    removed: int = 0
    added: int = 0
    kept: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"documents": self.documents, "incidents_removed": self.removed, "incidents_added": self.added,
                "reviewed_incidents_kept": self.kept}


def run_reextract(store, *, since: str | None = None, workers: int = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                  on_batch: Callable[[ReextractSummary], None] | None = None) -> ReextractSummary:
    """Screen, extract and link again every stored document whose pipeline version is not the current one
    (with ``since``: made by code version ``since`` or older), batch by batch, one transaction per batch.

    Resumable: a finished batch carries the current version, so a re-run after a crash goes on
    from the first document not yet redone. Reviewers' decisions are kept (see
    ``Store.replace_extraction``). ``on_batch`` gets the running totals after each batch.
    """
    current = pipeline_version()
    summary = ReextractSummary()
    after = 0
    with Analyser(workers) as analyser:
        while True:
            batch = store.documents_to_reextract(current, since=since, after_pk=after, limit=batch_size)
            if not batch:
                break
            after = batch[-1][0]
            analyses = analyser.map([doc for _, doc in batch])
            counts = store.replace_extraction([(a.document, a.incidents) for a in analyses])
            summary.documents += len(analyses)
            summary.removed += counts["removed"]
            summary.added += counts["added"]
            summary.kept += counts["kept"]
            if on_batch is not None:
                on_batch(summary)
    return summary
