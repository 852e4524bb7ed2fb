"""A small workbench store (see workbench.py) and clients of the app over it.

Each store has one user per role (``USERS``: name -> role, all with ``PASSWORD``); ``client`` and
``empty_client`` are logged in as the administrator, ``login(client, name)`` logs another in.
For the browser tests: ``serve_app`` runs an app on a real local server, ``browser`` is Debian's
Chromium driven by Playwright (see browser.py).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, live_server
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, WEATHER, add_users, login

from recruitwatch.store import open_store
from recruitwatch.web.app import create_app


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('web-empty') / 'store.db'}")
    store.init()
    add_users(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('web-filled') / 'store.db'}")
    store.init()
    store.save_batch([KAZAN, MOSCOW, ROSTOV, WEATHER], INCIDENTS)
    add_users(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        login(c, "ada")
        yield c


@pytest.fixture(scope="module")
def empty_client(empty_store):
    with TestClient(create_app(store=empty_store)) as c:
        login(c, "ada")
        yield c


@pytest.fixture(scope="module")
def anon(filled_store):
    """A client of the filled store that has not logged in."""
    with TestClient(create_app(store=filled_store)) as c:
        yield c


@pytest.fixture(scope="module")
def serve_app():
    """``serve_app(app)`` -> the base URL of ``app`` on a real uvicorn server, stopped after the module."""
    with ExitStack() as servers:
        yield lambda app: servers.enter_context(live_server(app))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (never Playwright's own download), one per test module."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
