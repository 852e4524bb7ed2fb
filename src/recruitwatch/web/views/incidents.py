"""/incidents: the list with facets, search and paging; its CSV and JSON downloads; /incidents/{id}: one case."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from recruitwatch.records import Document, Incident
from recruitwatch.store import Store
from recruitwatch.store.case_figures import CaseFigures
from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS
from recruitwatch.web import filters, present
from recruitwatch.web.views.common import LangDep, StoreDep, render, store_call
from recruitwatch.web.views.dashboard import FigureCache

router = APIRouter()
EXPORT_BATCH = 500
#: CSV columns of a download (lists joined with "; ").
CSV_COLUMNS = ("id", "case_id", "date", "date_precision", "places", "place_names", "nationalities", "status", "count",
               "actors", "tactics", "outcome", "verification", "confidence", "summary", "document_id",
               "document_title", "document_outlet", "document_url", "document_published")


def _page(store: Store, query: filters.ListQuery, cache: FigureCache | None = None) -> tuple[list[Incident], int]:
    """One page of the list and the total. Without a search, the total of cases comes from the dashboard's
    snapshot of the cases when there is one (``cache``), so the list and the dashboard show the same count
    for a filter; it follows changes made outside this server within the snapshot's minute, like the
    dashboard. The rows are always read from the store."""
    f = query.filters
    if query.q:
        f.cases = False  # a search finds every report's incident (a word may be in one report of a case)
        found = store_call(store.search_incidents, query.q, filters=f, limit=query.per_page, offset=query.offset)
        return found, store_call(store.count_incidents, f, query=query.q)
    found = store_call(store.list_incidents, f, limit=query.per_page, offset=query.offset)
    if cache is not None and CaseFigures.answers(f):
        return found, cache.snapshot(lambda: store_call(store.case_snapshot)).count(f)
    return found, store_call(store.count_incidents, f)


def documents_of(store: Store, incidents: list[Incident]) -> dict[str, Document | None]:
    """Each incident's document (without its text: rows show its title, outlet and date), in one query."""
    found = store_call(store.get_documents, (i.document_id for i in incidents), with_text=False)
    return {i.document_id: found.get(i.document_id) for i in incidents}


def facet_choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "status": [(c, e.label(lang)) for c, e in STATUSES.items()],
        "tactic": [(c, e.label(lang)) for c, e in TACTICS.items()],
        "actor": [(c, e.label(lang)) for c, e in ACTORS.items()],
        "outcome": [(c, e.label(lang)) for c, e in OUTCOMES.items()],
        "verification": [(v, present.state_label(v, lang)) for v in filters.VERIFICATIONS],
    }


@router.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
def incident_list(request: Request, store: StoreDep, lang: LangDep) -> HTMLResponse:
    query = filters.parse(request.query_params)
    if query.problems:
        return render(request, "incidents.html", lang, query=query, rows=[], total=0, pages=0,
                      choices=facet_choices(lang))
    found, total = _page(store, query, getattr(request.app.state, "figures", None))
    docs = documents_of(store, found)
    pages = max(1, -(-total // query.per_page))
    return render(request, "incidents.html", lang, query=query, rows=[(i, docs.get(i.document_id)) for i in found],
                  total=total, pages=pages, choices=facet_choices(lang))


def _export_rows(store: Store, query: filters.ListQuery) -> Iterator[tuple[Incident, Document | None]]:
    """Every incident of the filter (no paging), in batches, each with its document."""
    f = query.filters
    offset = 0
    while True:
        if query.q:
            f.cases = False
            batch = store.search_incidents(query.q, filters=f, limit=EXPORT_BATCH, offset=offset)
        else:
            batch = store.list_incidents(f, limit=EXPORT_BATCH, offset=offset)
        if not batch:
            return
        docs = documents_of(store, batch)
        for inc in batch:
            yield inc, docs.get(inc.document_id)
        if len(batch) < EXPORT_BATCH:
            return
        offset += EXPORT_BATCH


def export_record(inc: Incident, doc: Document | None) -> dict:
    """One incident as a download row: its fields, evidence, and its document's title, outlet and address."""
    data = inc.to_dict()
    data["place_names"] = [present.place_name(p) for p in inc.places]
    data["document"] = ({"id": doc.id, "title": doc.title, "outlet": doc.outlet, "url": doc.url,
                         "published": doc.published} if doc else None)
    return data


def _checked(request: Request) -> filters.ListQuery:
    query = filters.parse(request.query_params)
    if query.problems:
        raise HTTPException(422, [{"param": p.param, "value": p.value, "message": p.message,
                                   "suggestions": p.suggestions[:10]} for p in query.problems])
    return query


@router.get("/incidents.csv", include_in_schema=False)
def incidents_csv(request: Request, store: StoreDep) -> StreamingResponse:
    query = _checked(request)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for inc, doc in _export_rows(store, query):
            row = export_record(inc, doc)
            d = row["document"] or {}
            values = {**row, **{f"document_{k}": d.get(k) for k in ("title", "outlet", "url", "published")}}
            writer.writerow(["; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                             for v in (values.get(c) for c in CSV_COLUMNS)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="incidents.csv"'})


@router.get("/incidents.json", include_in_schema=False)
def incidents_json(request: Request, store: StoreDep) -> StreamingResponse:
    query = _checked(request)

    def chunks() -> Iterator[str]:
        yield '{"filter": ' + json.dumps(query.facets, ensure_ascii=False) + ', "incidents": ['
        first = True
        for inc, doc in _export_rows(store, query):
            yield ("" if first else ",\n") + json.dumps(export_record(inc, doc), ensure_ascii=False)
            first = False
        yield "]}\n"

    return StreamingResponse(chunks(), media_type="application/json",
                             headers={"Content-Disposition": 'attachment; filename="incidents.json"'})


@router.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
def incident_detail(request: Request, incident_id: str, store: StoreDep, lang: LangDep) -> HTMLResponse:
    from recruitwatch.web.views.review import incident_page

    return incident_page(request, store, lang, incident_id)
