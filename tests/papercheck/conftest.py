"""Fixtures for the paper-check tests: a checker, and real files built from generated pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from papergen import generate_page
from PIL import Image

from recruitwatch.papercheck import PaperChecker

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="session")
def checker():
    checker = PaperChecker()
    yield checker
    checker.close()


def make_text_pdf(path: Path, types: list[str], seed: int = 7) -> Path:
    """A PDF with a real text layer (fpdf2), one generated page of each type in ``types``."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=10)
    for i, type_ in enumerate(types):
        page = generate_page(type_, seed, "clean", dpi=72, index=i)
        pdf.add_page()
        pdf.multi_cell(0, 5, page.text)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, types: list[str], seed: int = 11, damage: str = "scan") -> Path:
    """An image-only PDF (no text layer), as a scanner makes: Pillow's PDF writer."""
    images = [generate_page(t, seed, damage, index=i).image.convert("RGB") for i, t in enumerate(types)]
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> dict[str, Path]:
    """Real files of every kind the check accepts, written once per session."""
    d = tmp_path_factory.mktemp("papers")
    out = {
        "text_pdf": make_text_pdf(d / "stack-text.pdf", ["arrival_notification", "military_service_contract",
                                                          "employment_contract", "call_up_notice"]),
        "scanned_pdf": make_scanned_pdf(d / "stack-scanned.pdf", ["patent_application",
                                                                  "volunteer_formation_contract",
                                                                  "medical_certificate"]),
    }
    photo = generate_page("military_service_contract", 3, "photo", index=0).image
    # a phone photo at an angle, turned on its side as phones often save them
    photo = photo.rotate(12, expand=True, fillcolor=(120, 110, 100)).rotate(90, expand=True)
    photo.save(d / "photo-angle.jpg", quality=70)
    out["photo"] = d / "photo-angle.jpg"
    Image.new("RGB", (1240, 1754), "white").save(d / "blank.png")
    out["blank"] = d / "blank.png"
    good = generate_page("call_up_notice", 5, "scan").image
    good.save(d / "povestka.png")
    out["png"] = d / "povestka.png"
    multi = [generate_page(t, 9, "clean", index=0).image.convert("L") for t in ("fingerprint_record", "call_up_notice")]
    multi[0].save(d / "two-pages.tiff", save_all=True, append_images=multi[1:], compression="tiff_deflate")
    out["tiff"] = d / "two-pages.tiff"
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a real pdf\n")
    out["corrupt_pdf"] = d / "corrupt.pdf"
    jpeg = (d / "povestka.png").read_bytes()
    (d / "truncated.png").write_bytes(jpeg[: len(jpeg) // 3])
    out["truncated"] = d / "truncated.png"
    return out
