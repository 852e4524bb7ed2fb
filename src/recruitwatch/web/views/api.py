"""/api: the JSON API over the same store calls as the pages, with its OpenAPI schema at /api/openapi.json.

A sub-application, so the schema lists the API only (the HTML pages stay out of it). Filters are
the list page's query parameters (:mod:`recruitwatch.web.filters`); an unknown place, country or
code answers 422 with the codes that come close, never an empty list.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field

from recruitwatch.records import Document, Incident
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
        found, total = _page(store, query)
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
        breakdowns = {by: store_call(store.incident_breakdown, by)
                      for by in ("month", "place", "nationality", "tactic", "actor", "outcome", "verification")}
        return Stats(**figures, breakdowns=breakdowns)

    @api.post("/check")
    def check(request: Request, files: list[UploadFile] = File(...), lang: str = Form("en"), country: str = Form("")):
        """The paper check: each page's type and the warnings, as JSON (the same check as /check)."""
        from recruitwatch.papercheck.guidance import LANGS
        from recruitwatch.web.views.check import MAX_FILES, _checker, _running_checks

        checker = _checker(request)
        limits = request.app.state.limits
        pages_left = limits.check_pages
        out = []
        with _running_checks:
            for upload in [f for f in files if f.filename][:MAX_FILES]:
                result = checker.check_file(upload.filename or "upload", upload.file.read(), max_pages=pages_left)
                pages_left -= len(result.pages)
                out.append(result.to_dict())
        return {"lang": lang if lang in LANGS else "en", "files": out}

    return api

