"""Geometry for the dashboard's server-side SVG: the monthly timeline, bar charts and the map.

Pure functions from counts to drawing instructions; the templates turn them into SVG. No
JavaScript charting library and no tile server: the map's shapes ship in ``web/data/boundaries.json``
(Natural Earth, see ``data/SOURCES.txt`` and scripts/build_boundaries.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BOUNDARIES = Path(__file__).parent / "data" / "boundaries.json"
#: Countries the map always shows whole: Russia, Ukraine and the Central Asian home countries.
CORE_VIEW = ("RU", "UA", "KZ", "UZ", "TJ", "KG", "TM")
#: The widest view: a shaded country beyond it is listed under the map instead of stretching it.
MAX_VIEW = ("RU", "NO", "EG", "IN", "LK", "JP", "TR", "SY")
STEPS = 5  # shades of the colour scale


@dataclass(frozen=True, slots=True)
class Bar:
    key: str  # the code or month
    label: str
    count: int
    width: float  # 0..1 of the longest bar
    href: str


@dataclass(frozen=True, slots=True)
class Column:
    month: str  # YYYY-MM
    count: int
    x: float
    height: float
    href: str
    year_tick: bool  # January (or the first month): label the year


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    name: str
    d: str
    count: int
    step: int  # 0: no incidents; 1..STEPS: darker for more
    href: str | None
    layer: str  # "country" (shaded by victims' home country) or "region" (by place)


def bars(counts: list[tuple[str, int]], label, href, limit: int = 12) -> list[Bar]:
    """Horizontal bars for the largest ``limit`` counts; ``label(key)`` and ``href(key)`` give text and link."""
    top = counts[:limit]
    most = max((n for _, n in top), default=0) or 1
    return [Bar(k, label(k), n, n / most, href(k)) for k, n in top]


def months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timeline(counts: list[tuple[str, int]], href, width: float = 720, height: float = 120) -> list[Column]:
    """One column per month from the first to the last month with incidents (empty months included)."""
    known = {k: n for k, n in counts if len(k) == 7 and k[4] == "-" and k[:4].isdigit() and k[5:].isdigit()}
    if not known:
        return []
    months = months_between(min(known), max(known))
    step = width / len(months)
    most = max(known.values()) or 1
    return [
        Column(m, known.get(m, 0), i * step, height * known.get(m, 0) / most, href(m), m.endswith("-01") or i == 0)
        for i, m in enumerate(months)
    ]


@cache
def boundaries() -> dict[str, dict]:
    """The shipped shapes: code -> {kind, name, bbox, d}."""
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]


def _step(count: int, most: int) -> int:
    if count <= 0:
        return 0
    if most <= 1:
        return STEPS
    return 1 + min(STEPS - 1, int((STEPS - 1) * math.log(count) / math.log(most) + 1e-9))


def _union(boxes: list[list[float]]) -> list[float]:
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _inside(box: list[float], outer: list[float]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


def _overlaps(box: list[float], view: list[float]) -> bool:
    return box[0] < view[2] and box[2] > view[0] and box[1] < view[3] and box[3] > view[1]


@dataclass(slots=True)
class MapView:
    viewbox: str
    shapes: list[Shape]
    outside: list[Shape]  # shaded countries beyond the widest view, listed instead
    unmapped: list[tuple[str, int]]  # place codes with no shape (a country-level "RU", an unknown code)


def incident_map(places: list[tuple[str, int]], nationalities: list[tuple[str, int]], place_href, nationality_href,
                 name) -> MapView:
    """Regions of Russia and Ukraine shaded by incidents placed there; other countries shaded by incidents
    whose victims come from them (home countries). ``name(code)`` gives the label in the page's language."""
    shapes = boundaries()
    place_count = dict(places)
    home_count = {c: n for c, n in nationalities if c not in ("RU", "UA")}
    most_place = max((n for c, n in place_count.items() if c in shapes and shapes[c]["kind"] == "region"), default=0)
    most_home = max((n for c, n in home_count.items() if c in shapes), default=0)
    widest = _union([shapes[c]["bbox"] for c in MAX_VIEW if c in shapes])
    boxes = [shapes[c]["bbox"] for c in CORE_VIEW if c in shapes]
    outside: list[Shape] = []
    out: list[Shape] = []
    for code, f in shapes.items():
        if f["kind"] == "region":
            n = place_count.get(code, 0)
            out.append(Shape(code, name(code), f["d"], n, _step(n, most_place), place_href(code) if n else None, "region"))
        elif code not in ("RU", "UA"):
            n = home_count.get(code, 0)
            shape = Shape(code, name(code), f["d"], n, _step(n, most_home), nationality_href(code) if n else None, "country")
            if n and not _inside(f["bbox"], widest):
                outside.append(shape)
            elif n:
                boxes.append(f["bbox"])
            out.append(shape)
        else:  # Russia and Ukraine as countries: the base under their regions (islands the regions lack)
            out.append(Shape(code, name(code), f["d"], 0, 0, None, "base"))
    view = _union(boxes)
    pad = 0.03 * max(view[2] - view[0], view[3] - view[1])
    view = [view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad]
    visible = [s for s in out if _overlaps(shapes[s.code]["bbox"], view)]
    order = {"country": 0, "base": 1, "region": 2}
    visible.sort(key=lambda s: order[s.layer])
    unmapped = [(c, n) for c, n in places if c not in shapes or shapes[c]["kind"] != "region"]
    return MapView(f"{view[0]:.0f} {view[1]:.0f} {view[2] - view[0]:.0f} {view[3] - view[1]:.0f}",
                   visible, sorted(outside, key=lambda s: -s.count), unmapped)
