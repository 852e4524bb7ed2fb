"""A small workbench store (see workbench.py) and clients of the app over it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, WEATHER

from recruitwatch.store import open_store
from recruitwatch.web.app import create_app


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('web-empty') / 'store.db'}")
    store.init()
    yield store
    store.close()


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('web-filled') / 'store.db'}")
    store.init()
    store.save_batch([KAZAN, MOSCOW, ROSTOV, WEATHER], INCIDENTS)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(filled_store):
    with TestClient(create_app(store=filled_store)) as c:
        yield c


@pytest.fixture(scope="module")
def empty_client(empty_store):
    with TestClient(create_app(store=empty_store)) as c:
        yield c
