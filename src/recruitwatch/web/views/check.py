"""/check: upload pages, get the paper-check result. Thin over ``recruitwatch.papercheck``."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from recruitwatch.papercheck.guidance import COUNTRIES, LANG_NAMES, LANGS, build_report, texts, type_label
from recruitwatch.papercheck.results import FileResult
from recruitwatch.web.guard import CSRF_COOKIE, new_token, token_ok

router = APIRouter()
MAX_FILES = 60
_start_lock = threading.Lock()
#: How many paper checks run at once; more requests wait their turn.
CONCURRENT_CHECKS = 2
_running_checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)


def _checker(request: Request):
    state = request.app.state
    with _start_lock:
        if state.checker is None:
            from recruitwatch.papercheck import PaperChecker

            state.checker = PaperChecker(limits=state.limits)
    return state.checker


def _lang(value: str | None, request: Request | None = None) -> str:
    """The language asked for, else the browser's first known language, else English."""
    if value in LANGS:
        return value
    if request is not None:
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGS:
                return code
    return "en"


def _context(request: Request, lang: str, **extra) -> dict:
    return {"request": request, "lang": lang, "ui": texts(lang)["ui"], "langs": LANG_NAMES,
            "countries": {c: texts(lang)["risks"][c]["name"] for c in COUNTRIES}, "nav_active": "/check", **extra}


def _form(request: Request, lang: str, status_code: int = 200, **extra) -> HTMLResponse:
    """The upload form, with the CSRF token in a hidden field and in a same-site cookie (a new token
    unless the browser already holds a valid one: several open tabs keep working)."""
    secret = request.app.state.secret
    token = request.cookies.get(CSRF_COOKIE)
    if not token_ok(secret, token, token):
        token = new_token(secret)
    response = request.app.state.templates.TemplateResponse(
        request, "check.html", _context(request, lang, csrf_token=token, **extra), status_code=status_code)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/check",
                        secure=request.url.scheme == "https")
    return response


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request, lang: str | None = None) -> HTMLResponse:
    return _form(request, _lang(lang, request))


@router.post("/check", response_class=HTMLResponse)
def check_upload(
    request: Request,
    files: Annotated[list[UploadFile], File()] = None,  # type: ignore[assignment]
    lang: Annotated[str, Form()] = "en",
    country: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    lang = _lang(lang)
    templates = request.app.state.templates
    if not token_ok(request.app.state.secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        return _form(request, lang, status_code=403, error=texts(lang)["ui"]["form_expired"])
    uploads = [f for f in (files or []) if f.filename]
    if not uploads:
        return _form(request, lang, status_code=400, error=texts(lang)["ui"]["no_files"])
    checker = _checker(request)
    limits = request.app.state.limits
    pages_left = limits.check_pages
    results: list[FileResult] = []
    # Checks run a few at a time (rendering and OCR are CPU-bound, and each rendered page holds up to
    # image_pixels bytes): six concurrent uploads of bomb PDFs once took the server to 6.4 GB.
    with _running_checks:
        for upload in uploads[:MAX_FILES]:
            name = upload.filename or "upload"
            data = upload.file.read()  # in memory (see create_app): the request is at most upload_bytes
            result = checker.check_file(name, data, max_pages=pages_left)
            pages_left -= len(result.pages)
            results.append(result)
    report = build_report(results, lang, country if country in COUNTRIES else None)
    ctx = _context(request, lang, results=results, report=report, label=lambda t: type_label(lang, t),
                   country=country, dropped=len(uploads) > MAX_FILES, max_files=MAX_FILES)
    return templates.TemplateResponse(request, "result.html", ctx)
