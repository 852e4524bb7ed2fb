"""/ : the dashboard: incidents per month, the map, and breakdowns; every bar, month and region links to the list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from recruitwatch.web import charts, filters
from recruitwatch.web.present import value_label
from recruitwatch.web.views.common import LangDep, StoreDep, render, store_call

router = APIRouter()
#: The dashboard's bar charts: (breakdown, list parameter, label field).
BREAKDOWNS = (("tactic", "tactic", "tactics"), ("nationality", "nationality", "nationalities"),
              ("actor", "actor", "actors"), ("outcome", "outcome", "outcome"), ("verification", "verification", "verification"),
              ("status", "status", "status"))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, store: StoreDep, lang: LangDep) -> HTMLResponse:
    query = filters.parse(request.query_params)
    if query.problems:
        return render(request, "dashboard.html", lang, query=query, empty=False)
    f = query.filters

    def link(**extra: str) -> str:
        return query.url("/incidents", **extra)

    def counts(by: str) -> list[tuple[str, int]]:
        return store_call(store.incident_breakdown, by, f)

    total = store_call(store.count_incidents, f)
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
                  stats=store_call(store.stats), link=link)
