"""Screenshots of the workbench over a store, with Debian's Chromium (for looking at the pages).

    .venv/bin/python scripts/screenshots.py [DB_URL] [OUT_DIR]     # default: recruitwatch.db, screenshots/

Starts the app in-process on a free port, opens the dashboard, the incident list (and a filtered
list), the first incident and its document, at desktop and phone width.
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
    pages = {"dashboard": "/", "incidents": "/incidents", "incidents-filtered": "/incidents?place=Moscow&tactic=document_seizure",
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
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=True)
            page.close()
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    store.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///recruitwatch.db", Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots"))
