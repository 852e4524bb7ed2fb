"""Composes the stages: ingest -> screen -> extract -> link -> store.

Each stage is a plain function over typed records; resources load once per process, so the
same code runs in one process or in a local process pool (``workers > 1``) with the same
results. Every batch is written in one transaction: a crash or ``kill -9`` mid-run loses at
most the batch in flight, and a re-run skips what is already stored.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from recruitwatch import PIPELINE_VERSION
from recruitwatch.records import Document, Incident, ReadFailure

DEFAULT_BATCH_SIZE = 50


@dataclass(slots=True)
class Analysis:
    """A screened document and the incidents extracted from it."""

    document: Document
    incidents: list[Incident]


def analyse(document: Document) -> Analysis:
    """Screen a document and, when it is relevant, extract its incidents."""
    from recruitwatch.extract import extract
    from recruitwatch.screen import screen

    document = screen(document)
    document.pipeline_version = PIPELINE_VERSION
    incidents = extract(document) if document.relevant else []
    return Analysis(document, incidents)


def _init_worker() -> None:
    # One OCR/BLAS thread per worker process: the pool provides the parallelism.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


class Analyser:
    """Runs `analyse` over documents in this process or in a local process pool."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Analyser":
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def map(self, documents: list[Document]) -> list[Analysis]:
        if self._pool is None or len(documents) < 2:
            return [analyse(d) for d in documents]
        chunk = max(1, len(documents) // (self.workers * 4))
        return list(self._pool.map(analyse, documents, chunksize=chunk))


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    known: int = 0
    relevant: int = 0
    incidents: int = 0
    failures: list[ReadFailure] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"read": self.read, "new": self.new, "already_known": self.known, "relevant": self.relevant,
                "incidents": self.incidents, "failed": len(self.failures),
                "failures": [f.to_dict() for f in self.failures]}


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_ingest(
    items: Iterable[Document | ReadFailure],
    store,
    *,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_item: Callable[[Document | ReadFailure], None] | None = None,
) -> IngestSummary:
    """Analyse and store documents batch by batch, one transaction per batch."""
    from recruitwatch.link import link_incidents

    summary = IngestSummary()
    with Analyser(workers) as analyser:
        for batch in batched(items, batch_size):
            documents: dict[str, Document] = {}
            failures: list[ReadFailure] = []
            read = 0
            for item in batch:
                if on_item is not None:
                    on_item(item)
                if isinstance(item, ReadFailure):
                    failures.append(item)
                else:
                    read += 1
                    documents.setdefault(item.id, item)  # the same material twice in one batch
            known = store.known_document_ids(documents)
            fresh = [d for i, d in documents.items() if i not in known]
            summary.read += read
            summary.known += read - len(fresh)
            analyses = analyser.map(fresh)
            incidents = link_incidents([i for a in analyses for i in a.incidents], store)
            result = store.save_batch([a.document for a in analyses], incidents, failures)
            summary.new += result.new_documents
            summary.known += result.known_documents
            summary.relevant += sum(1 for a in analyses if a.document.relevant)
            summary.incidents += result.new_incidents
            summary.failures.extend(failures)
    return summary
