"""PDF files with and without a text layer."""

from pathlib import Path

from recruitwatch.ingest import OcrOptions, read_source


def test_text_pdf_pages_joined_with_blank_line(text_pdf: Path, split):
    [doc], failures = split(read_source(text_pdf))
    assert failures == []
    assert doc.title == "Вербовка мигрантов: доклад"
    assert doc.kind == "news"
    assert doc.meta["pages"] == 2
    first, second = doc.text.split("\n\n")
    assert "мигрантов из Таджикистана и Кыргызстана" in " ".join(first.split())
    assert second.startswith("Page two.")


def test_truncated_pdf_names_the_file(text_pdf: Path, tmp_path: Path, split):
    broken = tmp_path / "truncated.pdf"
    data = text_pdf.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    docs, [failure] = split(read_source(broken))
    assert docs == []
    assert failure.source == str(broken.resolve())
    assert "corrupt or truncated PDF" in failure.problem


def test_scanned_pdf_without_ocr_says_why(tmp_path: Path, make_scanned_pdf, split):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_scanned_pdf())
    _, [failure] = split(read_source(path, ocr=OcrOptions(enabled=False)))
    assert failure.problem == ("no text layer (scanned?), and OCR is turned off (--no-ocr); "
                               "or use `recruitwatch papercheck` to check papers for a military contract")


def test_not_a_pdf(tmp_path: Path, split):
    path = tmp_path / "letter.pdf"
    path.write_text("Dear colleagues, this is not a PDF.", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert "not a PDF" in failure.problem


def test_pdf_ids_are_stable(text_pdf: Path):
    assert [d.id for d in read_source(text_pdf)] == [d.id for d in read_source(text_pdf)]
