"""Nationality mentions: sentences written for these tests."""

import pytest

from recruitwatch.extract.nationalities import find_nationalities


def codes(text, lang=None):
    return [m.value for m in find_nationalities(text, lang)]


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("Двух таджиков задержали у станции.", "ru", ["TJ"]),
        ("Узбекистанцев вызвали в военкомат.", "ru", ["UZ"]),
        ("Гражданин Киргизии отказался подписывать.", "ru", ["KG"]),
        ("Уроженец Худжанда получил повестку.", "ru", ["TJ"]),
        ("Он родился в Таджикистане.", "ru", ["TJ"]),
        ("Граждане Украины тоже были среди задержанных.", "ru", ["UA"]),
        ("A Tajik migrant and two Uzbeks were stopped.", "en", ["TJ", "UZ"]),
        ("He is a native of Osh.", "en", ["KG"]),
        ("Citizens of Armenia, Belarus and Kazakhstan were detained.", "en", ["AM", "BY", "KZ"]),
        ("A man from Tajikistan said he was beaten.", "en", ["TJ"]),
        ("O‘zbekiston fuqarosi va o‘zbekistonlik yigitlar.", "uz", ["UZ", "UZ"]),
        ("Samarqandlik ishchi shartnoma imzolagan.", "uz", ["UZ"]),
        ("Ўзбекистонлик муҳожир.", "uz", ["UZ"]),
        ("Шаҳрванди Тоҷикистон ва муҳоҷирони тоҷик.", "tg", ["TJ", "TJ"]),
        ("Кыргызстандык жигиттер Москвада кармалган.", "ky", ["KG"]),
        ("Қазақстан азаматы келісімшартқа қол қоймады.", "kk", ["KZ"]),
        ("Қазақстандық ер адам ұсталды.", "kk", ["KZ"]),
    ],
)
def test_nationalities(text, lang, expected):
    assert codes(text, lang) == expected


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Выходцы из Средней Азии работают на стройках.", "ru"),
        ("Central Asian migrants queue at the office.", "en"),
        ("Ukrainian forces shelled the town.", "en"),
        ("Украинские войска отступили.", "ru"),
        ("Chinese drones were found.", "en"),
        ("Он уехал из Москвы.", "ru"),
        ("Russian citizens by birth are not concerned.", "en"),
    ],
)
def test_nationality_traps(text, lang):
    assert codes(text, lang) == []
