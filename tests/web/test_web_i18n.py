"""The workbench in English and Russian; the paper check keeps its six languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench import INCIDENTS

ROOT = Path(__file__).resolve().parents[2]


def test_russian_on_request_and_remembered(client):
    page = client.get("/?lang=ru")
    assert "Случаи по месяцам" in page.text and '<html lang="ru">' in page.text
    assert page.cookies.get("rw_lang") == "ru"
    again = client.get(f"/incidents/{INCIDENTS[0].id}")
    assert "Поля и доказательства" in again.text and "сообщено" in again.text
    english = client.get("/incidents?lang=en")
    assert "What happened" in english.text
    client.cookies.delete("rw_lang")


def test_russian_plurals(client):
    assert "3 случая" in client.get("/incidents?lang=ru").text
    client.cookies.delete("rw_lang")


def test_the_language_switch_keeps_the_filter(client):
    html = client.get("/incidents?actor=police").text
    assert 'href="/incidents?actor=police&amp;lang=ru"' in html


def test_the_paper_check_keeps_six_languages(client):
    html = client.get("/check?lang=tg").text
    assert '<html lang="tg">' in html and "ҳуҷҷатҳоро санҷед" in html
    assert html.count('lang="') >= 7  # the six language links and the page


def test_every_message_has_a_russian_translation():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_messages.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
