"""One document whose analysis fails is reported; the good documents of its batch are stored."""

from __future__ import annotations

import pytest

from recruitwatch import pipeline
from recruitwatch.ingest.folder import IMAGE_SKIPPED
from recruitwatch.pipeline import plan_sources, run_ingest
from recruitwatch.store import open_store

GOOD = ("Police officers raided a hostel for migrant workers from Tajikistan in Podolsk on 3 March 2023 and "
        "took their passports. Report {n}.")


@pytest.mark.issue(10)
def test_a_document_that_breaks_the_analysis_does_not_hold_its_batch_hostage(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    folder.mkdir()
    for n in range(4):
        (folder / f"report-{n}.txt").write_text(GOOD.format(n=n), encoding="utf-8")
    (folder / "poison.txt").write_text("This one makes the extractor fail.", encoding="utf-8")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    real = pipeline.analyse

    def analyse(document, learned=True):
        if "extractor fail" in document.text:
            raise RuntimeError("a bug in some stage")
        return real(document, learned)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    with open_store(str(tmp_path / "store.db")) as store:
        store.init()
        summary = run_ingest(plan_sources([folder]), store)  # one batch holds all five documents
        assert summary.read == 5 and summary.new == 4
        [failure] = summary.failures
        assert failure.source == str(folder / "poison.txt")
        assert failure.problem == "could not be screened and extracted: RuntimeError: a bug in some stage"
        assert summary.skipped == [(str(folder / "scan.png"), IMAGE_SKIPPED)]
        assert summary.to_dict()["skipped_files"][0]["source"].endswith("scan.png")
