"""Word .docx reports: real files written by python-docx, and broken, encrypted and hostile ones."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from recruitwatch.ingest import read_source
from recruitwatch.ingest.docx import OLE_MAGIC
from recruitwatch.limits import Limits


def write_report(path: Path, *, title: str | None = "Вербовка мигрантов в Подольске", heading: str = "Хроника") -> Path:
    """A report as a rights group writes one in Word: a heading, paragraphs, a table, a closing line."""
    document = docx.Document()
    props = document.core_properties
    props.title = title or ""
    props.author = "Karimov A."  # a person's name: must not reach the store
    props.created = datetime(2024, 5, 14, 9, 30, tzinfo=UTC)
    props.modified = datetime(2024, 5, 20, 18, 0, tzinfo=UTC)
    document.add_heading(heading, level=1)
    document.add_paragraph("В мае 2024 года в Подольске сотрудники полиции задержали граждан Таджикистана.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Случаи по неделям"  # a merged heading row
    for row, values in enumerate((("Дата", "Место", "Что произошло"),
                                  ("12.05.2024", "Подольск", "паспорта изъяли, предложили контракт")), start=1):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    document.add_paragraph("")
    document.add_paragraph("Юристы центра советуют ничего не подписывать.")
    document.save(path)
    return path


def test_paragraphs_and_tables_in_reading_order(tmp_path, split):
    [doc], failures = split(read_source(write_report(tmp_path / "report.docx")))
    assert failures == []
    assert doc.meta["format"] == "docx" and doc.kind == "news"
    assert doc.text == ("Хроника\n"
                        "В мае 2024 года в Подольске сотрудники полиции задержали граждан Таджикистана.\n"
                        "Случаи по неделям\n"
                        "Дата | Место | Что произошло\n"
                        "12.05.2024 | Подольск | паспорта изъяли, предложили контракт\n\n"
                        "Юристы центра советуют ничего не подписывать.")
    assert doc.title == "Вербовка мигрантов в Подольске"
    assert doc.published == "2024-05-14" and doc.meta["docx_modified"] == "2024-05-20"
    assert doc.author is None and "Karimov" not in str(doc.to_dict())


def test_title_from_the_first_heading_when_the_properties_have_none(tmp_path, split):
    [doc], _ = split(read_source(write_report(tmp_path / "report.docx", title=None, heading="Сводка за май")))
    assert doc.title == "Сводка за май"


def test_a_truncated_docx_names_the_file(tmp_path, split):
    good = write_report(tmp_path / "good.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good[: len(good) // 2])
    _, [failure] = split(read_source(cut))
    assert failure.source == str(cut)
    assert failure.problem.startswith("corrupt or truncated .docx")


def test_a_docx_zip_bomb_is_refused_from_its_directory(tmp_path, split):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1 << 20)
            for _ in range(150):  # 150 MB of XML in about 150 KB
                part.write(chunk)
    assert bomb.stat().st_size < 1_000_000
    _, [failure] = split(read_source(bomb))
    assert failure.problem.startswith("the .docx text unpacks to 157 MB of XML, above the 100 MB limit")
    assert "ZIP bomb" in failure.problem


def test_the_unpacked_size_limit_follows_the_limits(tmp_path, split):
    path = write_report(tmp_path / "report.docx")
    _, [failure] = split(read_source(path, limits=Limits(parse_bytes=20_000)))
    assert failure.problem.startswith("the .docx text unpacks to") and "(parse_bytes" in failure.problem


def test_encrypted_and_old_word_files(tmp_path, split):
    encrypted = tmp_path / "locked.docx"  # how Word stores a .docx with a password: an OLE container
    encrypted.write_bytes(OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    old = tmp_path / "old.docx"
    old.write_bytes(OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    _, failures = split(read_source(tmp_path))
    problems = {Path(f.source).name: f.problem for f in failures}
    assert problems["locked.docx"].startswith("encrypted Word document: it needs a password")
    assert problems["old.docx"].startswith("an old-format Office file (.doc) named .docx")


def test_a_spreadsheet_named_docx(tmp_path, split):
    path = tmp_path / "table.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith("not a Word document")


@pytest.mark.parametrize("data, problem", [(b"plain text, not a package", "not a .docx file"),
                                           (b"PK\x03\x04" + b"\x00" * 40, "corrupt or truncated .docx")])
def test_junk_named_docx(tmp_path, split, data, problem):
    path = tmp_path / "junk.docx"
    path.write_bytes(data)
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith(problem)


def test_a_docx_without_text(tmp_path, split):
    path = tmp_path / "empty.docx"
    document = docx.Document()
    document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith("the Word document has no text")
