"""Map points of place codes for GeoJSON exports (``data/centroids.csv``, built by
``scripts/build_centroids.py``): a region's population-weighted centroid, a country's capital.

A point stands for the whole region or country; a public map never places an incident at a
spot more precise than that.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

from recruitwatch.publish.redact import public_place


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """code -> (longitude, latitude)."""
    text = resources.files("recruitwatch.publish").joinpath("data/centroids.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["code"]: (float(r["lon"]), float(r["lat"])) for r in rows}


def point(code: str) -> tuple[float, float] | None:
    """(lon, lat) of ``code``, or of the region or country it lies in; None when unknown (e.g. Antarctica)."""
    table = centroids()
    code = code.strip().upper()
    for candidate in (code, public_place(code), code.split("-", 1)[0]):
        if candidate in table:
            return table[candidate]
    return None


def geometry(codes: list[str]) -> dict[str, Any] | None:
    """A Point for one known place, a MultiPoint for several, None (allowed by GeoJSON) for none."""
    points = list(dict.fromkeys(p for p in (point(c) for c in codes) if p is not None))
    if not points:
        return None
    if len(points) == 1:
        return {"type": "Point", "coordinates": list(points[0])}
    return {"type": "MultiPoint", "coordinates": [list(p) for p in points]}
