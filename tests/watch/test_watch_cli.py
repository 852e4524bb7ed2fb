"""`recruitwatch watch --once` end to end, each run a new process: a real local HTTP server (feed,
article page with a canonical link, sitemap, 304s, a failing source), a real SMTP server
(aiosmtpd) receiving the email, and a real HTTP endpoint receiving the signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import textwrap
from email import message_from_bytes

import pytest
from local_site import HOSTEL_RU, JOBS_EN, RAID_EN, WEATHER_EN, LocalSite, Page, article, rss, urlset

from recruitwatch.store import open_store

SECRET = "hook-secret-for-tests-7f3a"
SMTP_PASSWORD = "smtp-password-for-tests-91c2"
RAID_KG_RU = ("В Подмосковье у мигрантов из Кыргызстана изъяли паспорта и отвезли их в пункт отбора на контракт",
              "5 апреля 2024 года в Балашихе полицейские провели рейд на строительном объекте и задержали двенадцать "
              "граждан Кыргызстана. У рабочих изъяли паспорта и отвезли их в пункт отбора на военную службу по "
              "контракту, где им предложили подписать контракт в обмен на прекращение дела о нарушении "
              "миграционного режима.")


class _Mailbox:
    def __init__(self):
        self.messages: list[bytes] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("alerts", SMTP_PASSWORD))


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port(), authenticator=box.authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def site():
    with LocalSite() as s:
        yield s


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _feed(site, entries):
    items = [(title, f"{site.url}/news/{slug}", text, date) for slug, (title, text), date in entries]
    site.pages["/feed.xml"] = Page(rss("Migrant Desk", items), content_type="application/rss+xml")


def _run(config, db, *args):
    env = {**os.environ, "RW_HOOK_SECRET": SECRET, "RW_SMTP_PASSWORD": SMTP_PASSWORD}
    return subprocess.run([sys.executable, "-m", "recruitwatch", "watch", "--config", str(config), "--db", str(db),
                           "--once", *args], capture_output=True, text=True, env=env, timeout=180)


def _webhook_posts(site):
    posts = site.requests_to("/hook", "POST")
    for post in posts:  # every POST carries a valid signature of its exact body
        expected = "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
        assert post.headers["X-Recruitwatch-Signature"] == expected
    return [json.loads(p.body) for p in posts]


def test_watch_once_ingests_new_things_notifies_and_then_costs_a_304(tmp_path, site, smtp):
    _feed(site, [("raid", RAID_EN, "Thu, 14 Mar 2024 10:00:00 GMT"), ("frost", WEATHER_EN, "Fri, 15 Mar 2024 08:00:00 GMT")])
    site.pages["/hostel?ref=rss"] = Page(article(*HOSTEL_RU, lang="ru", canonical="/news/2024/hostel"))
    site.pages["/jobs"] = Page(article(*JOBS_EN), etag=False)  # Last-Modified only
    site.pages["/sitemap.xml"] = Page(urlset([(f"{site.url}/jobs", "2023-10-20")]), content_type="application/xml")
    site.fail["/down.xml"] = 500
    site.receivers["/hook"] = 200
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "frost.txt").write_text(f"{WEATHER_EN[0]}\n\n{WEATHER_EN[1]}", encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(textwrap.dedent(f"""
        [watch]
        interval = 0.01          # seconds: every source is due again at the next --once
        retry_after = "1h"       # a failed source waits: the next --once skips it

        [[source]]
        name = "Migrant Desk"
        feed = "{site.url}/feed.xml"

        [[source]]
        page = "{site.url}/hostel?ref=rss"

        [[source]]
        name = "Site map"
        sitemap = "{site.url}/sitemap.xml"

        [[source]]
        name = "Broken feed"
        feed = "{site.url}/down.xml"

        [[source]]
        name = "Nobody home"
        feed = "http://127.0.0.1:{_free_port()}/feed.xml"

        [[source]]
        folder = "incoming"

        [notify.webhook]
        url = "{site.url}/hook"
        secret_env = "RW_HOOK_SECRET"

        [notify.email]
        host = "127.0.0.1"
        port = {smtp.port}
        starttls = false
        username = "alerts"
        password_env = "RW_SMTP_PASSWORD"
        from = "recruitwatch@example.test"
        to = ["desk@example.test"]
    """), encoding="utf-8")
    db = tmp_path / "store.db"

    # 1. The first run ingests everything, notifies once by each channel; the failing sources fail alone.
    first = _run(config, db)
    assert first.returncode == 1, first.stderr  # some sources failed
    log = first.stderr
    assert 'feed "Migrant Desk": 2 listed, 2 new or changed read, 2 stored' in log
    assert 'feed "Broken feed": failed (1 in a row): the server answered HTTP 500' in log and "retry in 60m" in log
    assert 'feed "Nobody home": failed (1 in a row): could not fetch the feed' in log
    assert 'sitemap "Site map": 1 listed, 1 new or changed read, 1 stored' in log
    assert SECRET not in log and SMTP_PASSWORD not in log
    with open_store(str(db)) as store:
        stored = {d.origin: d for d in store.list_documents(limit=100)}
        hostel = stored[f"{site.url}/hostel?ref=rss"]
        assert hostel.url == f"{site.url}/news/2024/hostel"  # the canonical URL
        relevant = {d.id for d in stored.values() if d.relevant}
        incidents = [i for doc_id in relevant for i in store.list_incidents(_by_document(doc_id), limit=50)]
        assert len(relevant) == 3 and incidents  # raid, hostel, jobs; not the frost
    [hook] = _webhook_posts(site)
    assert sorted(e["id"] for e in hook["incidents"]) == sorted(i.id for i in incidents)
    assert {e["report"]["document_id"] for e in hook["incidents"]} == relevant
    assert hook["count"] == len(incidents) and hook["digest"] is False
    assert {e["report"]["url"] for e in hook["incidents"]} >= {hostel.url, f"{site.url}/news/raid"}
    [mail] = [message_from_bytes(m) for m in smtp.messages]
    assert mail["Subject"] == f"recruitwatch: {len(incidents)} new incidents" and mail["To"] == "desk@example.test"
    assert RAID_EN[0] in mail.get_payload(decode=True).decode() and smtp.logins == [("alerts", SMTP_PASSWORD)]

    # 2. Nothing changed: conditional requests, 304s, nothing ingested, nobody notified; failed sources wait.
    requests_before = len(site.requests)
    second = _run(config, db)
    assert second.returncode == 0, second.stderr
    assert second.stderr.count("not modified (304), nothing fetched") == 3  # feed, page, sitemap
    assert "Broken feed" not in second.stderr and "Nobody home" not in second.stderr  # backing off
    new_requests = site.requests[requests_before:]
    assert [r.path for r in new_requests] == ["/feed.xml", "/hostel?ref=rss", "/sitemap.xml"]
    assert all("If-None-Match" in r.headers for r in new_requests)
    assert len(_webhook_posts(site)) == 1 and len(smtp.messages) == 1
    with open_store(str(db)) as store:
        assert len(store.list_documents(limit=100)) == len(stored)

    # 3. A new entry in the feed and a new file in the folder: only they are read and notified.
    _feed(site, [("balashikha", RAID_KG_RU, "Fri, 05 Apr 2024 12:00:00 GMT"),
                 ("raid", RAID_EN, "Thu, 14 Mar 2024 10:00:00 GMT"), ("frost", WEATHER_EN, "Fri, 15 Mar 2024 08:00:00 GMT")])
    (folder / "balashikha-2.txt").write_text(f"{RAID_KG_RU[0]}\n\nПо данным правозащитников, {RAID_KG_RU[1]}",
                                             encoding="utf-8")
    third = _run(config, db)
    assert third.returncode == 0, third.stderr
    assert 'feed "Migrant Desk": 3 listed, 1 new or changed read, 1 stored' in third.stderr
    assert "folder " in third.stderr and "2 listed, 1 new or changed read, 1 stored" in third.stderr
    hooks = _webhook_posts(site)
    assert len(hooks) == 2 and len(smtp.messages) == 2
    with open_store(str(db)) as store:
        fresh = [d for d in store.list_documents(limit=100) if d.origin not in stored]
        assert len(fresh) == 2 and all(d.relevant for d in fresh)
        fresh_incidents = {i.id for d in fresh for i in store.list_incidents(_by_document(d.id), limit=50)}
    assert {e["id"] for e in hooks[1]["incidents"]} == fresh_incidents

    # The state is in the store: --status (another new process) shows it.
    status = subprocess.run([sys.executable, "-m", "recruitwatch", "watch", "--config", str(config), "--db", str(db),
                             "--status"], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200",
                             "RW_HOOK_SECRET": SECRET, "RW_SMTP_PASSWORD": SMTP_PASSWORD})
    assert status.returncode == 0, status.stderr
    assert "HTTP 500" in status.stdout and "webhook: 0 incident(s) waiting" in status.stdout


def _by_document(doc_id):
    from recruitwatch.store import IncidentFilter

    return IncidentFilter(document_id=doc_id, cases=False)
