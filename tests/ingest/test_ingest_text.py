"""Plain text and Markdown files."""

from pathlib import Path

from recruitwatch.ingest import read_source
from recruitwatch.ingest.text import guess_title


def test_english_text_file_gives_one_news_document(fixtures, split):
    docs, failures = split(read_source(fixtures / "en_warehouse_raid.txt"))
    assert failures == []
    [doc] = docs
    assert doc.kind == "news"
    assert doc.title == "Warehouse workers taken to enlistment office after raid in Moscow region"
    assert "military enlistment office" in doc.text
    assert doc.origin == str((fixtures / "en_warehouse_raid.txt").resolve())
    assert doc.meta["encoding"] == "utf-8"


def test_markdown_front_matter_and_heading(fixtures, split):
    [doc], _ = split(read_source(fixtures / "ru_migration_office.md"))
    assert doc.title == "В миграционном центре мигрантам вручают повестки"
    assert doc.published == "2023-10-05"
    assert doc.lang == "ru"
    assert doc.url == "https://example.org/news/2023/10/05/povestki"
    assert not doc.text.startswith("---")
    assert "забрали паспорта" in doc.text


def test_cp1251_russian_text_is_detected(tmp_path: Path, split):
    text = ("Сотрудники военкомата пришли в общежитие, где живут рабочие из Узбекистана. "
            "Им предложили подписать контракт и обещали выплату в размере трёхсот тысяч рублей. ") * 3
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1251"))
    [doc], failures = split(read_source(path))
    assert failures == []
    assert "военкомата" in doc.text
    assert doc.meta["encoding"] == "cp1251"


def test_utf16_with_bom(tmp_path: Path, split):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Повестка\n\nМигранту вручили повестку в МВД.".encode("utf-16"))
    [doc], _ = split(read_source(path))
    assert doc.title == "Повестка"
    assert doc.text.endswith("повестку в МВД.")


def test_invalid_utf8_is_a_clear_failure(tmp_path: Path, split):
    path = tmp_path / "broken.txt"
    path.write_bytes("Мигранты в военкомате. ".encode() * 10 + b"\xd0\x9f\xd1" + "конец".encode())
    docs, [failure] = split(read_source(path))
    assert docs == []
    assert failure.source == str(path.resolve())
    assert "not valid UTF-8" in failure.problem
    assert "no other encoding fits" in failure.problem
    bad_offset = len("Мигранты в военкомате. ".encode()) * 10 + 2
    assert f"invalid byte 0xd1 at offset {bad_offset}" in failure.problem


def test_binary_junk_named_txt(tmp_path: Path, split):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 8)
    _, [failure] = split(read_source(path))
    assert "binary content" in failure.problem


def test_empty_file(tmp_path: Path, split):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _, [failure] = split(read_source(path))
    assert failure.problem == "file is empty"
    assert failure.source.endswith("empty.txt")


def test_blank_file(tmp_path: Path, split):
    path = tmp_path / "blank.md"
    path.write_text("\n\n   \n", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert "blank" in failure.problem


def test_title_only_when_first_line_looks_like_one():
    assert guess_title("Short headline\n\nBody text here.") == "Short headline"
    assert guess_title("This is a sentence that ends with a full stop.\nMore text.") is None
    assert guess_title("Only one line of text") is None
    assert guess_title("intro\n\n## Second-level heading\n\ntext", markdown=True) == "Second-level heading"
    assert guess_title("Setext title\n============\n\nbody", markdown=True) == "Setext title"


def test_same_file_twice_gives_same_ids(fixtures):
    first = [d.id for d in read_source(fixtures / "en_warehouse_raid.txt")]
    second = [d.id for d in read_source(str(fixtures / "en_warehouse_raid.txt"))]
    assert first == second and len(first) == 1


def test_a_dateline_near_the_top_gives_the_publication_date(tmp_path):
    from recruitwatch.ingest import read_source

    for line, expected in (("Date: 2024-03-14", "2024-03-14"), ("Дата: 05.11.2023", "2023-11-05"), ("2022-10-01", "2022-10-01")):
        path = tmp_path / "report.txt"
        path.write_text(f"Headline of a report\n{line}\n\nBody of the report, written for a test.\n", encoding="utf-8")
        (doc,) = list(read_source(path))
        assert doc.published == expected
        assert line in doc.text  # the text itself is kept whole


def test_a_date_inside_the_body_is_not_a_dateline(tmp_path):
    from recruitwatch.ingest import read_source

    path = tmp_path / "report.txt"
    path.write_text("Headline\n\n" + "Some words.\n" * 8 + "2021-01-01\n", encoding="utf-8")
    (doc,) = list(read_source(path))
    assert doc.published is None
