"""The ingest pipeline on a Dask cluster: ``recruitwatch ingest --engine dask``.

The Dask workers do the expensive part: they read the files (a task is a chunk of small files, or
one larger file such as a JSONL shard or a WARC archive), skip what the store already holds,
screen, extract and compute what storing needs (index terms, link keys, band keys and shingle fingerprints), exactly as the
local pool's workers do (``pipeline._read_and_analyse``). This process, the client, is the only
writer: it takes the results **in input order** (a reorder buffer: results that arrive early wait
until those before them are in) and stores them with the local runner's own code
(``pipeline._store_batches``), cut into the same batches, one transaction each. Linking is
order-dependent (which report opens a case, which document a near-duplicate group is named
after), so this is what makes the stored result identical to ``run_ingest`` on the same input.

``dask`` and ``distributed`` (the ``dask`` extra) are imported only here, and this module only when
the Dask engine is asked for, so ``recruitwatch --help`` stays fast.
"""

from __future__ import annotations

import logging
import os
import signal
import stat
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from recruitwatch.errors import ClusterError
from recruitwatch.pipeline import (
    _BATCHES_AHEAD,
    _END,
    DEFAULT_BATCH_SIZE,
    IngestSummary,
    ProgressCallback,
    SourceInput,
    SourcePlan,
    _Progress,
    _read_and_analyse,
    _start,
    _store_batches,
    batched,
)
from recruitwatch.records import Document, ReadFailure

log = logging.getLogger(__name__)

#: Files up to this size are grouped, up to ``FILES_PER_TASK`` of them (and this many bytes), in one task.
SMALL_FILE_BYTES = 1 << 20
FILES_PER_TASK = 16
#: Files up to this size (JSONL shards, WARC archives, CSV, Telegram exports...) are one task each,
#: read by the worker. Bigger files, feed URLs and document streams are read here and their
#: documents sent in chunks, so that one task's result stays a bounded size.
WORKER_READ_BYTES = 64 << 20
DOCUMENTS_PER_TASK = 64
#: Bytes of input in flight at most (beyond one task per worker thread), bounding the memory the
#: results waiting for the writer take.
BYTES_AHEAD = 256 << 20
CONNECT_TIMEOUT = 20  # seconds to reach a scheduler, and to wait for its first worker


# -- the cluster ----------------------------------------------------------------------------------

def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError("the Dask engine needs the `dask` extra: pip install 'recruitwatch[dask]' "
                           f"(dask and distributed); {exc}") from None
    return distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator:
    """A ``distributed.Client``: on a new LocalCluster of ``workers`` processes (one thread each, no
    dashboard, listening on 127.0.0.1 only) when ``scheduler`` is None, else connected to the
    scheduler at that address (``tcp://host:8786``). On exit the client is closed and a cluster
    started here is shut down with its worker processes."""
    distributed = _distributed()
    cluster = None
    if scheduler is None:
        # The worker processes must not take Ctrl-C themselves (it reaches the whole process group):
        # this process stops them. A signal ignored at spawn time stays ignored in the child.
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            import dask

            # Everything listens on 127.0.0.1, on ports the system picks. No dashboard, and no HTTP routes
            # (the scheduler and workers serve metrics and JSON by default): nothing is served.
            with dask.config.set({"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}):
                cluster = distributed.LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
                    scheduler_port=0, dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                    silence_logs=logging.CRITICAL)  # a heartbeat racing the shutdown is not news
        except Exception as exc:
            raise ClusterError(f"could not start a local Dask cluster of {workers} workers: "
                               f"{type(exc).__name__}: {exc}") from None
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
        try:
            client = distributed.Client(cluster)
        except BaseException:
            cluster.close()
            raise
    else:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"could not connect to the Dask scheduler at {scheduler}: {exc}; check the address "
                               "(tcp://host:8786) and that `dask scheduler` runs there") from None
    try:
        yield client
    finally:
        try:
            client.close()
        finally:
            if cluster is not None:
                cluster.close()


def _worker_version() -> str:
    from recruitwatch import pipeline_version

    return pipeline_version()


def check_workers(client) -> int:
    """The number of worker threads; raises ClusterError when there are none or when a worker runs
    another version of recruitwatch (its results would differ from this one's)."""
    from recruitwatch import pipeline_version

    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, OSError) as exc:
        raise ClusterError(f"the Dask scheduler {client.scheduler.address} has no workers ({exc}); "
                           "start some with `dask worker ADDRESS`") from None
    try:
        versions = client.run(_worker_version)
    except ImportError as exc:
        raise ClusterError(f"the Dask workers cannot import recruitwatch ({exc}); install the same recruitwatch "
                           "on every worker machine") from None
    mine = pipeline_version()
    other = {address: version for address, version in versions.items() if version != mine}
    if other:
        listed = ", ".join(f"{address} runs {version}" for address, version in sorted(other.items()))
        raise ClusterError(f"every Dask worker must run this recruitwatch ({mine}): {listed}")
    return max(1, sum(client.nthreads().values()))


# -- the work of a task (in a worker) -----------------------------------------------------------

class StoreAddress:
    """The store's URL, handed to the workers so they skip stored documents. Its repr hides the URL:
    Dask logs the arguments of a task that fails, and the URL may hold a password."""

    __slots__ = ("url",)

    def __init__(self, url: str | None):
        self.url = url

    def __repr__(self) -> str:
        return "<store>"


_stores: dict[str, object] = {}  # in a worker process: the stores opened so far, by URL
_stores_lock = threading.Lock()


def _worker_store(address: StoreAddress | None):
    """The store opened read-only in this worker (once per process), or None: the check is only an
    optimisation (the writer checks again), so a store the worker cannot reach is skipped."""
    url = address.url if address is not None else None
    if url is None:
        return None
    with _stores_lock:
        if url not in _stores:
            from recruitwatch.store import open_store

            try:
                store = open_store(url)
                if store.dialect == "sqlite" and not _sqlite_exists(store):
                    store = None  # another machine: do not create an empty file there
            except Exception:
                store = None
            _stores[url] = store
        return _stores[url]


def _sqlite_exists(store) -> bool:
    from recruitwatch.store.connection import sqlite_path

    path = sqlite_path(store._url)
    return path is not None and path.exists()


@dataclass(frozen=True, slots=True)
class Unseen:
    """In a task's result: the worker could not see this file as the client saw it (another machine
    without the same files, or the file changed); the client reads it and sends its documents."""

    label: str


def analyse_task(task: tuple[str, list], address: StoreAddress | None = None) -> list:
    """Runs in a Dask worker. ``("files", [(path, size, read), ...])``: read each file (``read()``:
    the plan's own reader and options, by absolute path), then as ``("items", ...)``;
    ``("items", [Document | ReadFailure | None, ...])``: skip the documents the store holds, analyse
    the others and prepare their index terms (``pipeline._read_and_analyse``)."""
    kind, payload = task
    if kind == "files":
        items: list = []
        for label, size, read in payload:
            if _size(label) != size:
                items.append(Unseen(label))
                continue
            items.extend(read())
            items.append(None)
        task = ("items", items)
    return _read_and_analyse(task, _worker_store(address))


def _size(label: str) -> int | None:
    """The size of a regular file at ``label`` (an absolute path), else None."""
    if "://" in label:
        return None
    try:
        info = os.stat(label)
    except (OSError, ValueError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


# -- tasks and the reorder buffer (in the client) ---------------------------------------------------

@dataclass(slots=True)
class _Task:
    labels: list[str]  # the inputs whose reading starts in this task, in order (for progress)
    payload: tuple[str, list]
    size: int = 0  # bytes of input, to bound what is in flight
    sources: dict[str, SourceInput] = field(default_factory=dict)  # for a file the workers cannot see


def _worker_read(source: SourceInput) -> partial | None:
    """How a worker reads ``source``: the plan's reader with its options (limits, OCR...), given the
    absolute path; None when only this process can (the input is not a plain file reader's)."""
    from recruitwatch.ingest import read_file, read_source

    read = source.read
    if not isinstance(read, partial) or read.func not in (read_file, read_source) or len(read.args) != 1:
        return None
    return partial(read.func, Path(source.label), **read.keywords)


def _plan_tasks(items) -> Iterator[_Task]:
    """The tasks of ``items``, in input order."""
    if not isinstance(items, SourcePlan):
        for chunk in batched(items, DOCUMENTS_PER_TASK):
            yield _Task([], ("items", chunk))
        return
    group: list[tuple[SourceInput, int, partial]] = []

    def files_task(files: list[tuple[SourceInput, int, partial]]) -> _Task:
        return _Task([s.label for s, _, _ in files], ("files", [(s.label, n, read) for s, n, read in files]),
                     sum(n for _, n, _ in files), {s.label: s for s, _, _ in files})

    for source in items.inputs:
        size = _size(source.label)
        read = _worker_read(source) if size is not None and size <= WORKER_READ_BYTES else None
        by_worker = read is not None
        if by_worker and size <= SMALL_FILE_BYTES:
            group.append((source, size, read))
            if len(group) >= FILES_PER_TASK or sum(n for _, n, _ in group) >= SMALL_FILE_BYTES:
                yield files_task(group)
                group = []
            continue
        if group:
            yield files_task(group)
            group = []
        if by_worker:
            yield files_task([(source, size, read)])
            continue
        yield from _read_here(source)
    if group:
        yield files_task(group)


def _read_here(source: SourceInput) -> Iterator[_Task]:
    """A feed URL, a missing path, a very large file: read in this process, sent in chunks."""
    labels, chunk, size = [source.label], [], 0
    for item in source.read():
        chunk.append(item)
        size += len(item.text) if isinstance(item, Document) else 0
        if len(chunk) >= DOCUMENTS_PER_TASK:
            yield _Task(labels, ("items", chunk), size)
            labels, chunk, size = [], [], 0
    chunk.append(None)  # the end of this input
    yield _Task(labels, ("items", chunk), size)


class _Submitter:
    def __init__(self, client, address: StoreAddress):
        self.client, self.address = client, address
        self.run = uuid.uuid4().hex[:8]
        self.count = 0

    def __call__(self, task: _Task):
        self.count += 1
        return self.client.submit(analyse_task, task.payload, self.address, pure=False,
                                  key=f"recruitwatch-ingest-{self.run}-{self.count}")


def _cluster_entries(client, items, progress: _Progress, batch_size: int, slots: int,
                     address: StoreAddress) -> Iterator:
    """The entries of ``items`` in input order, read and analysed on the cluster: tasks are
    submitted ahead (bounded by count and bytes) and taken back in submission order."""
    submit = _Submitter(client, address)
    pending: deque = deque()
    limit = max(2 * slots + 1, -(-_BATCHES_AHEAD * batch_size // FILES_PER_TASK))
    in_flight = 0
    try:
        for task in _plan_tasks(items):
            pending.append((task, submit(task)))
            in_flight += task.size
            while len(pending) > slots and (len(pending) >= limit or in_flight > BYTES_AHEAD):
                yield from _collect(*pending[0], progress, submit)
                in_flight -= pending.popleft()[0].size
        while pending:
            yield from _collect(*pending[0], progress, submit)
            pending.popleft()
    finally:
        if pending:  # stopped (Ctrl-C, SIGTERM, an error): nothing more is computed for this run
            client.cancel([future for _, future in pending], force=True)


def _collect(task: _Task, future, progress: _Progress, submit: _Submitter) -> Iterator:
    labels = list(task.labels)
    if labels:
        progress.at("reading", labels.pop(0))
    for item in _result(task, future, submit):
        if item is None:
            yield _END
            if labels:
                progress.at("reading", labels.pop(0))
        elif isinstance(item, Unseen):
            log.warning("the Dask workers cannot read %s as this process sees it; it is read here and its "
                        "documents sent to them (give the workers the same files at the same paths)", item.label)
            for part in _read_here(task.sources[item.label]):
                yield from (_END if x is None else x for x in _result(part, submit(part), submit))
            if labels:
                progress.at("reading", labels.pop(0))
        else:
            yield item


def _result(task: _Task, future, submit: _Submitter) -> list:
    """The task's result; when the task itself failed (a worker killed by a file, a bug), each of its
    inputs is tried alone, and one that fails alone becomes a ReadFailure: the batch goes on."""
    try:
        return future.result()
    except Exception as exc:
        if future.status != "error":  # not the task failing on a worker: the cluster is gone
            raise ClusterError(f"lost the Dask cluster ({type(exc).__name__}: {exc}); the batches stored so far "
                               "are kept: run the same command again to finish") from None
        problem = f"could not be read and analysed on the Dask cluster: {type(exc).__name__}: {exc}"
        kind, payload = task.payload
        ends = kind == "items" and bool(payload) and payload[-1] is None  # the chunk ends an input
        parts = payload if kind == "files" else [x for x in payload if x is not None]
        out: list = []
        if len(parts) > 1:
            log.warning("a Dask task failed (%s); its %d inputs are tried one by one", type(exc).__name__, len(parts))
            for part in parts:
                alone = _Task([], (kind, [part]))
                out.extend(_result(alone, submit(alone), submit))
        elif kind == "files":
            out = [ReadFailure(part[0], problem) for part in parts] + [None] * len(parts)
        else:
            out = [ReadFailure(x.origin if isinstance(x, Document) else x.source, problem) for x in parts]
        return out + [None] * ends


# -- the runner ---------------------------------------------------------------------------------

def run_ingest_dask(
    items: SourcePlan | Iterable[Document | ReadFailure],
    store,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    client=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> IngestSummary:
    """:func:`recruitwatch.pipeline.run_ingest` on a Dask cluster, with the same stored result.

    The cluster: ``client`` (a ``distributed.Client`` you made), else the scheduler at ``scheduler``,
    else a new LocalCluster of ``workers`` processes, shut down at the end. The workers read and
    analyse; this process stores batch by batch in input order (one transaction per batch, so a
    re-run after a crash adds nothing twice). ``on_progress`` gets the same snapshots as with the
    local runner. On Ctrl-C or SIGTERM (raised here as an exception) the run's tasks are cancelled
    and a cluster started here is shut down before the exception goes on.
    """
    summary, progress = _start(items, on_progress)
    url = getattr(store, "url_for_workers", None)
    address = StoreAddress(url() if url is not None else None)
    with (_given(client) if client is not None else dask_client(scheduler, workers)) as dask:
        slots = check_workers(dask)
        entries = _cluster_entries(dask, items, progress, batch_size, slots, address)
        try:
            _store_batches(entries, store, batch_size, progress, summary)
        finally:
            entries.close()  # cancels what is still in flight
    progress.at("done")
    return summary


@contextmanager
def _given(client) -> Iterator:
    yield client
