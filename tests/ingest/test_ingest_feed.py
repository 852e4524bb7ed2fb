"""RSS/Atom feeds from files and from a local HTTP server."""

import http.server
import socket
import threading
from pathlib import Path

import pytest

from recruitwatch.ingest import read_source


def test_rss_file(fixtures, split):
    docs, failures = split(read_source(fixtures / "feed.rss"))
    assert failures == []
    patent, stroika = docs
    assert patent.title == "Summons at the patent office"
    assert patent.origin == patent.url == "https://monitor.example.org/2023/09/summons-patent-office"
    assert patent.published == "2023-09-26"
    assert patent.outlet == "Migrant Rights Monitor"
    assert patent.text == ("Migrants who came to renew their work patents in Moscow were handed military summons.\n\n"
                           "Lawyers advise reading every paper before signing.")
    assert "<b>" not in patent.text
    assert stroika.published == "2023-10-02"
    assert stroika.text.startswith("Рабочим на стройке в Подмосковье")


def test_atom_file(fixtures, split):
    [doc], _ = split(read_source(fixtures / "feed.atom"))
    assert doc.published == "2024-02-28"  # published wins over updated
    assert doc.author == "Desk staff"
    assert doc.text.startswith("Relatives of four men from Osh")
    assert doc.meta["feed_version"] == "atom10"


def test_entry_without_summary_uses_title(tmp_path: Path, split):
    path = tmp_path / "headlines.xml"
    path.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>Headlines</title>"
                    "<item><title>Military summons handed out at the Sakharovo migration centre</title>"
                    "<link>https://h.example.org/1</link></item></channel></rss>", encoding="utf-8")
    [doc], _ = split(read_source(path))
    assert doc.text == doc.title
    assert doc.meta["text_from"] == "title"


def test_malformed_feed_names_the_file(tmp_path: Path, split):
    path = tmp_path / "broken.rss"
    path.write_bytes(b"<?xml version='1.0'?><rss><channel><title>Broken</title><item><title>cut he")
    docs, [failure] = split(read_source(path))
    assert docs == []
    assert failure.source == str(path.resolve())
    assert failure.problem.startswith("malformed feed")


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    body = b""
    user_agents: list[str] = []

    def do_GET(self):
        type(self).user_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/feed.rss":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            self.wfile.write(self.body)
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(fixtures):
    _FeedHandler.body = (fixtures / "feed.rss").read_bytes()
    _FeedHandler.user_agents = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_feed_from_url(feed_server, split):
    docs, failures = split(read_source(f"{feed_server}/feed.rss"))
    assert failures == []
    assert [d.title for d in docs] == ["Summons at the patent office", "Призыв на стройке"]
    assert _FeedHandler.user_agents[0].startswith("recruitwatch/")
    again = [d.id for d in read_source(f"{feed_server}/feed.rss")]
    assert again == [d.id for d in docs]


def test_feed_url_http_error(feed_server, split):
    url = f"{feed_server}/missing.rss"
    _, [failure] = split(read_source(url))
    assert failure.source == url
    assert "HTTP 404" in failure.problem


def test_feed_url_connection_refused(split):
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.rss"
    _, [failure] = split(read_source(url))
    assert failure.source == url
    assert "could not fetch" in failure.problem


def test_feed_url_above_the_size_limit(feed_server, split):
    _, [failure] = split(read_source(f"{feed_server}/feed.rss", max_bytes=100))
    assert "above the 100 bytes limit" in failure.problem


def test_other_url_schemes_are_refused(split):
    _, [failure] = split(read_source("ftp://example.org/feed.xml"))
    assert "unsupported URL scheme" in failure.problem
