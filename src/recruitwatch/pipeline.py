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
from typing import TYPE_CHECKING

from recruitwatch import PIPELINE_VERSION, pipeline_version
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, Incident, ReadFailure

if TYPE_CHECKING:
    from recruitwatch.ingest.ocr import OcrOptions
    from recruitwatch.store.database import Prepared

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


def analyse(document: Document, learned: bool = True, *, processes: int | None = None) -> Analysis:
    """Screen a document and, when it is relevant, extract its incidents (``learned=False``: with
    the cues alone, the baseline of the blind rounds). Long texts go window by window, in several
    processes when they have many windows (``processes``: see ``longtext.processes_for``); the
    result is the same."""
    from recruitwatch.longtext import LONG_TEXT, analyse_windows

    if len(document.text or "") > LONG_TEXT:
        document, incidents = analyse_windows(document, partial(_analyse_one, learned=learned), processes)
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


_worker_store = None  # in a worker process: the store, opened again, to skip documents already stored


def _init_worker(parent: int, store_url: str | None = None) -> None:
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
    global _worker_store
    if store_url is not None:
        from recruitwatch.store import open_store

        try:
            _worker_store = open_store(store_url)
        except Exception:  # only an optimisation: the writer checks again
            _worker_store = None


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

    def __init__(self, workers: int = 1, learned: bool = True, *, safe: bool = False, store_url: str | None = None):
        self.workers = max(1, workers)
        function = analyse_or_fail if safe else analyse
        self._analyse = function if learned else partial(function, learned=False)
        self._pool: ProcessPoolExecutor | None = None
        self._store_url = store_url

    def __enter__(self) -> Analyser:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(os.getpid(), self._store_url))
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

    def submit(self, function: Callable, *args):
        """Run ``function(*args)`` in the pool; a future."""
        assert self._pool is not None, "submit needs a pool (workers > 1)"
        return self._pool.submit(function, *args)

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
                 limits: Limits | None = None, ocr: OcrOptions | None = None) -> SourcePlan:
    """Expand files, folders (recursively) and feed URLs into inputs, without reading them.

    A folder is scanned once, here (the scan sniffs ``.json``/``.xml`` files): each readable file
    in it becomes an input; skipped files go to ``SourcePlan.skipped`` (and the INFO log). A file,
    a URL or a missing path is one input, read by ``read_source`` (so its failures are the same).
    ``limits`` bounds what each input may cost (``max_bytes`` overrides its ``file_bytes``).
    ``ocr`` chooses the OCR languages and whether images in folders are read (``--ocr``).
    """
    from recruitwatch.ingest import folder, read_file, read_source
    from recruitwatch.ingest.ocr import DEFAULT_OCR

    ocr = ocr or DEFAULT_OCR
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
                scan = folder.scan(Path(raw), images=ocr.folders)
            except OSError:
                pass  # read_source reports the folder as unreadable
        if scan is None:
            inputs.append(SourceInput(label, partial(read_source, raw, limits=limits, ocr=ocr)))
            continue
        for path, reason in scan.skipped:
            _ingest_log.info("skipped %s: %s", os.path.abspath(path), reason)
            skipped.append((os.path.abspath(path), reason))
        inputs.extend(SourceInput(os.path.abspath(file), partial(read_file, file, limits=limits, ocr=ocr))
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

    With ``workers > 1`` the stages run side by side: the worker processes read their own files
    (the small ones; bigger files, feeds and streams are read here and their documents sent in
    chunks), skip what is already stored, screen, extract and compute the index terms, while this
    process, the writer, stores one batch after the other. At most a few tasks per worker are in
    flight, so memory stays bounded. Batches are cut exactly as with one worker, so the stored
    result is the same.
    """
    summary, progress = _start(items, on_progress)
    store_url = getattr(store, "url_for_workers", None)
    with Analyser(workers, safe=True, store_url=store_url() if store_url and workers > 1 else None) as analyser:
        if analyser.workers > 1:
            entries: Iterable = _pool_entries(analyser, items, progress, batch_size)
        else:
            entries = _local_entries(items, progress)
        _store_batches(entries, store, batch_size, progress, summary)
    progress.at("done")
    return summary


def _start(items, on_progress: ProgressCallback | None) -> tuple[IngestSummary, _Progress]:
    """A run's summary (with the plan's skipped files) and its progress, announced (both runners)."""
    summary = IngestSummary()
    if isinstance(items, SourcePlan):
        summary.skipped.extend(items.skipped)
        progress = _Progress(on_progress, len(items))
    else:
        progress = _Progress(on_progress, None)
    progress.emit()
    return summary, progress


class _Read:
    """A document read, with its analysis when a worker made it (``result``: an Analysis or a
    ReadFailure; ``None``: not analysed yet) and, for an Analysis, the terms the writer needs."""

    __slots__ = ("id", "document", "result", "prepared")

    def __init__(self, id: str, document: Document | None, result: Analysis | ReadFailure | None = None,
                 prepared: Prepared | None = None):
        self.id, self.document, self.result, self.prepared = id, document, result, prepared

    @property
    def doc(self) -> Document:
        return self.result.document if self.document is None else self.document  # type: ignore[union-attr]


def _local_entries(items, progress: _Progress) -> Iterator:
    entries = _entries(items, progress) if isinstance(items, SourcePlan) else items
    for entry in entries:
        yield _Read(entry.id, entry) if isinstance(entry, Document) else entry


#: Files up to this size are read by the worker processes themselves: a small file holds few
#: documents, so what a task holds stays bounded. Bigger files (JSONL, CSV, WARC...), feeds and
#: document streams are read by the writer, and their documents go to the workers in chunks.
WORKER_READ_BYTES = 1 << 20
_FILES_PER_TASK = 16
_DOCUMENTS_PER_TASK = 16
_BATCHES_AHEAD = 4  # documents in flight: enough for the workers to stay busy while the writer commits


def _worker_reads(source: SourceInput) -> bool:
    if "://" in source.label:
        return False
    try:
        info = os.stat(source.label)
    except OSError:
        return False  # read here: the failure is reported as before
    import stat

    return stat.S_ISREG(info.st_mode) and info.st_size <= WORKER_READ_BYTES


def _tasks(items) -> Iterator[tuple[list[str], tuple[str, list]]]:
    """Tasks for the workers, in input order, each with the labels of the inputs it opens."""
    if not isinstance(items, SourcePlan):
        for chunk in batched(items, _DOCUMENTS_PER_TASK):
            yield [], ("items", chunk)
        return
    files: list[SourceInput] = []
    for source in items.inputs:
        if _worker_reads(source):
            files.append(source)
            if len(files) >= _FILES_PER_TASK:
                yield [f.label for f in files], ("files", [f.read for f in files])
                files = []
            continue
        if files:
            yield [f.label for f in files], ("files", [f.read for f in files])
            files = []
        labels, chunk = [source.label], []
        for item in source.read():
            chunk.append(item)
            if len(chunk) >= _DOCUMENTS_PER_TASK:
                yield labels, ("items", chunk)
                labels, chunk = [], []
        chunk.append(None)  # the end of this input
        yield labels, ("items", chunk)
    if files:
        yield [f.label for f in files], ("files", [f.read for f in files])


def _pool_entries(analyser: Analyser, items, progress: _Progress, batch_size: int) -> Iterator:
    """The entries of ``items`` in input order, read and analysed by the pool, with a bounded
    number of tasks in flight; inputs are announced to ``progress`` as their results arrive."""
    from collections import deque

    pending: deque = deque()
    # Bounded: about _BATCHES_AHEAD batches of documents (or files) read and analysed ahead of the writer.
    limit = max(2 * analyser.workers, -(-_BATCHES_AHEAD * batch_size // min(_FILES_PER_TASK, _DOCUMENTS_PER_TASK)))

    def collect(labels: list[str], future) -> Iterator:
        labels = list(labels)
        if labels:
            progress.at("reading", labels.pop(0))
        for item in future.result():
            if item is None:
                yield _END
                if labels:
                    progress.at("reading", labels.pop(0))
            else:
                yield item

    for labels, task in _tasks(items):
        pending.append((labels, analyser.submit(_read_and_analyse, task)))
        while len(pending) >= limit:
            yield from collect(*pending.popleft())
    while pending:
        yield from collect(*pending.popleft())


def _read_and_analyse(task: tuple[str, list], store=None) -> list:
    """In a worker: read the task's files (or take its items), skip the documents already stored
    (in ``store``, by default the pool worker's own connection), analyse the others and prepare
    their index terms. ``None`` marks the end of an input; other items pass through unchanged."""
    from recruitwatch.store.database import prepare

    store = _worker_store if store is None else store

    kind, payload = task
    if kind == "files":
        items: list = []
        for read in payload:
            items.extend(read())
            items.append(None)
    else:
        items = payload
    known: set[str] = set()
    if store is not None:
        try:
            known = store.known_document_ids({x.id for x in items if isinstance(x, Document)})
        except Exception:  # only saves work: the writer checks again
            known = set()
    out: list = []
    for item in items:
        if not isinstance(item, Document):
            out.append(item)
        elif item.id in known:
            out.append(_Read(item.id, item))
        else:
            known.add(item.id)  # a second copy in this task is not analysed again
            result = analyse_or_fail(item)
            if isinstance(result, Analysis):
                out.append(_Read(item.id, None, result, prepare(result.document, result.incidents)))
            else:
                out.append(_Read(item.id, item, result))
    return out


def _store_batches(entries: Iterable, store, batch_size: int, progress: _Progress, summary: IngestSummary) -> None:
    from recruitwatch.store.database import prepare

    for batch in _batches(entries, batch_size):
        documents: dict[str, _Read] = {}
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
                    copies.append(entry.doc)
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
        prepared: dict[str, Prepared] = {}
        if fresh:
            progress.at("analysing")
        for index, entry in enumerate(fresh):
            # Analysed here with one worker; a worker's document found stored (or a copy) comes unanalysed.
            analysis = entry.result if entry.result is not None else analyse_or_fail(entry.document)
            if isinstance(analysis, ReadFailure):
                failures.append(analysis)
                progress.advance(files=ends_after[index], documents=1, failed=1)
                continue
            progress.advance(files=ends_after[index], documents=1)
            analyses.append(analysis)
            prepared[analysis.document.id] = entry.prepared or prepare(analysis.document, analysis.incidents)
        progress.at("storing")
        # Linking (near-duplicate groups, cases, corroboration) happens inside the batch's transaction.
        copies += [d.doc for i, d in documents.items() if i in known]
        incidents = [i for a in analyses for i in a.incidents]
        result = store.save_batch([a.document for a in analyses], incidents, failures, origins=copies,
                                  prepared=prepared)
        progress.at("reading")
        summary.new += result.new_documents
        summary.known += result.known_documents
        summary.relevant += sum(1 for a in analyses if a.document.relevant)
        summary.incidents += result.new_incidents
        summary.failures.extend(failures)


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
