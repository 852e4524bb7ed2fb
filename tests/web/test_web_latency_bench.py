"""The latency benchmark's small run (bench/bench_web_latency.py, issue 9 item 6), so it cannot rot: a store of
1,000 generated incidents, the real `recruitwatch serve` in a subprocess, a login through the form, then every
page the benchmark times answers 200 and every total the pages and the API show equals the count computed in
Python from the generated incidents. Behaviour only: no timing is checked here."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import bench_web_latency as bench

N = 1000


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bench_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bench.db'}"
    return request.getfixturevalue("postgres_schema_url")


def test_every_page_answers_with_the_right_totals(bench_url):
    data = bench.generate(N, seed=5)
    store, made = bench.prepare_store(bench_url, lambda: data)
    assert made is data  # an empty store was filled
    token = store.create_token(bench.ADMIN, actor="tests")
    ids = [i.id for i in data.incidents]
    store.close()
    server = bench.Server(bench_url)
    try:
        server.wait()
        client = bench.login(server.base)
        assert bench.check(client, token, data) == []
        plan = bench.requests_plan(random.Random(5), ids, 2)  # each timed kind of page, twice
        times = bench.measure(client, plan, 0, {"Authorization": f"Bearer {token}"})  # raises on any non-200
        assert all(len(ts) == 2 for ts in times.values())
        client.close()
    finally:
        server.stop()


def test_the_expected_totals_follow_the_list_semantics():
    data = bench.generate(200, seed=2)
    cases = [i for i in data.incidents if (i.case_id or i.id) == i.id]
    assert bench.expected_total(data, {}) == len(cases) < len(data.incidents)
    assert bench.expected_total(data, {"place": "RU"}) == sum(1 for i in cases if any(p.startswith("RU") for p in i.places))
    assert 0 < bench.expected_total(data, {"date_from": "2024", "date_to": "2024"}) < len(cases)
