"""A real HTTP server on 127.0.0.1 for the URL-ingest and watch tests (never a mock).

``LocalSite`` serves pages set in ``site.pages[path]``; answers ``304 Not Modified`` to a
conditional request whose ``If-None-Match`` / ``If-Modified-Since`` matches the page's ETag /
Last-Modified; follows ``site.redirects``; fails with ``site.fail[path]`` (a status code); and
records every request (method, path, headers, body) in ``site.requests``. POSTs to a path in
``site.receivers`` are recorded and answered with the receiver's status.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from dataclasses import dataclass, field
from email.utils import formatdate


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: bool = True  # send an ETag (a hash of the body)
    last_modified: str | None = field(default_factory=lambda: formatdate(1_700_000_000, usegmt=True))

    @property
    def tag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class LocalSite:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.redirects: dict[str, str] = {}
        self.fail: dict[str, int] = {}
        self.receivers: dict[str, int] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site._record(self, b"")
                path = self.path
                if path in site.fail:
                    self._answer(site.fail[path], b"server error", "text/plain")
                elif path in site.redirects:
                    self.send_response(302)
                    self.send_header("Location", site.redirects[path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path in site.pages:
                    page = site.pages[path]
                    if (page.etag and self.headers.get("If-None-Match") == page.tag) or (
                            not page.etag and page.last_modified
                            and self.headers.get("If-Modified-Since") == page.last_modified):
                        self.send_response(304)
                        self._validators(page)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", page.content_type)
                    self._validators(page)
                    self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    self.wfile.write(page.body)
                else:
                    self._answer(404, b"not found", "text/plain")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                site._record(self, body)
                self._answer(site.receivers.get(self.path, 404), b"ok", "text/plain")

            def _validators(self, page: Page) -> None:
                if page.etag:
                    self.send_header("ETag", page.tag)
                if page.last_modified:
                    self.send_header("Last-Modified", page.last_modified)

            def _answer(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def _record(self, handler, body: bytes) -> None:
        with self._lock:
            self.requests.append(Request(handler.command, handler.path, dict(handler.headers.items()), body))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def requests_to(self, path: str, method: str = "GET") -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path and r.method == method]

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def article(title: str, text: str, *, canonical: str | None = None, lang: str = "en", published: str | None = None) -> bytes:
    """An HTML article page with navigation around the text, as news sites have."""
    head = f"<title>{title}</title>"
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    if published:
        head += f'<meta property="article:published_time" content="{published}">'
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
            '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>Contact the newsroom</footer></body></html>").encode()


def rss(title: str, items: list[tuple[str, str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link, text, RFC 822 date) items."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate>"
                   f"<description><![CDATA[{text}]]></description></item>" for t, link, text, date in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<link>http://example.test/</link><description>news</description>{body}</channel></rss>").encode()


def urlset(entries: list[tuple[str, str | None]]) -> bytes:
    """A sitemap listing (URL, lastmod) pages."""
    body = "".join(f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
                   for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>').encode()


# Reports written for these tests (not taken from anywhere): relevant in English and Russian, and one not.
RAID_EN = ("Warehouse workers from Uzbekistan taken to enlistment office after raid in Podolsk",
           "On 14 March 2024 police and migration officers raided a warehouse in Podolsk, Moscow region, and "
           "detained about thirty workers from Uzbekistan. The men were driven to the military enlistment office, "
           "where officers told them to sign one-year contracts with the Russian army or face deportation.\n\n"
           "Two of the workers, who held Russian passports, were handed call-up papers on the spot. A lawyer for "
           "the families said the men were not given copies of what they signed.")
HOSTEL_RU = ("В Екатеринбурге мигрантов из Таджикистана принуждали подписать контракт с Минобороны",
             "12 февраля 2024 года сотрудники полиции задержали в общежитии в Екатеринбурге восемь граждан "
             "Таджикистана. Их доставили в военкомат, где у них забрали паспорта и потребовали подписать контракт "
             "на службу в зоне СВО, пригрозив иначе выдворением.\n\nТрое мужчин подписали контракт, остальных "
             "отпустили через сутки, сообщили родственники задержанных.")
JOBS_EN = ("Kyrgyz construction workers recruited with promise of building jobs end up at the front",
           "In October 2023 a recruiter in Novosibirsk offered a group of construction workers from Kyrgyzstan "
           "well-paid jobs rebuilding houses in occupied Mariupol. Once there, the men say, their passports were "
           "taken and they were told to sign military contracts.\n\nFour of them signed after being threatened "
           "with criminal charges and were sent to the front line in the Donetsk region, relatives told reporters.")
WEATHER_EN = ("Early frost expected across the Chuy valley",
              "Forecasters expect the first frost of the season in the Chuy valley this weekend, with night "
              "temperatures falling to minus five degrees.\n\nFarmers are advised to cover seedlings and to "
              "finish the apple harvest by Friday.")
