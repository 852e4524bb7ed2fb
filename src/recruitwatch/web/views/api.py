"""/api: the JSON API over the same store calls as the pages, with its OpenAPI schema at /api/openapi.json.

A sub-application, so the schema lists the API only (the HTML pages stay out of it). Filters are
the list page's query parameters (:mod:`recruitwatch.web.filters`); an unknown place, country or
code answers 422 with the codes that come close, never an empty list.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from recruitwatch.accounts import User
from recruitwatch.errors import RecruitwatchError, StaleEdit
from recruitwatch.records import Document, Incident
from recruitwatch.review import EDITABLE_FIELDS
from recruitwatch.web import filters
from recruitwatch.web.auth import require
from recruitwatch.web.views.common import StoreDep, not_found, store_call
from recruitwatch.web.views.documents import MAX_HITS, document_view
from recruitwatch.web.views.incidents import _page, documents_of

API_VERSION = "1"
#: Refusals every authenticated route can answer with.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no session and no valid API token (`Authorization: Bearer TOKEN`)"},
    403: {"description": "the user's role may not do this"},
}


class EvidenceOut(BaseModel):
    field: str
    value: str
    start: int
    end: int
    text: str
    document_id: str = ""
    confidence: float | None = None


class SourceRef(BaseModel):
    id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


class IncidentOut(BaseModel):
    id: str
    case_id: str
    document_id: str
    date: str | None = None
    date_precision: str | None = None
    places: list[str] = []
    place_names: list[str] = []
    nationalities: list[str] = []
    status: str
    count: int | None = None
    actors: list[str] = []
    tactics: list[str] = []
    outcome: str
    summary: str = ""
    verification: str
    sensitivity: str
    confidence: float | None = None
    field_confidence: dict[str, float] = {}
    evidence: list[EvidenceOut] = []
    document: SourceRef | None = None


class IncidentPage(BaseModel):
    total: int = Field(description="incidents matching the filter, over all pages")
    page: int
    per_page: int
    filter: dict[str, str]
    incidents: list[IncidentOut]


class CaseOut(BaseModel):
    incident: IncidentOut
    members: list[IncidentOut]
    sources: list[SourceRef]
    independent_sources: int = Field(description="groups of sources that are independent of each other")
    links: list[dict[str, Any]]


class DocumentOut(BaseModel):
    id: str
    origin: str
    kind: str
    lang: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    relevance: float | None = None
    relevant: bool | None = None
    reasons: list[str] = []
    text: str | None = None


class DocumentHit(BaseModel):
    document: DocumentOut
    snippet: str
    rank: float


class DocumentSearch(BaseModel):
    query: str
    hits: list[DocumentHit]


class DocumentDetail(BaseModel):
    document: DocumentOut
    group_id: str
    group: list[DocumentOut] = Field(description="near-duplicates of the document, canonical first (without text)")
    origins: list[dict[str, Any]]
    incidents: list[IncidentOut]


class Stats(BaseModel):
    documents: int
    relevant_documents: int
    incidents: int
    corroborated: int
    incident_reports: int
    evidence: int
    failures: int
    languages: dict[str, int]
    kinds: dict[str, int]
    breakdowns: dict[str, list[tuple[str, int]]]


class DecisionIn(BaseModel):
    note: str | None = Field(None, description="why; kept in the audit trail")
    expected_version: int | None = Field(None, description="the incident's `version` as read; 409 if it changed since")


class EditIn(BaseModel):
    field: str = Field(description="one of " + ", ".join(EDITABLE_FIELDS))
    value: str = Field(description="codes or names; several separated by commas; '-' clears")
    evidence: str | None = Field(None, description="the source's words supporting the value, quoted exactly")
    expected_version: int | None = None


class MergeIn(BaseModel):
    other: str = Field(description="id (or unambiguous prefix) of the incident of the same case")


class MergeOut(BaseModel):
    case_id: str


class SplitOut(BaseModel):
    case_ids: list[str]


class Problem(BaseModel):
    param: str
    value: str
    message: str
    suggestions: list[tuple[str, str]]


def incident_out(inc: Incident, doc: Document | None = None) -> IncidentOut:
    from recruitwatch.taxonomy.places import place_name

    data = inc.to_dict()
    data["place_names"] = [place_name(p) for p in inc.places]
    data["field_confidence"] = inc.field_confidence()
    data["document"] = SourceRef(id=doc.id, title=doc.title, outlet=doc.outlet, url=doc.url,
                                 published=doc.published) if doc else None
    return IncidentOut(**data)


def document_out(doc: Document, *, text: bool = True) -> DocumentOut:
    data = {k: v for k, v in doc.to_dict().items() if k in DocumentOut.model_fields}
    if not text:
        data["text"] = None
    return DocumentOut(**data)


def create_api() -> FastAPI:
    api = FastAPI(title="recruitwatch API", version=API_VERSION, openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, description="Incidents, documents and figures of a recruitwatch store, and "
                  "reviewers' actions on incidents. Authenticate with `Authorization: Bearer TOKEN` (a token "
                  "from `recruitwatch users token NAME`) or a workbench session; reading needs the role "
                  "viewer or up, verify/dispute/reject/accept reviewer or up, edit/merge/split analyst or up. "
                  "`/check` (the paper check) needs no account.")
    view = [Depends(require("view"))]

    @api.get("/incidents", response_model=IncidentPage, dependencies=view,
             responses={**AUTH_RESPONSES, 422: {"model": list[Problem]}})
    def list_incidents(
        request: Request, store: StoreDep,
        q: str | None = Query(None, description="full-text search over evidence, summary and codes"),
        date_from: str | None = Query(None, description="YYYY, YYYY-MM or YYYY-MM-DD"),
        date_to: str | None = None,
        place: str | None = Query(None, description="ISO 3166-2 or country code, or a place name (RU matches every Russian region)"),
        nationality: str | None = Query(None, description="ISO 3166-1 alpha-2 code or country name"),
        status: str | None = None, tactic: str | None = None, actor: str | None = None, outcome: str | None = None,
        verification: str | None = None, conf_min: float | None = None, conf_max: float | None = None,
        page: int = Query(1, ge=1), per_page: int = Query(filters.PER_PAGE, ge=1, le=filters.MAX_PER_PAGE),
    ) -> IncidentPage:
        query = filters.parse(request.query_params)
        if query.problems:
            raise HTTPException(422, [Problem(param=p.param, value=p.value, message=p.message,
                                              suggestions=p.suggestions[:10]).model_dump() for p in query.problems])
        found, total = _page(store, query, getattr(request.app.state, "figures", None))
        docs = documents_of(store, found)
        return IncidentPage(total=total, page=query.page, per_page=query.per_page, filter=query.facets,
                            incidents=[incident_out(i, docs.get(i.document_id)) for i in found])

    @api.get("/incidents/{incident_id}", response_model=CaseOut, dependencies=view,
             responses={**AUTH_RESPONSES})
    def get_incident(incident_id: str, store: StoreDep) -> CaseOut:
        case = store_call(store.get_case, incident_id)
        if case is None:
            raise not_found("incident", incident_id)
        docs = {s.document_id: None for s in case.sources}
        docs.update(documents_of(store, case.members))
        return CaseOut(
            incident=incident_out(case.incident, docs.get(case.incident.document_id)),
            members=[incident_out(m, docs.get(m.document_id)) for m in case.members],
            sources=[SourceRef(id=s.document_id, title=s.title, outlet=s.outlet, url=s.url, published=s.published)
                     for s in case.sources],
            independent_sources=len(case.independent),
            links=[link.to_dict() for link in case.links],
        )

    @api.get("/documents", response_model=DocumentSearch, dependencies=view,
             responses={**AUTH_RESPONSES})
    def search_documents(store: StoreDep, q: str = Query(..., min_length=1), limit: int = Query(20, ge=1, le=MAX_HITS)):
        hits = store_call(store.search_documents, q, limit=limit)
        return DocumentSearch(query=q, hits=[DocumentHit(document=document_out(h.document, text=False), snippet=h.snippet,
                                                         rank=h.rank) for h in hits])

    @api.get("/documents/{document_id}", response_model=DocumentDetail, dependencies=view,
             responses={**AUTH_RESPONSES})
    def get_document(document_id: str, store: StoreDep) -> DocumentDetail:
        doc, group, incidents = document_view(store, document_id)
        origins = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in o.items()} for o in group.origins]
        return DocumentDetail(document=document_out(doc), group_id=group.group_id,
                              group=[document_out(d, text=False) for d in group.members], origins=origins,
                              incidents=[incident_out(i, doc) for i in incidents])

    @api.get("/stats", response_model=Stats, dependencies=view,
             responses={**AUTH_RESPONSES})
    def stats(store: StoreDep) -> Stats:
        figures = store_call(store.stats)
        _, breakdowns = store_call(store.incident_figures, ("month", "place", "nationality", "tactic", "actor", "outcome",
                                                            "verification"))
        return Stats(**figures, breakdowns=breakdowns)

    write_responses = {**AUTH_RESPONSES, 400: {"description": "an invalid value, evidence not in the sources, "
                                                                 "an unknown incident"},
                       409: {"description": "the incident changed since `expected_version`; read it again"}}

    def writer(action: str):
        """The user, when allowed ``action``; a browser session (no token) must send JSON, which another
        site's form cannot, so a session cookie alone cannot be used for a cross-site write."""
        from recruitwatch.web.views.review import ACTIONS

        role_check = require(ACTIONS[action])

        def dependency(request: Request) -> User:
            user = role_check(request)
            if not request.headers.get("authorization", "").lower().startswith("bearer ") and \
                    request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                raise HTTPException(415, "Send the body as application/json.")
            return user

        return dependency

    def act(store, incident_id: str, action: str, user: User, **kwargs):
        from recruitwatch.web.views.review import perform

        try:
            outcome = perform(store, incident_id, action, user, **kwargs)
        except StaleEdit as exc:
            raise HTTPException(409, str(exc)) from exc
        except RecruitwatchError as exc:
            raise HTTPException(400, str(exc)) from exc
        api.state.figures.clear()
        return outcome

    def decision_route(action: str):
        def decide(incident_id: str, body: DecisionIn, store: StoreDep,
                   user: User = Depends(writer(action))) -> IncidentOut:
            outcome = act(store, incident_id, action, user, note=body.note, version=body.expected_version)
            return incident_out(outcome.result)

        decide.__name__ = f"{action}_incident"
        decide.__doc__ = {"verify": "Mark the case verified (reviewer or up).",
                          "dispute": "Mark the case disputed (reviewer or up).",
                          "reject": "Mark the case rejected: not an incident (reviewer or up).",
                          "accept": "Accept the machine's values as they are (reviewer or up)."}[action]
        api.post(f"/incidents/{{incident_id}}/{action}", response_model=IncidentOut, responses=write_responses)(decide)

    for name in ("verify", "dispute", "reject", "accept"):
        decision_route(name)

    @api.post("/incidents/{incident_id}/edit", response_model=IncidentOut, responses=write_responses)
    def edit_incident(incident_id: str, body: EditIn, store: StoreDep,
                      user: User = Depends(writer("edit"))) -> IncidentOut:
        """Set a field, with the evidence for it (analyst or up)."""
        outcome = act(store, incident_id, "edit", user, field=body.field, value=body.value, evidence=body.evidence,
                      version=body.expected_version)
        return incident_out(outcome.result)

    @api.post("/incidents/{incident_id}/merge", response_model=MergeOut, responses=write_responses)
    def merge_incidents(incident_id: str, body: MergeIn, store: StoreDep,
                        user: User = Depends(writer("merge"))) -> MergeOut:
        """Decide that two incidents are one case (analyst or up). Returns the case id."""
        return MergeOut(case_id=act(store, incident_id, "merge", user, other=body.other).result)

    @api.post("/incidents/{incident_id}/split", response_model=SplitOut, responses=write_responses)
    def split_incident(incident_id: str, store: StoreDep, user: User = Depends(writer("split"))) -> SplitOut:
        """Decide that an incident is not the case it was linked into (analyst or up)."""
        return SplitOut(case_ids=list(act(store, incident_id, "split", user).result))

    @api.post("/check", responses={202: {"description": "with background=true: the job's id and status URL"},
                                   503: {"description": "too many checks under way; try again (Retry-After)"}})
    def check(request: Request, files: list[UploadFile] = File(...), lang: str = Form("en"), country: str = Form(""),
              background: bool = Query(False, description="answer at once with a job id and a status URL "
                                       "(GET it until `state` is `done`) instead of waiting for the result; "
                                       "send the `rw_check` cookie of this answer with the status requests")):
        """The paper check: each page's type and the warnings, as JSON (the same check as /check)."""
        from recruitwatch.papercheck.guidance import LANGS
        from recruitwatch.papercheck.jobs import CheckBusy
        from recruitwatch.web.views.check import MAX_FILES, owner_of, set_owner

        if background and not getattr(request.app.state, "check_background", True):
            raise HTTPException(400, "this server runs several worker processes (serve --workers N) and a "
                                     "background check lives in one of them: send the check without "
                                     "background=true (the answer then waits for the result)")
        uploads = [(f.filename or "upload", f.file.read()) for f in files if f.filename][:MAX_FILES]
        owner, new_owner = owner_of(request)
        lang = lang if lang in LANGS else "en"
        try:
            job = request.app.state.check_jobs.submit(owner, uploads, meta={"lang": lang})
        except CheckBusy as exc:
            raise HTTPException(503, str(exc), headers={"Retry-After": "60"}) from None
        del uploads
        if background:
            response = JSONResponse({"id": job.id, "state": job.state, "total_pages": job.total_pages,
                                     "status_url": f"/api/check/{job.id}"}, status_code=202)
        else:
            job.finished.wait()
            if job.error:
                raise HTTPException(500, job.error)
            response = JSONResponse({"lang": lang, "files": [r.to_dict() for r in job.results]})
        set_owner(request, response, new_owner)
        return response

    @api.get("/check/{job_id}", responses={404: {"description": "no such check for this client, or it expired"}})
    def check_status(request: Request, job_id: str):
        """A background paper check: its state (queued, running, done), pages done of the total, and once done
        its files as POST /check answers them. Only for the client that started it (its `rw_check` cookie)."""
        from recruitwatch.web.views.check import owner_of

        job = request.app.state.check_jobs.get(job_id, owner_of(request)[0])
        if job is None:
            raise HTTPException(404, "no such paper check here: it expired, or another client started it")
        return job.status()

    return api

