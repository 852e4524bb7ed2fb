"""What the workbench's views share: the store, the page language, rendering with labels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from recruitwatch.errors import StoreError
from recruitwatch.store import Store
from recruitwatch.web import present
from recruitwatch.web.i18n import LANGS, gettext_for, request_lang


class NoStore(Exception):
    """The app was started without a store (a paper-check-only server) or the store cannot be read."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def get_store(request: Request) -> Store:
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise NoStore("This server was started without an incident store. Start it with "
                      "`recruitwatch serve --db URL` (or after `recruitwatch init`) to see incidents.")
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def lang_of(request: Request) -> str:
    return request_lang(request)


LangDep = Annotated[str, Depends(lang_of)]


def labels(lang: str) -> dict[str, Any]:
    """Helpers every workbench template uses to show codes as words."""
    return {
        "label": lambda attr, code: present.value_label(attr, code, lang),
        "with_code": lambda attr, code: present.with_code(attr, code, lang),
        "percent": present.percent,
        "state": lambda value: present.state_label(value, lang),
    }


def render(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A workbench page: ``template`` with the language, the labels and ``context``."""
    from recruitwatch.papercheck.guidance import texts

    ctx = {"lang": lang, "nav_active": request.url.path, "langs": LANGS, "ui": texts(lang)["ui"], **labels(lang),
           **context}
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status_code)


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {key!r}")


def store_call(func, *args, **kwargs):
    """Call the store; a StoreError (an ambiguous id prefix, a broken database) becomes a 400 with its message."""
    try:
        return func(*args, **kwargs)
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from exc


def translate(lang: str):
    return gettext_for(lang)
