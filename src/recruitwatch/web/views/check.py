"""/check: upload pages, get the paper-check result. Thin over ``recruitwatch.papercheck``.

Every check runs as a job (:mod:`recruitwatch.papercheck.jobs`: a bounded queue, two workers, the
papers in memory only). A check of at most :data:`DIRECT_PAGES` pages answers with its result
in the same request, as before; a longer one answers at once with ``/check/jobs/{id}``, a page
that shows its progress (htmx polls ``/check/jobs/{id}/progress``; without JavaScript the page
reloads itself) and then the result. A job answers only to the browser that started it (the
``rw_check`` cookie: random, HttpOnly, SameSite=Strict; the job keeps its SHA-256).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import zlib
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from recruitwatch.papercheck.guidance import COUNTRIES, LANG_NAMES, LANGS, build_report, texts, type_label
from recruitwatch.papercheck.jobs import CheckBusy, CheckJob, CheckJobs, count_pages
from recruitwatch.papercheck.results import PAGE_TYPES, FileResult, PageResult
from recruitwatch.web.guard import CSRF_COOKIE, new_token, token_ok

router = APIRouter()
MAX_FILES = 60
_start_lock = threading.Lock()
#: How many paper checks run at once (each a worker thread); more wait in a bounded queue.
CONCURRENT_CHECKS = 2
#: A check of at most this many pages answers in the request; a longer one becomes a job page.
DIRECT_PAGES = 4
#: The cookie that binds a browser to its checks (random; the jobs keep its SHA-256).
OWNER_COOKIE = "rw_check"
#: How often the job page asks for progress (htmx), and reloads itself without JavaScript.
POLL_SECONDS = 1


def checker_of(state):
    """The app's PaperChecker, started on first use."""
    with _start_lock:
        if state.checker is None:
            from recruitwatch.papercheck import PaperChecker

            state.checker = PaperChecker(limits=state.limits)
    return state.checker


def _checker(request: Request):
    return checker_of(request.app.state)


def new_jobs(state) -> CheckJobs:
    """The job queue of an app (``app.state.check_jobs``): its checker, its limits."""
    return CheckJobs(lambda: checker_of(state), state.limits, workers=CONCURRENT_CHECKS)


def owner_of(request: Request) -> tuple[str, str | None]:
    """(the owner key of this browser's checks, a new cookie value to set or None)."""
    value = request.cookies.get(OWNER_COOKIE, "")
    new = None
    if len(value) < 32:
        value = new = secrets.token_urlsafe(32)
    return hashlib.sha256(value.encode()).hexdigest(), new


def set_owner(request: Request, response: Response, new: str | None) -> None:
    if new:
        response.set_cookie(OWNER_COOKIE, new, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")


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
    ui = texts(lang)["ui"]
    files = [(u.filename or "upload", u.file.read()) for u in uploads[:MAX_FILES]]  # in memory (see create_app)
    jobs: CheckJobs = request.app.state.check_jobs
    total = count_pages(files, request.app.state.limits)
    owner, new_owner = owner_of(request)
    country = country if country in COUNTRIES else ""
    try:
        job = jobs.submit(owner, files, total_pages=total, views=True,
                          meta={"lang": lang, "country": country, "dropped": len(uploads) > MAX_FILES})
    except CheckBusy:
        response = _form(request, lang, status_code=503, error=ui["busy"])
        response.headers["Retry-After"] = "60"
        return response
    del files
    if total <= DIRECT_PAGES or not getattr(request.app.state, "check_background", True):
        # a few pages (or a server of several processes, web/factory.py): the result in this answer
        job.finished.wait()
        response = _job_result(request, lang, job, csrf_token)
    else:
        response = RedirectResponse(f"/check/jobs/{job.id}?lang={lang}", status_code=303)
    set_owner(request, response, new_owner)
    return response


def _job_result(request: Request, lang: str, job: CheckJob, csrf_token: str) -> HTMLResponse:
    if job.error:
        return _form(request, lang, status_code=500, error=job.error)
    return _result(request, lang, job.results, job.meta.get("country", ""), job.meta.get("dropped", False),
                   csrf_token, job_id=job.id)


def _gone(request: Request, lang: str) -> str:
    minutes = max(1, round(request.app.state.check_jobs.ttl / 60))
    return texts(lang)["ui"]["job_gone"].format(minutes=minutes)


@router.get("/check/jobs/{job_id}", response_class=HTMLResponse)
def check_job(request: Request, job_id: str, lang: str | None = None) -> HTMLResponse:
    """A background check: its progress while it runs, then its result (to the browser that started it)."""
    job = request.app.state.check_jobs.get(job_id, owner_of(request)[0])
    lang = _lang(lang or (job.meta.get("lang") if job else None), request)
    if job is None:
        return _form(request, lang, status_code=404, error=_gone(request, lang))
    if job.done:
        secret = request.app.state.secret
        token = request.cookies.get(CSRF_COOKIE)
        if not token_ok(secret, token, token):
            token = new_token(secret)
        response = _job_result(request, lang, job, token)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/check",
                            secure=request.url.scheme == "https")
        return response
    return request.app.state.templates.TemplateResponse(
        request, "check_job.html", _context(request, lang, job=job, poll=POLL_SECONDS))


@router.get("/check/jobs/{job_id}/progress", response_class=HTMLResponse)
def check_job_progress(request: Request, job_id: str, lang: str | None = None) -> Response:
    """The job page's progress line (an htmx fragment); once the check is done, htmx loads the result page."""
    lang = _lang(lang, request)
    job = request.app.state.check_jobs.get(job_id, owner_of(request)[0])
    if job is None:  # 286: htmx stops polling
        return HTMLResponse(f'<p class="error" role="alert">{_escape(_gone(request, lang))}</p>', status_code=286)
    if job.done:
        return Response(status_code=200, headers={"HX-Redirect": f"/check/jobs/{job.id}?lang={lang}"})
    return request.app.state.templates.TemplateResponse(
        request, "_check_progress.html", _context(request, lang, job=job, poll=POLL_SECONDS))


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _result(request: Request, lang: str, results: list[FileResult], country: str, dropped: bool,
            csrf_token: str, job_id: str = "", images_gone: bool = False) -> HTMLResponse:
    country = country if country in COUNTRIES else ""
    report = build_report(results, lang, country or None)
    state = pack_state(request.app.state.secret, results, country, dropped)
    pages = sum(len(r.pages) for r in results)
    capped = pages > request.app.state.limits.check_images and any(p.view for r in results for p in r.pages)
    ctx = _context(request, lang, results=results, report=report, label=lambda t: type_label(lang, t),
                   country=country, dropped=dropped, max_files=MAX_FILES, csrf_token=csrf_token, state=state,
                   data_uri=data_uri, marked=marked_phrases, images_capped=capped,
                   max_images=request.app.state.limits.check_images, job_id=job_id, images_gone=images_gone,
                   job_minutes=max(1, round(request.app.state.check_jobs.ttl / 60)))
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
    job: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The same result in another language: from the check itself while it is kept in memory (page
    images and boxes included; only for the browser that made it), else from the signed summary the
    result page posts back (the verdicts without the images)."""
    lang = _lang(lang)
    if not token_ok(request.app.state.secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        return _form(request, lang, status_code=403, error=texts(lang)["ui"]["form_expired"])
    kept = request.app.state.check_jobs.get(job, owner_of(request)[0]) if job else None
    if kept is not None and kept.done and not kept.error:
        return _job_result(request, lang, kept, csrf_token)
    unpacked = unpack_state(request.app.state.secret, state)
    if unpacked is None:
        return _form(request, lang, status_code=400, error=texts(lang)["ui"]["form_expired"])
    results, country, dropped = unpacked
    return _result(request, lang, results, country, dropped, csrf_token, images_gone=bool(job))
