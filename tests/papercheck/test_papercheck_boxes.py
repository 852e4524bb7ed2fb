"""The words that decided a page, boxed where they are printed (issue 9 item 4).

papergen reports where it drew each line, so the tests know where the deciding phrase is on the
page: the boxes must lie on it, on a scanned image (Tesseract's word boxes) and on a text-layer
PDF (PDFium's character boxes).
"""

from __future__ import annotations

import io
import json

import pytest
from papergen import generate_page, placed_pdf
from PIL import Image
from typer.testing import CliRunner

from recruitwatch.cli import _register, app
from recruitwatch.papercheck import PageResult, PageViews
from recruitwatch.papercheck.marks import MILITARY, WARNING, Box, PageView
from recruitwatch.papercheck.sources import PDF_RENDER_DPI, PageInput

_register()


def line_box(page, text: str, scale: float = 1.0) -> tuple[float, float, float, float]:
    """Where papergen drew the line ``text`` (scaled to the result's pixels)."""
    line = next(line for line in page.lines if line.text == text)
    return tuple(v * scale for v in line.box)  # type: ignore[return-value]


def make_placed_pdf(path, page):
    path.write_bytes(placed_pdf(page))
    return path


def overlaps(box: Box, region: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = region
    return box.x < x1 and box.x + box.w > x0 and box.y < y1 and box.y + box.h > y0


def drawn_anywhere(box: Box, page, scale: float = 1.0) -> bool:
    return any(overlaps(box, tuple(v * scale for v in line.box)) for line in page.lines)


@pytest.fixture(scope="module")
def contract():
    """The first sheet of a military service contract (title "КОНТРАКТ о прохождении военной службы")."""
    page = generate_page("military_service_contract", 0, "clean", index=0)
    assert any(line.text == "о прохождении военной службы" for line in page.lines)
    return page


def test_scanned_contract_has_its_title_boxed_in_red(checker, contract):
    views = PageViews(5)
    result = checker.check_page(PageInput("contract.png", 1, image=contract.image), views)
    assert result.military and result.source == "ocr"
    assert result.page_size == contract.image.size  # a straight clean page is read as it is
    assert result.boxes and {b.kind for b in result.boxes} == {MILITARY}
    title = [b for b in result.boxes if overlaps(b, line_box(contract, "о прохождении военной службы"))]
    assert title and "военной службы" in title[0].phrase
    # every box is on printed words, and only the deciding phrases are boxed, not every word
    assert all(drawn_anywhere(b, contract) for b in result.boxes)
    assert len(result.boxes) <= 16
    assert result.view is not None and max(result.view.width, result.view.height) == 1200
    assert Image.open(io.BytesIO(result.view.data)).size == (result.view.width, result.view.height)


def test_text_layer_pdf_boxes_come_from_the_pdf(checker, contract, tmp_path):
    page = generate_page("military_service_contract", 0, "clean", dpi=72, index=0)  # 1 px = 1 pt
    pdf = make_placed_pdf(tmp_path / "contract.pdf", page)
    result = checker.check_file(str(pdf), views=PageViews(5)).pages[0]
    assert result.military and result.source == "text-layer"
    scale = PDF_RENDER_DPI / 72
    assert result.page_size == (round(595.28 * scale), round(841.89 * scale))
    assert any(overlaps(b, line_box(page, "КОНТРАКТ", scale)) for b in result.boxes)
    assert any(overlaps(b, line_box(page, "о прохождении военной службы", scale)) for b in result.boxes)
    assert all(drawn_anywhere(b, page, scale) for b in result.boxes)
    assert result.view is not None and result.view.mime == "image/jpeg"


def test_call_up_notice_in_a_pdf_has_its_words_boxed(checker, tmp_path):
    page = generate_page("call_up_notice", 5, "clean", dpi=72, index=0)
    result = checker.check_file(str(make_placed_pdf(tmp_path / "povestka.pdf", page))).pages[0]
    assert result.type == "call_up_notice"
    assert result.boxes and all(b.kind == MILITARY for b in result.boxes)
    assert any("повестк" in b.phrase.lower() for b in result.boxes)
    assert all(drawn_anywhere(b, page, PDF_RENDER_DPI / 72) for b in result.boxes)


def test_harmless_page_has_no_boxes(checker, tmp_path):
    page = generate_page("employment_contract", 5, "clean", dpi=72, index=0)
    result = checker.check_file(str(make_placed_pdf(tmp_path / "job.pdf", page)), views=PageViews(5)).pages[0]
    assert result.type == "employment_contract" and not result.military
    assert result.boxes == []
    assert result.view is not None  # the page is still shown, with nothing marked


def test_a_leaflet_about_contracts_gets_amber_boxes(checker, tmp_path):
    page = generate_page("other", 5, "clean", dpi=72, index=0)  # a rights group's memo
    result = checker.check_file(str(make_placed_pdf(tmp_path / "memo.pdf", page))).pages[0]
    assert result.type == "other" and result.mentions_military and not result.military
    assert result.boxes and {b.kind for b in result.boxes} == {WARNING}


def test_json_carries_the_boxes_and_boxes_writes_pngs(tmp_path):
    contract = generate_page("military_service_contract", 0, "clean", dpi=72, index=0)
    harmless = generate_page("employment_contract", 5, "clean", dpi=72, index=0)
    files = [make_placed_pdf(tmp_path / "contract.pdf", contract), make_placed_pdf(tmp_path / "job.pdf", harmless)]
    out = tmp_path / "boxed"
    result = CliRunner().invoke(app, ["papercheck", *map(str, files), "--json", "--boxes", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["military"] and rows[0]["boxes"] and rows[0]["page_size"] == [1654, 2339]
    assert {"x", "y", "w", "h", "kind", "phrase"} == set(rows[0]["boxes"][0])
    assert rows[1]["boxes"] == []
    assert [p.name for p in out.iterdir()] == ["contract.pdf-page1.png"]  # only the page with findings
    png = Image.open(out / "contract.pdf-page1.png").convert("RGB")
    assert max(png.size) == 1600
    # the red of the box is drawn around the title where it was printed, and not in the empty top margin
    x0, y0, x1, y1 = (round(v * 1600 / 841.89) for v in line_box(contract, "КОНТРАКТ"))
    assert red_pixels(png.crop((x0 - 10, y0 - 10, x1 + 10, y1 + 10))) > 50
    assert red_pixels(png.crop((0, 0, png.width, 60))) == 0


def red_pixels(image: Image.Image) -> int:
    import numpy as np

    rgb = np.asarray(image, dtype=np.int16)
    return int(((rgb[..., 0] > 150) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)).sum())


def test_image_budget_keeps_pages_with_boxes():
    views = PageViews(2)
    plain = [PageResult("a", n, "other", False, 0.9) for n in (1, 2)]
    boxed = PageResult("a", 3, "military_service_contract", True, 0.9, boxes=[Box(1, 1, 5, 5, MILITARY, "x")])
    later = PageResult("a", 4, "other", False, 0.9)
    for page in [*plain, boxed, later]:
        views.offer(page, lambda: Image.new("L", (2400, 1200), 255))
    assert plain[0].view is None  # pushed out by the page with boxes
    assert isinstance(plain[1].view, PageView) and isinstance(boxed.view, PageView)
    assert later.view is None  # budget full, nothing marked on it
    assert (boxed.view.width, boxed.view.height) == (1200, 600)
    assert "view" not in boxed.to_dict() and boxed.to_dict()["boxes"][0]["kind"] == MILITARY


def test_pdf_boxes_follow_page_rotation_and_crop_box(checker):
    """A page turned by /Rotate, or with its media box away from the origin, is boxed where it is drawn."""
    import pypdfium2 as pdfium

    data = placed_pdf(generate_page("military_service_contract", 0, "clean", dpi=72, index=0))

    def changed(change) -> bytes:
        pdf = pdfium.PdfDocument(data)
        change(pdf[0])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()

    def boxes(pdf: bytes):
        page = checker.check_file("p.pdf", pdf).pages[0]
        return page.page_size, {(b.x, b.y, b.w, b.h) for b in page.boxes}

    size, upright = boxes(data)
    shift = 100, 50  # points
    turned_size, turned = boxes(changed(lambda page: page.set_rotation(90)))
    _, moved = boxes(changed(lambda page: page.set_mediabox(-shift[0], -shift[1], 595.28 - shift[0], 841.89 - shift[1])))
    assert upright and turned_size == (size[1], size[0])
    scale = PDF_RENDER_DPI / 72

    def near(box, found) -> bool:
        return any(all(abs(a - b) <= 3 for a, b in zip(box, other, strict=True)) for other in found)

    for x, y, w, h in upright:
        assert near((x + round(shift[0] * scale), y - round(shift[1] * scale), w, h), moved)
    # a quarter turn clockwise (PDFium may read a turned page's text in another order, so it can box
    # fewer occurrences; every box it draws must still be on the turned words)
    rotated = {(size[1] - y - h, x, h, w) for x, y, w, h in upright}
    assert len(turned) >= 3 and all(near(box, rotated) for box in turned)


def test_boxes_into_a_file_is_refused_before_any_check(tmp_path):
    taken = tmp_path / "boxed"
    taken.write_text("not a folder")
    result = CliRunner().invoke(app, ["papercheck", str(tmp_path / "any.pdf"), "--boxes", str(taken)],
                                env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "is a file" in result.output
