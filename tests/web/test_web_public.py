"""`recruitwatch serve --public`: published figures only, nothing below the threshold, no write route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV

from recruitwatch.web.public import create_public_app


@pytest.fixture(scope="module")
def public(filled_store):
    """Threshold 2: police (2 cases), foreign_national (2) and RU (3) are published; every other value has 1."""
    with TestClient(create_public_app(filled_store, min_count=2)) as c:
        yield c


def test_the_public_page_shows_only_what_passes_the_threshold(public):
    html = public.get("/").text
    assert "fewer than 2" in html
    assert "police" in html.lower()  # 2 cases: shown
    for hidden in ("document seizure", "threat of prosecution", "citizenship promise", "signed contract"):
        assert hidden not in html.lower(), hidden  # 1 case each: left out
    assert "data-count" not in html
    for title in re.findall(r"<title>([^<]*)</title>", html):
        assert not title.rstrip().endswith(": 1"), title  # never a sub-threshold count


def test_no_confidential_value_on_any_public_page(public):
    pages = [public.get(p).text for p in ("/", "/api/figures", "/api/openapi.json", "/?lang=ru")]
    secrets = [d.title for d in (KAZAN, MOSCOW, ROSTOV)] + [d.url for d in (KAZAN, MOSCOW, ROSTOV)]
    secrets += [i.id[:12] for i in INCIDENTS] + [i.summary for i in INCIDENTS] + [KAZAN.id[:12], "Volga Courier"]
    secrets += [e.text for i in INCIDENTS for e in i.evidence if len(e.text) > 12]  # not a map's country names
    for page in pages:
        for s in filter(None, secrets):
            assert s not in page, s


def test_the_public_json_is_the_published_figures(public):
    data = public.get("/api/figures").json()
    assert data["min_count"] == 2
    assert data["breakdowns"]["actor"] == [["police", 2]]
    assert all(n >= 2 for rows in data["breakdowns"].values() for _, n in rows)
    assert list(public.get("/api/openapi.json").json()["paths"]) == ["/figures"]


@pytest.mark.parametrize("path", ["/incidents", f"/incidents/{INCIDENTS[0].id}", "/documents", f"/documents/{KAZAN.id}",
                                  "/api/incidents", "/api/stats", "/api/documents?q=x", "/review", "/testimony/new",
                                  "/login", "/check", "/incidents.csv"])
def test_workbench_routes_are_absent(public, path):
    assert public.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/", "/login", "/logout", "/check", "/api/check", "/testimony",
                                  f"/incidents/{INCIDENTS[0].id}/review/verify", f"/api/incidents/{INCIDENTS[0].id}/verify"])
def test_every_write_is_refused(public, path):
    assert public.post(path, data={"x": "1"}).status_code == 404


def test_a_workbench_session_means_nothing_there(public, filled_store):
    from recruitwatch.web.auth import SESSION_COOKIE

    public.cookies.set(SESSION_COOKIE, filled_store.create_session("ada"))
    html = public.get("/").text
    assert 'class="user"' not in html and 'action="/logout"' not in html
    public.cookies.clear()
