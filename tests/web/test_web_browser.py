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


@pytest.mark.browser
def test_result_shows_pages_with_boxed_words_at_desktop_and_phone_width(server, browser, tmp_path: Path):
    """Issue 9 item 4: each page inline with the deciding words boxed; screenshots in test-screenshots/."""
    from browser import DESKTOP, PHONE, shot
    from papergen import generate_page, placed_pdf

    scan = tmp_path / "contract-scan.jpg"
    generate_page("military_service_contract", 2, "scan", index=0).image.save(scan, quality=80)
    job = tmp_path / "job.pdf"
    job.write_bytes(placed_pdf(generate_page("employment_contract", 5, "clean", dpi=72, index=0)))
    page = browser.new_page(viewport=DESKTOP)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)  # e.g. refused by the CSP
    page.goto(f"{server}/check?lang=ru")
    page.set_input_files("input[type=file]", [str(scan), str(job)])
    page.click("button[type=submit]")
    page.wait_for_selector(".verdict.alarm", timeout=60_000)
    figures = page.locator("figure.page-view")
    assert figures.count() == 2
    assert figures.nth(0).locator("rect.mark.military").count() >= 2
    assert figures.nth(1).locator("rect.mark").count() == 0
    assert figures.nth(0).is_visible() and not figures.nth(1).is_visible()  # nothing marked: folded away
    page.click("details.page-view summary")
    assert figures.nth(1).is_visible()
    assert "Красной рамкой" in figures.nth(0).inner_text()
    figures.nth(0).scroll_into_view_if_needed()
    shot(page, "20-papercheck-boxes-desktop")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.querySelector('figure.page-view svg').getBoundingClientRect().width")
    assert 200 < width <= PHONE["width"]  # scales with the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off the side
    shot(page, "21-papercheck-boxes-phone")
    page.close()
    assert problems == [], problems
