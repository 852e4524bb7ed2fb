"""schemathesis against the API's OpenAPI schema (issue 10 item 6): every operation, a fixed derandomized
budget, authenticated as an administrator with an API token, against the app in-process; no answer may be
a server error (5xx). Case counts are printed with ``-s`` (``SCHEMATHESIS_CASES`` below)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from workbench import INCIDENTS, KAZAN, MOSCOW, ROSTOV, WEATHER, add_users

from recruitwatch.store import open_store
from recruitwatch.web.app import create_app

#: Examples per operation: about 15 operations; the whole run stays well under a minute. A longer hunt:
#: RECRUITWATCH_SCHEMATHESIS_EXAMPLES=500 pytest tests/web/test_web_api_schemathesis.py -s
EXAMPLES = int(os.environ.get("RECRUITWATCH_SCHEMATHESIS_EXAMPLES", "30"))
CASES: dict[str, int] = {}
STATUSES: dict[int, int] = {}


@pytest.fixture(scope="module")
def api_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'store.db'}")
    store.init()
    store.save_batch([KAZAN, MOSCOW, ROSTOV, WEATHER], INCIDENTS)
    add_users(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def admin_token(api_store):
    return api_store.create_token("ada", actor="tests")


def test_no_api_call_is_a_server_error(api_store, admin_token):
    """Each operation of the schema in turn, as a hypothesis test of its own (the schemathesis pytest plugin
    does not run on this pytest); the first 5xx fails with the case that caused it."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(store=api_store))
    auth = {"Authorization": f"Bearer {admin_token}"}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def one(case):
            response = case.call(headers=auth)
            CASES[case.operation.label] = CASES.get(case.operation.label, 0) + 1
            STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
            case.validate_response(response, checks=[not_a_server_error])

        one()


def test_report_the_cases_run():
    """Runs after the schemathesis test (file order): every operation was exercised."""
    print(f"\nschemathesis: {sum(CASES.values())} cases over {len(CASES)} operations: {CASES}; "
          f"answers: {dict(sorted(STATUSES.items()))}")
    assert len(CASES) >= 10 and sum(CASES.values()) >= 10 * EXAMPLES // 3
    assert STATUSES.get(200, 0) >= 10  # the calls reach the API (not 404s at a wrong base path)
    assert not any(code >= 500 for code in STATUSES)
