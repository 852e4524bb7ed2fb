"""Issue 10, item 6: a folder of hostile and careless inputs through a real `recruitwatch ingest`.

Each bad input is refused or skipped with a reason naming it, the good reports beside (and
inside) them are stored, and the whole run stays under 1 GB of memory (peak RSS of the process).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hostile_files import GOOD_REPORT, make_hostile_folder, run_measured, write_huge_line_jsonl

from recruitwatch.ingest import read_file

GB = 1024  # MB


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, list]:
    folder = tmp_path_factory.mktemp("hostile") / "inbox"
    return folder, make_hostile_folder(folder)


@pytest.fixture(scope="module")
def ingested(hostile, tmp_path_factory) -> tuple[dict, float, float]:
    folder, _ = hostile
    db = tmp_path_factory.mktemp("db") / "store.db"
    run = run_measured([sys.executable, "-m", "recruitwatch", "ingest", str(folder), "--db", str(db), "--json"],
                       timeout=300)
    assert run.returncode == 1, run.stderr  # 1: some inputs failed, the rest was processed
    return json.loads(run.stdout), run.seconds, run.peak_mb


@pytest.mark.issue(10)
def test_every_hostile_input_is_refused_or_skipped_with_its_reason(hostile, ingested):
    folder, cases = hostile
    summary, _, _ = ingested
    failures = {f["source"]: f["problem"] for f in summary["failures"]}
    skipped = {s["source"]: s["reason"] for s in summary["skipped_files"]}
    for case in cases:
        path = str(folder / case.name)
        if case.kind == "skipped":
            assert case.expect in skipped[path], case
        elif case.kind == "failed":
            assert case.expect in failures[path], case
        else:  # an item inside the file failed; the file's other items were read
            inner = [problem for source, problem in failures.items() if source.startswith(path + "#")]
            assert len(inner) == 1 and case.expect in inner[0], (case, inner)


@pytest.mark.issue(10)
def test_the_good_reports_beside_and_inside_bad_files_are_stored(ingested):
    summary, _, _ = ingested
    # good-report.txt, the lines before and after the huge line, the good line of the UTF-8 file,
    # and the page archived after the gzip bomb
    assert summary["read"] == 5 and summary["new"] == 5
    assert summary["relevant"] >= 4 and summary["incidents"] >= 4


@pytest.mark.issue(10)
def test_the_whole_hostile_folder_stays_under_a_gigabyte(ingested):
    _, seconds, peak_mb = ingested
    assert peak_mb < GB, f"peak memory {peak_mb:.0f} MB"
    assert seconds < 240


@pytest.mark.issue(10)
def test_a_huge_line_is_skipped_without_holding_it_in_memory(tmp_path):
    path = tmp_path / "one-huge-line.jsonl"
    write_huge_line_jsonl(path, 150_000_000)
    code = ("import sys; from recruitwatch.ingest import read_file\n"
            "print([getattr(i, 'problem', 'document') for i in read_file(sys.argv[1])])\n")
    run = run_measured([sys.executable, "-c", code, str(path)])
    assert run.stdout.strip() == ("['document', 'line is 150 MB, above the 10 MB limit for one line; it was skipped "
                                  "(raise it with --limit line_bytes=... or $RECRUITWATCH_MAX_LINE_BYTES)', 'document']")
    assert run.peak_mb < 150, run.peak_mb  # the reader holds at most one line of 10 MB


@pytest.mark.issue(10)
def test_the_line_limit_is_configurable(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps({"id": "a", "text": GOOD_REPORT}) + "\n", encoding="utf-8")
    from recruitwatch.limits import Limits

    [failure] = read_file(path, limits=Limits(line_bytes=100))
    assert failure.source == f"{path}#line 1" and "above the 100 bytes limit for one line" in failure.problem
    [document] = read_file(path, limits=Limits.from_env({"RECRUITWATCH_MAX_LINE_BYTES": "1MB"}))
    assert document.text == GOOD_REPORT


@pytest.mark.issue(10)
def test_an_unreadable_file_is_a_failure_naming_it(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(GOOD_REPORT, encoding="utf-8")
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for another user
        def refuse(self):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", refuse)
    else:
        path.chmod(0)
    [failure] = read_file(path)
    assert failure.source == str(path) and failure.problem == "could not read the file: Permission denied"


@pytest.mark.issue(10)
def test_a_named_pipe_given_directly_is_not_opened(tmp_path):
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    [failure] = read_file(pipe)  # would block forever if it were opened
    assert failure.problem.startswith("named pipe (FIFO)")


@pytest.mark.issue(10)
def test_files_parsed_whole_and_pages_have_their_own_limits(tmp_path):
    """A feed, a JSON array, a Telegram export or a CSV file is parsed whole, an HTML page too
    (at about 15 times its size): each has a limit below the per-file one."""
    from recruitwatch.limits import Limits

    limits = Limits(parse_bytes=1000, page_bytes=500, document_chars=300)
    feed = tmp_path / "news.rss"
    feed.write_text('<rss version="2.0"><channel>' + "<item><title>x</title></item>" * 50 + "</channel></rss>")
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>" + GOOD_REPORT * 3 + "</p></body></html>")
    text = tmp_path / "long.txt"
    text.write_text(GOOD_REPORT * 2)
    [too_big_feed] = read_file(feed, limits=limits)
    assert too_big_feed.problem.startswith("file is 1.5 KB, above the 1 KB limit for a feed, which is parsed whole "
                                           "(parse_bytes)")
    [too_big_page] = read_file(page, limits=limits)
    assert "above the 500 bytes limit for one HTML page (page_bytes)" in too_big_page.problem
    [too_long] = read_file(text, limits=limits)
    assert too_long.problem.startswith(f"the text is {2 * len(GOOD_REPORT)} characters long, above the 300 character limit for one "
                                       "document (document_chars)")
