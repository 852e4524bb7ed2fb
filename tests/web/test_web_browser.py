"""A real browser (Debian's Chromium, driven by Playwright) uploads a file on /check."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def server(serve_app):
    from recruitwatch.web.app import create_app

    return serve_app(create_app())


@pytest.mark.browser
def test_upload_in_chromium_shows_the_warning(server, browser, tmp_path: Path):
    from papergen import generate_page

    scan = tmp_path / "povestka.jpg"
    generate_page("call_up_notice", 8, "photo").image.save(scan, quality=80)
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(f"{server}/check?lang=ru")
    page.set_input_files("input[type=file]", str(scan))
    page.click("button[type=submit]")
    page.wait_for_selector(".verdict.alarm", timeout=60_000)
    assert "ВНИМАНИЕ" in page.inner_text(".verdict.alarm")
    assert page.locator("li.page.is-military").count() == 1
    page.close()
    assert outside == [], "the page must not fetch anything from outside"
