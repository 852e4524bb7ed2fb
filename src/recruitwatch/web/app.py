"""The recruitwatch web app. ``create_app()`` builds it; views live in ``recruitwatch.web.views``.

Everything the pages need (CSS, JS) is served by the app itself: it works offline and behind
censorship. Uploaded files are checked in memory and never written to disk. Posts from other
sites, posts without the form's CSRF token and requests over the upload limit are refused
(``recruitwatch.web.guard``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from recruitwatch.limits import Limits
from recruitwatch.web.guard import RequestGuard, app_secret

HERE = Path(__file__).parent
#: Top navigation shared by every page: (label key in the guidance UI texts, path).
NAV = [("nav_check", "/check")]

SECURITY_HEADERS = {
    # only our own assets; no third-party requests from the page
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
    # and the Origin check (web/guard.py) could not tell our own form from a hostile page
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(checker=None, limits: Limits | None = None, secret: bytes | None = None) -> FastAPI:
    """The web app. ``checker`` (a PaperChecker) may be passed in; otherwise one starts on first use.

    ``limits`` (default: from the environment) caps the request size (``upload_bytes``) and the
    pages of one check (``check_pages``); ``secret`` signs the CSRF tokens (default:
    ``$RECRUITWATCH_SECRET_KEY``, else random for this process).
    """
    limits = limits or Limits.from_env()
    # Keep uploads in memory: Starlette spools an uploaded part to a temporary file once it passes
    # spool_max_size. RequestGuard refuses any request over upload_bytes while it streams in, so
    # no part can reach a spool of that size: papers people check never land on disk.
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limits.upload_bytes + 1)
    app = FastAPI(title="recruitwatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.checker = checker
    app.state.limits = limits
    app.state.secret = secret or app_secret()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(RequestGuard, max_body=limits.upload_bytes)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/check", status_code=303)

    from recruitwatch.web.views import check

    app.include_router(check.router)
    return app
