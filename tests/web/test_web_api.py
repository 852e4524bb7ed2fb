"""The JSON API under /api and the list's CSV and JSON downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV


def test_the_schema_lists_the_api_and_no_pages(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/incidents", "/incidents/{incident_id}", "/documents", "/documents/{document_id}", "/stats",
            "/check"} <= set(schema["paths"])
    assert not any(p.startswith(("/dashboard", "/api")) for p in schema["paths"])
    assert "IncidentOut" in schema["components"]["schemas"]


def test_the_schema_validates(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").json())  # raises on any violation of the OpenAPI 3.1 spec


def test_the_schema_is_valid_openapi(client):
    """Every $ref resolves and every operation has a 200 response with a schema (no validator package needed)."""
    schema = client.get("/api/openapi.json").json()
    names = set(schema["components"]["schemas"])
    refs = {r.rsplit("/", 1)[1] for r in _refs(schema)}
    assert refs <= names
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            assert "200" in op["responses"], (path, method)


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_api_list_with_filters_and_paging(client):
    page = client.get("/api/incidents?actor=police&per_page=1").json()
    assert page["total"] == 2 and len(page["incidents"]) == 1 and page["filter"] == {"actor": "police"}
    first = page["incidents"][0]
    assert first["document"]["outlet"] in (KAZAN.outlet, ROSTOV.outlet)
    assert first["place_names"] and first["evidence"]


def test_api_unknown_place_is_422_with_suggestions(client):
    response = client.get("/api/incidents?place=Mosocw")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["param"] == "place" and ["RU-MOW", "Moscow"] in problem["suggestions"]


def test_api_incident_is_its_case_with_sources(client):
    case = client.get(f"/api/incidents/{INCIDENTS[1].id}").json()
    assert case["incident"]["places"] == ["RU-MOW"]
    assert case["sources"][0]["outlet"] == MOSCOW.outlet
    assert case["incident"]["field_confidence"]["tactics"] == pytest.approx(0.6)
    assert client.get("/api/incidents/ffffffffff").status_code == 404


def test_api_documents_search_and_view(client):
    found = client.get("/api/documents?q=passports").json()
    assert [h["document"]["id"] for h in found["hits"]] == [KAZAN.id]
    doc = client.get(f"/api/documents/{KAZAN.id}").json()
    assert doc["document"]["text"] == KAZAN.text
    assert [i["id"] for i in doc["incidents"]] == [INCIDENTS[0].id]
    assert doc["group_id"] == KAZAN.id


def test_api_stats(client):
    stats = client.get("/api/stats").json()
    assert stats["incidents"] == 3 and stats["documents"] == 4
    assert dict(map(tuple, stats["breakdowns"]["nationality"])) == {"KG": 1, "TJ": 1, "UZ": 1}


def test_api_works_on_an_empty_store(empty_client):
    assert empty_client.get("/api/incidents").json()["total"] == 0
    assert empty_client.get("/api/stats").json()["incidents"] == 0


@pytest.mark.parametrize("query", ["", "actor=police", "place=RU-MOW", "q=passports", "date_from=2023-12"])
def test_downloads_match_the_filter(client, query):
    listed = {i["id"] for i in client.get(f"/api/incidents?{query}").json()["incidents"]}
    as_json = client.get(f"/incidents.json?{query}")
    assert as_json.headers["content-type"].startswith("application/json")
    assert {i["id"] for i in as_json.json()["incidents"]} == listed
    as_csv = client.get(f"/incidents.csv?{query}")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["id"] for r in rows} == listed
    for row in rows:
        assert row["document_title"] and row["document_outlet"]


def test_csv_joins_lists_and_names_places(client):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(client.get("/incidents.csv").text))}
    rostov = rows[INCIDENTS[2].id]
    assert rostov["places"] == "RU-ROS; UA-14" and "Donetsk Oblast" in rostov["place_names"]


def test_download_of_an_unknown_place_is_refused_with_the_codes(client):
    response = client.get("/incidents.json?place=Narnia")
    assert response.status_code == 422 and "Narnia" in json.dumps(response.json())


def test_list_page_links_the_downloads_of_its_filter(client):
    html = client.get("/incidents?actor=police").text
    assert 'href="/incidents.csv?actor=police"' in html and 'href="/incidents.json?actor=police"' in html
