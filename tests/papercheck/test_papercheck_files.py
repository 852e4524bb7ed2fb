"""The whole check on real files: PDFs with and without a text layer, photos, blanks, bad files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from recruitwatch.errors import ReadError
from recruitwatch.papercheck.sources import MAX_PIXELS, open_source


def types_of(result):
    return [p.type for p in result.pages]


def test_text_layer_pdf_is_read_without_ocr_and_mixed_pages_are_told_apart(checker, files):
    result = checker.check_file(str(files["text_pdf"]))
    assert result.ok
    assert types_of(result) == ["arrival_notification", "military_service_contract", "employment_contract",
                                "call_up_notice"]
    assert [p.military for p in result.pages] == [False, True, False, True]
    assert all(p.source == "text-layer" for p in result.pages)
    assert [p.page for p in result.pages] == [1, 2, 3, 4]


def test_scanned_pdf_is_rendered_and_ocrd(checker, files):
    result = checker.check_file(str(files["scanned_pdf"]))
    assert result.ok
    assert all(p.source == "ocr" for p in result.pages)
    assert types_of(result) == ["patent_application", "volunteer_formation_contract", "medical_certificate"]
    assert [p.page for p in result.military_pages] == [2]


def test_phone_photo_at_an_angle_turned_sideways(checker, files):
    page = checker.check_file(str(files["photo"])).pages[0]
    assert page.military and page.type == "military_service_contract"
    assert page.rotation in (90, 270)
    assert page.cues


def test_blank_page_is_unreadable_not_cleared(checker, files):
    page = checker.check_file(str(files["blank"])).pages[0]
    assert not page.readable
    assert not page.military and page.confidence == 0.0


def test_multi_page_tiff(checker, files):
    result = checker.check_file(str(files["tiff"]))
    assert types_of(result) == ["fingerprint_record", "call_up_notice"]


def test_bytes_in_memory_are_checked_like_files(checker, files):
    data = files["png"].read_bytes()
    result = checker.check_file("upload.png", data)
    assert result.file == "upload.png" and result.pages[0].type == "call_up_notice"


def test_bad_files_get_a_clear_error_and_the_others_are_still_checked(checker, files):
    names = [str(files["corrupt_pdf"]), str(files["png"]), str(files["truncated"]), "/nonexistent/scan.jpg"]
    results = checker.check_files(names)
    assert [r.ok for r in results] == [False, True, False, False]
    assert results[0].error.startswith(str(files["corrupt_pdf"]))
    assert "PDF" in results[0].error
    assert str(files["truncated"]) in results[2].error
    assert "not found" in results[3].error
    assert results[1].pages[0].military


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    side = int(MAX_PIXELS ** 0.5) + 1000
    bomb = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(bomb)  # tiny file, huge image
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(ReadError) as err:
        open_source(str(bomb))
    assert "bomb.png" in str(err.value) and "decompression bomb" in str(err.value)


def test_empty_and_unknown_files_are_refused(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ReadError, match="empty"):
        open_source(str(tmp_path / "empty.jpg"))
    with pytest.raises(ReadError, match="accepted: PDF, JPEG, PNG, TIFF, HEIC"):
        open_source(str(tmp_path / "notes.txt"))


def test_heic_photos_are_read(checker, tmp_path):
    import pillow_heif
    from papergen import generate_page

    image = generate_page("call_up_notice", 21, "clean").image
    heif = pillow_heif.from_pillow(image)
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    result = checker.check_file("IMG_0001.HEIC", buffer.getvalue())
    assert result.ok, result.error
    assert result.pages[0].type == "call_up_notice"


def test_small_print_scan_is_not_taken_for_a_blank_page(checker):
    # regression: shrinking the page to measure ink turned 9-point print into light grey
    from papergen import generate_page

    page = generate_page("military_service_contract", 1, "scan", index=6)
    result = checker.check_file("small-print.jpg", _jpeg(page.image))
    assert result.pages[0].readable and result.pages[0].military


@pytest.mark.parametrize("turn,tilt", [(90, 20), (270, -15), (0, 25), (180, 8)])
def test_pages_at_steep_angles_are_straightened(turn, tilt):
    from papergen import generate_page

    from recruitwatch.papercheck import imageprep

    image = generate_page("employment_contract", 2, "clean").image.convert("L")
    image = image.rotate(tilt, expand=True, fillcolor=255).rotate(turn, expand=True, fillcolor=255)
    quarter, skew = imageprep.estimate_alignment(image)
    assert quarter == (90 if turn in (90, 270) else 0)
    assert abs(abs(skew) - abs(tilt)) < 1.0


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
