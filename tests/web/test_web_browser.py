"""A real browser (Debian's Chromium, driven by Playwright) uploads a file on /check."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from recruitwatch.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
def test_upload_in_chromium_shows_the_warning(server, tmp_path: Path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    from papergen import generate_page
    from playwright.sync_api import sync_playwright

    scan = tmp_path / "povestka.jpg"
    generate_page("call_up_notice", 8, "photo").image.save(scan, quality=80)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
        page.goto(f"{server}/check?lang=ru")
        page.set_input_files("input[type=file]", str(scan))
        page.click("button[type=submit]")
        page.wait_for_selector(".verdict.alarm", timeout=60_000)
        assert "ВНИМАНИЕ" in page.inner_text(".verdict.alarm")
        assert page.locator("li.page.is-military").count() == 1
        browser.close()
    assert outside == [], "the page must not fetch anything from outside"
