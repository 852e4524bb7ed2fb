"""/documents: search (or the newest documents); /documents/{id}: one document, its relevance, group and incidents."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from recruitwatch.store import IncidentFilter, Store
from recruitwatch.web import present
from recruitwatch.web.views.common import LangDep, StoreDep, not_found, render, store_call

router = APIRouter()
PER_PAGE = 50
MAX_HITS = 200


def search_or_recent(store: Store, q: str, page: int, per_page: int = PER_PAGE):
    """(hits, documents): search hits for ``q``, or, with no query, the newest documents of ``page``."""
    if q.strip():
        return store_call(store.search_documents, q, limit=MAX_HITS), []
    return [], store_call(store.list_documents, limit=per_page, offset=(page - 1) * per_page)


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def document_search(request: Request, store: StoreDep, lang: LangDep, q: str = "", page: int = 1) -> HTMLResponse:
    page = max(1, page)
    hits, recent = search_or_recent(store, q, page)
    # the counts are shown above the newest documents only, not above search hits
    return render(request, "documents.html", lang, q=q, hits=hits, recent=recent, page=page, per_page=PER_PAGE,
                  stats=None if q.strip() else store_call(store.stats))


def document_view(store: Store, document_id: str):
    doc = store_call(store.get_document, document_id)
    if doc is None:
        raise not_found("document", document_id)
    group = store_call(store.document_group, doc.id)
    incidents = store_call(store.list_incidents, IncidentFilter(document_id=doc.id), limit=500)
    return doc, group, incidents


@router.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
def document_detail(request: Request, document_id: str, store: StoreDep, lang: LangDep) -> HTMLResponse:
    doc, group, incidents = document_view(store, document_id)
    spans = [(n, e) for n, e in enumerate(e for inc in incidents for e in inc.evidence if e.document_id in ("", doc.id))]
    html, cut = present.mark(doc.text, spans)
    return render(request, "document.html", lang, doc=doc, group=group, incidents=incidents, text=html, excerpted=cut)
