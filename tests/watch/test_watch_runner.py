"""The watcher's schedule, back-off, deliveries and stopping, with time passed in (no waiting)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from local_site import RAID_EN, WEATHER_EN, LocalSite, Page, article, urlset

from recruitwatch.errors import ConfigError
from recruitwatch.store import open_store
from recruitwatch.watch import load_config, run_round
from recruitwatch.watch.config import parse_duration

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def site():
    with LocalSite() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "w.db"))
    s.init()
    yield s
    s.close()


def _config(tmp_path: Path, body: str):
    path = tmp_path / "watch.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_config(path)


def test_a_failing_source_backs_off_exponentially_up_to_the_cap_and_the_others_go_on(tmp_path, site, store):
    site.pages["/ok"] = Page(article(*WEATHER_EN))
    site.fail["/flaky"] = 503
    config = _config(tmp_path, f"""
        [watch]
        retry_after = "10s"
        max_backoff = "30s"
        [[source]]
        page = "{site.url}/ok"
        interval = "5s"
        [[source]]
        name = "flaky"
        page = "{site.url}/flaky"
        interval = "5s"
    """)
    ok, flaky = (s.key for s in config.sources)
    waits, polled = [], []
    for seconds in range(0, 80, 5):
        now = T0 + timedelta(seconds=seconds)
        report = run_round(store, config, now=now)
        polled.append(sorted(p.source.name or "ok" for p in report.polls))
        for p in report.polls:
            if p.source.key == flaky:
                waits.append((p.next_due - now).total_seconds())
    assert waits == [10, 20, 30, 30]  # doubling, capped
    assert polled[:4] == [["flaky", "ok"], ["ok"], ["flaky", "ok"], ["ok"]]
    assert all("ok" in names for names in polled)  # the good source was polled every time it was due
    assert store.watch_state(flaky).failures == 4 and "HTTP 503" in store.watch_state(flaky).last_error
    assert store.watch_state(ok).failures == 0
    # It recovers: failures reset, the normal interval again.
    del site.fail["/flaky"]
    site.pages["/flaky"] = Page(article(*RAID_EN))
    report = run_round(store, config, now=T0 + timedelta(seconds=200))
    [recovered] = [p for p in report.polls if p.source.key == flaky]
    assert recovered.outcome == "new" and store.watch_state(flaky).failures == 0
    assert store.watch_state(flaky).next_due == T0 + timedelta(seconds=205)


def test_a_refused_webhook_is_retried_then_kept_for_the_next_round(tmp_path, site, store):
    site.pages["/raid"] = Page(article(*RAID_EN))
    site.receivers["/hook"] = 503
    config = _config(tmp_path, f"""
        [[source]]
        page = "{site.url}/raid"
        [notify.webhook]
        url = "{site.url}/hook"
        retries = 2
        retry_delay = 0.01
    """)
    first = run_round(store, config, now=T0)
    [delivery] = first.deliveries
    assert delivery.sent == 0 and "HTTP 503" in delivery.error and "after 3 attempts" in delivery.error
    assert len(site.requests_to("/hook", "POST")) == 3
    waiting = store.pending_notices("webhook")
    assert waiting and {n.attempts for n in waiting} == {1}
    site.receivers["/hook"] = 200
    second = run_round(store, config, now=T0 + timedelta(minutes=1))  # the page is not due: only the delivery
    assert second.polls == [] and second.deliveries[0].sent == len(waiting)
    body = json.loads(site.requests_to("/hook", "POST")[-1].body)
    assert {e["id"] for e in body["incidents"]} == {n.incident_id for n in waiting}
    assert "X-Recruitwatch-Signature" not in site.requests_to("/hook", "POST")[-1].headers  # no secret configured
    assert store.pending_notices("webhook") == []


def test_a_digest_waits_for_its_hours(tmp_path, site, store):
    site.pages["/raid"] = Page(article(*RAID_EN))
    site.receivers["/hook"] = 200
    config = _config(tmp_path, f"""
        [[source]]
        page = "{site.url}/raid"
        interval = "1h"
        [notify]
        mode = "digest"
        digest_hours = 6
        [notify.webhook]
        url = "{site.url}/hook"
    """)
    assert run_round(store, config, now=datetime.now(UTC)).deliveries[0].sent == 0  # queued, not due yet
    assert site.requests_to("/hook", "POST") == [] and store.pending_notices("webhook")
    later = datetime.now(UTC) + timedelta(hours=6, minutes=1)
    assert run_round(store, config, now=later).deliveries[0].sent > 0
    assert json.loads(site.requests_to("/hook", "POST")[0].body)["digest"] is True


@pytest.mark.parametrize(("body", "message"), [
    ("[[source]]\nfeed = 'https://x.test/f'\n[notify.email]\nhost='h'\nfrom='a@x'\nto='b@x'\npassword='hunter2'\n",
     "never write the password in the file"),
    ("[[source]]\nfeed = 'https://x.test/f'\n[notify.webhook]\nurl='https://h.test/'\nsecret='s'\n",
     "never write the secret in the file"),
    ("[[source]]\nfeed = 'https://x.test/f'\npage = 'https://x.test/p'\n", "needs exactly one of feed, page, sitemap or folder"),
    ("[[source]]\nfeed = 'ftp://x.test/f'\n", "is not an http(s) URL"),
    ("[[source]]\nfeed = 'https://x.test/f'\ninterval = 'soon'\n", "is not a duration"),
    ("[[source]]\nfeed = 'https://x.test/f'\nintervall = '1h'\n", "unknown setting 'intervall'"),
    ("[watch]\ninterval = '1h'\n", "add at least one [[source]]"),
    ("[[source]]\nfeed = 'https://x.test/f'\n[[source]]\nfeed = 'https://x.test/f'\n", "listed twice"),
    ("[[source]\n", "not valid TOML"),
])
def test_config_mistakes_name_the_file_and_the_setting(tmp_path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and "hunter2" not in str(caught.value)


def test_durations():
    assert [parse_duration(v) for v in (90, "90s", "15m", "6h", "1d", 0.5)] == [90, 90, 900, 21600, 86400, 0.5]
    for bad in ("0", "-5m", "soon", True):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_the_example_config_is_valid(monkeypatch):
    config = load_config(Path(__file__).resolve().parents[2] / "examples" / "watch.toml")
    assert {s.kind for s in config.sources} == {"feed", "page", "sitemap", "folder"}
    assert config.notify.channels == ["webhook", "email"]


def test_sigterm_stops_the_loop_cleanly_between_polls(tmp_path, site):
    site.pages["/a"] = Page(article(*WEATHER_EN))
    config = tmp_path / "watch.toml"
    config.write_text(f'[[source]]\npage = "{site.url}/a"\ninterval = "1h"\n', encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "recruitwatch", "watch", "--config", str(config),
                                "--db", str(tmp_path / "s.db")], stderr=subprocess.PIPE, text=True, env=os.environ)
    lines = []
    for line in process.stderr:  # wait for the first poll's line: the loop is now sleeping until the next
        lines.append(line)
        if "next in" in line:
            break
    process.send_signal(signal.SIGTERM)
    rest = process.communicate(timeout=60)[1]
    assert process.returncode == 0, "".join(lines) + rest
    assert "SIGTERM: stopping after the poll in progress" in rest
    with open_store(str(tmp_path / "s.db")) as store:
        assert store.watch_state(f"page:{site.url}/a").last_success is not None


def test_a_folder_gives_new_and_changed_files_only(tmp_path, store):
    folder = tmp_path / "drop"
    folder.mkdir()
    first = folder / "frost.txt"
    first.write_text(f"{WEATHER_EN[0]}\n\n{WEATHER_EN[1]}", encoding="utf-8")
    config = _config(tmp_path, '[[source]]\nfolder = "drop"\ninterval = 1\n')
    key = config.sources[0].key

    def read_at(seconds):
        [p] = run_round(store, config, now=T0 + timedelta(seconds=seconds)).polls
        return p.read

    assert read_at(0) == 1
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 5_000_000_000))  # touched only
    assert read_at(2) == 0
    assert store.watch_seen(key)[str(first)].startswith(f"{first.stat().st_size}:{first.stat().st_mtime_ns}:")
    first.write_text(f"{WEATHER_EN[0]}\n\n{WEATHER_EN[1]} Updated at noon.", encoding="utf-8")
    assert read_at(4) == 1
    first.unlink()
    assert read_at(6) == 0 and store.watch_seen(key) == {}


def test_a_sitemap_with_more_new_pages_than_max_pages_goes_on_at_the_next_poll(tmp_path, site, store):
    for n in range(3):
        site.pages[f"/p{n}"] = Page(article(f"{WEATHER_EN[0]} ({n})", WEATHER_EN[1]))
    site.pages["/sitemap.xml"] = Page(urlset([(f"{site.url}/p{n}", f"2024-01-0{n + 1}") for n in range(3)]),
                                      content_type="application/xml")
    config = _config(tmp_path, f'[[source]]\nsitemap = "{site.url}/sitemap.xml"\ninterval = 1\nmax_pages = 2\n')
    [first] = run_round(store, config, now=T0).polls
    assert (first.read, first.waiting) == (2, 1)
    assert [r.path for r in site.requests][1:] == ["/p2", "/p1"]  # newest first
    [second] = run_round(store, config, now=T0 + timedelta(seconds=2)).polls
    assert (second.read, second.waiting) == (1, 0)
    assert "If-None-Match" not in site.requests_to("/sitemap.xml")[1].headers  # listed again: work was waiting
    [third] = run_round(store, config, now=T0 + timedelta(seconds=4)).polls
    assert third.outcome == "not modified" and "If-None-Match" in site.requests_to("/sitemap.xml")[2].headers
