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
        # a month of the year before the publication's, or of the year the text dated last
        ("In March last year, police came into our hostel.", "en", [("2022-03", "month")]),
        ("In February of last year his foreman called.", "en", [("2022-02", "month")]),
        ("В мае прошлого года его вызвали на беседу.", "ru", [("2022-05", "month")]),
        ("Моҳи феврали соли гузашта ба хонаам мактуб омад.", "tg", [("2022-02", "month")]),
        ("O'tgan yilning sentyabrida unga qo'ng'iroq qilishdi.", "uz", [("2022-09", "month")]),
        ("Өткен жылдың қазан айында ауылдан шықты.", "kk", [("2022-10", "month")]),
        ("He came in the summer of 2021. In August of that year officers stopped him.", "en",
         [("2021", "year"), ("2021-08", "month")]),
        ("Соли 2021 боздошт шуд. Дар моҳи декабри ҳамон сол ба наздаш омаданд.", "tg",
         [("2021", "year"), ("2021-12", "month")]),
        ("2021 yilda qamalgan, o'sha yilning sentyabrida tergovchi keldi.", "uz", [("2021", "year"), ("2021-09", "month")]),
        # May and Kazakh October (also the city of Kazan) with a preposition or a word for "month"
        ("He signed in May.", "en", [("2023-05", "month")]),
        ("В начале мая его вызвали в военкомат.", "ru", [("2023-05", "month")]),
        ("Ботир май ойида шартномани имзолаган.", "uz", [("2023-05", "month")]),
        ("Моҳи май аз Душанбе парвоз кард.", "tg", [("2023-05", "month")]),
        ("Қазан айында Асқар оқуын тастады.", "kk", [("2023-10", "month")]),
        ("Ол Қазанда жұмыс істеген.", "kk", []),
        ("You may go.", "en", []),
        # Kazakh September before a vowel: қыркүйек -> қыркүйегінде
        ("2023 жылдың қыркүйегінде ол хабарламаға жауап берген.", "kk", [("2023-09", "month")]),
        # English ordinal days
        ("On the fourteenth of September men in masks came to the site.", "en", [("2023-09-14", "day")]),
        ("On the twenty-first of June he was stopped.", "en", [("2023-06-21", "day")]),
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
