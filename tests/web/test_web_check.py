"""/check through FastAPI's in-process client: form, upload, result page."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from papergen import generate_page

from recruitwatch.papercheck import PaperChecker
from recruitwatch.web.app import create_app


@pytest.fixture(scope="module")
def client():
    checker = PaperChecker()
    with TestClient(create_app(checker)) as client:
        client.csrf = csrf_token(client)
        yield client
    checker.close()


def csrf_token(client) -> dict[str, str]:
    """The form's CSRF token (the client keeps the matching cookie), as form data to post."""
    html = client.get("/check").text
    return {"csrf_token": html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]}


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
    response = client.post("/check", data={**client.csrf, "lang": "en", "country": "tj"},
                           files=[("files", ("povestka.png", povestka_png, "image/png")),
                                  ("files", ("work.jpg", contract_jpg, "image/jpeg"))])
    assert response.status_code == 200
    html = response.text
    assert "WARNING: 1 page(s) look like MILITARY documents" in html
    assert "Call-up notice (povestka)" in html and "Employment contract" in html
    assert "Your rights" in html and "Tajikistan" in html
    # the source of a rights statement: the publisher's name, linked; never the internal reference
    assert '>The Moscow Times</a>' in html or '>TASS</a>' in html
    assert "paper-check.md" not in html


LEAKS = re.compile(r"paper-check\.md|shared/|\.md(?=[\s)\],;:]|$)|/work/|/usr/|/tmp/|http://|staging\.|localhost")


@pytest.mark.parametrize("lang", ["en", "ru", "uz", "tg", "ky", "kk"])
def test_result_page_shows_only_public_sources(client, povestka_png, lang):
    html = client.post("/check", data={**client.csrf, "lang": lang, "country": "tm"},
                       files=[("files", ("p.png", povestka_png, "image/png"))]).text
    assert not LEAKS.findall(html), LEAKS.findall(html)
    hrefs = re.findall(r'href="([^"]+)"', html)
    external = [h for h in hrefs if not h.startswith(("/", "data:image/"))]  # page images are inline
    assert external and all(h.startswith("https://") for h in external), external
    # each source link reads as a name, not as a raw URL
    labels = re.findall(r'<a href="https://[^"]+" rel="noreferrer noopener" title="[^"]+">([^<]+)</a>', html)
    assert labels and not any("://" in label for label in labels)


def test_upload_result_in_russian(client, povestka_png):
    response = client.post("/check", data={**client.csrf, "lang": "ru"}, files=[("files", ("p.png", povestka_png, "image/png"))])
    assert "ВНИМАНИЕ" in response.text and "Повестка" in response.text and "Ваши права" in response.text


def test_corrupt_upload_is_reported_and_others_checked(client, povestka_png):
    response = client.post("/check", data={**client.csrf, "lang": "en"},
                           files=[("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf")),
                                  ("files", ("p.png", povestka_png, "image/png"))])
    assert response.status_code == 200
    assert "Could not check this file" in response.text and "broken.pdf" in response.text
    assert "WARNING" in response.text
    assert "1 file(s) could not be checked" in response.text  # said at the top, not only further down


def test_file_errors_are_explained_in_the_chosen_language(client):
    response = client.post("/check", data={**client.csrf, "lang": "ru"},
                           files=[("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf"))])
    html = response.text
    assert "Не удалось проверить файл" in html and "Файл может быть повреждён" in html
    assert "файл(ов) не удалось проверить" in html
    assert 'class="verdict clear"' not in html  # nothing was read, so nothing is called safe


def test_blank_page_says_it_could_not_be_read_without_a_certainty(client):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(buffer, "PNG")
    html = client.post("/check", data={**client.csrf, "lang": "en"},
                       files=[("files", ("blank.png", buffer.getvalue(), "image/png"))]).text
    assert "Could not read this page: look at it yourself" in html
    assert "Certainty: 0%" not in html and "Other document" not in html


def test_a_memo_about_contracts_is_not_flagged_military(client):
    from pathlib import Path

    memo = Path(__file__).resolve().parents[2] / "examples" / "reports" / "pdf" / "ru-sverdlovsk-sizo-memo.pdf"
    html = client.post("/check", data={**client.csrf, "lang": "en"},
                       files=[("files", (memo.name, memo.read_bytes(), "application/pdf"))]).text
    assert "WARNING" not in html and "is-military" not in html
    assert "talk about military service" in html and "is not a form to sign" in html


def test_what_to_do_comes_before_the_page_list(client, povestka_png):
    html = client.post("/check", data={**client.csrf, "lang": "en"}, files=[("files", ("p.png", povestka_png, "image/png"))]).text
    assert html.index("What to do now") < html.index('<ol class="pages">') < html.index("Your rights")
    assert ">Кодекс (docs.cntd.ru)</a>" in html  # the meaning of a call-up notice shows its source


def test_more_files_than_the_limit_are_named_not_silently_dropped(client, monkeypatch):
    from recruitwatch.web.views import check

    monkeypatch.setattr(check, "MAX_FILES", 1)
    files = [("files", (f"{i}.pdf", b"%PDF-1.4 garbage", "application/pdf")) for i in range(2)]
    html = client.post("/check", data={**client.csrf, "lang": "en"}, files=files).text
    assert "Only the first 1 files were checked" in html


def test_no_file_is_a_clear_error(client):
    response = client.post("/check", data={**client.csrf, "lang": "en"})
    assert response.status_code == 400 and "Choose at least one file" in response.text


def test_the_api_check_answers_json(client, povestka_png):
    response = client.post("/api/check", data={"lang": "en"}, files=[("files", ("p.png", povestka_png, "image/png"))])
    assert response.status_code == 200
    files = response.json()["files"]
    assert files[0]["file"] == "p.png" and files[0]["error"] is None
    assert "call_up_notice" in str(files[0]["pages"])


def test_the_api_check_refuses_other_sites(client, povestka_png):
    response = client.post("/api/check", headers={"Origin": "https://evil.example"},
                           files=[("files", ("p.png", povestka_png, "image/png"))])
    assert response.status_code == 403


def test_switching_language_keeps_the_result(client, povestka_png):
    html = client.post("/check", data={**client.csrf, "lang": "en", "country": "kg"},
                       files=[("files", ("povestka.png", povestka_png, "image/png"))]).text
    assert 'action="/check/lang"' in html and 'href="/check?lang=ru"' not in html
    state = html.split('name="state" value="', 1)[1].split('"', 1)[0]
    # a compact summary of the verdicts, never the papers themselves
    assert len(state) < 2000
    ru = client.post("/check/lang", data={**client.csrf, "lang": "ru", "state": state})
    assert ru.status_code == 200
    assert '<html lang="ru">' in ru.text and "ВНИМАНИЕ" in ru.text and "Повестка" in ru.text
    assert "Кыргызстан" in ru.text and "povestka.png" in ru.text
    kk = client.post("/check/lang", data={**client.csrf, "lang": "kk", "state": state})
    assert '<html lang="kk">' in kk.text and "povestka.png" in kk.text


def test_switching_language_keeps_the_page_images_while_the_check_is_kept(client, povestka_png):
    """The result in another language shows each page again, from the check kept in memory for this
    browser; another browser, or a check that expired, gets the verdicts and a note instead."""
    html = client.post("/check", data={**client.csrf, "lang": "en"},
                       files=[("files", ("povestka.png", povestka_png, "image/png"))]).text
    image = 'href="data:image/jpeg;base64,'
    assert image in html
    state = html.split('name="state" value="', 1)[1].split('"', 1)[0]
    job = html.split('name="job" value="', 1)[1].split('"', 1)[0]
    ru = client.post("/check/lang", data={**client.csrf, "lang": "ru", "state": state, "job": job}).text
    assert '<html lang="ru">' in ru and "Повестка" in ru and image in ru
    assert f'name="job" value="{job}"' in ru  # and the next switch can use it again
    # another browser (its own owner cookie) with the same id and a valid form: the summary only
    other = TestClient(client.app)  # the same server, a browser without this one's cookies
    theirs = other.post("/check/lang", data={**csrf_token(other), "lang": "ru", "state": state, "job": job})
    assert theirs.status_code == 200 and "Повестка" in theirs.text and image not in theirs.text
    assert "Изображения страниц хранятся только 30 минут" in theirs.text
    # once the check expired: the same
    client.app.state.check_jobs.sweep(now=time.monotonic() + 10 ** 6)
    gone = client.post("/check/lang", data={**client.csrf, "lang": "tg", "state": state, "job": job}).text
    assert '<html lang="tg">' in gone and image not in gone and "Тасвирҳои саҳифаҳо" in gone


def test_a_forged_or_unsigned_result_summary_is_refused(client, povestka_png):
    from recruitwatch.web.views.check import pack_state, unpack_state

    html = client.post("/check", data={**client.csrf, "lang": "en"},
                       files=[("files", ("povestka.png", povestka_png, "image/png"))]).text
    state = html.split('name="state" value="', 1)[1].split('"', 1)[0]
    body, sig = state.rsplit(".", 1)
    forged = pack_state(b"another secret", [], "", False)
    for bad in (forged, body + "." + sig[::-1], "x" + state, "", "garbage"):
        response = client.post("/check/lang", data={**client.csrf, "lang": "ru", "state": bad})
        assert response.status_code == 400 and "ВНИМАНИЕ" not in response.text
    # and without the CSRF token, nothing is shown
    assert client.post("/check/lang", data={"lang": "ru", "state": state}).status_code == 403
    assert unpack_state(b"s", pack_state(b"s", [], "tj", True)) == ([], "tj", True)


def test_result_shows_each_page_with_the_deciding_words_boxed(client):
    """Issue 9 item 4: the page image inline (a data: URI, nothing stored) under an SVG of boxes."""
    from papergen import placed_pdf

    contract = placed_pdf(generate_page("military_service_contract", 0, "clean", dpi=72, index=0))
    harmless = placed_pdf(generate_page("employment_contract", 5, "clean", dpi=72, index=0))
    response = client.post("/check", data={"lang": "ru", **client.csrf},
                           files=[("files", ("contract.pdf", contract, "application/pdf")),
                                  ("files", ("job.pdf", harmless, "application/pdf"))])
    assert response.status_code == 200
    html = response.text
    figures = re.findall(r'<figure class="page-view">.*?</figure>', html, re.S)
    assert len(figures) == 2
    boxed, plain = figures
    assert '<svg viewBox="0 0 1654 2339" role="img"' in boxed and 'href="data:image/jpeg;base64,' in boxed
    rects = re.findall(r'<rect class="mark military" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', boxed)
    assert rects and all(0 <= int(x) < 1654 and 0 <= int(y) < 2339 for x, y, _, _ in rects)
    # the phrases are in the text as well, for screen readers and for copying
    assert "Красной рамкой" in boxed and re.search(r'<q class="military">[^<]*военной службы', boxed)
    assert "<rect" not in plain and 'href="data:image/jpeg;base64,' in plain
    # the image is the page itself: a JPEG that decodes
    import base64
    import io

    from PIL import Image

    data = base64.b64decode(re.search(r'href="data:image/jpeg;base64,([^"]+)"', boxed).group(1))
    assert max(Image.open(io.BytesIO(data)).size) == 1200
