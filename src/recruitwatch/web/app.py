"""The recruitwatch web app. ``create_app()`` builds it; views live in ``recruitwatch.web.views``.

Everything the pages need (CSS, JS) is served by the app itself: it works offline and behind
censorship. Uploaded files are checked in memory and never written to disk.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
#: Top navigation shared by every page: (label key in the guidance UI texts, path).
NAV = [("nav_check", "/check")]

SECURITY_HEADERS = {
    # only our own assets; no third-party requests from the page
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(checker=None) -> FastAPI:
    """The web app. ``checker`` (a PaperChecker) may be passed in; otherwise one starts on first use."""
    # keep uploads in memory (Starlette spools parts over 1 MB to a temporary file): papers people
    # check must not land on disk, even briefly; the per-file limit in views/check.py bounds memory
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = 64 * 1024 * 1024
    app = FastAPI(title="recruitwatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.checker = checker
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/check", status_code=303)

    from recruitwatch.web.views import check

    app.include_router(check.router)
    return app
