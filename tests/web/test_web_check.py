"""/check through FastAPI's in-process client: form, upload, result page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from recruitwatch.papercheck import PaperChecker
from recruitwatch.papercheck.generate import generate_page
from recruitwatch.web.app import create_app


@pytest.fixture(scope="module")
def client():
    checker = PaperChecker()
    with TestClient(create_app(checker)) as client:
        yield client
    checker.close()


@pytest.fixture(scope="module")
def povestka_png(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("web") / "povestka.png"
    generate_page("call_up_notice", 4, "scan").image.save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def contract_jpg(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("web") / "contract.jpg"
    generate_page("employment_contract", 4, "photo").image.save(path)
    return path.read_bytes()


def test_home_redirects_to_the_check(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/check"


@pytest.mark.parametrize("lang,title", [("en", "Check papers before you sign"), ("ru", "Проверьте бумаги"),
                                        ("uz", "hujjatlarni tekshiring"), ("tg", "ҳуҷҷатҳоро санҷед"),
                                        ("ky", "кагаздарды текшериңиз"), ("kk", "құжаттарды тексеріңіз")])
def test_form_in_six_languages(client, lang, title):
    response = client.get(f"/check?lang={lang}")
    assert response.status_code == 200
    assert title in response.text
    assert 'type="file"' in response.text and "multiple" in response.text
    assert f'<html lang="{lang}">' in response.text


def test_form_follows_the_browser_language(client):
    response = client.get("/check", headers={"Accept-Language": "ky-KG,ky;q=0.9,ru;q=0.8"})
    assert '<html lang="ky">' in response.text
    assert '<html lang="en">' in client.get("/check", headers={"Accept-Language": "fr"}).text


def test_page_uses_only_its_own_assets(client):
    html = client.get("/check").text
    assert "http://" not in html.replace('"http://', "") and "https://" not in html
    assert client.get("/static/style.css").status_code == 200
    assert "@media print" in client.get("/static/style.css").text
    csp = client.get("/check").headers["content-security-policy"]
    assert "default-src 'self'" in csp


def test_upload_of_a_povestka_shows_the_warning(client, povestka_png, contract_jpg):
    response = client.post("/check", data={"lang": "en", "country": "tj"},
                           files=[("files", ("povestka.png", povestka_png, "image/png")),
                                  ("files", ("work.jpg", contract_jpg, "image/jpeg"))])
    assert response.status_code == 200
    html = response.text
    assert "WARNING: 1 page(s) look like MILITARY documents" in html
    assert "Call-up notice (povestka)" in html and "Employment contract" in html
    assert "Your rights" in html and "Tajikistan" in html
    assert "paper-check.md B1" in html  # the source of a rights statement


def test_upload_result_in_russian(client, povestka_png):
    response = client.post("/check", data={"lang": "ru"}, files=[("files", ("p.png", povestka_png, "image/png"))])
    assert "ВНИМАНИЕ" in response.text and "Повестка" in response.text and "Ваши права" in response.text


def test_corrupt_upload_is_reported_and_others_checked(client, povestka_png):
    response = client.post("/check", data={"lang": "en"},
                           files=[("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf")),
                                  ("files", ("p.png", povestka_png, "image/png"))])
    assert response.status_code == 200
    assert "Could not check this file" in response.text and "broken.pdf" in response.text
    assert "WARNING" in response.text


def test_no_file_is_a_clear_error(client):
    response = client.post("/check", data={"lang": "en"})
    assert response.status_code == 400 and "Choose at least one file" in response.text
