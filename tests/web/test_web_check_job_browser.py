"""Issue 10 item 7 in Debian's Chromium: a multi-page paper check runs in the background; the job page shows
its progress (htmx polling under the strict CSP, no inline script) and then the result. Screenshots go to
``test-screenshots/`` (``$RECRUITWATCH_SCREENSHOTS`` overrides)."""

from __future__ import annotations

import pytest
from browser import PHONE, SHOTS
from test_web_check_jobs import PAGES, STACK, Paced

from recruitwatch.papercheck import PaperChecker
from recruitwatch.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paced():
    checker = PaperChecker()
    p = Paced(checker)
    yield p
    p.go()
    checker.close()


def test_a_long_check_shows_its_progress_then_the_result(serve_app, browser, paced, tmp_path):
    url = serve_app(create_app(paced))
    stack = tmp_path / "lease-and-annexes.pdf"
    stack.write_bytes(STACK)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    context = browser.new_context(viewport=PHONE)  # a phone: how migrants use it
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url + "/check?lang=en")
    page.set_input_files("#files", str(stack))
    page.click("form.upload button")
    page.wait_for_url("**/check/jobs/*")
    assert "Checking your papers" in page.text_content("h1")
    paced.go(3)
    page.wait_for_selector(f"text=Page 3 of {PAGES}", timeout=30_000)  # htmx swapped the progress line in
    assert page.get_attribute("#job-progress progress", "value") == "3"
    page.screenshot(path=str(SHOTS / "check-job-progress.png"), full_page=True)
    paced.go()
    page.wait_for_selector('form[action="/check/lang"]', timeout=60_000)  # the result page replaced it
    assert "lease-and-annexes.pdf" in page.content() and "/check/jobs/" in page.url
    page.screenshot(path=str(SHOTS / "check-job-result.png"), full_page=True)
    context.close()
    assert problems == [], problems
