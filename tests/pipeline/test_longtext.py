"""Long texts are read window by window, with evidence offsets exact in the whole text; many
windows are read by child processes, with exactly the same result."""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import replace

import pytest

from recruitwatch.longtext import (
    LONG_TEXT,
    PARALLEL_WINDOWS,
    WINDOW,
    analyse_windows,
    processes_for,
    usable_cpus,
    windows,
)
from recruitwatch.pipeline import analyse
from recruitwatch.records import Document, Evidence, Incident

REPORT = ("A migrant from {country} says officers at the migration centre in {city} took his passport "
          "in March and made him sign a military contract. He was sent to the front a week later.")
CASES = [("Tajikistan", "Kazan"), ("Uzbekistan", "Yekaterinburg"), ("Kyrgyzstan", "Novosibirsk"),
         ("Kazakhstan", "Samara"), ("Turkmenistan", "Omsk")]
FILLER = "The city council met on Tuesday to discuss road repairs and the budget for schools. "


def test_windows_cover_the_text_in_order_and_cut_at_breaks():
    text = ("Para one. " * 3000 + "\n\n") * 10
    spans = windows(text, 5000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(spans, spans[1:]))
    assert all(0 < end - start <= 5000 for start, end in spans)
    assert all(text[end - 1] in " \n" for _, end in spans[:-1])


def test_a_single_line_without_breaks_is_still_cut():
    text = "x" * 25_000
    assert windows(text, 10_000) == [(0, 10_000), (10_000, 20_000), (20_000, 25_000)]


def test_a_long_document_keeps_exact_evidence_and_every_case():
    parts, size, reports = [], 0, []
    while size < LONG_TEXT + WINDOW:
        report = ""
        if len(parts) % 7 == 0:  # a different case each time (another origin and city)
            country, city = CASES[len(reports) % len(CASES)]
            report = REPORT.format(country=country, city=city) + "\n\n"
            reports.append(report)
        chunk = FILLER * 40 + "\n\n" + report
        parts.append(chunk)
        size += len(chunk)
    text = "".join(parts)
    result = analyse(Document(id="long", origin="test", text=text, lang="en", published="2024-05-01"))
    assert result.document.relevant
    assert len(result.incidents) >= len(reports) - 1
    for incident in result.incidents:
        assert incident.document_id == "long"
        for e in incident.evidence:
            assert text[e.start:e.end] == e.text
    assert any("windows" in r for r in result.document.reasons)


# -- many windows: analysed by child processes, with exactly the sequential result --------------

def _full(result) -> dict:
    """Everything the analysis gives: relevance, reasons, every incident, evidence and offset, in order."""
    return {"document": result.document.to_dict(), "incidents": [i.to_dict() for i in result.incidents]}


def test_two_processes_give_exactly_the_sequential_result():
    parts, size = [], 0
    while size <= LONG_TEXT:  # four windows, one line: filler with a case every tenth stretch
        country, city = CASES[len(parts) % len(CASES)]
        parts.append(FILLER * 30 + (REPORT.format(country=country, city=city) if len(parts) % 10 == 0 else ""))
        size += len(parts[-1]) + 1
    text = " ".join(parts)
    assert processes_for(len(windows(text)), 2) == 2
    sequential = analyse(Document(id="long", origin="test", text=text, published="2024-05-01"), processes=1)
    parallel = analyse(Document(id="long", origin="test", text=text, published="2024-05-01"), processes=2)
    assert len(sequential.incidents) > 1 and sequential.document.relevant
    assert _full(parallel) == _full(sequential)


def _where(part: Document) -> tuple[Document, list[Incident]]:
    """A stand-in analysis of one window: which process read it, and where the window starts."""
    pid = str(os.getpid())
    evidence = Evidence("summary", "", 0, 5, part.text[:5])
    return replace(part, relevance=0.5, relevant=True, reasons=[pid]), [Incident(part.id, places=[pid], evidence=[evidence])]


def _fails(part: Document) -> tuple[Document, list[Incident]]:
    if "FAIL" in part.text:
        raise ValueError(f"cannot read {part.text[part.text.index('FAIL'):][:7]}")
    return _where(part)


def _pids(text: str, processes: int | None) -> tuple[list[int], list[str]]:
    """The window starts, in result order, and the processes that read the windows."""
    _, incidents = analyse_windows(Document(id="d", origin="test", text=text), _where, processes)
    return [i.evidence[0].start for i in incidents], [i.places[0] for i in incidents]


def test_the_first_window_is_read_here_the_others_by_children_in_order():
    text = "word " * (WINDOW * 8 // 5)
    starts, pids = _pids(text, 2)
    assert starts == [start for start, _ in windows(text)]
    assert pids[0] == str(os.getpid()) and str(os.getpid()) not in pids[1:] and 1 <= len(set(pids[1:])) <= 2
    assert set(_pids(text, 1)[1]) == {str(os.getpid())}


def _report_pids(text: str, queue) -> None:
    queue.put((os.getpid(), processes_for(len(windows(text))), _pids(text, 2)[1], _pids(text, None)[1]))


def test_a_daemonic_pool_worker_reads_the_windows_itself():
    text = "word " * (WINDOW * 8 // 5)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_report_pids, args=(text, queue), daemon=True)
    worker.start()
    pid, chosen, forced, automatic = queue.get(timeout=120)
    worker.join()
    assert chosen == 1 and set(forced) == set(automatic) == {str(pid)}


def test_another_thread_reads_the_windows_itself():
    text = "word " * (WINDOW * 8 // 5)
    found: list = []
    thread = threading.Thread(target=lambda: found.append(_pids(text, 2)[1]))
    thread.start()
    thread.join()
    assert set(found[0]) == {str(os.getpid())}


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failing_window_raises_what_it_raises_sequentially(processes):
    words = ("word " * (WINDOW * 8 // 5)).split(" ")
    words[len(words) // 2], words[-100] = "FAIL-01", "FAIL-02"  # the first failing window's error comes out
    with pytest.raises(ValueError, match="^cannot read FAIL-01$"):
        analyse_windows(Document(id="d", origin="test", text=" ".join(words)), _fails, processes)


def test_processes_are_never_more_than_the_windows_nor_below_the_threshold():
    assert processes_for(3, 8) == 3
    assert processes_for(PARALLEL_WINDOWS - 1) == 1
    assert processes_for(1000, 1) == 1
    assert processes_for(1000) == min(usable_cpus(), 1000)
