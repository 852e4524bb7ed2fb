"""Logins, roles, sessions and tokens: every workbench route refuses anonymous visitors."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from workbench import INCIDENTS, KAZAN, PASSWORD, USERS, form_token, login

from recruitwatch.accounts import FIRST_RUN_HINT, can
from recruitwatch.store import open_store
from recruitwatch.web.app import create_app
from recruitwatch.web.auth import SESSION_COOKIE, LoginThrottle

#: Routes anyone may use: the paper check, logging in and out, the API's schema.
PUBLIC = {"/check", "/login", "/logout", "/api/check", "/api/openapi.json",
          "/check/jobs/x", "/check/jobs/x/progress", "/api/check/x"}  # a paper check's job: its own browser only


def routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route of the app and of its mounted API, path parameters filled in."""
    out = []

    def walk(prefix, rs):
        for r in rs:
            if hasattr(r, "original_router"):  # an included router (FastAPI >= 0.165)
                walk(prefix, r.original_router.routes)
            elif isinstance(r, Mount) and r.path != "/static":
                walk(prefix + r.path, r.routes)
            elif isinstance(r, APIRoute):
                for m in sorted(r.methods):
                    path = prefix + r.path.replace("{incident_id}", INCIDENTS[0].id).replace("{document_id}", KAZAN.id)
                    out.append((m, re.sub(r"\{[^}]+\}", "x", path)))
    walk("", app.routes)
    return out


def workbench_routes():
    app = create_app(store=object())  # only the routes are read
    return [(m, p) for m, p in routes(app) if p not in PUBLIC]


@pytest.mark.parametrize("method, path", workbench_routes())
def test_every_workbench_route_refuses_anonymous(anon, method, path):
    response = anon.request(method, path, follow_redirects=False,
                            data={"csrf_token": "x"} if method == "POST" else None)
    if path.startswith("/api/"):
        assert response.status_code == 401, (path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer"
    elif method == "GET":
        assert response.status_code == 303, (path, response.status_code)
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code in (303, 401, 403), (path, response.status_code)
        assert "location" not in response.headers or response.headers["location"].startswith("/login")


def test_the_route_list_covers_pages_and_api():
    found = {p for _, p in workbench_routes()}
    assert {"/", "/incidents", "/api/incidents", "/api/stats"} <= found


@pytest.mark.parametrize("path", ["/check", "/login", "/api/openapi.json", "/static/style.css"])
def test_public_routes_need_no_login(anon, path):
    assert anon.get(path).status_code == 200


def test_a_page_sends_to_login_and_back(anon, filled_store):
    response = anon.get("/incidents?place=RU-MOW", follow_redirects=False)
    assert response.headers["location"] == "/login?next=/incidents%3Fplace%3DRU-MOW"
    with TestClient(anon.app) as c:
        done = login(c, "vic", next_url="/incidents?place=RU-MOW")
        assert done.status_code == 303 and done.headers["location"] == "/incidents?place=RU-MOW"
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
        page = c.get("/incidents?place=RU-MOW")
        assert page.status_code == 200 and "vic" in page.text and 'action="/logout"' in page.text


def test_session_cookie_is_secure_over_https(filled_store):
    with TestClient(create_app(store=filled_store), base_url="https://testserver") as c:
        response = login(c, "vic")
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:evil"])
def test_next_cannot_send_elsewhere(filled_store, target):
    with TestClient(create_app(store=filled_store)) as c:
        response = login(c, "vic", next_url=target)
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert 'value="/"' in c.get("/login", params={"next": target}).text


def test_wrong_password_and_throttle(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        for _ in range(5):
            assert login(c, "rev", "wrong password!").status_code == 401
        response = login(c, "rev")  # the right password, but too late
        assert response.status_code == 429
        assert SESSION_COOKIE not in c.cookies


def test_throttle_window_and_success():
    t = LoginThrottle(max_failures=2, window=10)
    t.failed("1.2.3.4", "a", now=0)
    t.failed("1.2.3.4", "a", now=1)
    assert t.blocked("1.2.3.4", "a", now=2) and t.blocked("9.9.9.9", "a", now=2) and t.blocked("1.2.3.4", "b", now=2)
    assert not t.blocked("1.2.3.4", "a", now=12)


def test_login_form_needs_its_csrf_token(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        c.get("/login")
        response = c.post("/login", data={"username": "vic", "password": PASSWORD, "csrf_token": "forged"},
                          follow_redirects=False)
        assert response.status_code == 403 and SESSION_COOKIE not in c.cookies


def test_logout_needs_csrf_and_ends_the_session(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        login(c, "vic")
        page = c.get("/")
        c.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
        assert c.get("/", follow_redirects=False).status_code == 200  # still logged in
        out = c.post("/logout", data={"csrf_token": form_token(page.text)}, follow_redirects=False)
        assert out.status_code == 303
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_logged_out_at_once(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.init()
    store.add_user("dora", PASSWORD, "analyst", actor="tests")
    token = store.create_token("dora", actor="tests")
    with TestClient(create_app(store=store)) as c:
        login(c, "dora")
        assert c.get("/", follow_redirects=False).status_code == 200
        assert c.get("/api/stats", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        store.disable_user("dora", actor="tests")
        assert c.get("/", follow_redirects=False).status_code == 303
        c.cookies.clear()
        assert c.get("/api/stats", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    store.close()


def test_api_tokens(anon, filled_store):
    token = filled_store.create_token("vic", actor="tests")
    ok = anon.get("/api/incidents", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json()["total"] == 3
    bad = anon.get("/api/incidents", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and "detail" in bad.json()


def test_first_run_says_how_to_create_an_admin(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    store.init()
    with TestClient(create_app(store=store)) as c:
        page = c.get("/", follow_redirects=True)
        assert "recruitwatch users add NAME --role admin" in page.text
        assert FIRST_RUN_HINT in page.text
    store.close()


def test_roles_match_the_library():
    assert [r for r in USERS.values() if can(r, "review")] == ["admin", "analyst", "reviewer"]


def test_the_users_language_is_the_default_and_a_switch_is_saved(filled_store):
    filled_store.set_language("rev", "ru", actor="tests")
    with TestClient(create_app(store=filled_store)) as c:
        login(c, "rev")
        assert 'lang="ru"' in c.get("/").text[:200]
        c.get("/?lang=en")
        assert filled_store.get_user("rev").language == "en"
    with TestClient(create_app(store=filled_store)) as c:  # another browser, no cookie
        login(c, "rev")
        assert 'lang="en"' in c.get("/").text[:200]


def test_nav_shows_the_user_and_role_links(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        login(c, "vic")
        html = c.get("/").text
        assert "vic" in html and 'href="/review"' not in html and 'href="/testimony/new"' not in html
    with TestClient(create_app(store=filled_store)) as c:
        login(c, "ana")
        html = c.get("/").text
        assert 'href="/review"' in html and 'href="/testimony/new"' in html
