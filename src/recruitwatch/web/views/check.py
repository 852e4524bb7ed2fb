"""/check: upload pages, get the paper-check result. Thin over ``recruitwatch.papercheck``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import zlib
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from recruitwatch.papercheck.check import PageViews
from recruitwatch.papercheck.guidance import COUNTRIES, LANG_NAMES, LANGS, build_report, texts, type_label
from recruitwatch.papercheck.results import PAGE_TYPES, FileResult, PageResult
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
    if not token_ok(request.app.state.secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        return _form(request, lang, status_code=403, error=texts(lang)["ui"]["form_expired"])
    uploads = [f for f in (files or []) if f.filename]
    if not uploads:
        return _form(request, lang, status_code=400, error=texts(lang)["ui"]["no_files"])
    checker = _checker(request)
    limits = request.app.state.limits
    pages_left = limits.check_pages
    results: list[FileResult] = []
    # page images with the deciding words boxed, encoded in memory and shown inline; never on disk
    views = PageViews(limits.check_images)
    # Checks run a few at a time (rendering and OCR are CPU-bound, and each rendered page holds up to
    # image_pixels bytes): six concurrent uploads of bomb PDFs once took the server to 6.4 GB.
    with _running_checks:
        for upload in uploads[:MAX_FILES]:
            name = upload.filename or "upload"
            data = upload.file.read()  # in memory (see create_app): the request is at most upload_bytes
            result = checker.check_file(name, data, max_pages=pages_left, views=views)
            pages_left -= len(result.pages)
            results.append(result)
    return _result(request, lang, results, country, len(uploads) > MAX_FILES, csrf_token)


def _result(request: Request, lang: str, results: list[FileResult], country: str, dropped: bool,
            csrf_token: str) -> HTMLResponse:
    country = country if country in COUNTRIES else ""
    report = build_report(results, lang, country or None)
    state = pack_state(request.app.state.secret, results, country, dropped)
    pages = sum(len(r.pages) for r in results)
    capped = pages > request.app.state.limits.check_images and any(p.view for r in results for p in r.pages)
    ctx = _context(request, lang, results=results, report=report, label=lambda t: type_label(lang, t),
                   country=country, dropped=dropped, max_files=MAX_FILES, csrf_token=csrf_token, state=state,
                   data_uri=data_uri, marked=marked_phrases, images_capped=capped,
                   max_images=request.app.state.limits.check_images)
    return request.app.state.templates.TemplateResponse(request, "result.html", ctx)


def data_uri(view) -> str:
    """A page image as a ``data:`` URI: shown inline (the CSP allows ``img-src data:``), never stored."""
    return f"data:{view.mime};base64,{base64.b64encode(view.data).decode('ascii')}"


def marked_phrases(page: PageResult) -> list[str]:
    """The phrases boxed on a page, each once, in the order they were boxed."""
    return list(dict.fromkeys(b.phrase for b in page.boxes))


#: the most a result summary may weigh when posted back (a full check of 60 files fits well inside)
MAX_STATE = 200_000
_STATE_KEY = b"papercheck-result-v1|"


def _sign(secret: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, _STATE_KEY + body, hashlib.sha256).digest()[:16]).decode()


def pack_state(secret: bytes, results: list[FileResult], country: str, dropped: bool) -> str:
    """A signed, compact summary of the verdicts, so the result can be shown again in another language
    without keeping the papers anywhere: per page only its number, type, flags, certainty and up to four
    decisive words. No image, no page text."""
    files = [[r.file, r.error, [[p.page, p.type, int(p.military), round(p.confidence, 3), p.cues[:4], int(p.readable),
                                  int(p.mentions_military)] for p in r.pages]] for r in results]
    raw = json.dumps([files, country, int(dropped)], ensure_ascii=False, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(zlib.compress(raw, 9))
    return f"{body.decode()}.{_sign(secret, body)}"


def unpack_state(secret: bytes, state: str) -> tuple[list[FileResult], str, bool] | None:
    """The results from :func:`pack_state`, or None if the summary was altered, forged or malformed."""
    body, _, sig = state.encode().rpartition(b".")
    if not body or len(state) > MAX_STATE or not hmac.compare_digest(_sign(secret, body).encode(), sig):
        return None
    try:
        files, country, dropped = json.loads(zlib.decompressobj().decompress(base64.urlsafe_b64decode(body), MAX_STATE * 8))
        results = [FileResult(name, [PageResult(name, n, t, bool(m), float(c), [str(x) for x in cues], readable=bool(rd),
                                                mentions_military=bool(mm))
                                     for n, t, m, c, cues, rd, mm in pages], error)
                   for name, error, pages in files]
    except (ValueError, TypeError, zlib.error):
        return None
    if any(p.type not in PAGE_TYPES for r in results for p in r.pages):
        return None
    return results, str(country), bool(dropped)


@router.post("/check/lang", response_class=HTMLResponse)
def check_relang(
    request: Request,
    lang: Annotated[str, Form()] = "en",
    state: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The same result in another language, from the signed summary the result page posts back."""
    lang = _lang(lang)
    if not token_ok(request.app.state.secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        return _form(request, lang, status_code=403, error=texts(lang)["ui"]["form_expired"])
    unpacked = unpack_state(request.app.state.secret, state)
    if unpacked is None:
        return _form(request, lang, status_code=400, error=texts(lang)["ui"]["form_expired"])
    results, country, dropped = unpacked
    return _result(request, lang, results, country, dropped, csrf_token)
