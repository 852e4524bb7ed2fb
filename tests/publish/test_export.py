"""Publishing without harm: a public file never holds a name, a phone number, an id or a small count."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter

import pytest

from recruitwatch.errors import ConfigError
from recruitwatch.publish import export, public_breakdowns
from recruitwatch.publish.redact import public_date, public_place, public_source
from recruitwatch.store import IncidentFilter

pytestmark = pytest.mark.issue(10)

MIN = 5


@pytest.fixture
def filled(store, population):
    store.save_batch(population.documents, population.incidents, link=False)
    return store


def read_rows(path, fmt):
    """The rows of an export file as dicts (lists as lists), and the whole content as text."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
        return rows, json.dumps(rows, ensure_ascii=False)
    content = path.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content)))
        for row in rows:
            for name in ("places", "nationalities", "actors", "tactics"):
                if name in row:
                    row[name] = row[name].split(";") if row[name] else []
            if "incidents" in row:
                row["incidents"] = int(row["incidents"])
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in content.splitlines()]
    else:
        collection = json.loads(content)
        assert collection["type"] == "FeatureCollection"
        rows = [f["properties"] for f in collection["features"]]
    return rows, content


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson", "parquet"])
@pytest.mark.parametrize("per", [("incident",), ("region",), ("region", "month"), ("country", "tactic")])
def test_public_export_holds_no_personal_data_and_no_small_count(filled, population, tmp_path, fmt, per):
    path = tmp_path / f"public.{fmt}"
    result = export(filled, path, fmt=fmt, per=per, actor="tester", min_count=MIN)
    rows, content = read_rows(path, fmt)
    assert result.rows == len(rows) > 0
    leaked = [s for s in population.secrets if s in content]
    assert leaked == []
    for word in ("summary", "evidence", "document_id", "origin", "author", "title", "confidence"):
        assert word not in content
    if per == ("incident",):
        # Only published news reports, never testimonies, social posts or rejected incidents;
        # and every (regions, month) cell in the file holds at least MIN rows.
        cells = Counter((tuple(r["places"]), r["date"]) for r in rows)
        assert cells == {(("RU-MOW",), "2023-05"): 6, (("UZ",), "2023-07"): 5}
        assert {r["verification"] for r in rows} == {"reported"}
        assert all(len(r["date"]) == 7 for r in rows)
    else:
        assert all(r["incidents"] >= MIN for r in rows)
    if per == ("region",):
        # 6 news + 7 testimonies in Moscow (the 2 rejected left out); RU-SPE (3) suppressed.
        assert {r["region"]: r["incidents"] for r in rows} == {"RU-MOW": 13, "UZ": 5, "RU-KDA": 6}


def test_public_per_incident_sources_are_published_pages_only(filled, tmp_path):
    path = tmp_path / "public.jsonl"
    export(filled, path, fmt="jsonl", actor="tester", min_count=1)
    rows, content = read_rows(path, "jsonl")
    assert "t.me" not in content and "hotline" not in content
    assert all(s["url"].startswith("https://news.example.org/") for r in rows for s in r["sources"])
    assert {r["places"][0] for r in rows} == {"RU-MOW", "RU-SPE", "UZ"}  # min_count 1: the small cell too


def test_geojson_points_are_region_and_country_centroids(filled, tmp_path):
    path = tmp_path / "regions.geojson"
    export(filled, path, fmt="geojson", per="region", actor="tester")
    features = {f["properties"]["region"]: f for f in json.loads(path.read_text())["features"]}
    lon, lat = features["RU-MOW"]["geometry"]["coordinates"]
    assert 37 < lon < 38.5 and 55.3 < lat < 56.2
    lon, lat = features["UZ"]["geometry"]["coordinates"]  # Tashkent, the capital
    assert 69 < lon < 69.5 and 41 < lat < 41.5


def test_full_export_holds_everything_and_is_announced_to_the_audit_trail(filled, population, tmp_path):
    calls = []
    filled.audit = lambda action, **kw: calls.append((action, kw))  # the audit trail's signature
    path = tmp_path / "full.jsonl"
    result = export(filled, path, fmt="jsonl", full=True, actor="admin-ana", filters=IncidentFilter(place="RU"))
    rows, content = read_rows(path, "jsonl")
    assert result.full and result.rows == len(rows) == 6 + 7 + 2 + 3 + 6
    assert "Рустам Назаров 1" in content and "+7 916 555-0001" in content
    assert {e["field"] for r in rows for e in r["evidence"]} == {"summary", "places"}
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    [(action, details)] = calls
    assert action == "export" and details["actor"] == "admin-ana" and details["target_kind"] == "incidents"
    assert details["details"]["full"] is True and details["details"]["filters"] == {"place": "RU", "cases": True}


def test_public_export_is_announced_too(filled, tmp_path):
    calls = []
    filled.audit = lambda action, **kw: calls.append((action, kw))
    export(filled, tmp_path / "p.csv", actor="viewer")
    assert calls[0][1]["details"]["full"] is False and calls[0][1]["details"]["min_count"] == 5


def test_threshold_from_the_environment(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("RECRUITWATCH_PUBLIC_MIN_COUNT", "3")
    path = tmp_path / "regions.jsonl"
    export(filled, path, fmt="jsonl", per="region", actor="tester")
    assert {r["region"]: r["incidents"] for r in read_rows(path, "jsonl")[0]}["RU-SPE"] == 3
    monkeypatch.setenv("RECRUITWATCH_PUBLIC_MIN_COUNT", "zero")
    with pytest.raises(ConfigError, match="RECRUITWATCH_PUBLIC_MIN_COUNT"):
        export(filled, path, fmt="jsonl", per="region", actor="tester")


def test_public_breakdowns_for_the_dashboard(filled):
    figures = public_breakdowns(filled, None, 5)
    by = figures["breakdowns"]
    assert figures["min_count"] == 5
    assert dict(by["region"]) == {"RU-MOW": 13, "UZ": 5, "RU-KDA": 6}
    assert dict(by["month"]) == {"2023-05": 13, "2023-07": 5, "2023-08": 6}
    assert dict(by["country"]) == {"RU": 13 + 3 + 6, "UZ": 5}  # the small RU-SPE cell is inside RU
    assert all(n >= 5 for rows in by.values() for _, n in rows)
    assert dict(public_breakdowns(filled, IncidentFilter(place="UZ"), 5)["breakdowns"]["region"]) == {"UZ": 5}


def test_the_database_counts_as_the_export_rules_do(store):
    """public_breakdowns (SQL, for the dashboard) agrees with the export's rules (Python) on varied data."""
    import random

    from recruitwatch.publish import DIMENSIONS, stream_breakdowns
    from recruitwatch.records import Document, Incident

    rng = random.Random(4)
    places = ["RU-MOW", "RU-SPE", "RU-MOW-X", "UA-43", "UZ-TO", "UZ-SA", "UZ", "KZ", "RU"]
    docs, incs = [], []
    for i in range(300):
        doc = Document.create(text=f"report {i}", origin=f"r{i}")
        docs.append(doc)
        incs.append(Incident(document_id=doc.id, date=rng.choice(["2023", "2023-05", "2023-05-02", "2024-01-09", None]),
                             places=rng.sample(places, rng.randint(0, 3)), nationalities=rng.sample(["UZ", "TJ", "KG"], 1),
                             tactics=rng.sample(["raid_or_document_check", "document_seizure", "false_job_offer"], 2),
                             verification=rng.choice(["reported", "rejected", "verified", "disputed"]),
                             outcome=rng.choice(["signed", "unknown"]), summary=f"s{i}"))
    store.save_batch(docs, incs, link=False)
    for k in (1, 5, 20):
        for filters in (None, IncidentFilter(place="UZ"), IncidentFilter(date_from="2023-05", tactic="document_seizure")):
            assert public_breakdowns(store, filters, k, dims=DIMENSIONS) == stream_breakdowns(store, filters, k, dims=DIMENSIONS)
    assert dict(public_breakdowns(store, None, 1)["breakdowns"]["region"]).keys() == {"RU-MOW", "RU-SPE", "UA-43", "UZ", "KZ", "RU"}


def test_redaction_rules():
    assert [public_place(c) for c in ("RU-SPE", "ua-43", "UZ-TO", "RU", "KZ-ALA", "RU-MOW-X")] == \
        ["RU-SPE", "UA-43", "UZ", "RU", "KZ", "RU-MOW"]
    assert [public_date(d) for d in ("2023-05-14", "2023-05", "2023", None)] == ["2023-05", "2023-05", "2023", None]
    assert public_source("news", "https://x.org/a", "X") == ("X", "https://x.org/a")
    assert public_source("testimony", "https://x.org/a", "X") is None
    assert public_source("social", "https://t.me/someone", None) is None
    assert public_source("news", "file:///home/ana/call.txt", None) is None


def test_parquet_without_pyarrow_names_the_extra(filled, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ConfigError, match=r"recruitwatch\[export\]"):
        export(filled, tmp_path / "x.parquet", fmt="parquet", actor="tester")


def test_bad_requests_are_refused_before_anything_is_written(filled, tmp_path):
    calls = []
    filled.audit = lambda action, **kw: calls.append(action)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ConfigError, match="GeoJSON"):
        export(filled, tmp_path / "x.geojson", fmt="geojson", per="month", actor="t")
    with pytest.raises(ConfigError, match="cannot export per"):
        export(filled, tmp_path / "x.csv", per=("incident", "month"), actor="t")
    with pytest.raises(ConfigError, match="output file"):
        export(filled, None, fmt="parquet", actor="t")
    with pytest.raises(ConfigError, match="counts cases, not reports"):
        export(filled, tmp_path / "x.csv", per="region", filters=IncidentFilter(cases=False), actor="t")
    with pytest.raises(ConfigError, match="counts cases, not reports"):
        public_breakdowns(filled, IncidentFilter(cases=False))
    assert list(tmp_path.iterdir()) == [] and calls == []


def test_export_streams_in_batches(filled, tmp_path):
    """A batch far smaller than the store gives the same file as one batch."""
    for per in (("incident",), ("region", "month")):
        export(filled, tmp_path / "small.jsonl", fmt="jsonl", per=per, actor="t", batch=2, full=True)
        export(filled, tmp_path / "big.jsonl", fmt="jsonl", per=per, actor="t", full=True)
        assert (tmp_path / "small.jsonl").read_text() == (tmp_path / "big.jsonl").read_text()


def test_both_passes_see_one_snapshot(filled, store_url, tmp_path, monkeypatch):
    """A reviewer rejecting incidents between the two passes cannot leave a cell under the threshold."""
    import importlib

    from sqlalchemy import create_engine, text

    E = importlib.import_module("recruitwatch.publish.export")  # the module (the package exports a function of that name)
    real, calls = E.iter_rows, []

    def iter_rows(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # between the passes: two of the six Moscow news reports are rejected
            engine = create_engine(store_url)
            with engine.begin() as conn:
                ids = conn.execute(text("SELECT i.id FROM incidents i JOIN documents d ON d.id = i.document_id "
                                        "WHERE i.date LIKE '2023-05-14' AND d.kind = 'news' LIMIT 2")).scalars().all()
                conn.execute(text("UPDATE incidents SET verification = 'rejected' WHERE id IN (:a, :b)"),
                             {"a": ids[0], "b": ids[1]})
            engine.dispose()
        return real(*args, **kwargs)

    monkeypatch.setattr(E, "iter_rows", iter_rows)
    path = tmp_path / "p.jsonl"
    export(filled, path, fmt="jsonl", actor="t")
    cells = Counter((tuple(r["places"]), r["date"]) for r in read_rows(path, "jsonl")[0])
    assert len(calls) == 2 and cells[(("RU-MOW",), "2023-05")] == 6  # the snapshot as the first pass saw it
    export(filled, path, fmt="jsonl", actor="t")  # the next export sees the rejections: 4 < 5, withheld
    cells = Counter((tuple(r["places"]), r["date"]) for r in read_rows(path, "jsonl")[0])
    assert cells[(("RU-MOW",), "2023-05")] == 0 and all(n >= MIN for n in cells.values())
