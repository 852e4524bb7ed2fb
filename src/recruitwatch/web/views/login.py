"""/login and /logout. Thin over the store's accounts (``Store.authenticate``) and web.auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from recruitwatch.accounts import FIRST_RUN_HINT
from recruitwatch.web.auth import SESSION_COOKIE, current_user, session_id
from recruitwatch.web.guard import CSRF_COOKIE, new_token, token_ok
from recruitwatch.web.i18n import gettext_for, request_lang
from recruitwatch.web.present import N_
from recruitwatch.web.views.common import render

router = APIRouter()


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form(request: Request, next_url: str, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    secret = request.app.state.secret
    token = request.cookies.get(CSRF_COOKIE)
    if not token_ok(secret, token, token):
        token = new_token(secret)
    store = request.app.state.store
    first_run = store is not None and store.count_users() == 0
    response = render(request, "login.html", request_lang(request), status_code=status_code, csrf_token=token,
                      next=next_url, error=error, first_run=first_run, first_run_hint=FIRST_RUN_HINT)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


def _t(request: Request, text: str) -> str:
    return gettext_for(request_lang(request))(text)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _form(request, _safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
):
    next_url = _safe_next(next)
    state = request.app.state
    if not token_ok(state.secret, request.cookies.get(CSRF_COOKIE), csrf_token):
        return _form(request, next_url, 403, _t(request, N_("The form expired. Please try again.")))
    address = request.client.host if request.client else "unknown"
    if state.throttle.blocked(address, username):
        return _form(request, next_url, 429, _t(request, N_("Too many failed logins. Wait a few minutes and try again.")))
    user = state.store.authenticate(username, password) if state.store is not None else None
    if user is None:
        state.throttle.failed(address, username)
        return _form(request, next_url, 401, _t(request, N_("Wrong username or password, or the account is disabled.")))
    state.throttle.succeeded(address, username)
    response = RedirectResponse(next_url, status_code=303)
    sid = state.store.create_session(user.username, policy=state.sessions)
    response.set_cookie(SESSION_COOKIE, sid, max_age=int(state.sessions.max_seconds),
                        httponly=True, samesite="lax", path="/", secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = ""):
    if current_user(request) is not None and not token_ok(request.app.state.secret,
                                                          request.cookies.get(CSRF_COOKIE), csrf_token):
        return RedirectResponse("/", status_code=303)
    if request.app.state.store is not None:
        request.app.state.store.end_session(session_id(request))  # ended on the server, not only in this browser
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
