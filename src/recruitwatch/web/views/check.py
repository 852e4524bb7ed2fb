"""/check: upload pages, get the paper-check result. Thin over ``recruitwatch.papercheck``."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from recruitwatch.papercheck.guidance import COUNTRIES, LANG_NAMES, LANGS, build_report, texts, type_label
from recruitwatch.papercheck.results import FileResult

router = APIRouter()
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_FILES = 60
_start_lock = threading.Lock()


def _checker(request: Request):
    state = request.app.state
    with _start_lock:
        if state.checker is None:
            from recruitwatch.papercheck import PaperChecker

            state.checker = PaperChecker()
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


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request, lang: str | None = None) -> HTMLResponse:
    lang = _lang(lang, request)
    return request.app.state.templates.TemplateResponse(request, "check.html", _context(request, lang))


@router.post("/check", response_class=HTMLResponse)
def check_upload(
    request: Request,
    files: Annotated[list[UploadFile], File()] = None,  # type: ignore[assignment]
    lang: Annotated[str, Form()] = "en",
    country: Annotated[str, Form()] = "",
) -> HTMLResponse:
    lang = _lang(lang)
    templates = request.app.state.templates
    uploads = [f for f in (files or []) if f.filename]
    if not uploads:
        ctx = _context(request, lang, error=texts(lang)["ui"]["no_files"])
        return templates.TemplateResponse(request, "check.html", ctx, status_code=400)
    checker = _checker(request)
    results: list[FileResult] = []
    for upload in uploads[:MAX_FILES]:
        name = upload.filename or "upload"
        data = upload.file.read(MAX_UPLOAD_BYTES + 1)  # in memory only; never written to disk by us
        if len(data) > MAX_UPLOAD_BYTES:
            results.append(FileResult(name, error=f"{name}: file is larger than {MAX_UPLOAD_BYTES // 2**20} MB"))
            continue
        results.append(checker.check_file(name, data))
    report = build_report(results, lang, country if country in COUNTRIES else None)
    ctx = _context(request, lang, results=results, report=report, label=lambda t: type_label(lang, t),
                   country=country, dropped=len(uploads) > MAX_FILES, max_files=MAX_FILES)
    return templates.TemplateResponse(request, "result.html", ctx)
