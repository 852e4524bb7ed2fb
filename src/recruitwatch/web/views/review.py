"""Reviewers' actions from the workbench: the forms on an incident's page and the review queue.

Thin over :mod:`recruitwatch.review` and the store's merge/split, as the command line is: each
action checks the user's role (:func:`recruitwatch.accounts.can`), names the incident version the
form was read at (a stale form answers 409 with a message, never a 500), is recorded in the audit
trail under the user's name and clears the dashboard's figure cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from recruitwatch import review
from recruitwatch.accounts import User, can
from recruitwatch.errors import RecruitwatchError, ReviewError, StaleEdit
from recruitwatch.store import Store
from recruitwatch.web.auth import csrf_ok, require
from recruitwatch.web.i18n import gettext_for
from recruitwatch.web.present import N_
from recruitwatch.web.views.common import LangDep, StoreDep, not_found, render, store_call

router = APIRouter()

#: action -> the permission it needs (accounts.ACTIONS).
ACTIONS = {"verify": "review", "dispute": "review", "reject": "review", "accept": "review",
           "edit": "edit", "merge": "edit", "split": "edit"}
DECISIONS = {"verify": review.verify, "dispute": review.dispute, "reject": review.reject, "accept": review.accept}
DONE = {"verify": N_("Verified."), "dispute": N_("Marked as disputed."), "reject": N_("Rejected."),
        "accept": N_("Accepted: the values stand as they are."), "edit": N_("The field was changed."),
        "merge": N_("Merged into one case."), "split": N_("Split off into a case of its own."),
        "testimony": N_("The testimony was saved, encrypted. This is its incident; check it and review it here.")}


@dataclass
class Outcome:
    incident_id: str  # where to go next
    result: Any  # the library's answer: an Incident, a case id, or case ids


def perform(store: Store, incident_id: str, action: str, user: User, *, note: str | None = None,
            version: int | None = None, field: str = "", value: str = "", evidence: str | None = None,
            other: str = "") -> Outcome:
    """Do ``action`` as ``user``; raises PermissionError-like HTTP 403, ReviewError, StaleEdit or StoreError."""
    if action not in ACTIONS:
        raise HTTPException(404, f"no review action {action!r}")
    if not can(user.role, ACTIONS[action]):
        raise HTTPException(403, f"The role {user.role!r} may not {action}.")
    note = (note or "").strip() or None
    if action in DECISIONS:
        inc = DECISIONS[action](store, incident_id, actor=user.username, note=note, expected_version=version)
        return Outcome(inc.id, inc)
    if action == "edit":
        evidence = (evidence or "").strip() or None
        inc = review.edit_incident(store, incident_id, field, value, evidence=evidence, actor=user.username,
                                   expected_version=version)
        return Outcome(inc.id, inc)
    if action == "merge":
        if not other.strip():
            raise ReviewError("name the other incident's id to merge with")
        return Outcome(incident_id, store.merge_incidents(incident_id, other.strip(), actor=user.username))
    return Outcome(incident_id, store.split_incident(incident_id, actor=user.username))


def _version(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@router.post("/incidents/{incident_id}/review/{action}", include_in_schema=False)
def review_form(
    request: Request, incident_id: str, action: str, store: StoreDep, lang: LangDep,
    user: Annotated[User, Depends(require("view"))],
    csrf_token: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "", field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "", other: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "",
):
    _ = gettext_for(lang)
    if not csrf_ok(request, csrf_token):
        return incident_page(request, store, lang, incident_id, status_code=403,
                             review_error=_("The form expired. Please try again."))
    try:
        outcome = perform(store, incident_id, action, user, note=note, version=_version(version), field=field,
                          value=value, evidence=evidence, other=other)
    except StaleEdit:
        return incident_page(request, store, lang, incident_id, status_code=409, review_error=_(
            "Someone changed this incident while you were looking at it. Its current state is shown below; "
            "check it and do the action again if it is still needed."))
    except RecruitwatchError as exc:
        return incident_page(request, store, lang, incident_id, status_code=400, review_error=str(exc),
                             form={"field": field, "value": value, "evidence": evidence, "other": other,
                                   "note": note})
    request.app.state.figures.clear()
    if next.startswith("queue:") and next[6:].isdigit():
        # the case left the queue, so the next one is at the same place (a disputed case stays: skip it)
        at = int(next[6:]) + (1 if action == "dispute" else 0)
        return RedirectResponse(f"/review?i={at}&done={action}", status_code=303)
    return RedirectResponse(f"/incidents/{outcome.incident_id}?done={action}#review", status_code=303)


def incident_page(request: Request, store: Store, lang: str, incident_id: str, status_code: int = 200,
                  template: str = "incident.html", **extra: Any) -> HTMLResponse:
    """An incident with its fields, sources, review forms (as the user's role allows) and history."""
    from recruitwatch.web import present

    incident = store_call(store.get_incident, incident_id)
    if incident is None:
        raise not_found("incident", incident_id)
    case = store_call(store.get_case, incident.id)
    ids = {incident.document_id} | {e.document_id for e in incident.evidence if e.document_id}
    docs = {d: store.get_document(d) for d in ids}
    try:
        entries = review.history(store, incident.id, limit=100)
    except RecruitwatchError:
        entries = []
    done = request.query_params.get("done")
    return render(request, template, lang, status_code=status_code, incident=incident, case=case,
                  fields=present.field_views(incident, lang), sources=present.sources_text(incident, docs),
                  document=docs.get(incident.document_id), history=entries, editable=review.EDITABLE_FIELDS,
                  done=gettext_for(lang)(DONE[done]) if done in DONE else None, **extra)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_queue_page(request: Request, store: StoreDep, lang: LangDep,
                      user: Annotated[User, Depends(require("review"))], i: int = 0) -> HTMLResponse:
    """The review queue, one case at a time, least confident first (keys: web/static/review.js)."""
    remaining = store_call(store.count_review_queue)
    at = max(0, min(i, remaining - 1)) if remaining else 0
    found = store_call(review.review_queue, store, limit=1, offset=at) if remaining else []
    done = request.query_params.get("done")
    if not found:
        return render(request, "review_empty.html", lang, remaining=remaining,
                      done=gettext_for(lang)(DONE[done]) if done in DONE else None)
    return incident_page(request, store, lang, found[0].id, template="review.html", queue=True, position=at,
                         remaining=remaining, prev_url=f"/review?i={at - 1}" if at > 0 else None,
                         next_url=f"/review?i={at + 1}" if at + 1 < remaining else None)
