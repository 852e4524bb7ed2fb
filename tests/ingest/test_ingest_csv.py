"""CSV files with a text column."""

from pathlib import Path

from recruitwatch.ingest import read_source


def test_semicolon_csv_with_russian_dates(fixtures, split):
    docs, failures = split(read_source(fixtures / "reports.csv"))
    assert failures == []
    market, ads = docs
    assert market.title == "Рейд на рынке"
    assert market.published == "2023-05-12"
    assert market.origin == market.url == "https://example.org/c-1"
    assert market.lang == "ru"
    assert "двоим предложили подписать контракт" in market.text
    assert ads.origin.endswith("reports.csv#c-2")
    assert '"fast citizenship"' in ads.text


def test_body_column_and_bad_rows(tmp_path: Path, split):
    path = tmp_path / "export.csv"
    path.write_text(
        "Headline,Body,Date\n"
        "Raid in Kazan,\"Police detained migrants, then drove them to the enlistment office.\",2023-02-03\n"
        "Too many,fields,here,2023-02-04\n"
        "Empty body,,2023-02-05\n"
        "Bonus promised,\"Recruiters offered 300,000 roubles to workers from Kyrgyzstan.\",not a date\n",
        encoding="utf-8",
    )
    docs, failures = split(read_source(path))
    assert [d.title for d in docs] == ["Raid in Kazan", "Bonus promised"]
    assert docs[1].published is None and docs[1].meta["published_raw"] == "not a date"
    source = str(path.resolve())
    assert failures[0].source == f"{source}#row 3"
    assert failures[0].problem == "has 4 fields, the header has 3"
    assert failures[1].source == f"{source}#row 4"
    assert "is empty" in failures[1].problem


def test_tab_separated(tmp_path: Path, split):
    path = tmp_path / "calls.tsv"
    path.write_text("id\ttext\n7\tCaller says her son was taken from a construction site.\n", encoding="utf-8")
    [doc], _ = split(read_source(path))
    assert doc.origin.endswith("calls.tsv#7")


def test_no_text_column_names_the_columns(tmp_path: Path, split):
    path = tmp_path / "numbers.csv"
    path.write_text("region,count\nRU-MOW,12\n", encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith("no text column")
    assert "region, count" in failure.problem


def test_cyrillic_column_name_and_cp1251(tmp_path: Path, split):
    path = tmp_path / "otchet.csv"
    path.write_bytes("Заголовок;Текст\nВоенкомат;Гражданам Таджикистана вручили повестки прямо на рынке.\n"
                     .encode("cp1251"))
    [doc], failures = split(read_source(path))
    assert failures == []
    assert doc.title == "Военкомат"
    assert doc.text.startswith("Гражданам Таджикистана")
