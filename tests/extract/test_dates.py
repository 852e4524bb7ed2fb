"""Date mentions: sentences written for these tests."""

import pytest

from recruitwatch.extract.dates import find_dates


def got(text, lang, published="2023-11-06"):
    return [(m.value, m.precision) for m in find_dates(text, lang, published)]


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("Повестку вручили 29 сентября 2022 года.", "ru", [("2022-09-29", "day")]),
        ("Документ датирован 02.10.2022.", "ru", [("2022-10-02", "day")]),
        ("Это было в конце сентября.", "ru", [("2023-09", "month")]),
        ("Весной 2021 года его задержали.", "ru", [("2021", "year")]),
        ("В сентябре 2022 года начались рейды.", "ru", [("2022-09", "month")]),
        ("В 2023 году он подписал контракт.", "ru", [("2023", "year")]),
        ("Вчера его отпустили.", "ru", [("2023-11-05", "day")]),
        ("В прошлом месяце пришла повестка.", "ru", [("2023-10", "month")]),
        ("It happened on 29 September 2022.", "en", [("2022-09-29", "day")]),
        ("He signed on September 22, 2022.", "en", [("2022-09-22", "day")]),
        ("The raids began in March 2023.", "en", [("2023-03", "month")]),
        ("He was detained on Thursday.", "en", [("2023-11-02", "day")]),
        ("Recruiters came last spring.", "en", [("2022", "year")]),
        ("This autumn the pressure grew.", "en", [("2023", "year")]),
        ("Two months ago he left.", "en", [("2023-09", "month")]),
        ("remember in december they gave out leaflets", "en", [("2022-12", "month")]),
        ("В прошлый четверг полиция провела рейд.", "ru", [("2023-11-02", "day")]),
        ("В минувшую пятницу его задержали.", "ru", [("2023-11-03", "day")]),
        ("На этой неделе нам написали шестеро.", "ru", [("2023-11", "month")]),
        ("He had gone to Russia the previous November.", "en", [("2022-11", "month")]),
        ("He had gone to Russia in November.", "en", [("2023-11", "month")]),
        ("they march in may to the office", "en", []),
        ("2022-yil 22-sentyabr kuni chaqirilgan.", "uz", [("2022-09-22", "day")]),
        ("2024 yil iyun oyida Moskvaga borgan.", "uz", [("2024-06", "month")]),
        ("U 22-sentyabrda qaytgan.", "uz", [("2023-09-22", "day")]),
        ("2022 йил 20 декабрда қайтди.", "uz", [("2022-12-20", "day")]),
        ("27 сентябри соли 2022 ӯро даъват карданд.", "tg", [("2022-09-27", "day")]),
        ("2022-жылдын 27-сентябрында кармалган.", "ky", [("2022-09-27", "day")]),
        ("2026 жылғы 19 қаңтарда ұсталды.", "kk", [("2026-01-19", "day")]),
        ("Былтыр ол Мәскеуге кетті.", "kk", [("2022", "year")]),
    ],
)
def test_dates(text, lang, expected):
    assert got(text, lang) == expected


def test_published_missing_drops_relative():
    assert got("Вчера, 29 сентября 2022 года.", "ru", None) == [("2022-09-29", "day")]


def test_day_month_without_year_is_not_in_the_future():
    assert got("Это было 20 декабря.", "ru", "2023-11-06") == [("2022-12-20", "day")]


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Он 1997 года рождения.", "ru"),
        ("He was born in 1997.", "en"),
        ("1997 yilda tug‘ilgan yigit.", "uz"),
        ("Статья 154, часть 2.", "ru"),
        ("Он служил в 1985 году.", "ru"),
        ("You may leave now.", "en"),
        ("Майор подписал.", "ru"),
    ],
)
def test_date_traps(text, lang):
    assert got(text, lang) == []


def test_kinds_and_spans():
    text = "Его вызвали 29 сентября 2022 года, а вчера отпустили."
    ms = find_dates(text, "ru", "2022-10-10")
    assert [(m.kind, text[m.start : m.end]) for m in ms] == [
        ("date", "29 сентября 2022 года"),
        ("date_relative", "вчера"),
    ]
