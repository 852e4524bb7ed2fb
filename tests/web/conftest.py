"""A small workbench store (see workbench.py) and clients of the app over it.

Each store has one user per role (``USERS``: name -> role, all with ``PASSWORD``); ``client`` and
``empty_client`` are logged in as the administrator, ``login(client, name)`` logs another in.
"""

from __future__ import annotations

import pytest
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
