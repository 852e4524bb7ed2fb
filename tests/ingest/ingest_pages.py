"""Printed reports for the OCR tests: text written for recruitwatch, drawn with Pillow and a Debian font.

Imported by the test modules as ``ingest_pages`` (``tests/ingest`` is on the path under pytest).
"""

from __future__ import annotations

from pathlib import Path

import pytest

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

# One case told in Russian and in English, as a rights group's printed report would.
REPORT_RU = [
    "Доклад правозащитного центра",
    "",
    "14 марта 2024 года в Москве полиция задержала",
    "двенадцать граждан Узбекистана на стройке.",
    "В отделе у них забрали паспорта и заставили",
    "подписать контракт с Министерством обороны.",
]
REPORT_EN = [
    "Report of the migrant rights centre",
    "",
    "On 14 March 2024 police in Moscow detained twelve",
    "Uzbek workers at a building site. At the station",
    "their passports were taken and they were forced",
    "to sign contracts with the Ministry of Defence.",
]


def render_page(lines: list[str], size: tuple[int, int] = (1240, 720), points: int = 30):
    """A page of printed text as a greyscale Pillow image (DejaVu Serif), as a scanner gives it."""
    from PIL import Image, ImageDraw, ImageFont

    if not DEJAVU_SERIF.exists():
        pytest.fail(f"{DEJAVU_SERIF} is missing: scripts/system-packages.sh installs fonts-dejavu-core")
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(DEJAVU_SERIF), points)
    for n, line in enumerate(lines):
        draw.text((70, 60 + n * int(points * 1.6)), line, font=font, fill=20)
    return image


def build_image_pdf(pages: list) -> bytes:
    """A PDF whose pages are a text layer (a str) or a picture (a Pillow image) and nothing else, like a scan."""
    import fpdf  # fpdf2, the `test` extra

    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=12)
    for page in pages:
        pdf.add_page()
        if isinstance(page, str):
            pdf.multi_cell(0, 8, page)
        else:
            pdf.image(page, x=10, y=10, w=190)
    return bytes(pdf.output())
