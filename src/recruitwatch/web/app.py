"""The recruitwatch web app. ``create_app()`` builds it; views live in ``recruitwatch.web.views``.

With a store (``create_app(store=...)``, as ``recruitwatch serve`` does) it is the analysts'
workbench: the dashboard at ``/``, ``/incidents``, ``/documents`` and the JSON API under ``/api``
(schema at ``/api/openapi.json``). The paper check is at ``/check`` with or without a store.

Everything the pages need (CSS, JS) is served by the app itself: it works offline and behind
censorship. Uploaded files are checked in memory and never written to disk. Posts from other
sites, posts without the form's CSRF token and requests over the upload limit are refused
(``recruitwatch.web.guard``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from recruitwatch.accounts.sessions import SessionPolicy
from recruitwatch.limits import Limits
from recruitwatch.web import auth, i18n
from recruitwatch.web.guard import CSRF_COOKIE, RequestGuard, app_secret

HERE = Path(__file__).parent

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


def create_app(checker=None, limits: Limits | None = None, secret: bytes | None = None, store=None,
               sessions: SessionPolicy | None = None) -> FastAPI:
    """The web app. ``checker`` (a PaperChecker) may be passed in; otherwise one starts on first use.

    ``store`` (an initialised :class:`recruitwatch.store.Store`, opened once for the app) serves the
    workbench pages and the API; without one they answer 503 and ``/`` goes to the paper check.

    ``limits`` (default: from the environment) caps the request size (``upload_bytes``) and the
    pages of one check (``check_pages``); ``secret`` signs the CSRF tokens (default:
    ``$RECRUITWATCH_SECRET_KEY``, else random for this process); ``sessions`` says how long a
    login lasts (default: from the environment, see :class:`SessionPolicy`).
    """
    limits = limits or Limits.from_env()
    # Keep uploads in memory: Starlette spools an uploaded part to a temporary file once it passes
    # spool_max_size. RequestGuard refuses any request over upload_bytes while it streams in, so
    # no part can reach a spool of that size: papers people check never land on disk.
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limits.upload_bytes + 1)
    app = FastAPI(title="recruitwatch", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[i18n.context])
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_null_translations(newstyle=True)  # each page's context brings its language's callables
    app.state.templates = templates
    app.state.store = store
    from recruitwatch.web.views.dashboard import FigureCache

    app.state.figures = FigureCache()
    app.state.checker = checker
    app.state.limits = limits
    app.state.secret = secret or app_secret()
    app.state.sessions = sessions or SessionPolicy.from_env()
    app.state.throttle = auth.LoginThrottle()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(RequestGuard, max_body=limits.upload_bytes)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        asked = request.query_params.get("lang")
        if asked in i18n.LANGS and request.cookies.get(i18n.COOKIE) != asked:  # remember the workbench language
            response.set_cookie(i18n.COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True,
                                secure=request.url.scheme == "https")
        user = getattr(request.state, "user", None)
        if asked in i18n.LANGS and user is not None and user.language != asked:  # a logged-in user's choice is kept
            try:
                request.app.state.store.set_language(user.username, asked, actor=user.username)
            except Exception as exc:  # the page still answers in the asked language; only the saving failed
                logging.getLogger(__name__).warning("could not save the interface language of a user: %s",
                                                    type(exc).__name__)
        token = getattr(request.state, "csrf_new", None)
        if token:  # a page that shows a form (e.g. the nav's logout) made a new CSRF token
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/",
                                secure=request.url.scheme == "https")
        return response

    from recruitwatch.web.views import api, check, common, dashboard, documents, incidents, intake, login, review

    app.state.check_jobs = check.new_jobs(app.state)  # paper checks in the background (papercheck/jobs.py)

    @app.exception_handler(auth.LoginRequired)
    def login_required(request: Request, exc: auth.LoginRequired):
        return RedirectResponse(auth.login_url(exc.next_url), status_code=303)

    @app.exception_handler(common.NoStore)
    def no_store(request: Request, exc: common.NoStore):
        if request.url.path == "/":
            return RedirectResponse("/check", status_code=303)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.message}, status_code=503)
        return common.render(request, "error.html", i18n.request_lang(request), status_code=503, message=exc.message)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(("/api/", "/static/", "/incidents.", "/check")) or exc.status_code == 405:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return common.render(request, "error.html", i18n.request_lang(request), status_code=exc.status_code,
                             message=exc.detail)

    sub = api.create_api()
    sub.state = app.state  # one store, checker and set of limits for pages and API
    sub.add_exception_handler(common.NoStore, no_store)
    app.mount("/api", sub)
    viewer = [Depends(auth.require("view"))]  # every workbench page needs a login; the paper check does not
    app.include_router(login.router)
    app.include_router(dashboard.router, dependencies=viewer)
    app.include_router(incidents.router, dependencies=viewer)
    app.include_router(documents.router, dependencies=viewer)
    app.include_router(review.router, dependencies=viewer)
    app.include_router(intake.router, dependencies=viewer)
    app.include_router(check.router)
    return app
