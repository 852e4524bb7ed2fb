"""Hostile and careless inputs, made at run time and small on disk where possible.

Decompression bombs are built from one repeated compressed block (a megabyte of zeros after a
full flush compresses to the same bytes every time), so a 900-megapixel image or a gigabyte
gzip member takes milliseconds to write and under a megabyte of disk. Huge files are sparse.

Also used by ``bench/bench_hostile.py``, which measures every input and prints the table of
docs/limits.md. ``run_measured`` runs a command in a subprocess and returns its peak memory
(``ru_maxrss`` of that process, from ``wait4``, started from a tiny launcher so that the
caller's own size does not count).
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

GOOD_REPORT = (
    "Police officers raided a hostel for migrant workers from Tajikistan in Podolsk on 3 March 2023, "
    "took their passports and drove twelve men to a military enlistment office, where they were told "
    "to sign contracts with the Defence Ministry or face deportation."
)
MIB = 1 << 20


# -- compressed zeros -----------------------------------------------------------------------

def _zero_block() -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(bytes(MIB)) + c.flush(zlib.Z_FULL_FLUSH)


def deflate_zeros(size: int, *, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """Raw deflate data of ``prefix + size zero bytes + suffix``, built without compressing the zeros."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)] if prefix else []
    whole, rest = divmod(size, MIB)
    parts.append(_zero_block() * whole)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts.append(tail.compress(bytes(rest) + suffix) + tail.flush())
    return b"".join(parts)


def zlib_zeros(size: int) -> bytes:
    """A zlib stream of ``size`` zero bytes (the Adler-32 of n zeros is ((n mod 65521) << 16) | 1)."""
    adler = ((size % 65521) << 16) | 1
    return b"\x78\xda" + deflate_zeros(size) + struct.pack(">I", adler)


def gzip_member(prefix: bytes, zeros: int, suffix: bytes) -> bytes:
    """One gzip member holding ``prefix + zeros NUL bytes + suffix``."""
    crc = zlib.crc32(suffix, _crc32_zeros_after(zlib.crc32(prefix), zeros))
    size = (len(prefix) + zeros + len(suffix)) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + deflate_zeros(zeros, prefix=prefix, suffix=suffix) + struct.pack("<II", crc, size)


def _crc32_zeros_after(crc: int, size: int) -> int:
    block = bytes(MIB)
    whole, rest = divmod(size, MIB)
    for _ in range(whole):
        crc = zlib.crc32(block, crc)
    return zlib.crc32(bytes(rest), crc)


# -- images and PDFs ------------------------------------------------------------------------

def png_bomb(side: int = 30_000) -> bytes:
    """A grey PNG of side x side pixels, all black: about 900 KB for 900 megapixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib_zeros(side * (side + 1))) + chunk(b"IEND", b"")


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_with_pages(count: int, text: str = "Page of a very long report.") -> bytes:
    """A PDF of ``count`` pages (a text layer each) sharing one content stream: about 100 bytes a page."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids),
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
    objects.extend(page for _ in range(count))
    return raw_pdf(objects)


def pdf_image_bomb(side: int = 30_000) -> bytes:
    """One page showing one side x side grey image (all black): about 900 KB for 900 megapixels."""
    image = zlib_zeros(side * side)
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        _stream(image, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Filter /FlateDecode " % (side, side)),
    ])


def text_pdf(text: str = GOOD_REPORT) -> bytes:
    return pdf_with_pages(1, text[:90])


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open (fpdf2, RC4)."""
    import fpdf

    pdf = fpdf.FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, GOOD_REPORT)
    return bytes(pdf.output())


def truncated_pdf() -> bytes:
    whole = pdf_with_pages(3, "Report cut in the middle")
    return whole[: len(whole) // 2]


# -- text formats ---------------------------------------------------------------------------

def write_huge_line_jsonl(path: Path, line_bytes: int) -> None:
    """A good record, one record of ``line_bytes`` bytes, another good record (written 1 MiB at a time)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "before", "text": GOOD_REPORT.replace("twelve", "eleven")}) + "\n")
        fh.write('{"id": "huge", "text": "')
        chunk = "a" * MIB
        for _ in range(line_bytes // MIB):
            fh.write(chunk)
        fh.write("a" * (line_bytes % MIB))
        fh.write('"}\n')
        fh.write(json.dumps({"id": "after", "text": GOOD_REPORT.replace("twelve", "nine")}) + "\n")


def deep_html(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "<p>" + GOOD_REPORT + "</p>" + "</div>" * depth
            + "</body></html>").encode()


def billion_laughs_feed() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                          for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
            '<rss version="2.0"><channel><title>News</title><item><title>&lol9;</title>'
            "<description>&lol9;</description></item></channel></rss>").encode()


def warc_gzip_bomb(zeros: int = 1_000_000_000) -> bytes:
    """A .warc.gz whose first record's gzip member inflates to ``zeros`` bytes; a good page follows."""
    def record(uri: str, body: bytes, length: int | None = None) -> tuple[bytes, bytes]:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        size = len(http) + (len(body) if length is None else length)
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
                f"WARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\nWARC-Date: 2023-03-03T00:00:00Z\r\n"
                f"Content-Type: application/http; msgtype=response\r\nContent-Length: {size}\r\n\r\n").encode()
        return head + http, body

    head, _ = record("http://bomb.example/", b"", zeros)
    bomb = gzip_member(head + b"<html><body><p>", zeros - len(b"<html><body><p>"), b"\r\n\r\n")
    good_head, good_body = record("http://good.example/report",
                                  f"<html><head><title>Raid</title></head><body><article><p>{GOOD_REPORT}</p>"
                                  f"<p>{GOOD_REPORT}</p></article></body></html>".encode())
    good = gzip_member(good_head, 0, good_body + b"\r\n\r\n")
    return bomb + good


def telegram_export(messages: int) -> bytes:
    items = ",".join(json.dumps({"id": i, "type": "message", "date": "2023-03-03T10:00:00",
                                 "from": "Channel", "text": f"Message {i}. {GOOD_REPORT}"}) for i in range(1, messages + 1))
    return ('{"name": "Migrant news", "type": "public_channel", "id": 1, "messages": [' + items + "]}").encode()


# -- a folder of everything -----------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str        # file name in the folder
    what: str        # what the input is, for the table
    expect: str      # a substring of the failure or skip reason ("" for none)
    kind: str        # "failed", "skipped", "line" (a failure for a line inside the file), "page" (a WARC item)


def make_hostile_folder(folder: Path, *, huge_line: int = 190 * 10**6, sparse: int = 2 * 10**9) -> list[Case]:
    """Every hostile input of the ingest table in one folder, with one good report beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good-report.txt").write_text(GOOD_REPORT, encoding="utf-8")
    write_huge_line_jsonl(folder / "huge-line.jsonl", huge_line)
    (folder / "truncated.pdf").write_bytes(truncated_pdf())
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    (folder / "pages-10000.pdf").write_bytes(pdf_with_pages(10_000))
    (folder / "image-bomb.pdf").write_bytes(pdf_image_bomb())
    (folder / "bomb.png").write_bytes(png_bomb())
    with (folder / "sparse-2GB.txt").open("wb") as fh:
        fh.truncate(sparse)
    (folder / "gzip-bomb.warc.gz").write_bytes(warc_gzip_bomb())
    (folder / "invalid-utf8.txt").write_bytes("Отчёт о рейде. ".encode() * 20 + b"\xff\xfe\xd0" + "конец".encode())
    (folder / "invalid-utf8-line.jsonl").write_bytes(
        json.dumps({"id": "ok", "text": "Отчёт. " + GOOD_REPORT.replace("twelve", "five")}, ensure_ascii=False).encode()
        + b"\n"
        + b'{"id": "bad", "text": "\xff\xfe broken"}\n')
    (folder / "deep.html").write_bytes(deep_html())
    (folder / "laughs.rss").write_bytes(billion_laughs_feed())
    (folder / "page.html.gz").write_bytes(gzip_member(b"<html><body><p>" + GOOD_REPORT.encode(), 0, b"</p></body></html>"))
    os.symlink("loop.txt", folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    cases = [
        Case("huge-line.jsonl", "JSONL, one 190 MB line between two good ones", "above the 10 MB limit for one line", "line"),
        Case("truncated.pdf", "truncated PDF", "corrupt or truncated PDF", "failed"),
        Case("encrypted.pdf", "encrypted PDF (user password)", "encrypted PDF: it needs a password", "failed"),
        Case("pages-10000.pdf", "PDF of 10,000 pages (1.6 MB)", "above the 1,000 page limit", "failed"),
        Case("image-bomb.pdf", "PDF of 890 KB, one 30000x30000 image", "possible decompression bomb", "failed"),
        Case("bomb.png", "PNG of 890 KB, 30000x30000 pixels", "read by OCR only with --ocr", "skipped"),
        Case("sparse-2GB.txt", "2 GB sparse file", "above the 200 MB limit", "failed"),
        Case("gzip-bomb.warc.gz", "WARC, a 1 MB gzip member inflating to 1 GB, then a good page",
             "above the 50 MB limit for one record", "page"),
        Case("invalid-utf8.txt", "text with invalid UTF-8", "not valid UTF-8", "failed"),
        Case("invalid-utf8-line.jsonl", "JSONL, one line with invalid UTF-8", "not valid UTF-8", "line"),
        Case("deep.html", "HTML nested 100,000 deep", "nested 100,002 elements deep", "failed"),
        Case("laughs.rss", "billion-laughs feed", "declares its own XML entities", "failed"),
        Case("page.html.gz", "gzipped HTML page", "compressed .html file (.gz)", "skipped"),
        Case("loop.txt", "symbolic link loop", "symbolic link loop", "skipped"),
        Case("pipe.txt", "named pipe (FIFO)", "named pipe (FIFO)", "skipped"),
    ]
    if os.geteuid() != 0:  # root reads any file, so an unreadable file can only be made as another user
        unreadable = folder / "unreadable.txt"
        unreadable.write_text(GOOD_REPORT, encoding="utf-8")
        unreadable.chmod(0)
        cases.append(Case("unreadable.txt", "unreadable file (mode 000)", "Permission denied", "failed"))
    return cases


# -- measuring ------------------------------------------------------------------------------

@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# Linux keeps a process's peak RSS across exec, and a forked child starts with its parent's
# resident pages: a command started straight from pytest (hundreds of MB) would report pytest's
# size as its own peak. So a tiny interpreter (python -S, about 10 MB) forks the command and reports
# the command's ru_maxrss from wait4.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(args: list[str], *, cwd: Path | None = None, env: dict | None = None,
                 timeout: float = 600) -> Measured:
    """Run ``args``; its exit code, output, wall time and peak resident memory (ru_maxrss, MB)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rusage"
        start = time.monotonic()
        launcher = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(report), *args], cwd=cwd, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            stdout, stderr = launcher.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(launcher.pid, signal.SIGKILL)  # the launcher and the command it started
            launcher.communicate()
            raise AssertionError(f"{args} ran for more than {timeout} s") from exc
        seconds = time.monotonic() - start
        code, maxrss = report.read_text().split()
    return Measured(int(code), stdout, stderr, seconds, int(maxrss) / 1024)


def python_measured(code: str, *args: str, timeout: float = 600) -> Measured:
    """Run Python ``code`` in a fresh interpreter (``sys.argv[1:]`` = ``args``) and measure it."""
    return run_measured([sys.executable, "-c", code, *args], timeout=timeout)

