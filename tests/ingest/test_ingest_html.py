"""HTML pages through trafilatura."""

from pathlib import Path

from recruitwatch.ingest import read_source


def test_english_article_main_text_and_metadata(fixtures, split):
    [doc], failures = split(read_source(fixtures / "article_en.html"))
    assert failures == []
    assert doc.title == "Detained migrants offered release in exchange for army contracts"
    assert doc.published == "2023-06-12"
    assert doc.author == "Anna Petrova"
    assert doc.outlet == "Example Tribune"
    assert doc.url == "https://tribune.example.org/2023/06/12/detained-migrants-contracts"
    assert doc.kind == "news"
    assert "Three men from Kyrgyzstan described the offer" in " ".join(doc.text.split())
    # navigation, sidebar, footer and script are gone
    assert "Football" not in doc.text
    assert "All rights reserved" not in doc.text
    assert "analytics" not in doc.text
    assert doc.meta["declared_lang"] == "en"


def test_russian_article(fixtures, split):
    [doc], _ = split(read_source(fixtures / "article_ru.html"))
    assert doc.title == "Строителей из Узбекистана отправили на фронт вместо стройки"
    assert doc.published == "2024-02-20"
    assert "контрактом с Министерством обороны" in doc.text
    assert "Главная" not in doc.text


def test_cp1251_page_with_meta_charset(tmp_path: Path, split):
    body = ("<html><head><meta charset='windows-1251'><title>Повестки у рынка</title></head><body><article>"
            + "<p>Возле рынка в Казани полицейские задерживали мигрантов и отвозили их в военкомат.</p>" * 4
            + "</article></body></html>")
    path = tmp_path / "legacy.htm"
    path.write_bytes(body.encode("cp1251"))
    [doc], _ = split(read_source(path))
    assert "отвозили их в военкомат" in doc.text


def test_binary_junk_named_html(tmp_path: Path, split):
    path = tmp_path / "junk.html"
    path.write_bytes(bytes(range(256)) * 40)
    docs, [failure] = split(read_source(path))
    assert docs == []
    assert failure.source == str(path.resolve())
    assert failure.problem == "does not look like HTML: binary content"


def test_page_without_main_text(tmp_path: Path, split):
    path = tmp_path / "empty_page.html"
    path.write_text("<!doctype html><html><head><title>Loading</title><script>app()</script></head>"
                    "<body><div id='root'></div></body></html>", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert "no main text" in failure.problem


def test_plain_text_named_html(tmp_path: Path, split):
    path = tmp_path / "notes.html"
    path.write_text("just some words, not markup at all", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert "does not look like HTML" in failure.problem


def test_reading_twice_gives_identical_ids(fixtures):
    assert [d.id for d in read_source(fixtures / "article_ru.html")] == [
        d.id for d in read_source(fixtures / "article_ru.html")]
