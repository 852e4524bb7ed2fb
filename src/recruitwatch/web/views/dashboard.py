"""/ : the dashboard: incidents per month, the map, and breakdowns; every bar, month and region links to the list.

Its figures are two grouped queries over the store (plus the store's counts, shared by every filter); their results are kept for ``FigureCache.ttl`` seconds per filter (``app.state.figures``), so the
landing page stays fast on 100,000 incidents. Anything that changes incidents from the web app
(review actions) should call ``request.app.state.figures.clear()``; changes made elsewhere (an
ingest from the command line) show within the TTL.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from recruitwatch.web import charts, filters
from recruitwatch.web.present import value_label
from recruitwatch.web.views.common import LangDep, StoreDep, render, store_call

router = APIRouter()
FIGURES = ("month", "place", "nationality", "tactic", "actor", "outcome", "verification", "status")


class FigureCache:
    """Dashboard figures per filter, kept ``ttl`` seconds (at most ``size`` filters)."""

    def __init__(self, ttl: float = 60.0, size: int = 256):
        self.ttl, self.size = ttl, size
        self._lock = threading.Lock()
        self._items: dict[tuple, tuple[float, Any]] = {}
        self._shared: dict[tuple, tuple[float, Any]] = {}

    def get(self, key: tuple, compute):
        return self._get(self._items, key, compute)

    def shared(self, key: tuple, compute):
        """A value every filter shows (the store's counts), kept ``ttl`` seconds apart from the figures."""
        return self._get(self._shared, key, compute)

    def _get(self, items: dict, key: tuple, compute):
        now = time.monotonic()
        with self._lock:
            hit = items.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = compute()
        with self._lock:
            if len(items) >= self.size:
                items.pop(next(iter(items)))
            items[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._shared.clear()


def figures(store, f) -> dict[str, Any]:
    """The count and the breakdowns of :data:`FIGURES` for filter ``f``: two grouped queries
    (:meth:`~recruitwatch.store.Store.incident_figures`), not one per breakdown."""
    total, out = store_call(store.incident_figures, FIGURES, f)
    return {**out, "total": total}


#: The dashboard's bar charts: (breakdown, list parameter, label field).
BREAKDOWNS = (("tactic", "tactic", "tactics"), ("nationality", "nationality", "nationalities"),
              ("actor", "actor", "actors"), ("outcome", "outcome", "outcome"), ("verification", "verification", "verification"),
              ("status", "status", "status"))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, store: StoreDep, lang: LangDep) -> HTMLResponse:
    query = filters.parse(request.query_params)
    query.params.pop("q", None)  # the figures count by facets; full-text search is the list's
    query.params.pop("per_page", None)
    if query.problems:
        return render(request, "dashboard.html", lang, query=query, empty=False)
    f = query.filters

    def link(**extra: str) -> str:
        return query.url("/incidents", **extra)

    cache = getattr(request.app.state, "figures", None)
    key = tuple(sorted(query.params.items()))
    data = cache.get(key, lambda: figures(store, f)) if cache is not None else figures(store, f)
    # the store's counts do not depend on the filter: one entry for every filter
    stats = cache.shared(("stats",), lambda: store_call(store.stats)) if cache is not None else store_call(store.stats)

    def counts(by: str) -> list[tuple[str, int]]:
        return data[by]

    total = data["total"]
    months = counts("month")
    timeline = charts.timeline(months, lambda m: link(date_from=m, date_to=m))
    bars = {}
    for by, param, attr in BREAKDOWNS:
        bars[by] = charts.bars(counts(by), lambda k, a=attr: value_label(a, k, lang) if a else k,
                               lambda k, p=param: link(**{p: k}))
    places = counts("place")
    world = charts.incident_map(places, counts("nationality"), lambda c: link(place=c), lambda c: link(nationality=c),
                                lambda c: value_label("places", c, lang))
    undated = total - sum(n for _, n in months) if months else total
    return render(request, "dashboard.html", lang, query=query, total=total, timeline=timeline, bars=bars,
                  world=world, undated=max(undated, 0), empty=total == 0 and not query.params,
                  stats=stats, link=link)
