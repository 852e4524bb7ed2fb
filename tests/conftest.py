"""Fixtures shared by the whole suite.

``store`` runs a test against SQLite and PostgreSQL. PostgreSQL comes from
$RECRUITWATCH_TEST_POSTGRES_URL or, when that is unset, from scripts/postgres-test-server.sh
(which installs and starts a local cluster). If PostgreSQL cannot be had, those tests fail.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from recruitwatch.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("RECRUITWATCH_TEST_POSTGRES_URL")
    if url:
        return url
    script = ROOT / "scripts" / "postgres-test-server.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        pytest.fail(f"could not start PostgreSQL with {script} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return lines[-1]


@pytest.fixture
def postgres_schema_url(postgres_url):
    """A URL whose connections live in a fresh, empty schema of the test database (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """The URL of a fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def store(store_url) -> Store:
    """A fresh, initialised Store, once on SQLite and once on PostgreSQL."""
    s = open_store(store_url)
    s.init()
    yield s
    s.close()
