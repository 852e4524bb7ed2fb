"""Reading the file sources of issue 11: photos and scanned PDF pages by OCR, .docx, .eml and .mbox.

Prints seconds per page for OCR (a printed A4 page at 150 dpi, photo and scanned PDF) and documents
per second for Word files and mail. Every file is generated here (tests/ingest/ingest_pages.py
draws the printed pages with a Debian font).

    .venv/bin/python bench/bench_ingest_sources.py [--pages 6] [--messages 2000]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ingest"))

from ingest_pages import REPORT_EN, REPORT_RU, build_image_pdf, render_page  # noqa: E402

from recruitwatch.ingest import OcrOptions, read_file  # noqa: E402
from recruitwatch.ingest import ocr as ingest_ocr  # noqa: E402
from recruitwatch.records import Document  # noqa: E402

A4_150DPI = (1240, 1754)


def _page(n: int):
    lines = (REPORT_RU if n % 2 == 0 else REPORT_EN) * 5  # a page full of print, like a report
    return render_page(lines, size=A4_150DPI, points=26)


def timed(paths: list[Path], options: OcrOptions) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, documents read): CPU time is steadier on a shared machine."""
    start, cpu = time.perf_counter(), time.process_time()
    documents = 0
    for path in paths:
        documents += sum(isinstance(item, Document) for item in read_file(path, ocr=options))
    return time.perf_counter() - start, time.process_time() - cpu, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=6, help="printed pages to OCR (half Russian, half English)")
    parser.add_argument("--messages", type=int, default=2000, help="messages in the mailbox")
    args = parser.parse_args()
    options = OcrOptions(langs="rus+eng", folders=True)
    work = Path(tempfile.mkdtemp(prefix="bench-sources-"))
    start = time.perf_counter()
    ingest_ocr.engine(options.langs)
    print(f"OCR engine start (rus+eng): {time.perf_counter() - start:.2f} s")

    photos = []
    for n in range(args.pages):
        path = work / f"photo-{n}.jpg"
        _page(n).convert("RGB").save(path, quality=80)
        photos.append(path)
    seconds, cpu, docs = timed(photos, options)
    print(f"photos of printed A4 pages (150 dpi JPEG): {seconds / args.pages:.2f} s/page wall, "
          f"{cpu / args.pages:.2f} s/page CPU ({docs} documents)")

    pdf = work / "scan.pdf"
    pdf.write_bytes(build_image_pdf([_page(n) for n in range(args.pages)]))
    seconds, cpu, docs = timed([pdf], options)
    print(f"scanned PDF, {args.pages} pages (drawn at 200 dpi): {seconds / args.pages:.2f} s/page wall, "
          f"{cpu / args.pages:.2f} s/page CPU")

    import docx

    words = []
    for n in range(200):
        document = docx.Document()
        document.add_heading(f"Report {n}", level=1)
        for line in REPORT_RU + REPORT_EN:
            document.add_paragraph(line)
        table = document.add_table(rows=5, cols=3)
        for row in table.rows:
            for cell in row.cells:
                cell.text = "12.05.2024"
        path = work / f"report-{n}.docx"
        document.save(path)
        words.append(path)
    seconds, cpu, docs = timed(words, options)
    print(f".docx (one page with a table): {docs / seconds:.0f} documents/s wall, {docs / cpu:.0f}/s CPU")

    mbox = work / "hotline.mbox"
    with mbox.open("wb") as out:
        for n in range(args.messages):
            message = EmailMessage()
            message["Subject"], message["Date"] = f"Call {n}", "Mon, 01 Apr 2024 10:00:00 +0000"
            message.set_content(" ".join(REPORT_RU[2:]) + f" ({n})", charset="windows-1251")
            out.write(b"From MAILER-DAEMON Mon Apr  1 10:00:00 2024\n" + bytes(message).replace(b"\r\n", b"\n") + b"\n")
    seconds, cpu, docs = timed([mbox], options)
    print(f".mbox of {args.messages} messages ({mbox.stat().st_size / 1e6:.1f} MB): {docs / seconds:.0f} messages/s "
          f"wall, {docs / cpu:.0f}/s CPU")

    buffer = io.BytesIO()
    _page(0).save(buffer, "PNG")
    print(f"(one A4 page as PNG: {len(buffer.getvalue()) / 1e3:.0f} KB)")


if __name__ == "__main__":
    main()
