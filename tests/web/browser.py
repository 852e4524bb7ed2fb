"""What the browser tests share: Debian's Chromium and its flags, a live server, the screenshot folder.

The fixtures built on these (``browser``, ``serve_app``) are in ``conftest.py``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Where browser tests save screenshots (``$RECRUITWATCH_SCREENSHOTS`` overrides).
SHOTS = Path(os.environ.get("RECRUITWATCH_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "test-screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def live_server(app) -> Iterator[str]:
    """``app`` served by uvicorn on a free local port in a background thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            srv.should_exit = True
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def shot(page, name: str) -> None:
    """A full-page screenshot of ``page`` saved as ``SHOTS/name.png``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
