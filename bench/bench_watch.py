"""Watch benchmark: what a round of `recruitwatch watch` costs when nothing changed, and when one entry is new.

    .venv/bin/python bench/bench_watch.py                  # 50 feeds of 20 entries each, SQLite in a temp folder
    .venv/bin/python bench/bench_watch.py --feeds 200 --rounds 5

A local HTTP server (a thread) serves the feeds with ETags and answers 304 to conditional
requests. Round 1 ingests every entry (generated news, about 1 in 10 relevant); the next rounds
find nothing new (304 for every feed); then one entry is added to one feed and a last round runs.
Printed: seconds per round and per source, the bytes the server sent, and the requests made.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

RELEVANT = ("Police in {city} detained {n} workers from {country} at a warehouse and took them to the military "
            "enlistment office, where officers told them to sign army contracts or face deportation.")
OTHER = ("The city council of {city} approved a plan to repair {n} school buildings before the winter, "
         "with works starting next month and funds from the regional budget.")
CITIES = ["Kazan", "Samara", "Omsk", "Perm", "Tver", "Tula", "Ufa", "Kursk"]
COUNTRIES = ["Tajikistan", "Uzbekistan", "Kyrgyzstan"]


class Feeds:
    def __init__(self, count: int, entries: int, seed: int = 7):
        rnd = random.Random(seed)
        self.items: dict[str, list[str]] = {}
        for f in range(count):
            self.items[f"/feed{f}.xml"] = [self._item(rnd, f, e) for e in range(entries)]
        self.sent = 0
        self.requests = 0
        self.not_modified = 0
        self._rnd = rnd

    def _item(self, rnd: random.Random, feed: int, entry: int) -> str:
        text = (RELEVANT if rnd.random() < 0.1 else OTHER).format(
            city=rnd.choice(CITIES), n=rnd.randint(3, 60), country=rnd.choice(COUNTRIES))
        return (f"<item><title>Report {feed}-{entry}</title><link>http://bench.test/{feed}/{entry}</link>"
                f"<description>{text} Entry {feed}-{entry}.</description></item>")

    def add(self, path: str) -> None:
        self.items[path].insert(0, self._item(self._rnd, 999, len(self.items[path])))

    def body(self, path: str) -> bytes:
        return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench {path}</title>"
                + "".join(self.items[path]) + "</channel></rss>").encode()


def serve(feeds: Feeds) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            feeds.requests += 1
            body = feeds.body(self.path)
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == tag:
                feeds.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            feeds.sent += len(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds with nothing new")
    args = parser.parse_args()

    from recruitwatch.store import open_store
    from recruitwatch.watch import run_round
    from recruitwatch.watch.config import parse_config

    feeds = Feeds(args.feeds, args.entries)
    server = serve(feeds)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        raw = {"watch": {"interval": 60}, "source": [{"feed": f"{base}{p}"} for p in feeds.items]}
        config = parse_config(raw, Path(tmp) / "watch.toml")
        store = open_store(str(Path(tmp) / "bench.db"))
        store.init()
        now = datetime.now(UTC)

        def round_(label: str, at: datetime) -> None:
            sent, requests = feeds.sent, feeds.requests
            start = time.perf_counter()
            report = run_round(store, config, now=at)
            took = time.perf_counter() - start
            new = sum(p.new_documents for p in report.polls)
            queued = sum(p.queued for p in report.polls)
            print(f"{label:<28} {took:7.2f} s  {1000 * took / max(1, len(report.polls)):7.1f} ms/source  "
                  f"{feeds.requests - requests:4d} requests  {(feeds.sent - sent) / 1000:8.1f} kB sent  "
                  f"{new:5d} documents stored  {queued:4d} incidents")

        print(f"{args.feeds} feeds x {args.entries} entries, SQLite")
        round_("first round (all new)", now)
        for r in range(args.rounds):
            round_(f"round {r + 2} (nothing new: 304)", now + timedelta(minutes=r + 1))
        feeds.add("/feed0.xml")
        round_("one new entry in one feed", now + timedelta(minutes=args.rounds + 1))
        store.close()
    server.shutdown()


if __name__ == "__main__":
    main()
