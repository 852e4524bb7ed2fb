"""WARC archives: HTML responses through the HTML reader."""

from pathlib import Path

import pytest

from recruitwatch.ingest import read_source

ARTICLE = ("<html><head><title>Contract signed under pressure</title></head><body><article>"
           + "<p>A worker from Tajikistan said officers at the migration centre took his passport and "
             "told him to sign a contract before he could get it back.</p>" * 3
           + "</article></body></html>").encode("utf-8")


def test_html_responses_become_documents(tmp_path: Path, make_warc, split):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(make_warc([
        ("https://news.example.org/contract-pressure", "text/html; charset=utf-8", ARTICLE, "200 OK"),
        ("https://news.example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "200 OK"),
        ("https://news.example.org/moved", "text/html", b"<html><body>moved</body></html>", "301 Moved Permanently"),
        ("https://news.example.org/empty", "text/html", b"<html><body><div></div></body></html>", "200 OK"),
    ]))
    docs, failures = split(read_source(path))
    [doc] = docs
    assert doc.origin == doc.url == "https://news.example.org/contract-pressure"
    assert doc.title == "Contract signed under pressure"
    assert "took his passport" in doc.text
    [failure] = failures
    assert failure.source == f"{path.resolve()}#https://news.example.org/empty"
    assert "no main text" in failure.problem


def test_uncompressed_warc(tmp_path: Path, make_warc, split):
    path = tmp_path / "crawl.warc"
    path.write_bytes(make_warc([("https://example.org/a", "text/html", ARTICLE, "200 OK")], gzip=False))
    docs, failures = split(read_source(path))
    assert len(docs) == 1 and failures == []


@pytest.mark.parametrize("gzip,cut", [(False, 200), (False, -40), (True, 200), (True, -40)])
def test_truncated_warc_keeps_earlier_pages(tmp_path: Path, make_warc, split, gzip, cut):
    first = make_warc([("https://example.org/first", "text/html", ARTICLE, "200 OK")], gzip=gzip)
    second = make_warc([("https://example.org/second", "text/html", ARTICLE, "200 OK")], gzip=gzip)
    path = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    path.write_bytes(first + second[:cut])
    docs, failures = split(read_source(path))
    assert [d.origin for d in docs] == ["https://example.org/first"]
    [failure] = failures
    assert failure.source == str(path.resolve())
    assert "WARC" in failure.problem


def test_not_a_warc(tmp_path: Path, split):
    path = tmp_path / "fake.warc"
    path.write_text("this is not an archive", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert "not a WARC archive" in failure.problem
