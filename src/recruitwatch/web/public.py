"""``recruitwatch serve --public``: a read-only public dashboard, built only on the published figures.

No login, no incident list, no documents, no write route, no API but ``/api/figures`` (the same
figures as JSON) and ``/api/openapi.json``. Every count comes from
:func:`recruitwatch.publish.public_breakdowns` with the suppression threshold (docs/publishing.md):
a value with fewer than N cases is left out and the page says "fewer than N" for it, never its
count. Rejected cases are not counted. The map and the timeline use the same redacted figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from recruitwatch.limits import Limits
from recruitwatch.web import charts, i18n

HERE = Path(__file__).parent


class PublicFigures(BaseModel):
    min_count: int = Field(description="values with fewer cases than this are left out (suppressed)")
    breakdowns: dict[str, list[tuple[str, int]]] = Field(
        description="cases per value: month, region, country, nationality, tactic, actor, status, outcome")


def figures(request: Request) -> dict[str, Any]:
    from recruitwatch.publish import public_breakdowns

    state = request.app.state
    return state.figures.get(("public",), lambda: public_breakdowns(state.store, None, state.min_count))


def create_public_app(store, min_count: int | None = None, limits: Limits | None = None) -> FastAPI:
    """The public dashboard over ``store`` (read-only; see the module's docstring)."""
    from recruitwatch.publish.redact import min_count as threshold
    from recruitwatch.web.app import SECURITY_HEADERS
    from recruitwatch.web.views.common import labels
    from recruitwatch.web.views.dashboard import FigureCache

    app = FastAPI(title="recruitwatch (public)", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[i18n.context])
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_null_translations(newstyle=True)
    app.state.templates = templates
    app.state.store = store
    app.state.public = True  # no user is ever looked up (web.auth.current_user)
    app.state.min_count = threshold(min_count)
    app.state.figures = FigureCache()
    app.state.limits = limits or Limits.from_env()
    app.state.secret = b""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        if request.method not in ("GET", "HEAD"):
            return HTMLResponse("Not found", status_code=404)  # a read-only site: no write route at all
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    api = FastAPI(title="recruitwatch public figures", version="1", openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, description="Published counts of coerced-recruitment cases. Values with fewer "
                  "cases than `min_count` are suppressed; rejected cases are not counted.")
    api.state = app.state

    @api.get("/figures", response_model=PublicFigures)
    def public_figures(request: Request) -> PublicFigures:
        return PublicFigures(**figures(request))

    app.mount("/api", api)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request) -> HTMLResponse:
        from recruitwatch.papercheck.guidance import texts
        from recruitwatch.web.present import value_label

        lang = i18n.request_lang(request)
        data = figures(request)
        b = data["breakdowns"]
        k = data["min_count"]

        def none(_key: str) -> None:
            return None

        timeline = charts.timeline(b["month"], none)
        bars = {by: charts.bars(b[by], lambda c, a=attr: value_label(a, c, lang) if a else c, none)
                for by, attr in (("tactic", "tactics"), ("nationality", "nationalities"), ("actor", "actors"),
                                 ("outcome", "outcome"), ("status", "status"))}
        world = charts.incident_map(b["region"], b["nationality"], none, none,
                                    lambda c: value_label("places", c, lang))
        ctx = {"lang": lang, "nav_active": "/", "langs": i18n.LANGS, "ui": texts(lang)["ui"], **labels(lang),
               "min_count": k, "timeline": timeline, "bars": bars, "world": world, "countries": b["country"],
               "public": True}
        return templates.TemplateResponse(request, "public.html", ctx)

    return app
