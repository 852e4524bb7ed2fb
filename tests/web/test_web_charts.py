"""The dashboard's server-side SVG: map shading, timeline, bars; and evidence marking."""

from __future__ import annotations

import re

from markupsafe import Markup

from recruitwatch.records import Evidence
from recruitwatch.web import charts
from recruitwatch.web.present import mark


def test_the_shipped_boundaries_cover_russia_the_occupied_regions_and_home_countries():
    shapes = charts.boundaries()
    for code in ("RU-MOW", "RU-SPE", "RU-TA", "RU-CHU", "RU-KGD", "UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40",
                 "UZ", "TJ", "KG", "KZ", "TM", "IN", "NP", "CU"):
        assert code in shapes and shapes[code]["d"].startswith("M"), code
    assert charts.BOUNDARIES.stat().st_size < 500_000


def _fill(html: str, code: str) -> str:
    match = re.search(rf'<path d="[^"]*" class="([^"]*)" data-code="{code}"', html)
    assert match, code
    return match.group(1)


def test_the_map_shades_the_regions_with_incidents(client):
    html = client.get("/").text
    assert _fill(html, "RU-TA").startswith("region q") and _fill(html, "RU-TA") != "region q0"
    assert _fill(html, "UA-14") != "region q0"  # the Rostov report's Donetsk
    assert _fill(html, "RU-SPE") == "region q0"
    assert _fill(html, "KG") != "country q0" and _fill(html, "CN") == "country q0"
    assert re.search(r'<a href="/incidents\?place=RU-TA" aria-label="Tatarstan: 1">', html)


def test_the_map_scale_is_darker_for_more():
    view = charts.incident_map([("RU-MOW", 40), ("RU-TA", 2), ("RU", 5)], [("TJ", 10)], lambda c: c, lambda c: c,
                               lambda c: c)
    steps = {s.code: s.step for s in view.shapes}
    assert steps["RU-MOW"] == charts.STEPS > steps["RU-TA"] > 0 == steps["RU-SPE"]
    assert ("RU", 5) in view.unmapped  # a country-level place is listed beside the map


def test_far_home_countries_are_listed_not_stretched_into_view():
    view = charts.incident_map([], [("CU", 3)], lambda c: c, lambda c: c, lambda c: c)
    assert [s.code for s in view.outside] == ["CU"]


def test_timeline_fills_empty_months():
    cols = charts.timeline([("2023-11", 2), ("2024-02", 1)], lambda m: f"/incidents?month={m}")
    assert [c.month for c in cols] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert [c.count for c in cols] == [2, 0, 0, 1] and cols[0].height == 120
    assert [c.year_tick for c in cols] == [True, False, True, False]


def test_bars_scale_to_the_largest():
    bars = charts.bars([("a", 4), ("b", 2)], str.upper, lambda k: f"/x?k={k}")
    assert [(b.label, b.width, b.href) for b in bars] == [("A", 1.0, "/x?k=a"), ("B", 0.5, "/x?k=b")]


def test_marks_escape_the_text_and_the_field_names():
    text = 'Before <script>alert("x")</script> & after'
    start = text.index("<script>")
    span = Evidence('tactics"><img', "v", start, start + len('<script>alert("x")</script>'), "", "d")
    html, cut = mark(text, [(0, span)])
    assert isinstance(html, Markup) and not cut
    assert "<script>" not in html and "<img" not in html
    assert '<mark id="ev-0" title="tactics&#34;&gt;&lt;img">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</mark>' in html
    assert html.endswith(" &amp; after")


def test_overlapping_marks_merge_and_bad_spans_are_skipped():
    text = "one two three four"
    spans = [(0, Evidence("a", "", 4, 13, "", "")), (1, Evidence("b", "", 8, 18, "", "")),
             (2, Evidence("c", "", 50, 60, "", ""))]
    html, _ = mark(text, spans)
    assert html == 'one <mark id="ev-0" title="a, b"><span id="ev-1"></span>two three four</mark>'


def test_long_text_is_cut_to_excerpts_around_the_evidence():
    text = "x" * 30_000 + " needle " + "y" * 30_000
    at = text.index("needle")
    html, cut = mark(text, [(0, Evidence("f", "", at, at + 6, "", ""))])
    assert cut and len(html) < 2_000 and "<mark" in html and html.count("…") == 2


def test_dashboard_figures_are_kept_per_filter_until_cleared():
    from recruitwatch.web.views.dashboard import FigureCache

    cache, calls = FigureCache(ttl=60), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get(("a",), compute) == 1 and cache.get(("a",), compute) == 1
    assert cache.get(("b",), compute) == 2
    cache.clear()
    assert cache.get(("a",), compute) == 3


def test_the_dashboard_snapshot_is_read_once_then_again_in_the_background_when_old():
    import threading

    from recruitwatch.web.views.dashboard import FigureCache

    cache, reads = FigureCache(ttl=60), []
    gate = threading.Event()

    def load():
        reads.append(1)
        if len(reads) == 2:
            gate.wait(10)  # the background read, held until the test lets it go
        return len(reads)

    assert cache.snapshot(load) == 1 and cache.snapshot(load) == 1 and len(reads) == 1
    cache._snapshot = (cache._snapshot[0] - 61, 1)  # a minute later
    assert cache.snapshot(load) == 1  # the old one answers while the new one is read
    assert cache.snapshot(load) == 1 and cache._refreshing
    gate.set()
    for _ in range(200):
        if not cache._refreshing:
            break
        threading.Event().wait(0.01)
    assert cache.snapshot(load) == 2 and len(reads) == 2
    cache.clear()  # an edit in the web app: read at once
    assert cache.snapshot(load) == 3


def test_a_background_read_begun_before_an_edit_is_not_kept():
    import threading

    from recruitwatch.web.views.dashboard import FigureCache

    cache, started, go = FigureCache(ttl=60), threading.Event(), threading.Event()
    values = iter(["first", "stale", "fresh"])

    def load():
        value = next(values)
        if value == "stale":
            started.set()
            go.wait(10)
        return value

    assert cache.snapshot(load) == "first"
    cache._snapshot = (cache._snapshot[0] - 61, "first")
    assert cache.snapshot(load) == "first"
    started.wait(10)
    cache.clear()  # the edit lands while the old read is still under way
    go.set()
    for _ in range(200):
        if not cache._refreshing:
            break
        threading.Event().wait(0.01)
    assert cache.snapshot(load) == "fresh"
