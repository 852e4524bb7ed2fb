"""Review actions from the incident page and the JSON API: roles, CSRF, stale versions, history."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, WEATHER, add_users, form_token, login

from recruitwatch.store import open_store
from recruitwatch.web.app import create_app

KAZAN_INC, MOSCOW_INC = INCIDENTS[0].id, INCIDENTS[1].id


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    s.init()
    s.save_batch([KAZAN, MOSCOW, ROSTOV, WEATHER], INCIDENTS)
    add_users(s)
    yield s
    s.close()


def client_as(store, name: str) -> TestClient:
    c = TestClient(create_app(store=store))
    assert login(c, name).status_code == 303
    return c


def post_action(c: TestClient, incident_id: str, action: str, **data):
    page = c.get(f"/incidents/{incident_id}")
    version = data.pop("version", None)
    if version is None and 'name="version"' in page.text:
        version = page.text.split('name="version" value="')[1].split('"')[0]
    return c.post(f"/incidents/{incident_id}/review/{action}", follow_redirects=False,
                  data={"csrf_token": form_token(page.text), "version": version or "", **data})


@pytest.mark.parametrize("name, forms", [("vic", set()), ("rev", {"verify", "accept", "reject", "dispute"}),
                                         ("ana", {"verify", "accept", "reject", "dispute", "edit", "merge"})])
def test_the_page_shows_the_forms_the_role_allows(store, name, forms):
    html = client_as(store, name).get(f"/incidents/{KAZAN_INC}").text
    for action in ("verify", "accept", "reject", "dispute", "edit", "merge"):
        assert (f"/review/{action}\"" in html) == (action in forms), action


@pytest.mark.parametrize("name, action, allowed", [
    ("vic", "verify", False), ("vic", "edit", False), ("rev", "verify", True), ("rev", "reject", True),
    ("rev", "accept", True), ("rev", "edit", False), ("rev", "merge", False), ("ana", "edit", True),
    ("ana", "merge", True), ("ada", "dispute", True),
])
def test_each_role_may_do_its_actions_only(store, name, action, allowed):
    c = client_as(store, name)
    extra = {"edit": {"field": "count", "value": "4", "evidence": "three of them"}, "merge": {"other": MOSCOW_INC}}
    response = post_action(c, KAZAN_INC, action, **extra.get(action, {}))
    if allowed:
        assert response.status_code == 303, response.text[:2000]
        assert "#review" in response.headers["location"]
        entries = store.audit_entries(target_kind="incident", limit=5)
        assert entries and entries[0].actor == name
    else:
        assert response.status_code == 403


def test_verify_edit_and_history(store):
    c = client_as(store, "ana")
    assert post_action(c, KAZAN_INC, "verify", note="called the family").status_code == 303
    page = c.get(f"/incidents/{KAZAN_INC}?done=verify")
    assert "Verified." in page.text and "called the family" in page.text and "ana" in page.text
    assert store.get_incident(KAZAN_INC).verification == "verified"
    assert post_action(c, KAZAN_INC, "edit", field="places", value="RU-TA", evidence="Kazan").status_code == 303
    assert "places" in c.get(f"/incidents/{KAZAN_INC}").text.split('class="history"')[1]


def test_a_stale_form_says_so(store):
    c = client_as(store, "rev")
    page = c.get(f"/incidents/{KAZAN_INC}")
    version = page.text.split('name="version" value="')[1].split('"')[0]
    token = form_token(page.text)
    first = c.post(f"/incidents/{KAZAN_INC}/review/dispute", data={"csrf_token": token, "version": version},
                   follow_redirects=False)
    assert first.status_code == 303
    again = c.post(f"/incidents/{KAZAN_INC}/review/verify", data={"csrf_token": token, "version": version},
                   follow_redirects=False)
    assert again.status_code == 409 and "changed this incident" in again.text
    assert store.get_incident(KAZAN_INC).verification == "disputed"


def test_bad_evidence_is_a_message_not_a_500(store):
    c = client_as(store, "ana")
    response = post_action(c, KAZAN_INC, "edit", field="count", value="5", evidence="words nowhere in the text")
    assert response.status_code == 400 and "not in the incident" in response.text
    assert 'words nowhere in the text' in response.text  # the form keeps what was typed


def test_review_forms_need_the_csrf_token(store):
    c = client_as(store, "rev")
    response = c.post(f"/incidents/{KAZAN_INC}/review/verify", data={"csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert store.get_incident(KAZAN_INC).verification == "reported"


def test_merge_and_split(store):
    c = client_as(store, "ana")
    assert post_action(c, KAZAN_INC, "merge", other=MOSCOW_INC[:10]).status_code == 303
    assert store.get_case(KAZAN_INC).incident.id == store.get_case(MOSCOW_INC).incident.id
    html = c.get(f"/incidents/{KAZAN_INC}").text
    assert "/review/split" in html
    assert post_action(c, KAZAN_INC, "split").status_code == 303
    assert len(store.get_case(KAZAN_INC).members) == 1
    bad = post_action(c, KAZAN_INC, "merge", other="nosuchid")
    assert bad.status_code == 400 and "no incident" in bad.text


def test_an_action_clears_the_dashboard_cache(store):
    from recruitwatch.store import IncidentFilter
    from recruitwatch.web.views.dashboard import figures

    c = client_as(store, "rev")
    assert "3" in c.get("/").text
    cache = c.app.state.figures
    assert cache._snapshot is not None  # the cases, read once for every filter
    rejected = IncidentFilter(verification="rejected")
    assert figures(store, rejected, cache)["total"] == 0
    post_action(c, KAZAN_INC, "reject")
    assert cache._snapshot is None
    assert figures(store, rejected, cache)["total"] == 1  # read again at once, not after the TTL


def test_api_actions_with_a_token(store):
    anon = TestClient(create_app(store=store))
    rev = {"Authorization": f"Bearer {store.create_token('rev', actor='tests')}"}
    ana = {"Authorization": f"Bearer {store.create_token('ana', actor='tests')}"}
    vic = {"Authorization": f"Bearer {store.create_token('vic', actor='tests')}"}
    assert anon.post(f"/api/incidents/{KAZAN_INC}/verify", json={}).status_code == 401
    assert anon.post(f"/api/incidents/{KAZAN_INC}/verify", json={}, headers=vic).status_code == 403
    done = anon.post(f"/api/incidents/{KAZAN_INC}/verify", json={"note": "ok", "expected_version": 1}, headers=rev)
    assert done.status_code == 200 and done.json()["verification"] == "verified"
    stale = anon.post(f"/api/incidents/{KAZAN_INC}/dispute", json={"expected_version": 1}, headers=rev)
    assert stale.status_code == 409
    assert anon.post(f"/api/incidents/{KAZAN_INC}/edit", json={"field": "count", "value": "4"},
                     headers=rev).status_code == 403
    edited = anon.post(f"/api/incidents/{KAZAN_INC}/edit", json={"field": "count", "value": "4",
                                                                  "evidence": "three of them"}, headers=ana)
    assert edited.status_code == 200 and edited.json()["count"] == 4
    bad = anon.post(f"/api/incidents/{KAZAN_INC}/edit", json={"field": "colour", "value": "red"}, headers=ana)
    assert bad.status_code == 400
    merged = anon.post(f"/api/incidents/{KAZAN_INC}/merge", json={"other": MOSCOW_INC}, headers=ana)
    assert merged.status_code == 200 and merged.json()["case_id"]
    split = anon.post(f"/api/incidents/{KAZAN_INC}/split", headers=ana)
    assert split.status_code == 200 and len(split.json()["case_ids"]) == 2


def test_api_writes_with_a_session_must_be_json(store):
    c = client_as(store, "rev")
    assert c.post(f"/api/incidents/{KAZAN_INC}/verify", data={"note": "x"}).status_code == 415
    assert c.post(f"/api/incidents/{KAZAN_INC}/verify", json={}).status_code == 200


def test_the_schema_lists_the_actions(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for action in ("verify", "dispute", "reject", "accept", "edit", "merge", "split"):
        assert "post" in paths[f"/incidents/{{incident_id}}/{action}"]


def test_the_queue_shows_the_least_confident_first_and_moves_on(store):
    c = client_as(store, "rev")
    first = c.get("/review")
    assert first.status_code == 200 and "3 cases to review" in first.text
    rostov = INCIDENTS[2].id  # confidence 0.4, the least
    assert f'data-incident="{rostov}"' in first.text and "/static/review.js" in first.text
    assert 'id="queue-next"' in first.text and 'id="queue-prev"' not in first.text
    second = c.get("/review?i=1")
    assert f'data-incident="{MOSCOW_INC}"' in second.text and 'id="queue-prev"' in second.text
    done = c.post(f"/incidents/{rostov}/review/accept", follow_redirects=False,
                  data={"csrf_token": form_token(first.text), "version": "1", "next": "queue:0"})
    assert done.status_code == 303 and done.headers["location"] == "/review?i=0&done=accept"
    after = c.get(done.headers["location"])
    assert "2 cases to review" in after.text and "Accepted" in after.text


def test_the_queue_is_for_reviewers_and_up(store):
    assert client_as(store, "vic").get("/review").status_code == 403
    assert client_as(store, "ana").get("/review").status_code == 200


def test_an_empty_queue_says_so(store):
    c = client_as(store, "ada")
    for inc in INCIDENTS:
        post_action(c, inc.id, "verify")
    page = c.get("/review")
    assert page.status_code == 200 and "Nothing left to review" in page.text


def test_the_queue_keys_are_in_a_static_file(client):
    js = client.get("/static/review.js")
    assert js.status_code == 200 and '"a"' in js.text and '"k"' in js.text
