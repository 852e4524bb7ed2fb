"""Long paper checks run as background jobs (issue 10 item 7): a job page with progress, then the result;
bound to the browser that started it; bounded queue; papers dropped once checked; results expire."""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[1] / "hostile"))  # the hostile-input test files' PDF builder
from hostile_files import pdf_with_pages

from recruitwatch.limits import Limits
from recruitwatch.papercheck import PaperChecker
from recruitwatch.papercheck.jobs import CheckBusy, CheckJobs, count_pages
from recruitwatch.web.app import create_app

PAGES = 9
STACK = pdf_with_pages(PAGES, "Rent agreement for a room in Kazan between the landlord and the tenant")


class Paced:
    """The real PaperChecker, but each page waits for a go from the test: progress can be seen page by page."""

    def __init__(self, checker: PaperChecker):
        self.checker, self.limits = checker, checker.limits
        self.gate = threading.Semaphore(0)

    def check_file(self, name, data, on_page=None, max_pages=None, views=None):
        def paced(page):
            assert self.gate.acquire(timeout=60), "the test never let this page through"
            if on_page:
                on_page(page)
        return self.checker.check_file(name, data, on_page=paced, max_pages=max_pages, views=views)

    def go(self, pages: int = 10_000) -> None:
        for _ in range(pages):
            self.gate.release()


@pytest.fixture(scope="module")
def real_checker():
    checker = PaperChecker()
    yield checker
    checker.close()


@pytest.fixture
def paced(real_checker):
    p = Paced(real_checker)
    yield p
    p.go()  # never leave a worker waiting


def browser(app) -> TestClient:
    client = TestClient(app)
    html = client.get("/check").text
    client.csrf = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)}
    return client


def upload(client, data=STACK, name="stack.pdf"):
    return client.post("/check", data={**client.csrf, "lang": "en"}, files=[("files", (name, data, "application/pdf"))],
                       follow_redirects=False)


def until(condition, what: str, timeout: float = 60):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"waited {timeout} s for {what}"
        time.sleep(0.02)


def test_a_long_check_answers_at_once_with_a_job_page_that_shows_progress_then_the_result(paced):
    app = create_app(paced)
    client = browser(app)
    response = upload(client)
    assert response.status_code == 303
    job_url = response.headers["location"]
    job_id = re.fullmatch(r"/check/jobs/([A-Za-z0-9_-]+)\?lang=en", job_url).group(1)
    assert len(job_id) >= 32  # 192 random bits
    cookie = response.headers["set-cookie"]
    assert "rw_check=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get(job_url)
    assert page.status_code == 200 and "Checking your papers" in page.text
    assert f'hx-get="/check/jobs/{job_id}/progress?lang=en"' in page.text and '<script src="/static/htmx.min.js">' in page.text
    assert "<script>" not in page.text  # no inline script (CSP)
    job = app.state.check_jobs.get(job_id, next(iter(app.state.check_jobs._jobs.values())).owner)
    paced.go(3)
    until(lambda: job.done_pages == 3, "three pages")
    progress = client.get(f"/check/jobs/{job_id}/progress?lang=en")
    assert progress.status_code == 200 and f"Page 3 of {PAGES}" in progress.text
    assert 'value="3" max="9"' in progress.text
    assert job.files[0] is not None  # the papers are held (in memory) while they are checked
    paced.go()
    job.finished.wait(60)
    assert job.files == []  # and dropped once checked
    done = client.get(f"/check/jobs/{job_id}/progress?lang=en")
    assert done.headers["hx-redirect"] == job_url
    result = client.get(job_url)
    assert result.status_code == 200 and "stack.pdf" in result.text and 'action="/check/lang"' in result.text
    assert len(job.results[0].pages) == PAGES and job.results[0].error is None
    ru = client.get(f"/check/jobs/{job_id}?lang=ru")
    assert '<html lang="ru">' in ru.text


def test_another_browser_cannot_read_a_job(paced):
    app = create_app(paced)
    mine, theirs = browser(app), browser(app)
    job_url = upload(mine).headers["location"]
    job_id = job_url.split("/")[3].split("?")[0]
    paced.go()
    assert theirs.get(job_url).status_code == 404
    gone = theirs.get(f"/check/jobs/{job_id}/progress")
    assert gone.status_code == 286 and "no longer here" in gone.text  # 286: htmx stops polling
    assert theirs.get(f"/api/check/{job_id}").status_code == 404
    theirs.cookies.set("rw_check", "guess" * 10)
    assert theirs.get(job_url).status_code == 404
    until(lambda: "stack.pdf" in mine.get(job_url).text, "the owner's result")


def test_a_short_check_still_answers_in_the_request(real_checker):
    client = browser(create_app(real_checker))
    response = upload(client, pdf_with_pages(2, "Rent agreement for a room"), "short.pdf")
    assert response.status_code == 200 and "short.pdf" in response.text and 'action="/check/lang"' in response.text


def test_one_browser_may_run_two_checks_and_the_queue_is_bounded(paced):
    app = create_app(paced)
    client = browser(app)
    assert upload(client).status_code == 303
    assert upload(client).status_code == 303
    third = upload(client)
    assert third.status_code == 503 and "busy" in third.text and third.headers["retry-after"] == "60"
    jobs = CheckJobs(lambda: paced, Limits(), workers=1, max_queued=1, per_owner=5)
    jobs.submit("a", [("1.pdf", STACK)])  # runs (held at its first page)
    until(lambda: any(j.state == "running" for j in jobs._jobs.values()), "the first job to start")
    jobs.submit("b", [("2.pdf", STACK)])  # waits
    with pytest.raises(CheckBusy, match="waiting already"):
        jobs.submit("c", [("3.pdf", STACK)])


def test_results_expire_and_are_dropped(real_checker):
    jobs = CheckJobs(lambda: real_checker, real_checker.limits, ttl=600)
    job = jobs.submit("owner", [("stack.pdf", STACK)])
    assert job.finished.wait(60) and job.results and jobs.get(job.id, "owner") is job
    assert jobs.get(job.id, "someone else") is None
    assert jobs.sweep(now=job.finished_at + 599) == 0
    assert jobs.sweep(now=job.finished_at + 601) == 1
    assert jobs.get(job.id, "owner") is None and job.results == [] and len(jobs) == 0


def test_the_api_runs_a_check_in_the_background_on_request(paced):
    client = TestClient(create_app(paced))
    started = client.post("/api/check?background=true", data={"lang": "en"},
                          files=[("files", ("stack.pdf", STACK, "application/pdf"))])
    assert started.status_code == 202
    body = started.json()
    assert body["status_url"] == f"/api/check/{body['id']}" and body["total_pages"] == PAGES
    assert client.get(body["status_url"]).json()["state"] in ("queued", "running")
    paced.go()
    until(lambda: client.get(body["status_url"]).json()["state"] == "done", "the job")
    status = client.get(body["status_url"]).json()
    assert status["done_pages"] == PAGES and len(status["files"][0]["pages"]) == PAGES
    assert TestClient(client.app).get(body["status_url"]).status_code == 404  # another client


def test_pages_are_counted_without_rendering():
    limits = Limits(check_pages=100)
    assert count_pages([("a.pdf", STACK), ("b.pdf", b"%PDF-1.4 broken"), ("c.txt", b"")], limits) == PAGES
    assert count_pages([("a.pdf", pdf_with_pages(500))], limits) == 100


def test_with_several_worker_processes_every_check_answers_in_its_request(real_checker):
    """`serve --workers N` builds each process's app with web/factory.py: a job page could be asked of
    another process than the one holding the job, so long checks answer in their request there."""
    from recruitwatch.web import factory

    app = factory.app_from_env()  # one worker's app, as uvicorn builds it in each process
    assert app.state.check_background is False
    app.state.checker = real_checker
    client = browser(app)
    response = upload(client)
    assert response.status_code == 200 and "stack.pdf" in response.text and 'action="/check/lang"' in response.text
    refused = client.post("/api/check?background=true", files=[("files", ("stack.pdf", STACK, "application/pdf"))])
    assert refused.status_code == 400 and "several worker processes" in refused.json()["detail"]
