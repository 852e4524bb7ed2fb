"""Fixtures for the ingest tests: the committed sample files and generators for binary ones."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from recruitwatch.records import Document, ReadFailure

FIXTURES = Path(__file__).parent / "fixtures"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

PDF_TEXT_RU = (
    "Доклад правозащитного центра. В 2023 году в Москве и Санкт-Петербурге зафиксированы "
    "случаи, когда мигрантов из Таджикистана и Кыргызстана доставляли в военкоматы после рейдов."
)
PDF_TEXT_EN = "Page two. Lawyers recommend that workers never sign documents they cannot read."


def _split(items) -> tuple[list[Document], list[ReadFailure]]:
    """Documents and failures of a read, in order."""
    items = list(items)
    docs = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, ReadFailure)]
    assert len(docs) + len(failures) == len(items)
    return docs, failures


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def build_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A PDF with a real text layer (DejaVu Sans, so Cyrillic works)."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (the `dev` extra) builds the test PDFs")
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans font not installed")
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=12)
    if title:
        pdf.set_title(title)
    for page in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, page)
    return bytes(pdf.output())


def build_scanned_pdf() -> bytes:
    """A PDF whose only page holds a drawing and no text, like a scan."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (the `dev` extra) builds the test PDFs")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


@pytest.fixture
def text_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(build_pdf([PDF_TEXT_RU, PDF_TEXT_EN], title="Вербовка мигрантов: доклад"))
    return path


def build_warc(records: list[tuple[str, str, bytes, str]], *, gzip: bool = True) -> bytes:
    """A WARC of response records: (uri, content type, body, HTTP status line) each, plus a request."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for uri, content_type, body, status in records:
        request = writer.create_warc_record(
            uri, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "example.org")], is_http_request=True),
        )
        writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


@pytest.fixture
def batch_folder(tmp_path: Path) -> Path:
    """A folder of good and bad files, the way a real collection looks."""
    root = tmp_path / "batch"
    (root / "news").mkdir(parents=True)
    (root / "telegram").mkdir()
    (root / ".cache").mkdir()
    for name in ("en_warehouse_raid.txt", "article_en.html", "reports.jsonl", "feed.rss"):
        shutil.copy(FIXTURES / name, root / "news" / name)
    shutil.copy(FIXTURES / "telegram_channel" / "result.json", root / "telegram" / "result.json")
    # the bad ones
    (root / "news" / "empty.txt").write_bytes(b"")
    (root / "news" / "junk.html").write_bytes(bytes(range(256)) * 40)
    (root / "news" / "broken_utf8.txt").write_bytes(
        "Мигранты в военкомате: ".encode() * 5 + b"\xd0\x9f\xd1" + "ещё текст".encode())
    (root / "news" / "bad_feed.xml").write_bytes(b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>")
    (root / "telegram" / "broken" ).mkdir()
    (root / "telegram" / "broken" / "result.json").write_bytes(b'{"name": "chat", "type": "private_group", "messages": [{"id": 1,')
    (root / "scan.pdf").write_bytes(build_scanned_pdf())
    good_pdf = build_pdf([PDF_TEXT_RU])
    (root / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    # skipped without failure
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    (root / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (root / ".cache" / "hidden.txt").write_text("hidden file, never read", encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return root


# The helpers as fixtures, so test modules need not import this conftest.
@pytest.fixture
def split():
    """``split(items) -> (documents, failures)``."""
    return _split


@pytest.fixture
def make_pdf():
    return build_pdf


@pytest.fixture
def make_scanned_pdf():
    return build_scanned_pdf


@pytest.fixture
def make_warc():
    return build_warc
