"""The workbench's interface language: gettext catalogues in ``web/locale/<lang>/LC_MESSAGES/messages.po``.

The ``.po`` sources are in the repository; each is compiled in memory on first use (Babel's
``write_mo``), so no binary ``.mo`` file is kept. Templates use ``{% trans %}`` and ``_()`` from
``jinja2.ext.i18n``; the callables are put into each page's context (:func:`context`), so one
process serves English and Russian at once. ``?lang=ru`` switches and is remembered in a cookie
(for a logged-in user, saved as their setting). The paper check keeps its own six-language texts.
"""

from __future__ import annotations

import gettext
import io
import threading
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from starlette.requests import Request

LOCALES = Path(__file__).parent / "locale"
#: The workbench's languages, with their names in themselves.
LANGS = {"en": "English", "ru": "Русский"}
COOKIE = "rw_lang"
_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English is the source language: no catalogue)."""
    if lang not in LANGS or lang == "en":
        return gettext.NullTranslations()
    with _lock:
        if lang not in _catalogues:
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
                catalogue = read_po(po, locale=lang)
            buffer = io.BytesIO()
            write_mo(buffer, catalogue)
            buffer.seek(0)
            _catalogues[lang] = gettext.GNUTranslations(buffer)
        return _catalogues[lang]


def request_lang(request: Request) -> str:
    """``?lang=`` if it names a workbench language, else the logged-in user's language, else the
    cookie, else the browser's first known language."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    from recruitwatch.web.auth import current_user

    try:
        user = current_user(request)
    except Exception:
        user = None
    if user is not None and user.language in LANGS:
        return user.language
    saved = request.cookies.get(COOKIE)
    if saved in LANGS:
        return saved
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "en"


def _newstyle(func):
    """A gettext callable as jinja2's new-style gettext: escaped under autoescape, %(name)s filled in."""

    @pass_context
    def call(__context, __string, **variables):
        rv = func(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables if variables else rv

    return call


def _newstyle_plural(func):
    @pass_context
    def call(__context, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        rv = func(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    return call


def context(request: Request) -> dict:
    """Template context for every page (a Jinja2Templates context processor): the gettext callables
    of the request's workbench language, and that language as ``wb_lang``."""
    lang = request_lang(request)
    t = translations(lang)
    gettext_ = _newstyle(t.gettext)
    from recruitwatch.accounts import can
    from recruitwatch.web.auth import csrf_token, current_user

    user = _quiet_user(request, current_user)
    return {"wb_lang": lang, "wb_langs": LANGS, "gettext": gettext_, "_": gettext_, "current_user": user,
            "may": lambda action: user is not None and can(user.role, action), "csrf": lambda: csrf_token(request),
            "ngettext": _newstyle_plural(t.ngettext), "lang_url": lambda code: lang_url(request, code)}


def lang_url(request: Request, code: str) -> str:
    """This page in another language: the same path and query, ``lang`` replaced."""
    url = request.url.include_query_params(lang=code)
    return url.path + ("?" + url.query if url.query else "")


def gettext_for(lang: str):
    """A plain gettext function for ``lang`` (for texts built in Python, e.g. messages about filters)."""
    return translations(lang).gettext


def _quiet_user(request: Request, current_user):
    try:
        return current_user(request)
    except Exception:
        return None
