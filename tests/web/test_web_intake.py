"""Testimony intake: role, consent, the pre-fill step, encryption, and no personal detail echoed."""

from __future__ import annotations

import base64
import logging
import os

import pytest
from fastapi.testclient import TestClient
from workbench import add_users, form_token, login

from recruitwatch.store import IncidentFilter, open_store
from recruitwatch.web.app import create_app

ACCOUNT = ("В марте 2024 года в Казани сотрудники полиции забрали у меня паспорт и сказали, что вернут его, "
           "только если я подпишу контракт с Министерством обороны. Я гражданин Узбекистана.")
PERSON = {"name": "Шерзод Тестов", "contacts": "+998 90 111 22 33\n@sherzod_test", "birth_date": "1991-05-06",
          "address": "Самарканд, улица Тестовая, 7"}
CONSENT = "Согласен на использование без имени"


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("RECRUITWATCH_KEY_FILE", "RECRUITWATCH_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return monkeypatch


def make_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'intake.db'}")
    store.init()
    add_users(store)
    return store


@pytest.fixture
def keyed(env, tmp_path):
    env.setenv("RECRUITWATCH_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    store = make_store(tmp_path)
    yield store
    store.close()


def client_as(store, name):
    c = TestClient(create_app(store=store))
    assert login(c, name).status_code == 303
    return c


def form_data(page_html: str, **extra) -> dict:
    return {"csrf_token": form_token(page_html), **PERSON, "consent": CONSENT, "consent_date": "2026-12-01",
            "account": ACCOUNT, "text_lang": "ru", **extra}


@pytest.mark.parametrize("name, allowed", [("vic", False), ("rev", False), ("ana", True), ("ada", True)])
def test_intake_is_for_analysts_and_admins(keyed, name, allowed):
    c = client_as(keyed, name)
    assert c.get("/testimony/new").status_code == (200 if allowed else 403)
    assert c.post("/testimony", data={"csrf_token": "x"}).status_code == (403 if not allowed else 403)


def test_prefill_finds_the_incident_and_stores_nothing(keyed):
    c = client_as(keyed, "ana")
    page = c.get("/testimony/new")
    before = keyed.stats()["documents"]
    fragment = c.post("/testimony/prefill", data={"csrf_token": form_token(page.text), "account": ACCOUNT,
                                                   "text_lang": "ru"})
    assert fragment.status_code == 200
    assert 'name="inc-0-keep"' in fragment.text and "RU-TA" in fragment.text
    assert "паспорт" not in fragment.text  # spans go back as offsets, not words
    assert keyed.stats()["documents"] == before
    assert c.post("/testimony/prefill", data={"csrf_token": "forged", "account": ACCOUNT}).status_code == 403


def test_save_with_checked_incidents(keyed, caplog):
    caplog.set_level(logging.DEBUG)
    c = client_as(keyed, "ana")
    page = c.get("/testimony/new")
    data = form_data(page.text, prefilled="1", **{"inc-0-keep": "1", "inc-0-date": "2024-03", "inc-0-places": "RU-TA",
                                                  "inc-0-nationalities": "UZ", "inc-0-status": "",
                                                  "inc-0-count": "1", "inc-0-actors": "police",
                                                  "inc-0-tactics": "document_seizure", "inc-0-outcome": "",
                                                  "inc-0-spans": '[{"field": "places", "value": "RU-TA", '
                                                                 '"start": 20, "end": 26, "confidence": 0.8}]'})
    response = c.post("/testimony", data=data, files=[("attachments", ("scan.jpg", b"\xff\xd8scan", "image/jpeg"))],
                      follow_redirects=False)
    assert response.status_code == 303, response.text[:3000]
    location = response.headers["location"]
    assert location.startswith("/incidents/") and "done=testimony" in location
    incident_id = location.split("/")[2].split("?")[0]
    inc = keyed.get_incident(incident_id)
    assert inc.places == ["RU-TA"] and inc.nationalities == ["UZ"] and inc.count == 1
    shown = c.get(location)
    assert shown.status_code == 200 and "testimony was saved" in shown.text
    docs = keyed.list_incidents(IncidentFilter(document_id=inc.document_id), limit=10)
    assert len(docs) == 1
    text, person, attachments = keyed.read_testimony(inc.document_id)
    assert text == ACCOUNT and person.name == PERSON["name"] and person.consent == CONSENT
    assert person.contacts == PERSON["contacts"].splitlines() and attachments == [("scan.jpg", b"\xff\xd8scan")]
    assert [e.text for e in inc.evidence if e.field == "places"] != ["Казани"]  # stored evidence is redacted
    for value in [*PERSON.values(), CONSENT, "паспорт", "scan.jpg"]:
        for part in value.splitlines():
            assert part not in shown.text
            assert part not in caplog.text
            assert part not in location


def test_save_without_prefill_lets_the_store_extract(keyed):
    c = client_as(keyed, "ada")
    page = c.get("/testimony/new")
    response = c.post("/testimony", data=form_data(page.text), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(("/incidents/", "/testimony/saved/"))


def test_consent_is_required(keyed):
    c = client_as(keyed, "ana")
    page = c.get("/testimony/new")
    before = keyed.stats()["documents"]
    response = c.post("/testimony", data=form_data(page.text, consent="  "))
    assert response.status_code == 400 and "consent" in response.text
    assert PERSON["name"] not in response.text and PERSON["address"] not in response.text
    assert keyed.stats()["documents"] == before


def test_a_bad_field_value_is_a_message(keyed):
    c = client_as(keyed, "ana")
    page = c.get("/testimony/new")
    response = c.post("/testimony", data=form_data(page.text, prefilled="1", **{"inc-0-keep": "1",
                                                                                "inc-0-places": "Atlantis"}))
    assert response.status_code == 400 and "Nothing was stored" in response.text


def test_without_a_master_key_the_form_says_how_to_make_one(env, tmp_path):
    store = make_store(tmp_path)
    c = client_as(store, "ana")
    page = c.get("/testimony/new")
    assert "recruitwatch keys init" in page.text
    response = c.post("/testimony", data=form_data(page.text))
    assert response.status_code == 503 and "recruitwatch keys init" in response.text
    assert store.stats()["documents"] == 0
    store.close()
