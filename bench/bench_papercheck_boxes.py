"""What boxing the deciding words costs, and how well the boxes land (one core).

    .venv/bin/python bench/bench_papercheck_boxes.py --pages 20 --scans 4

Text-layer PDFs (one generated page each, lines placed where papergen drew them): seconds per
page checked without page images (boxes are always found), with images (PageViews), the size of the encoded
images, and the share of boxes that lie on a line papergen drew. Then the same for clean scans
(OCR). Boxes on damaged scans are not scored: the damage moves the lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from recruitwatch.papercheck import MILITARY_TYPES, PageViews, PaperChecker
from recruitwatch.papercheck.sources import PDF_RENDER_DPI, PageInput

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))
from papergen import generate_page, placed_pdf

TYPES = (*MILITARY_TYPES, "employment_contract", "arrival_notification", "other")


def on_a_line(box, page, scale: float) -> bool:
    return any(box.x < x1 * scale and box.x + box.w > x0 * scale and box.y < y1 * scale and box.y + box.h > y0 * scale
               for x0, y0, x1, y1 in (line.box for line in page.lines))


def run(checker: PaperChecker, items, views: bool):
    times, sizes, boxes, placed = [], [], 0, 0
    for page, check in items:
        budget = PageViews(1_000) if views else None
        start = time.perf_counter()
        result = check(budget)
        times.append(time.perf_counter() - start)
        if result.view is not None:
            sizes.append(len(result.view.data))
        boxes += len(result.boxes)
        scale = result.page_size[0] / page.image.width if result.page_size else 1.0
        placed += sum(on_a_line(b, page, scale) for b in result.boxes)
    return statistics.mean(times), sizes, boxes, placed


def report(label: str, plain, boxed) -> None:
    t0, _, _, _ = plain
    t1, sizes, boxes, placed = boxed
    kb = statistics.mean(sizes) / 1000 if sizes else 0.0
    print(f"{label}: {t0 * 1000:.0f} ms/page without images, {t1 * 1000:.0f} ms/page with images and boxes "
          f"(+{(t1 - t0) * 1000:.0f} ms); image {kb:.0f} KB on average; {boxes} boxes, "
          f"{placed / boxes if boxes else 0:.1%} on a drawn line")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="text-layer PDF pages")
    parser.add_argument("--scans", type=int, default=4, help="clean scanned pages (OCR, about 2 s each)")
    args = parser.parse_args()
    checker = PaperChecker()
    pdfs = []
    for i in range(args.pages):
        page = generate_page(TYPES[i % len(TYPES)], 1, "clean", dpi=72, index=i)
        data = placed_pdf(page)
        pdfs.append((page, lambda views, data=data, i=i: checker.check_file(f"p{i}.pdf", data, views=views).pages[0]))
    checker.check_file("warm.pdf", placed_pdf(pdfs[0][0]))
    report(f"text-layer PDF ({args.pages} pages, boxes at {PDF_RENDER_DPI} dpi)", run(checker, pdfs, False),
           run(checker, pdfs, True))
    scans = []
    for i in range(args.scans):
        page = generate_page(TYPES[i % len(TYPES)], 1, "clean", index=i)
        scans.append((page, lambda views, page=page, i=i: checker.check_page(PageInput(f"s{i}.png", 1, image=page.image),
                                                                             views)))
    if scans:
        scans[0][1](None)  # start Tesseract before timing
        report(f"clean scans ({args.scans} pages, OCR)", run(checker, scans, False), run(checker, scans, True))
    checker.close()


if __name__ == "__main__":
    main()
