"""No role reaches a confidential field through any page or API call (issue 10 item 7).

A testimony with known personal details, account and attachment is stored (sealed, as the intake
form stores it); then every route of the app and of its API is walked, as each role with a session
and as a viewer with an API token, with the path parameters filled with the testimony's own ids and
the list, search and download routes asked for its words. No response may hold any of them. The
web app never decrypts (docs/web.md, SECURITY.md): the sealed fields are read only on the command
line, by whoever holds the master key (`recruitwatch testimony show`).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, add_users, login

from recruitwatch.records import PersonDetails
from recruitwatch.store import IncidentFilter, open_store
from recruitwatch.web.app import create_app

# Written for this test. No quotes, ampersands or apostrophes, so HTML escaping cannot hide a leak.
ACCOUNT = ("Меня зовут Зарина Секретова. В апреле 2024 года бригадир Фаррух Джураев из фирмы Тайна Строй "
           "забрал мой паспорт в Ростове-на-Дону и сказал, что вернёт его, только если я подпишу контракт с "
           "Министерством обороны. Я гражданка Таджикистана, мой номер в общежитии 417-Б.")
PERSON = PersonDetails(name="Зарина Секретова", contacts=["+992 93 555 01 77", "@zarina_secret_77"],
                       birth_date="1988-11-23", address="Худжанд, улица Секретная, дом 12")
CONSENT = "Только без имени, проверка 4411"
ATTACHMENT = ("zarina-passport-scan-5510.jpg", b"SECRET-ATTACHMENT-BYTES-9321")


def needles() -> list[str]:
    """Every confidential value, and every 24-character window of the account (stepping by 8)."""
    person = [PERSON.name, *PERSON.contacts, PERSON.birth_date, "23.11.1988", PERSON.address, CONSENT,
              ATTACHMENT[0], ATTACHMENT[1].decode(), "Секретова", "Джураев", "Тайна Строй", "417-Б"]
    windows = [ACCOUNT[i:i + 24] for i in range(0, len(ACCOUNT) - 24, 8)]
    return person + windows


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        for name in ("RECRUITWATCH_KEY_FILE",):
            mp.delenv(name, raising=False)
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        mp.setenv("RECRUITWATCH_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
        store = open_store(f"sqlite:///{tmp_path_factory.mktemp('confidential') / 'store.db'}")
        store.init()
        store.save_batch([KAZAN, MOSCOW, ROSTOV], INCIDENTS)
        add_users(store)
        doc_id = store.add_testimony(ACCOUNT, PERSON, consent=CONSENT, attachments=[ATTACHMENT], actor="ana",
                                     lang="ru")
        incidents = store.list_incidents(IncidentFilter(document_id=doc_id), limit=50)
        assert incidents, "the extractor found no incident in the testimony: the walk would prove little"
        # the key works: the sealed values are there to be leaked
        assert store.read_testimony(doc_id)[1].name == PERSON.name
        yield store, doc_id, [i.id for i in incidents]
        store.close()


def all_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route of the app and of the mounted API."""
    out = []

    def walk(prefix, rs):
        for r in rs:
            if hasattr(r, "original_router"):
                walk(prefix, r.original_router.routes)
            elif isinstance(r, Mount) and r.path != "/static":
                walk(prefix + r.path, r.routes)
            elif isinstance(r, APIRoute):
                out.extend((m, prefix + r.path) for m in sorted(r.methods))
    walk("", app.routes)
    return out


def requests_for(app, doc_id: str, incident_ids: list[str]) -> list[tuple[str, str]]:
    """Every route with its path parameters filled with the testimony's ids (every incident of it, and a
    case it may be linked into), plus searches and downloads for the testimony's own words."""
    out = []
    for method, template in all_routes(app):
        if template in ("/check", "/api/check", "/check/lang", "/login", "/logout"):
            continue  # no store data: the paper check and logging in
        fills = [template]
        if "{incident_id}" in template:
            fills = [template.replace("{incident_id}", i) for i in incident_ids]
        fills = [f.replace("{document_id}", doc_id) for f in fills]
        for path in fills:
            out.append((method, re.sub(r"\{action\}", "edit", re.sub(r"\{[^}]+\}", "x", path))
                        if "{" in path else path))
    words = ["Секретова", "Джураев", "Тайна", "паспорт", "417-Б", "+992", "Худжанд"]
    for q in words:
        out += [("GET", f"/incidents?q={q}"), ("GET", f"/documents?q={q}"), ("GET", f"/api/incidents?q={q}"),
                ("GET", f"/api/documents?q={q}"), ("GET", f"/incidents.csv?q={q}"), ("GET", f"/incidents.json?q={q}")]
    out += [("GET", "/incidents.csv"), ("GET", "/incidents.json"), ("GET", "/incidents?place=RU&per_page=200"),
            ("GET", "/api/incidents?per_page=200"), ("GET", "/?lang=ru"), ("GET", "/documents?page=1"),
            ("GET", f"/documents/{doc_id[:8]}"), ("GET", f"/api/documents/{doc_id[:8]}")]
    return out


def visible_text(response) -> str:
    """What a response shows: the body, JSON re-encoded without escapes, HTML unescaped, and its headers."""
    body = response.content.decode("utf-8", "replace")
    shown = [body, html.unescape(body), json.dumps(dict(response.headers), ensure_ascii=False)]
    if response.headers.get("content-type", "").startswith("application/json"):
        shown.append(json.dumps(response.json(), ensure_ascii=False))
    return "\n".join(shown)


def leaks(client, store_world, headers=None) -> tuple[list[str], int]:
    store, doc_id, incident_ids = store_world
    app = client.app
    found, walked = [], 0
    secrets = needles()
    for method, path in requests_for(app, doc_id, incident_ids):
        if method == "GET":
            response = client.get(path, headers=headers, follow_redirects=False)
        else:  # writes: a role that may not is refused; one that may gets a form error. Neither may echo.
            response = client.request(method, path, headers={**(headers or {}), "Content-Type": "application/json"},
                                      content=b"{}", follow_redirects=False)
        walked += 1
        assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
        text = visible_text(response)
        asked = path.partition("?q=")[2]  # a search shows its own query back: that word alone is no leak
        found += [f"{method} {path}: {s!r}" for s in secrets if s in text and s != asked]
    return found, walked


WALKED: dict[str, int] = {}


@pytest.mark.parametrize("name", ["vic", "rev", "ana", "ada"])
def test_no_role_sees_a_confidential_value_on_any_page(world, name):
    with TestClient(create_app(store=world[0])) as client:
        assert login(client, name).status_code == 303
        found, walked = leaks(client, world)
    WALKED[name] = walked
    print(f"\n{name}: {walked} requests walked, no confidential value in any answer" if not found else "")
    assert walked > 60
    assert not found, "\n".join(found[:20])


def test_a_viewers_api_token_sees_none_either(world):
    store = world[0]
    token = store.create_token("vic", actor="tests")
    with TestClient(create_app(store=store)) as client:
        found, walked = leaks(client, world, headers={"Authorization": f"Bearer {token}"})
    print(f"\nviewer token: {walked} requests walked")
    assert walked > 60
    assert not found, "\n".join(found[:20])


def test_the_walk_reaches_the_testimony(world):
    """The walk is not vacuous: the testimony's document and incidents answer 200 to a viewer, with placeholders."""
    store, doc_id, incident_ids = world
    token = store.create_token("vic", actor="tests")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(store=store)) as client:
        doc = client.get(f"/api/documents/{doc_id}", headers=auth)
        assert doc.status_code == 200 and doc.json()["document"]["kind"] == "testimony"
        assert "confidential" in doc.json()["document"]["text"]
        case = client.get(f"/api/incidents/{incident_ids[0]}", headers=auth)
        assert case.status_code == 200
        csv = client.get("/incidents.csv", headers=auth)
        assert csv.status_code == 200 and incident_ids[0] in csv.text or any(i in csv.text for i in incident_ids)
