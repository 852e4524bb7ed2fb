"""/ : the dashboard: incidents per month, the map, and breakdowns; every bar, month and region links to the list.

Its figures come from a snapshot of the cases in memory (:class:`~recruitwatch.store.case_figures.CaseFigures`,
``app.state.figures``), so any filter, a new one included, is counted in a few milliseconds on 100,000
incidents instead of grouped queries that look up each case a filter keeps. The snapshot is read
again in the background once it is ``FigureCache.ttl`` seconds old (the older one answers meanwhile)
and at once after ``request.app.state.figures.clear()``, which anything that changes incidents from the
web app (review actions, intake) calls; changes made elsewhere (an ingest from the command line, another
``serve`` worker) show within the TTL. The store's counts (shared by every filter) are kept as long.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from recruitwatch.store.case_figures import CaseFigures
from recruitwatch.web import charts, filters
from recruitwatch.web.present import value_label
from recruitwatch.web.views.common import LangDep, StoreDep, render, store_call

log = logging.getLogger(__name__)
router = APIRouter()
FIGURES = ("month", "place", "nationality", "tactic", "actor", "outcome", "verification", "status")


class FigureCache:
    """The dashboard's snapshot of the cases, and figures kept per key for ``ttl`` seconds (at most ``size``)."""

    def __init__(self, ttl: float = 60.0, size: int = 256):
        self.ttl, self.size = ttl, size
        self._lock = threading.Lock()
        self._items: dict[tuple, tuple[float, Any]] = {}
        self._shared: dict[tuple, tuple[float, Any]] = {}
        self._snapshot: tuple[float, Any] | None = None
        self._generation = 0  # clear() counts up, so a refresh begun before it is not kept
        self._loading = threading.Lock()
        self._refreshing = False

    def snapshot(self, load):
        """The snapshot ``load()`` returns: read at once when there is none (one reader at a time), read
        again in a background thread when older than ``ttl`` while the older one still answers."""
        now = time.monotonic()
        with self._lock:
            held = self._snapshot
            if held is not None:
                if now - held[0] >= self.ttl and not self._refreshing:
                    self._refreshing = True
                    threading.Thread(target=self._refresh, args=(load, self._generation), daemon=True,
                                     name="dashboard-snapshot").start()
                return held[1]
        with self._loading:
            with self._lock:
                if self._snapshot is not None:
                    return self._snapshot[1]
                generation = self._generation
            value = load()
            with self._lock:
                if generation == self._generation:
                    self._snapshot = (time.monotonic(), value)
            return value

    def _refresh(self, load, generation: int) -> None:
        try:
            value = load()
        except Exception:  # the store is down or busy: the held snapshot answers, the next request tries again
            log.warning("could not read the cases for the dashboard again", exc_info=True)
            value = None
        with self._lock:
            self._refreshing = False
            if value is not None and generation == self._generation:
                self._snapshot = (time.monotonic(), value)

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
            self._snapshot = None
            self._generation += 1


def figures(store, f, cache: FigureCache | None = None) -> dict[str, Any]:
    """The count and the breakdowns of :data:`FIGURES` for filter ``f``: from the cache's snapshot of the
    cases when there is a cache and ``f`` is a filter of cases, else from the store's grouped queries
    (:meth:`~recruitwatch.store.Store.incident_figures`). The same answers either way."""
    if cache is not None and CaseFigures.answers(f):
        total, out = cache.snapshot(lambda: store_call(store.case_snapshot)).figures(FIGURES, f)
    else:
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
    data = figures(store, f, cache)
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
