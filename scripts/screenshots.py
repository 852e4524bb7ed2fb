"""Screenshots of the workbench over a store, with Debian's Chromium (for looking at the pages).

    .venv/bin/python scripts/screenshots.py [DB_URL] [OUT_DIR]     # default: recruitwatch.db, screenshots/

Starts the app in-process on a free port, logs in (a screenshot user, analyst, is added to the store
if missing: use a demo store, not a real one), opens the login page, the dashboard, the incident
list (and a filtered list), the first incident with its review actions and its document, the review
queue and the testimony form, at desktop and phone width; then the public dashboard (serve --public).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(db: str, out: Path) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from recruitwatch.store import open_store
    from recruitwatch.web.app import create_app

    store = open_store(db)
    user, password = "screenshots", "screenshots-only-password"
    if store.get_user(user) is None:
        store.add_user(user, password, "analyst", actor="screenshots")
    store.set_language(user, "en", actor="screenshots")  # the Russian pages below save "ru" as the user's choice
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    first = store.list_incidents(limit=1)
    out.mkdir(parents=True, exist_ok=True)
    pages = {"review-queue": "/review", "testimony-new": "/testimony/new", "dashboard": "/", "incidents": "/incidents", "incidents-filtered": "/incidents?place=Moscow&tactic=document_seizure",
             "incidents-unknown-place": "/incidents?place=Mosocw", "documents": "/documents?q=мигрант"}
    if first:
        pages["incident"] = f"/incidents/{first[0].id}"
        pages["document"] = f"/documents/{first[0].document_id}"
    pages["dashboard-ru"] = "/?lang=ru"  # last: the language is remembered in a cookie
    if first:
        pages["incident-ru"] = f"/incidents/{first[0].id}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, suffix in ((1366, ""), (390, "-phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "/login")
            page.screenshot(path=str(out / f"login{suffix}.png"), full_page=True)
            page.fill("#username", user)
            page.fill("#password", password)
            page.click("form.login button")
            page.wait_for_url(base + "/")
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=True)
            if not suffix:  # the intake's pre-fill step, with an invented account
                page.goto(base + "/testimony/new")
                page.fill("#account", "В марте 2024 года в Казани полицейские забрали у меня паспорт и сказали, что "
                                      "вернут его, только если я подпишу контракт с Минобороны. Я из Узбекистана.")
                page.click("button.prefill")
                page.wait_for_selector("#prefill .prefilled, #prefill p")
                page.screenshot(path=str(out / "testimony-prefill.png"), full_page=True)
            page.close()
        server.should_exit = True
        thread.join(timeout=10)
        from recruitwatch.web.public import create_public_app

        public = uvicorn.Server(uvicorn.Config(create_public_app(store), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=public.run, daemon=True)
        thread.start()
        while not public.started:
            time.sleep(0.05)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "/")
        page.screenshot(path=str(out / "public.png"), full_page=True)
        browser.close()
        public.should_exit = True
        thread.join(timeout=10)
    store.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///recruitwatch.db", Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots"))
