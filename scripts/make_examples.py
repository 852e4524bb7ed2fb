"""Write the example PDFs in examples/reports/pdf/ from their text sources in examples/sources/.

Each source is a small Markdown file with a front-matter block (title, author, date, lang)
followed by "# " and "## " headings, "- " bullet lines and paragraphs separated by blank lines.
The PDFs get a real text layer (DejaVu Sans, so Cyrillic works) and fixed metadata dates,
so running the script again reproduces the committed files.

    .venv/bin/python scripts/make_examples.py            # rewrite all PDFs
    .venv/bin/python scripts/make_examples.py --check    # exit 1 if a PDF is missing or stale

Needs fpdf2 (the ``dev`` optional dependency group).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "examples" / "sources"
OUT = ROOT / "examples" / "reports" / "pdf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def parse_source(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Front matter and a list of (kind, text) blocks: h1, h2, bullet, para."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        for line in head.splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    for key in ("title", "author", "date", "lang"):
        if key not in meta:
            raise SystemExit(f"{path}: front matter lacks {key!r}")
    blocks: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("para", " ".join(para)))
            para.clear()

    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            flush()
            blocks.append(("h1", line[2:]))
        elif line.startswith("- "):
            flush()
            blocks.append(("bullet", line[2:]))
        else:
            para.append(line.strip())
    flush()
    return meta, blocks


class _Report(FPDF):
    def __init__(self, org: str, lang: str) -> None:
        super().__init__(format="A4")
        self.org = org
        self.lang = lang

    def header(self) -> None:
        self.set_font("DejaVu", size=8)
        self.set_text_color(110)
        self.cell(0, 6, self.org, new_x="LMARGIN", new_y="NEXT", align="R")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.set_text_color(110)
        label = "Страница" if self.lang == "ru" else "Page"
        self.cell(0, 8, f"{label} {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def render(path: Path) -> bytes:
    meta, blocks = parse_source(path)
    when = dt.datetime.fromisoformat(meta["date"]).replace(hour=12, tzinfo=dt.UTC)
    pdf = _Report(meta["author"], meta["lang"])
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_creator("recruitwatch scripts/make_examples.py")
    pdf.set_lang(meta["lang"])
    pdf.set_creation_date(when)
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for kind, text in blocks:
        if kind == "h1":
            pdf.set_font("DejaVu", "B", 15)
            pdf.multi_cell(0, 7.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 12)
            pdf.multi_cell(0, 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", 10.5)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5.5, "• " + text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing or stale PDFs")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stale = 0
    for source in sorted(SOURCES.glob("*.md")):
        target = OUT / (source.stem + ".pdf")
        data = render(source)
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                print(f"stale: {target.relative_to(ROOT)}")
                stale += 1
            continue
        target.write_bytes(data)
        print(f"wrote {target.relative_to(ROOT)} ({len(data):,} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
