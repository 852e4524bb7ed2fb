"""`ingest URL`: one article page, a feed or a sitemap, served by a real local HTTP server."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from local_site import HOSTEL_RU, JOBS_EN, RAID_EN, LocalSite, Page, article, rss, urlset

from recruitwatch.ingest import read_source
from recruitwatch.limits import Limits


@pytest.fixture
def site():
    with LocalSite() as s:
        yield s


def test_an_article_page_is_stored_under_its_canonical_url(site, split):
    site.pages["/news/raid?utm_source=tg"] = Page(article(*RAID_EN, canonical="/news/2024/03/podolsk-raid"))
    url = f"{site.url}/news/raid?utm_source=tg"
    [doc], failures = split(read_source(url))
    assert failures == []
    assert doc.origin == url  # where it was found
    assert doc.url == f"{site.url}/news/2024/03/podolsk-raid"  # what it is
    assert doc.title == RAID_EN[0]
    assert "Podolsk" in doc.text and "Contact the newsroom" not in doc.text and "Home" not in doc.text
    assert doc.meta["format"] == "html"
    # The same article reached by another address is the same document.
    site.pages["/amp/raid"] = Page(article(*RAID_EN, canonical=f"{site.url}/news/2024/03/podolsk-raid"))
    [again], _ = split(read_source(f"{site.url}/amp/raid"))
    assert again.id == doc.id


def test_redirects_are_followed_and_bounded(site, split):
    site.pages["/final"] = Page(article(*JOBS_EN))
    site.redirects["/old"] = "/final"
    [doc], _ = split(read_source(f"{site.url}/old"))
    assert doc.url == f"{site.url}/final" and doc.origin == f"{site.url}/old"
    for i in range(8):
        site.redirects[f"/loop{i}"] = f"/loop{i + 1}"
    _, [failure] = split(read_source(f"{site.url}/loop0"))
    assert failure.source == f"{site.url}/loop0" and "more than 5 redirects" in failure.problem


def test_a_feed_url_is_still_read_as_a_feed(site, split):
    site.pages["/rss"] = Page(rss("Desk", [(RAID_EN[0], "http://example.test/raid", RAID_EN[1], "Thu, 14 Mar 2024 10:00:00 GMT"),
                                           (HOSTEL_RU[0], "http://example.test/hostel", HOSTEL_RU[1], "Mon, 12 Feb 2024 09:00:00 GMT")]),
                              content_type="application/rss+xml")
    docs, failures = split(read_source(f"{site.url}/rss"))
    assert failures == [] and [d.url for d in docs] == ["http://example.test/raid", "http://example.test/hostel"]
    assert {d.meta["format"] for d in docs} == {"feed"} and docs[0].outlet == "Desk"


def test_a_sitemap_gives_its_pages_newest_first_within_the_limit(site, split):
    site.pages["/a"] = Page(article(*RAID_EN))
    site.pages["/b"] = Page(article(*HOSTEL_RU, lang="ru"))
    site.pages["/c"] = Page(article(*JOBS_EN))
    site.fail["/broken"] = 500
    entries = [(f"{site.url}/a", "2024-03-15"), (f"{site.url}/b", "2024-02-13"), (f"{site.url}/c", "2023-10-20"),
               (f"{site.url}/broken", "2024-03-16")]
    site.pages["/sitemap.xml.gz"] = Page(gzip.compress(urlset(entries)), content_type="application/x-gzip")
    docs, failures = split(read_source(f"{site.url}/sitemap.xml.gz"))
    assert [d.origin for d in docs] == [f"{site.url}/a", f"{site.url}/b", f"{site.url}/c"]
    assert [(f.source, "HTTP 500" in f.problem) for f in failures] == [(f"{site.url}/broken", True)]
    # Bounded: only the newest pages are fetched, and the cut is reported.
    docs, failures = split(read_source(f"{site.url}/sitemap.xml.gz", limits=Limits(sitemap_pages=2)))
    assert [d.origin for d in docs] == [f"{site.url}/a"]
    assert any("only the newest 2 were read" in f.problem for f in failures)


def test_a_sitemap_index_is_followed_one_level(site, split):
    site.pages["/p1"] = Page(article(*RAID_EN))
    site.pages["/pages.xml"] = Page(urlset([(f"{site.url}/p1", None)]), content_type="application/xml")
    site.pages["/index.xml"] = Page(('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                     f"<sitemap><loc>{site.url}/pages.xml</loc></sitemap>"
                                     f"<sitemap><loc>{site.url}/gone.xml</loc></sitemap></sitemapindex>").encode(),
                                    content_type="text/xml")
    docs, failures = split(read_source(f"{site.url}/index.xml"))
    assert [d.origin for d in docs] == [f"{site.url}/p1"]
    assert [f.source for f in failures] == [f"{site.url}/gone.xml"] and "HTTP 404" in failures[0].problem


@pytest.mark.parametrize(("path", "page", "problem"), [
    ("/report.pdf", Page(b"%PDF-1.7 ...", content_type="application/pdf"), "the server sent application/pdf, not an HTML page"),
    ("/app", Page(b"<html><head><title>App</title></head><body><div id='app'></div><script>start()</script></body></html>"),
     "no main text found"),
    ("/data.xml", Page(b"<?xml version='1.0'?><catalog><book/></catalog>", content_type="application/xml"),
     "XML whose root element is <catalog>"),
    ("/bomb.xml", Page(b"<?xml version='1.0'?><!DOCTYPE u [<!ENTITY a 'aaaa'>]><urlset>&a;</urlset>",
                       content_type="application/xml"), "declares its own XML entities"),
])
def test_what_is_not_an_article_is_a_clear_error_naming_the_url(site, split, path, page, problem):
    site.pages[path] = page
    docs, [failure] = split(read_source(f"{site.url}{path}"))
    assert docs == [] and failure.source == f"{site.url}{path}" and problem in failure.problem


def test_http_errors_and_size_limits_name_the_url(site, split):
    _, [missing] = split(read_source(f"{site.url}/nothing"))
    assert missing.source == f"{site.url}/nothing" and "HTTP 404" in missing.problem
    site.pages["/big"] = Page(article(*RAID_EN))
    _, [big] = split(read_source(f"{site.url}/big", limits=Limits(file_bytes=200)))
    assert big.source == f"{site.url}/big" and "above the 200 bytes limit" in big.problem
    _, [page] = split(read_source(f"{site.url}/big", limits=Limits(page_bytes=300)))
    assert "page_bytes" in page.problem


def test_a_gzip_bomb_sitemap_is_refused_unpacked_no_further_than_the_limit(site, split):
    site.pages["/sitemap.xml.gz"] = Page(gzip.compress(b"<urlset>" + b" " * 30_000_000 + b"</urlset>"),
                                         content_type="application/gzip")
    _, [failure] = split(read_source(f"{site.url}/sitemap.xml.gz", limits=Limits(file_bytes=1_000_000)))
    assert failure.source == f"{site.url}/sitemap.xml.gz"
    assert "the unpacked sitemap is above the 1 MB limit" in failure.problem


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode),
                 st.lists(st.sampled_from([b"<urlset>", b"</urlset>", b"<url>", b"</url>", b"<loc>", b"</loc>",
                                           b"http://a.test/x", b"<sitemapindex>", b"<!--", b"-->", b"<?xml ?>",
                                           b"<lastmod>2024</lastmod>", b"&amp;", b"<"]), max_size=30).map(b"".join)))
def test_any_bytes_give_a_sitemap_or_a_read_error(data):
    from recruitwatch.errors import ReadError
    from recruitwatch.ingest.sitemap import parse_sitemap, root_element

    root_element(data)
    try:
        parsed = parse_sitemap(data, "http://fuzz.test/sitemap.xml")
    except ReadError as exc:
        assert exc.source == "http://fuzz.test/sitemap.xml" and exc.problem
    else:
        assert parsed.kind in ("urlset", "sitemapindex")
        assert all(loc.startswith(("http://", "https://")) for loc, _ in parsed.entries)
