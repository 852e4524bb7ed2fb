"""Issue 10 item 7 in Debian's Chromium: a multi-page paper check runs in the background; the job page shows
its progress (htmx polling under the strict CSP, no inline script) and then the result. Screenshots go to
``test-screenshots/`` (``$RECRUITWATCH_SCREENSHOTS`` overrides)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from test_web_browser import ARGS, CHROMIUM
from test_web_check_jobs import PAGES, STACK, Paced
from test_web_workbench_flows import SHOTS

from recruitwatch.papercheck import PaperChecker

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paced_server():
    import uvicorn

    from recruitwatch.web.app import create_app

    checker = PaperChecker()
    paced = Paced(checker)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(paced), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", paced
    paced.go()
    srv.should_exit = True
    thread.join(timeout=10)
    checker.close()


def test_a_long_check_shows_its_progress_then_the_result(paced_server, tmp_path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    url, paced = paced_server
    stack = tmp_path / "lease-and-annexes.pdf"
    stack.write_bytes(STACK)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone: how migrants use it
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
        browser.close()
    assert problems == [], problems
