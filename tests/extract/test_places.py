"""Place mentions: sentences written for these tests (ru, en, uz, tg, ky, kk)."""

import pytest

from recruitwatch.extract.places import find_places


def codes(text, lang=None, kind="place"):
    return [m.value for m in find_places(text, lang) if m.kind == kind]


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("Его задержали в Санкт-Петербурге у метро.", "ru", ["RU-SPE"]),
        ("Брат работает в Питере на стройке.", "ru", ["RU-SPE"]),
        ("Повестку вручили в Подольске.", "ru", ["RU-MOS"]),
        ("Мигрантов везут в Сахарово, а оттуда в часть.", "ru", ["RU-MOW"]),
        ("Он сидел в ЦВСИГ в Сахарове две недели.", "ru", ["RU-MOW"]),
        ("Рейд прошёл в Нижнем Новгороде.", "ru", ["RU-NIZ"]),
        ("Стройка была в Московской области.", "ru", ["RU-MOS"]),
        ("Обещали работу в ДНР, а отправили в ЛНР.", "ru", ["UA-14", "UA-09"]),
        ("Их возили в Крым и в Севастополь.", "ru", ["UA-43", "UA-40"]),
        ("Он вернулся из Алматы в Душанбе.", "ru", ["KZ", "TJ"]),
        ("Officers stopped him in St. Petersburg on his way to work.", "en", ["RU-SPE"]),
        ("He was held at the Sakharovo centre in New Moscow.", "en", ["RU-MOW", "RU-MOW"]),
        ("A warehouse in the Moscow region was raided.", "en", ["RU-MOS"]),
        ("He grew up in Osh and moved to Samarkand.", "en", ["KG", "UZ"]),
        ("Recruiters in Zaporizhzhia and Kherson promised wages.", "en", ["UA-23", "UA-65"]),
        ("U Moskvaga ishlash uchun borgan, keyin Luganskka yuborilgan.", "uz", ["RU-MOW", "UA-09"]),
        ("Volgograd viloyatida qurilishda ishlagan.", "uz", ["RU-VGG"]),
        ("Ӯ дар Маскав кор мекард.", "tg", ["RU-MOW"]),
        ("Ал Бишкекте жашап, Москвада иштеген.", "ky", ["KG", "RU-MOW"]),
        ("Ол Мәскеуде ұсталды.", "kk", ["RU-MOW"]),
        ("Он много лет жил в Пермском крае.", "ru", ["RU-PER"]),
        ("На стройке в Краснодарском крае не платили.", "ru", ["RU-KDA"]),
        ("Его вызвали в отдел в Свердловском районе Перми.", "ru", ["RU-PER"]),
        ("They met on Sofia street in Kazan.", "en", ["RU-TA"]),
    ],
)
def test_places_resolve(text, lang, expected):
    assert codes(text, lang) == expected


def test_country_alone_is_country_code():
    assert codes("В России таких случаев много.", "ru") == ["RU"]
    assert codes("Rossiya harbiy komissariatiga borgan.", "uz") == ["RU"]


def test_spans_point_into_text():
    text = "Задержание произошло в Екатеринбурге вечером."
    (m,) = find_places(text, "ru")
    assert text[m.start : m.end] == m.text == "Екатеринбурге"
    assert m.value == "RU-SVE"


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Мир изменился после этого.", "ru"),
        ("Алишер Королёв рассказал о повестке.", "ru"),
        ("President Vladimir Putin signed the decree.", "en"),
        ("Moscow says the contracts are voluntary.", "en"),
        ("Москва заявила, что вербовки нет.", "ru"),
        ("Moscow-backed officials ran the office.", "en"),
        ("Mary said she was afraid.", "en"),
        ("Те, кто получил паспорт, обязаны встать на учёт.", "ru"),
    ],
)
def test_false_positive_traps(text, lang):
    assert codes(text, lang) == []


def test_russian_adjective_is_place_adj():
    ms = find_places("Его отвели в российский военкомат.", "ru")
    assert [(m.value, m.kind) for m in ms] == [("RU", "place_adj")]


def test_the_largest_cities_of_every_russian_and_ukrainian_region_resolve_to_it():
    import csv
    from importlib import resources

    source = resources.files("recruitwatch.extract").joinpath("data", "admin1_iso3166_2.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in source.splitlines() if line and not line.startswith("#"))
    wrong = []
    for row in rows:
        code = row["iso3166_2"]
        if not code.startswith(("RU-", "UA-")):
            continue
        for city in [c.strip() for c in (row.get("largest_cities") or "").split(";")[:2] if c.strip()]:
            got = {m.value for m in find_places(f"It happened in {city} last year.", "en")}
            if code not in got and not (code == "RU-MOS" and "RU-MOW" in got):
                wrong.append((city, code, got))
    assert not wrong, wrong
