"""Issue 10, item 6: every reader fuzzed with hypothesis, for a fixed, derandomized budget.

Each reader gets valid files with random damage (bytes flipped, cut, inserted, the end cut off)
and plain random bytes. Whatever it is fed, it must yield Documents and ReadFailures naming the
file, never raise, and never fail with "unexpected error" (the catch-all that marks a reader bug).
The paper check's file opener gets the same treatment: only ReadError may come out of it.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hostile_files import GOOD_REPORT, gzip_member, pdf_with_pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruitwatch.errors import ReadError
from recruitwatch.ingest import OcrOptions, read_file
from recruitwatch.records import Document, ReadFailure

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
# The suite's budget: 100 examples per reader, the same every run. For a longer search with new
# random examples: RECRUITWATCH_FUZZ_EXAMPLES=5000 pytest tests/hostile/test_fuzz_readers.py
LONG_RUN = os.environ.get("RECRUITWATCH_FUZZ_EXAMPLES")
EXAMPLES_PER_READER = int(LONG_RUN or 100)
FUZZ = settings(max_examples=EXAMPLES_PER_READER, derandomize=not LONG_RUN, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _warc() -> bytes:
    body = f"<html><head><title>Raid</title></head><body><article><p>{GOOD_REPORT}</p></article></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/a\r\n"
            f"WARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip_member(head, 0, http + b"\r\n\r\n")


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Raid", level=1)
    document.add_paragraph(GOOD_REPORT)
    document.add_table(rows=2, cols=2).cell(0, 0).text = "Moscow"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _email() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"], message["Date"] = "Raid", "Mon, 01 Apr 2024 10:00:00 +0000"
    message.set_content(GOOD_REPORT, charset="windows-1251")
    message.add_attachment("Notes: " + GOOD_REPORT, filename="notes.txt")
    return bytes(message)


SEEDS: dict[str, tuple[str, bytes]] = {
    "text": ("report.txt", (FIXTURES / "en_warehouse_raid.txt").read_bytes()),
    "markdown": ("report.md", (FIXTURES / "ru_migration_office.md").read_bytes()),
    "html": ("page.html", (FIXTURES / "article_en.html").read_bytes()[:6000]),
    "jsonl": ("records.jsonl", (FIXTURES / "reports.jsonl").read_bytes()),
    "json-records": ("records.json", json.dumps([{"id": "1", "text": GOOD_REPORT, "lang": "en"}]).encode()),
    "csv": ("rows.csv", (FIXTURES / "reports.csv").read_bytes()),
    "feed": ("news.rss", (FIXTURES / "feed.rss").read_bytes()),
    "telegram": ("result.json", (FIXTURES / "telegram_channel" / "result.json").read_bytes()[:8000]),
    "warc": ("pages.warc.gz", _warc()),
    "pdf": ("report.pdf", pdf_with_pages(2, "Police took the passports of migrant workers")),
    "docx": ("report.docx", _docx()),
    "email": ("call.eml", _email()),
    "mbox": ("hotline.mbox", b"From MAILER-DAEMON Mon Apr  1 10:00:00 2024\n" + _email().replace(b"\r\n", b"\n")
             + b"\n\nFrom MAILER-DAEMON Mon Apr  1 10:00:00 2024\nSubject: second\n\n" + GOOD_REPORT.encode() + b"\n"),
}


@st.composite
def damaged(draw, seed: bytes) -> bytes:
    """``seed`` with one to four random edits: flip, cut, insert, or cut off the end."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if edit == "flip":
            data[where] = draw(st.integers(0, 255))
        elif edit == "cut":
            del data[where:where + draw(st.integers(1, 64))]
        elif edit == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[where:]
    return bytes(data)


def inputs(seed: bytes):
    return st.one_of(damaged(seed), st.binary(max_size=512))


def check_reader(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        # OCR off: a damaged PDF that loses its text layer would be OCR'd, a second per example; the
        # OCR path's file opener is fuzzed below (test_fuzz_papercheck_file_opener).
        items = list(read_file(path, ocr=OcrOptions(enabled=False)))
    for item in items:
        assert isinstance(item, Document | ReadFailure), item
        if isinstance(item, ReadFailure):
            assert not item.problem.startswith("unexpected error"), item
            assert item.source.startswith(str(path)) or "://" in item.source, item


def _fuzz_test(fmt: str):
    name, seed = SEEDS[fmt]

    @pytest.mark.issue(10)
    @FUZZ
    @given(data=inputs(seed))
    def test(data: bytes) -> None:
        check_reader(name, data)

    test.__name__ = f"test_fuzz_{fmt.replace('-', '_')}_reader"
    return test


for _fmt in SEEDS:
    globals()[f"test_fuzz_{_fmt.replace('-', '_')}_reader"] = _fuzz_test(_fmt)


@pytest.mark.issue(10)
def test_a_warc_record_with_damaged_headers_is_a_clear_failure():
    """Found by a longer fuzz run: warcio raised AttributeError on these damaged headers."""
    data = (b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xffD\x8d\xcb\n\xc20\x10E\xf7\x81\xfcC~ \x8dE\x172>@\xea'
            b'\xa6\xe0*(]\x87vH\x03m\x12\x92\t\xe8\xdf[\xa1\xc5\xdd\xe5>\xce\xedn\xbaQu\xb5\xe3\xac[\x94|~"'
            b'\x82H\x98c\xf0\x197')
    check_reader("pages.warc.gz", data)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (40, 30), 200).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.issue(10)
@FUZZ
@given(data=st.one_of(damaged(_png()), damaged(SEEDS["pdf"][1]), st.binary(max_size=512)))
def test_fuzz_papercheck_file_opener(data: bytes) -> None:
    from recruitwatch.papercheck.sources import open_source

    try:
        source = open_source("upload", data)
        try:
            for page in source.pages():
                assert page.text is not None or page.image is not None
        finally:
            source.close()
    except ReadError as exc:
        assert str(exc).startswith("upload: ")
