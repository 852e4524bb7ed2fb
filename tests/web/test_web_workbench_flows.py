"""Issue 9 item 5: an analyst's day in Debian's Chromium (Playwright) against a real server, with screenshots.

One uvicorn server over a store of fixture reports (workbench.py) and one browser for the module. Each test
saves screenshots to ``test-screenshots/`` at the repository root (``$RECRUITWATCH_SCREENSHOTS`` overrides).
The tests run in file order and share the store: the queue is worked before incidents are verified.
"""

from __future__ import annotations

import base64
import os

import pytest
from browser import DESKTOP, PHONE, shot
from workbench import INCIDENTS, PASSWORD

pytestmark = pytest.mark.browser

KAZAN, MOSCOW, ROSTOV = (i.id for i in INCIDENTS)
ACCOUNT = ("В марте 2024 года в Казани сотрудники полиции забрали у меня паспорт и сказали, что вернут его, "
           "только если я подпишу контракт с Министерством обороны. Я гражданин Узбекистана.")


@pytest.fixture(scope="module")
def server(filled_store, serve_app):
    from recruitwatch.web.app import create_app

    saved = {n: os.environ.get(n) for n in ("RECRUITWATCH_MASTER_KEY", "RECRUITWATCH_KEY_FILE")}
    os.environ.pop("RECRUITWATCH_KEY_FILE", None)
    os.environ["RECRUITWATCH_MASTER_KEY"] = base64.b64encode(os.urandom(32)).decode()
    yield serve_app(create_app(store=filled_store))
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def as_user(server, browser):
    """``as_user(name, viewport)`` -> a page logged in as ``name``; fails the test on console errors."""
    contexts, problems = [], []

    def open_page(name: str, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(server + "/login")
        page.fill("#username", name)
        page.fill("#password", PASSWORD)
        page.click("form.login button")
        page.wait_for_url(server + "/")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], problems


def test_login_and_filter_by_region_and_tactic(server, as_user):
    page = as_user("vic")
    shot(page, "01-dashboard-desktop")
    page.click('svg.map a[href="/incidents?place=RU-MOW"]')
    page.wait_for_url("**/incidents?place=RU-MOW")
    assert page.locator("td.date").count() == 1
    page.goto(server + "/")
    page.click('svg.bars a[href="/incidents?tactic=document_seizure"]')
    page.wait_for_url("**/incidents?tactic=document_seizure")
    assert page.locator("td.date").count() == 1
    assert "Warehouse workers in Kazan" in page.inner_text("table.incidents")
    shot(page, "02-incidents-by-tactic-desktop")
    phone = as_user("vic", PHONE)
    shot(phone, "03-dashboard-phone")


def test_review_queue_three_items_from_the_keyboard(server, as_user):
    page = as_user("ana")
    page.goto(server + "/review")
    assert "3 cases to review" in page.inner_text("nav.queue-bar")
    page.keyboard.press("a")
    page.wait_for_url("**done=accept")
    assert "2 cases to review" in page.inner_text("nav.queue-bar")
    page.keyboard.press("r")
    page.wait_for_url("**done=reject")
    assert "1 case" in page.inner_text("nav.queue-bar")
    shot(page, "04-review-queue-desktop")
    page.keyboard.press("a")
    page.wait_for_url("**done=accept")
    assert page.locator("nav.queue-bar #do-accept").count() == 0 and page.locator("#do-accept").count() == 0
    shot(page, "05-review-queue-empty-desktop")


def test_open_an_incident_and_verify_it(server, as_user):
    page = as_user("rev")
    page.goto(server + "/incidents")
    page.click(f'td.date a[href="/incidents/{KAZAN}"]')
    page.wait_for_url(f"**/incidents/{KAZAN}")
    page.fill("#note", "checked against the outlet's archive")
    page.click("#do-verify")
    page.wait_for_selector("p.done")
    assert "Verified." in page.inner_text("p.done")
    assert "checked against the outlet's archive" in page.inner_text("ol.history")
    shot(page, "06-incident-verified-desktop")


def test_edit_a_field_with_evidence(server, as_user):
    page = as_user("ana")
    page.goto(f"{server}/incidents/{ROSTOV}")
    page.select_option("#edit-field", "count")
    page.fill("#edit-value", "1")
    page.fill("#edit-evidence", "A student from Uzbekistan")
    page.click("form.review.edit button[type=submit]")
    page.wait_for_selector("p.done")
    assert page.locator("p.error").count() == 0
    assert "count" in page.inner_text("ol.history")
    shot(page, "07-incident-edited-desktop")


def test_merge_two_incidents_and_split_them_again(server, as_user):
    page = as_user("ana", PHONE)
    page.goto(f"{server}/incidents/{KAZAN}")
    page.fill("#merge-other", MOSCOW[:10])
    page.click("form.merge button")
    page.wait_for_selector("p.done")
    assert "Merged into one case." in page.inner_text("p.done")
    assert page.locator("form.split").count() == 1
    shot(page, "08-incidents-merged-phone")
    page.click("form.split button")
    page.wait_for_selector("p.done:has-text('Split off')")
    assert page.locator("form.split").count() == 0
    shot(page, "09-incident-split-phone")


def test_submit_a_testimony_through_the_intake_form(server, as_user):
    page = as_user("ana", PHONE)
    page.goto(server + "/testimony/new")
    page.fill("#name", "Шерзод Тестов")
    page.fill("#contacts", "+998 90 111 22 33")
    page.fill("#consent", "Согласен на использование без имени")
    page.fill("#account", ACCOUNT)
    page.select_option("#text_lang", "ru")
    page.click("button.prefill")
    page.wait_for_selector("#prefill input[name=inc-0-keep]")
    shot(page, "10-testimony-prefilled-phone")
    page.click("form.intake > button[type=submit]")
    page.wait_for_url("**/incidents/*?done=testimony*")  # saved; the new incident opens
    assert "Шерзод" not in page.content()  # the person stays in the encrypted record
    assert page.locator("p.error").count() == 0  # no evidence "outside the text" of the placeholder
    shot(page, "11-testimony-saved-phone")


def test_a_viewer_cannot_edit(server, as_user):
    page = as_user("vic")
    page.goto(f"{server}/incidents/{ROSTOV}")
    for form in ("form.review.decide", "form.review.edit", "form.merge", "form.split"):
        assert page.locator(form).count() == 0, form
    shot(page, "12-viewer-reads-only-desktop")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")  # the log-out form's
    for data in ({"csrf_token": token, "field": "count", "value": "9", "version": "1"},
                 {"csrf_token": "forged", "field": "count", "value": "9", "version": "1"}):
        answer = page.request.post(f"{server}/incidents/{ROSTOV}/review/edit", form=data, max_redirects=0)
        assert answer.status == 403, (data["csrf_token"], answer.status)
    page.reload()
    assert "→ 9" not in page.inner_text("ol.history")
