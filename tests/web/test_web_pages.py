"""The workbench's pages through FastAPI's in-process client: each renders empty and filled, filters narrow."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV

from recruitwatch.web.app import create_app

PAGES = ["/", "/incidents", "/documents", "/documents?q=passports", "/incidents?q=passports"]


def row_count(html: str) -> int:
    return len(re.findall(r'<td class="date">', html))


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_on_an_empty_store(empty_client, path):
    response = empty_client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert "<nav" in response.text


def test_the_empty_dashboard_says_how_to_fill_the_store(empty_client):
    assert "ingest" in empty_client.get("/").text


@pytest.mark.parametrize("path", [*PAGES, f"/incidents/{INCIDENTS[0].id}", f"/documents/{KAZAN.id}",
                                  f"/incidents/{INCIDENTS[1].id[:10]}"])
def test_each_page_renders_on_a_filled_store(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert 'href="/check' in response.text  # the nav bar keeps the paper check


def test_the_list_shows_title_outlet_and_place_names(client):
    html = client.get("/incidents").text
    assert row_count(html) == 3
    assert "Warehouse workers in Kazan pressed to sign" in html and "Volga Courier" in html
    assert "Tatarstan (RU-TA)" in html and "Moscow (RU-MOW)" in html and "Donetsk Oblast (UA-14)" in html
    assert "document seizure" in html  # the taxonomy's label, not the code


@pytest.mark.parametrize("query, expected", [
    ("place=Moscow", {MOSCOW.title}),
    ("place=RU-MOW", {MOSCOW.title}),
    ("place=Москва", {MOSCOW.title}),
    ("place=UA", {ROSTOV.title}),
    ("nationality=Kyrgyzstan", {KAZAN.title}),
    ("nationality=TJ", {MOSCOW.title}),
    ("tactic=document_seizure", {KAZAN.title}),
    ("actor=police", {KAZAN.title, ROSTOV.title}),
    ("outcome=refused", {MOSCOW.title}),
    ("status=student", {ROSTOV.title}),
    ("verification=reported", {KAZAN.title, MOSCOW.title, ROSTOV.title}),
    ("date_from=2024", {KAZAN.title}),
    ("date_from=2023-11&date_to=2023-11", {MOSCOW.title}),
    ("conf_min=0.5", {KAZAN.title, MOSCOW.title}),
    ("conf_max=0.5", {ROSTOV.title}),
    ("actor=police&conf_min=0.5", {KAZAN.title}),
    ("q=passports", {KAZAN.title}),
])
def test_filters_narrow_the_list(client, query, expected):
    html = client.get(f"/incidents?{query}").text
    shown = {t for t in (KAZAN.title, MOSCOW.title, ROSTOV.title) if t in html}
    assert shown == expected
    assert row_count(html) == len(expected)


@pytest.mark.parametrize("query, hint", [("place=Mosocw", "RU-MOW"), ("nationality=Tadjikistan", "TJ"),
                                         ("tactic=bribery", "document_seizure")])
def test_an_unknown_name_or_code_names_possible_codes(client, query, hint):
    html = client.get(f"/incidents?{query}").text
    assert 'role="alert"' in html and hint in html
    assert "No incident matches" not in html  # never a silent empty list


def test_paging_splits_the_list(client):
    first = client.get("/incidents?per_page=2").text
    second = client.get("/incidents?per_page=2&page=2").text
    assert row_count(first) == 2 and row_count(second) == 1
    assert "Page 1 of 2" in first and 'href="/incidents?per_page=2&amp;page=2" rel="next"' in first


def test_dashboard_links_bars_months_and_regions_to_the_filtered_list(client):
    html = client.get("/").text
    assert 'href="/incidents?tactic=document_seizure"' in html
    assert 'href="/incidents?nationality=KG"' in html
    assert 'href="/incidents?date_from=2023-11&amp;date_to=2023-11"' in html
    assert 'href="/incidents?place=RU-TA"' in html


def test_the_dashboard_takes_the_list_filters(client):
    html = client.get("/?nationality=UZ").text
    assert "1 incident" in html
    assert 'href="/incidents?nationality=UZ&amp;tactic=threat_of_prosecution"' in html


def test_incident_detail_shows_fields_confidence_evidence_and_sources(client):
    html = client.get(f"/incidents/{INCIDENTS[0].id}").text
    assert "Tatarstan (RU-TA)" in html and "90%" in html
    assert '<mark id="ev-' in html
    assert "Volga Courier" in html and "Sources of this case" in html
    assert 'id="review"' in html  # the place kept for review actions and history


def test_evidence_is_escaped_inside_the_marks(client):
    html = client.get(f"/incidents/{INCIDENTS[0].id}").text
    assert "<b>and kept</b>" not in html
    assert "&lt;b&gt;and kept&lt;/b&gt;" in html


def test_document_page_shows_relevance_group_and_incidents(client):
    html = client.get(f"/documents/{KAZAN.id}").text
    assert "Warehouse workers in Kazan pressed to sign" in html
    assert f'href="/incidents/{INCIDENTS[0].id}"' in html
    assert "Near-duplicates" in html and "&lt;b&gt;" in html


def test_unknown_ids_are_404_pages(client):
    assert client.get("/incidents/ffffffffffff").status_code == 404
    assert client.get("/documents/ffffffffffff").status_code == 404


def test_without_a_store_the_workbench_says_how_to_start_one():
    with TestClient(create_app()) as c:
        assert c.get("/", follow_redirects=False).headers["location"] == "/check"
        page = c.get("/incidents")
        assert page.status_code == 503 and "--db" in page.text
        assert c.get("/api/incidents").status_code == 503


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "xlink:href", "poster", "data") and value:
                self.urls.append(value)
            if name == "style":
                self.urls.append("inline style: " + (value or ""))
        if tag == "script" and not dict(attrs).get("src"):
            self.urls.append("inline script")


@pytest.mark.parametrize("path", [*PAGES, f"/incidents/{INCIDENTS[0].id}", f"/documents/{KAZAN.id}", "/?lang=ru"])
def test_no_page_references_anything_outside_the_app(client, path):
    parser = _Attributes()
    parser.feed(client.get(path).text)
    outside = [u for u in parser.urls if re.match(r"(https?:)?//", u) or u.startswith(("inline", "data:"))]
    assert outside == []


def test_strict_content_security_policy(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
