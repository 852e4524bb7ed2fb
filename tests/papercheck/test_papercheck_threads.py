"""The web app checks papers in several threads at once, and PDFium is not thread-safe (two calls at
once may crash the process): the paper check's PDFium calls go through one lock, so checks running
side by side give the same results as one after the other, page images and boxes included."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conftest import make_scanned_pdf, make_text_pdf

from recruitwatch.papercheck.check import PageViews


def summary(result) -> list[tuple]:
    return [(p.page, p.military, p.type, len(p.boxes), p.view is not None) for p in result.pages]


def test_checks_in_several_threads_match_the_serial_results(tmp_path, checker):
    files = [make_text_pdf(tmp_path / f"text-{i}.pdf", ["military_service_contract", "patent_application", "call_up_notice", "employment_contract"], seed=i)
             for i in range(3)]
    files.append(make_scanned_pdf(tmp_path / "scan.pdf", ["military_service_contract"], seed=5))

    def check(path):
        views = PageViews(limit=10)
        result = checker.check_file(path.name, path.read_bytes(), views=views)
        assert result.error is None, result.error
        return summary(result)

    serial = [check(path) for path in files]
    assert any(page[1] for pages in serial for page in pages)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(check, files)) == serial
