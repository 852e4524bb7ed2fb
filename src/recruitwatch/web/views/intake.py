"""/testimony/new: a documenter records a testimony (role "intake": analyst and admin).

The person's details, their consent and the account are sealed by ``Store.add_testimony``
(docs/encryption.md); nothing of them is logged, echoed in a message or put in a URL, and the
confirmation shows ids only. "Pre-fill" (htmx) runs the extractor on the account in memory
(``pipeline.analyse`` on a testimony Document; nothing is stored) and shows the incident fields
it found for the documenter to correct; saving stores the incidents as checked.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from recruitwatch.accounts import User
from recruitwatch.crypto.errors import KeyNotConfigured
from recruitwatch.errors import RecruitwatchError
from recruitwatch.records import Document, Evidence, Incident, PersonDetails
from recruitwatch.review import parse_value
from recruitwatch.store import IncidentFilter, Store
from recruitwatch.web.auth import csrf_ok, require
from recruitwatch.web.i18n import gettext_for
from recruitwatch.web.present import N_
from recruitwatch.web.views.common import LangDep, StoreDep, render

router = APIRouter()
INTAKE = Depends(require("intake"))
#: The fields of an incident the form shows, in order (comma-separated codes for lists).
FIELDS = ("date", "places", "nationalities", "status", "count", "actors", "tactics", "outcome")
#: Languages a testimony may be in (the extractor's).
TESTIMONY_LANGS = {"ru": "Русский", "en": "English", "uz": "Oʻzbek", "tg": "Тоҷикӣ", "ky": "Кыргызча", "kk": "Қазақша"}
MAX_INCIDENTS = 20
NO_KEY = N_("No master key is configured, so testimonies cannot be stored encrypted. An administrator creates one "
            "on the server with `recruitwatch keys init` (see docs/encryption.md) and restarts the workbench.")


def key_problem(store: Store, lang: str) -> str | None:
    """A message when no master key is configured (testimonies cannot be sealed), else None."""
    try:
        store.keyring  # noqa: B018 - loads the key or raises
    except KeyNotConfigured:
        return gettext_for(lang)(NO_KEY)
    return None


def _form(request: Request, store: Store, lang: str, status_code: int = 200, error: str | None = None):
    return render(request, "testimony.html", lang, status_code=status_code, error=error,
                  key_error=key_problem(store, lang), today=date.today().isoformat(), langs_t=TESTIMONY_LANGS,
                  max_upload=request.app.state.limits.upload_bytes)


@router.get("/testimony/new", response_class=HTMLResponse, include_in_schema=False)
def testimony_form(request: Request, store: StoreDep, lang: LangDep, user: Annotated[User, INTAKE]) -> HTMLResponse:
    return _form(request, store, lang)


def _shown(inc: Incident) -> dict[str, str]:
    out = {}
    for f in FIELDS:
        v = getattr(inc, f)
        out[f] = ", ".join(v) if isinstance(v, list) else ("" if v is None or v == "unknown" else str(v))
    return out


@router.post("/testimony/prefill", response_class=HTMLResponse, include_in_schema=False)
def prefill(request: Request, lang: LangDep, user: Annotated[User, INTAKE],
            account: Annotated[str, Form()] = "", text_lang: Annotated[str, Form()] = "",
            csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    """The extractor's incidents for the account, as editable fields (an htmx fragment; nothing stored)."""
    from recruitwatch.pipeline import analyse

    _ = gettext_for(lang)
    if not csrf_ok(request, csrf_token):
        return render(request, "_prefill.html", lang, status_code=403, error=_("The form expired. Please try again."),
                      rows=[])
    if not account.strip():
        return render(request, "_prefill.html", lang, status_code=400, error=_("Write or paste the account first."),
                      rows=[])
    analysis = analyse(Document(id="prefill", origin="testimony:prefill", text=account, kind="testimony",
                                lang=text_lang if text_lang in TESTIMONY_LANGS else None))
    rows = []
    for inc in analysis.incidents[:MAX_INCIDENTS]:
        # offsets only: the words are in the account on the same page, never sent back a second time
        spans = [{"field": e.field, "value": e.value, "start": e.start, "end": e.end, "confidence": e.confidence}
                 for e in inc.evidence]
        rows.append({"values": _shown(inc), "spans": json.dumps(spans), "confidence": inc.confidence})
    return render(request, "_prefill.html", lang, rows=rows, fields=FIELDS, error=None)


def checked_incidents(form, text: str) -> list[Incident] | None:
    """The incidents of the pre-fill step as the documenter left them (None: no pre-fill was done)."""
    if form.get("prefilled") != "1":
        return None
    out = []
    for n in range(MAX_INCIDENTS):
        if form.get(f"inc-{n}-keep") != "1":
            continue
        values = {f: parse_value(f, form.get(f"inc-{n}-{f}", "")) for f in FIELDS}
        date_value, precision = values.pop("date")
        shown = {f: (v if isinstance(v, list) else [str(v)] if v is not None else []) for f, v in values.items()}
        if date_value:
            shown["date"] = [date_value]
        evidence = []
        try:
            spans = json.loads(form.get(f"inc-{n}-spans", "[]"))
        except ValueError:
            spans = []
        for s in spans if isinstance(spans, list) else []:
            try:
                start, end, field_, value = int(s["start"]), int(s["end"]), str(s["field"]), str(s["value"])
            except (KeyError, TypeError, ValueError):
                continue
            if not 0 <= start < end <= len(text):
                continue
            if field_ != "summary" and value not in shown.get(field_, []):
                continue  # the documenter changed this value: its span no longer supports it
            evidence.append(Evidence(field_, value, start, end, text[start:end], "", 1.0))
        confidences = [e.confidence for e in evidence if e.field != "summary" and e.confidence is not None]
        out.append(Incident(document_id="", date=date_value, date_precision=precision, evidence=evidence,
                            confidence=min(confidences) if confidences else None,
                            **{f: v for f, v in values.items()}))
    return out


@router.post("/testimony", include_in_schema=False)
async def save_testimony(request: Request, store: StoreDep, lang: LangDep, user: Annotated[User, INTAKE],
                         attachments: Annotated[list[UploadFile], File()] = None):  # type: ignore[assignment]
    _ = gettext_for(lang)
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf_token", ""))):
        return _form(request, store, lang, 403, _("The form expired. Please try again."))
    text = str(form.get("account", ""))
    consent = str(form.get("consent", "")).strip()
    if not consent:
        return _form(request, store, lang, 400, _("Record what the person agreed to (consent): nothing was stored."))
    if not text.strip():
        return _form(request, store, lang, 400, _("The account is empty: nothing was stored."))
    person = PersonDetails(
        name=str(form.get("name", "")).strip(),
        contacts=[c.strip() for c in str(form.get("contacts", "")).splitlines() if c.strip()],
        birth_date=str(form.get("birth_date", "")).strip() or None,
        address=str(form.get("address", "")).strip() or None,
        consent=consent, consent_date=str(form.get("consent_date", "")).strip() or None)
    files = [(u.filename or "attachment", await u.read()) for u in (attachments or []) if u.filename]
    text_lang = str(form.get("text_lang", ""))
    try:
        incidents = checked_incidents(form, text)
        # sealing and extracting are slow work: in the thread pool, so the server goes on answering meanwhile
        # (and a long account is read window by window in this thread: no process is forked from the server)
        doc_id = await run_in_threadpool(
            store.add_testimony, text, person, consent=consent, attachments=files, actor=user.username,
            lang=text_lang if text_lang in TESTIMONY_LANGS else None, incidents=incidents)
    except KeyNotConfigured:
        return _form(request, store, lang, 503, key_problem(store, lang))
    except RecruitwatchError as exc:
        # the library's messages name fields and limits, never the person's details
        return _form(request, store, lang, 400, _("Nothing was stored: %(problem)s") % {"problem": str(exc)})
    request.app.state.figures.clear()
    found = store.list_incidents(IncidentFilter(document_id=doc_id), limit=1)
    if found:  # ids only in the address: the new incident, which links its (sealed) document
        return RedirectResponse(f"/incidents/{found[0].id}?done=testimony#review", status_code=303)
    return RedirectResponse(f"/testimony/saved/{doc_id}", status_code=303)


@router.get("/testimony/saved/{document_id}", response_class=HTMLResponse, include_in_schema=False)
def saved(request: Request, document_id: str, store: StoreDep, lang: LangDep,
          user: Annotated[User, INTAKE]) -> HTMLResponse:
    """The confirmation: the testimony's document id and its incidents' ids, nothing else."""
    incidents = store.list_incidents(IncidentFilter(document_id=document_id), limit=500)
    return render(request, "testimony_saved.html", lang, document_id=document_id, incident_ids=[i.id for i in incidents])
