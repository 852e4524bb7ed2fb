"""The workbench over SQLite and PostgreSQL alike (the `store` fixture runs each test on both)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, WEATHER, add_users, login

from recruitwatch.web.app import create_app


@pytest.fixture
def db_client(store):
    store.save_batch([KAZAN, MOSCOW, ROSTOV, WEATHER], INCIDENTS)
    add_users(store)
    with TestClient(create_app(store=store)) as c:
        login(c, "vic")
        yield c


@pytest.mark.parametrize("query, total", [("", 3), ("actor=police", 2), ("place=RU", 3), ("place=UA-14", 1),
                                          ("q=passports", 1), ("conf_min=0.5&verification=reported", 2)])
def test_list_and_api_agree_on_both_databases(db_client, query, total):
    assert db_client.get(f"/api/incidents?{query}").json()["total"] == total
    assert f"{total} incident" in db_client.get(f"/incidents?{query}").text


def test_pages_render_on_both_databases(db_client):
    for path in ("/", f"/incidents/{INCIDENTS[2].id}", f"/documents/{ROSTOV.id}", "/documents?q=student"):
        assert db_client.get(path).status_code == 200, path
    assert 'data-code="UA-14" data-count="1"' in db_client.get("/").text
