"""Scanned PDFs and photos of printed reports, read by OCR (the paper check's Tesseract engine).

The pages are rendered here with Pillow and a Debian font; Tesseract and its Russian and English
language data come from scripts/system-packages.sh, so these tests run (never skip) in CI.
"""

from __future__ import annotations

import json
import pickle
import struct
import sys
import zlib
from pathlib import Path

import pytest
from ingest_pages import REPORT_EN, REPORT_RU, build_image_pdf, render_page

from recruitwatch.errors import ConfigError
from recruitwatch.ingest import OcrOptions, list_skipped, ocr, read_source
from recruitwatch.pipeline import analyse, plan_sources


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    """A folder with a photo of a printed report in Russian (PNG) and one in English (JPEG)."""
    folder = tmp_path_factory.mktemp("photos")
    render_page(REPORT_RU).save(folder / "report-ru.png")
    render_page(REPORT_EN).convert("RGB").save(folder / "report-en.jpg", quality=85)
    return folder


@pytest.fixture(scope="module")
def read_photos(photos) -> dict:
    """Each photo read once (OCR takes a second or two a page), by file name."""
    found = {}
    for item in read_source(photos, ocr=OcrOptions(langs="rus+eng", folders=True)):
        found[Path(item.origin).name if hasattr(item, "origin") else Path(item.source).name] = item
    return found


def test_a_photo_of_a_printed_russian_report_gives_an_incident(read_photos):
    doc = read_photos["report-ru.png"]
    assert doc.meta["text_from"] == "ocr"
    assert doc.meta["ocr"]["langs"] == "rus+eng" and doc.meta["ocr"]["pages"] == [1]
    assert doc.title == "Доклад правозащитного центра"
    # the printed lines are joined into running text
    assert "забрали паспорта и заставили подписать контракт с Министерством обороны" in doc.text
    [incident] = analyse(doc).incidents
    assert incident.places == ["RU-MOW"] and incident.nationalities == ["UZ"]
    assert "document_seizure" in incident.tactics and incident.date == "2024-03-14"
    for evidence in incident.evidence:  # the evidence points into the OCR text
        assert doc.text[evidence.start:evidence.end] == evidence.text


def test_a_photo_of_a_printed_english_report_gives_an_incident(read_photos):
    doc = read_photos["report-en.jpg"]
    assert doc.meta["format"] == "image" and doc.meta["text_from"] == "ocr"
    assert "their passports were taken" in doc.text
    [incident] = analyse(doc).incidents
    assert incident.places == ["RU-MOW"] and incident.nationalities == ["UZ"]
    assert "document_seizure" in incident.tactics


def test_images_in_folders_are_read_only_with_ocr(photos):
    skipped = dict(list_skipped(photos))
    assert set(skipped) == {photos / "report-ru.png", photos / "report-en.jpg"}
    assert all("--ocr" in reason for reason in skipped.values())
    assert len(plan_sources([photos])) == 0
    plan = plan_sources([photos], ocr=OcrOptions(folders=True))
    assert len(plan) == 2 and plan.skipped == []
    pickle.dumps(plan.inputs[0].read)  # what a worker process is sent


def test_a_mixed_pdf_reads_text_pages_from_the_layer_and_scanned_pages_by_ocr(tmp_path, split):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(build_image_pdf(["Appendix. The text layer of this page is read as it is, without OCR.",
                                      render_page(REPORT_EN, size=(1240, 420))]))
    [doc], failures = split(read_source(path))
    assert failures == []
    assert doc.meta["pages"] == 2 and doc.meta["text_from"] == "text layer and ocr"
    assert doc.meta["ocr"]["pages"] == [2]
    first, second = doc.text.split("\n\n", 1)
    assert first.startswith("Appendix. The text layer")
    assert "Uzbek workers at a building site" in second


def test_a_text_pdf_never_runs_ocr(tmp_path, split, make_pdf, monkeypatch):
    monkeypatch.setattr(ocr, "read_image", lambda *a: pytest.fail("OCR ran on a page with a text layer"))
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(["Отчёт. " + " ".join(REPORT_RU)]))
    [doc], _ = split(read_source(path))
    assert "text_from" not in doc.meta and "ocr" not in doc.meta


def test_a_picture_without_print_is_a_failure_that_says_so(tmp_path, split):
    from PIL import Image, ImageDraw

    picture = Image.new("L", (900, 600), 255)
    ImageDraw.Draw(picture).ellipse((200, 100, 700, 500), outline=0, width=12)  # a drawing, no letters
    picture.save(tmp_path / "circle.png")
    Image.new("L", (900, 600), 255).save(tmp_path / "blank.png")
    docs, failures = split(read_source(tmp_path, ocr=OcrOptions(folders=True)))
    assert docs == []
    assert [Path(f.source).name for f in failures] == ["blank.png", "circle.png"]
    assert all(f.problem.startswith("OCR found no readable text in the image") for f in failures)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height grey pixels: the header of a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def test_a_png_decompression_bomb_is_refused_before_decoding(tmp_path, split):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header(30_000, 30_000))  # 900 megapixels in a few bytes
    _, [failure] = split(read_source(path))
    assert failure.source == str(path)
    assert "60 Mpx limit" in failure.problem and "decompression bomb" in failure.problem


def test_a_truncated_photo_names_the_file(tmp_path, split):
    import io

    data = io.BytesIO()
    render_page(REPORT_EN).save(data, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(data.getvalue()[:2000])
    _, [failure] = split(read_source(path))
    assert failure.source == str(path) and "damaged or truncated" in failure.problem


def test_ocr_languages_from_the_projects_codes():
    assert ocr.tesseract_langs("ru+en") == "rus+eng"
    assert ocr.tesseract_langs("uz, uz-cyrl,tg+ky+kk") == "uzb+uzb_cyrl+tgk+kir+kaz"
    assert ocr.tesseract_langs("rus+eng") == "rus+eng"  # Tesseract's own names, as papercheck takes them
    from recruitwatch.papercheck.ocr import DEFAULT_LANGS

    assert ocr.tesseract_langs(ocr.DEFAULT_LANGUAGES) == DEFAULT_LANGS
    with pytest.raises(ConfigError, match="unknown language 'de'; choose from ru, en, uz"):
        ocr.tesseract_langs("ru+de")


def test_a_language_without_its_data_is_a_clear_error(tmp_path, monkeypatch):
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    for name in ("rus", "eng"):
        (tessdata / f"{name}.traineddata").symlink_to(Path(ocr_tessdata()) / f"{name}.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    assert ocr.unavailable(OcrOptions(langs="rus+eng")) is None
    reason = ocr.unavailable(OcrOptions(langs="rus+kaz"))
    assert "OCR language 'kaz' is not installed" in reason and "apt-get install tesseract-ocr-kaz" in reason


def ocr_tessdata() -> str:
    from recruitwatch.papercheck.ocr import find_tessdata

    return find_tessdata()


def test_without_tesserocr_scans_fail_with_what_to_install(tmp_path, split, monkeypatch):
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr now raises ImportError
    ocr._unavailable.cache_clear()
    try:
        render_page(["A photo"]).save(tmp_path / "photo.png")
        (tmp_path / "scan.pdf").write_bytes(build_image_pdf([render_page(["A scan"], size=(600, 200))]))
        _, failures = split(read_source(tmp_path, ocr=OcrOptions(folders=True)))
    finally:
        ocr._unavailable.cache_clear()
    problems = {Path(f.source).name: f.problem for f in failures}
    assert problems["photo.png"].startswith("image of a page: reading it needs OCR; OCR is not installed "
                                            "(tesserocr is missing): install the papercheck extra")
    assert problems["scan.pdf"].startswith("no text layer (scanned?), and OCR is not installed")
    assert "apt-get install tesseract-ocr" in problems["scan.pdf"]


def test_ingest_command_reads_photos_mail_and_word_files_with_ocr(photos, tmp_path):
    import json as jsonlib
    from email.message import EmailMessage

    import docx
    from typer.testing import CliRunner

    from recruitwatch.cli import _register, app

    _register()
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "report-ru.png").write_bytes((photos / "report-ru.png").read_bytes())
    mail = EmailMessage()
    mail["From"], mail["Subject"], mail["Date"] = "someone@example.org", "Hotline", "Mon, 15 Apr 2024 09:00:00 +0000"
    mail.set_content(" ".join(REPORT_EN[2:]))
    (folder / "call.eml").write_bytes(bytes(mail))
    word = docx.Document()
    word.add_paragraph("Lawyers advise migrants not to sign papers in a language they cannot read.")
    word.save(folder / "advice.docx")
    db = tmp_path / "store.db"
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--ocr-lang", "ru+xx"])
    assert refused.exit_code == 2  # "--ocr-lang: unknown language 'xx'; choose from ru, en, ..." on stderr
    without = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--json"])
    summary = jsonlib.loads(without.stdout)
    assert summary["read"] == 2 and [s["source"] for s in summary["skipped_files"]] == [str(folder / "report-ru.png")]
    done = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--ocr", "--ocr-lang", "ru+en", "--json"])
    summary = jsonlib.loads(done.stdout)
    assert done.exit_code == 0, done.output
    assert summary["read"] == 3 and summary["new"] == 1 and summary["skipped_files"] == []
    listed = runner.invoke(app, ["incidents", "list", "--db", str(db), "--format", "json"])
    [case] = jsonlib.loads(listed.stdout)  # the photo's report and the mail tell one case
    assert "RU-MOW" in json.dumps(case)
    documents = jsonlib.loads(runner.invoke(app, ["documents", "list", "--db", str(db), "--json"]).stdout)
    [photo] = [d for d in documents if d["title"] == "Доклад правозащитного центра"]
    shown = runner.invoke(app, ["documents", "show", photo["id"], "--db", str(db)]).stdout
    assert "text from" in shown and "OCR (tesseract, rus+eng; pages 1;" in shown  # reviewers are told
