"""Debian's Chromium (driven by Playwright) clicks from the dashboard to a filtered incident list."""

from __future__ import annotations

import pytest
from workbench import PASSWORD


@pytest.fixture(scope="module")
def server(filled_store, serve_app):
    from recruitwatch.web.app import create_app

    return serve_app(create_app(store=filled_store))


@pytest.mark.browser
def test_dashboard_click_through_to_a_filtered_list(server, browser):
    outside: list[str] = []
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(server + "/")  # the workbench asks for a login first
    page.wait_for_url("**/login?next=/")
    page.fill("#username", "vic")
    page.fill("#password", PASSWORD)
    page.click("form.login button")
    page.wait_for_url(server + "/")
    assert page.locator("svg.map path.region.q5").count() >= 1
    # a tactic bar
    page.click('svg.bars a[href="/incidents?tactic=document_seizure"]')
    page.wait_for_url("**/incidents?tactic=document_seizure")
    assert page.locator("td.date").count() == 1
    assert "Warehouse workers in Kazan" in page.inner_text("table.incidents")
    # a region on the map
    page.goto(server + "/")
    page.click('svg.map a[href="/incidents?place=RU-MOW"]')
    page.wait_for_url("**/incidents?place=RU-MOW")
    assert page.locator("td.date").count() == 1
    # the facet form, sent by htmx without a full reload, keeps the address in step
    page.fill("#f-place", "")
    page.select_option("#f-actor", "police")
    page.click("form.facets button[type=submit]")
    page.wait_for_url("**actor=police**")
    page.wait_for_function("document.querySelectorAll('td.date').length === 2")
    assert page.locator("main").count() == 1  # swapped in place, not nested
    page.close()
    assert outside == [], "the pages must not fetch anything from outside"
    assert problems == [], problems  # e.g. a script or style refused by the CSP


@pytest.mark.browser
def test_review_queue_keys_in_chromium(server, browser):
    """The queue's keys (static/review.js) work under the CSP: n and k move, a accepts, e focuses the edit."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(server + "/login?next=/review")
    page.fill("#username", "ana")
    page.fill("#password", PASSWORD)
    page.click("form.login button")
    page.wait_for_url(server + "/review")
    assert "3 cases to review" in page.inner_text("nav.queue-bar")
    page.keyboard.press("n")
    page.wait_for_url("**/review?i=1")
    page.keyboard.press("k")
    page.wait_for_url("**/review?i=0")
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "edit-value"
    page.keyboard.press("a")  # typed into the field, not an accept
    assert page.input_value("#edit-value") == "a"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("a")
    page.wait_for_url("**/review?i=0&done=accept")
    assert "2 cases to review" in page.inner_text("nav.queue-bar")
    page.close()
    assert problems == [], problems
