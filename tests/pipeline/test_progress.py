"""Progress of an ingest run: totals counted in files before reading, advances as documents are done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recruitwatch.ingest import read_sources
from recruitwatch.pipeline import IngestProgress, SourcePlan, plan_sources, run_ingest
from recruitwatch.store import open_store

RELEVANT = (
    "Report {n}. On {day} March 2023 police officers raided a construction site in Podolsk, checked the "
    "papers of migrant workers from Tajikistan and took the passports of {n} men. They were driven to a "
    "military enlistment office and told to sign a contract with the Defence Ministry or face deportation."
)
OTHER = "Bulletin {n}. The city council of Kazan approved a new timetable for trams on line {n} from next month."


@pytest.fixture
def reports(tmp_path) -> Path:
    """7 text files, a JSONL file of 3 records, an empty list of records, a bad HTML file and a skipped image."""
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    for n in range(7):
        template = RELEVANT if n % 3 == 0 else OTHER
        target = folder / ("sub" if n % 2 else "") / f"report-{n}.txt"
        target.write_text(template.format(n=n, day=1 + n), encoding="utf-8")
    records = [{"id": f"r{n}", "text": OTHER.format(n=100 + n)} for n in range(3)]
    (folder / "batch.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "blank.json").write_text("[]", encoding="utf-8")  # a file that gives nothing at all
    (folder / "junk.html").write_bytes(b"\x00\x01\x02\xff binary junk \x00" * 20)  # one read failure
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # skipped: not counted
    return folder


FILES, DOCUMENTS, FAILURES = 10, 10, 1  # 7 txt + batch.jsonl + blank.json + junk.html; 7 + 3 documents


class RecordingStore:
    """A real SQLite store that logs each transaction between the progress snapshots."""

    def __init__(self, path: Path, log: list):
        self._store = open_store(f"sqlite:///{path}")
        self._store.init()
        self.log = log

    def __getattr__(self, name):
        return getattr(self._store, name)

    def save_batch(self, documents, incidents, failures=(), **kwargs):
        failures = list(failures)
        self.log.append(("save", len(documents), len(failures)))
        return self._store.save_batch(documents, incidents, failures, **kwargs)


def ingest(items, tmp_path: Path, **kwargs):
    log: list = []
    store = RecordingStore(tmp_path / "store.db", log)
    try:
        summary = run_ingest(items, store, on_progress=log.append, **kwargs)
    finally:
        store.close()
    return summary, log


def snapshots(log: list) -> list[IngestProgress]:
    return [entry for entry in log if isinstance(entry, IngestProgress)]


def saves(log: list) -> list[tuple]:
    return [entry for entry in log if isinstance(entry, tuple)]


def documents_per_file(plan: SourcePlan) -> list[int]:
    from recruitwatch.records import Document

    return [sum(isinstance(item, Document) for item in source.read()) for source in plan.inputs]


def test_plan_counts_files_not_documents_and_reads_like_read_sources(reports):
    plan = plan_sources([reports])
    assert len(plan) == FILES  # the image is skipped, a JSONL of 3 records is one file
    assert [Path(s.label).name for s in plan.inputs][:3] == ["batch.jsonl", "blank.json", "junk.html"]
    as_plan = [(type(i).__name__, getattr(i, "id", None) or i.source) for i in plan]
    as_read = [(type(i).__name__, getattr(i, "id", None) or i.source) for i in read_sources([reports])]
    assert as_plan == as_read


def test_plan_counts_a_url_and_a_missing_path_as_one_input_each(reports, tmp_path):
    plan = plan_sources([reports / "sub", tmp_path / "missing", "https://example.invalid/feed.xml"])
    assert len(plan) == 3 + 2
    assert plan.inputs[-1].label == "https://example.invalid/feed.xml"
    assert plan.inputs[-2].label == str(tmp_path / "missing")
    assert [f.problem for f in plan.inputs[-2].read()] == ["no such file or folder"]


def test_progress_counts_files_against_the_total_and_every_document(reports, tmp_path):
    plan = plan_sources([reports])
    per_file = documents_per_file(plan)
    summary, log = ingest(plan, tmp_path, batch_size=50)
    states = snapshots(log)

    assert states[0] == IngestProgress(files_total=FILES)
    assert all(s.files_total == FILES for s in states)
    final = states[-1]
    assert (final.files_done, final.documents, final.failed, final.stage, final.current) == (
        FILES, DOCUMENTS, FAILURES, "done", None)
    assert final.documents == summary.read and final.failed == len(summary.failures)
    # Monotonic, and a file counts as done only once all of its documents are done.
    for before, after in zip(states, states[1:]):
        assert after.files_done >= before.files_done and after.documents >= before.documents
    for s in states:
        assert s.documents >= sum(per_file[:s.files_done])
    # Each document advances the count on its own, as it is screened and extracted.
    assert {s.documents for s in states} >= set(range(DOCUMENTS + 1))
    # Every file is announced as it is opened, in reading order.
    opened = [s.current for s in states if s.stage == "reading" and s.current]
    assert list(dict.fromkeys(opened)) == [source.label for source in plan.inputs]


def test_documents_advance_before_their_batch_is_stored_and_batches_stay_whole(reports, tmp_path):
    summary, log = ingest(plan_sources([reports]), tmp_path, batch_size=3)
    # Batches are counted in items (documents and failures), as before: 11 items -> 3+3+3+2.
    assert [docs + fails for _, docs, fails in saves(log)] == [3, 3, 3, 2]
    # Between two transactions, the documents of the batch are reported done, then stored.
    done_at_save, state = [], IngestProgress()
    for entry in log:
        if isinstance(entry, IngestProgress):
            state = entry
        else:
            done_at_save.append((state.documents, state.files_done, state.stage))
    # batch.jsonl, blank.json (nothing) | junk.html (a failure), report-0, report-2 | report-4, report-6, sub/report-1 | ...
    assert done_at_save == [(3, 2, "storing"), (5, 5, "storing"), (8, 8, "storing"), (10, 10, "storing")]
    assert summary.new == DOCUMENTS


def test_a_rerun_counts_known_documents_and_finishes_every_file(reports, tmp_path):
    ingest(plan_sources([reports]), tmp_path)
    summary, log = ingest(plan_sources([reports]), tmp_path)
    final = snapshots(log)[-1]
    assert summary.known == DOCUMENTS and summary.new == 0
    assert (final.files_done, final.files_total, final.documents) == (FILES, FILES, DOCUMENTS)


def test_without_a_plan_the_total_is_unknown_but_documents_still_count(reports, tmp_path):
    summary, log = ingest(read_sources([reports]), tmp_path, batch_size=4)
    states = snapshots(log)
    assert all(s.files_total is None and s.files_done == 0 for s in states)
    assert states[-1].documents == summary.read == DOCUMENTS
    assert states[-1].failed == FAILURES and states[-1].stage == "done"


def test_an_empty_plan_finishes_at_zero(tmp_path):
    (tmp_path / "empty").mkdir()
    summary, log = ingest(plan_sources([tmp_path / "empty"]), tmp_path)
    assert summary.read == 0
    assert snapshots(log)[-1] == IngestProgress(files_total=0, stage="done")
    assert saves(log) == []


def test_progress_comes_back_from_the_worker_pool(reports, tmp_path):
    plan = plan_sources([reports])
    summary, log = ingest(plan, tmp_path, workers=2, batch_size=50)
    states = snapshots(log)
    assert summary.new == DOCUMENTS
    assert (states[-1].files_done, states[-1].documents) == (FILES, DOCUMENTS)
    analysed = [s.documents for s in states if s.stage == "analysing"]
    assert len(set(analysed)) > 2  # advanced while the pool worked, not once per batch
