"""Issue 10, item 6: hostile files through `recruitwatch papercheck` (a real process, peak memory measured)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hostile_files import encrypted_pdf, pdf_image_bomb, pdf_with_pages, png_bomb, run_measured, truncated_pdf

GB = 1024  # MB

EXPECTED = {
    "truncated.pdf": "not a readable PDF",
    "encrypted.pdf": "the PDF is encrypted with a password",
    "pages-10000.pdf": "the PDF has 10000 pages; the limit is 1000 (pdf_pages)",
    "bomb.png": "image is too large to open safely (900 Mpx, more than the 60 Mpx limit",
    "image-bomb.pdf": "page 1 holds an image of 30000x30000 pixels, more than the 60 Mpx limit",
    "sparse-2GB.pdf": "file is 2 GB; the limit is 200 MB (file_bytes)",
    "junk.jpg": "not a PDF or an image we can read",
    "pipe.pdf": "named pipe (FIFO)",
}


@pytest.fixture(scope="module")
def hostile_papers(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("papers")
    (folder / "truncated.pdf").write_bytes(truncated_pdf())
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    (folder / "pages-10000.pdf").write_bytes(pdf_with_pages(10_000))
    (folder / "bomb.png").write_bytes(png_bomb())
    (folder / "image-bomb.pdf").write_bytes(pdf_image_bomb())
    with (folder / "sparse-2GB.pdf").open("wb") as fh:
        fh.truncate(2 * 10**9)
    (folder / "junk.jpg").write_bytes(os.urandom(4096))
    os.mkfifo(folder / "pipe.pdf")
    return folder


@pytest.mark.issue(10)
def test_hostile_papers_are_refused_each_with_its_reason_within_a_gigabyte(hostile_papers):
    files = [str(hostile_papers / name) for name in EXPECTED]
    run = run_measured([sys.executable, "-m", "recruitwatch", "papercheck", *files, "--json"], timeout=300)
    assert run.returncode == 3, run.stderr  # every file failed
    errors = {Path(line["file"]).name: line["error"] for line in map(json.loads, run.stdout.splitlines())}
    for name, expected in EXPECTED.items():
        assert expected in errors[name], (name, errors[name])
        assert errors[name].startswith(str(hostile_papers / name))  # the error names the file
    assert run.peak_mb < GB, f"peak memory {run.peak_mb:.0f} MB"


@pytest.mark.issue(10)
def test_the_image_bomb_pdf_is_refused_before_rendering(hostile_papers):
    code = ("import sys\nfrom recruitwatch.papercheck.sources import open_source\n"
            "source = open_source(sys.argv[1])\n"
            "try:\n    list(source.pages())\nexcept Exception as exc:\n    print(exc)\n")
    run = run_measured([sys.executable, "-c", code, str(hostile_papers / "image-bomb.pdf")])
    assert "holds an image of 30000x30000 pixels" in run.stdout
    assert run.peak_mb < 250, run.peak_mb  # rendering it would take about a gigabyte


@pytest.mark.issue(10)
def test_page_and_pixel_limits_are_configurable(hostile_papers, tmp_path):
    from recruitwatch.limits import Limits
    from recruitwatch.papercheck.sources import open_source

    three = tmp_path / "three.pdf"
    three.write_bytes(pdf_with_pages(3))
    with pytest.raises(Exception, match=r"the PDF has 3 pages; the limit is 2 \(pdf_pages\)"):
        open_source(str(three), limits=Limits(pdf_pages=2))
    assert open_source(str(three), limits=Limits(pdf_pages=3)).page_count == 3
