"""Names to codes for filters, in the six languages, and codes to names for labels."""

import pytest

from recruitwatch.taxonomy.places import UnknownName, place_name, resolve_nationality, resolve_place

pytestmark = pytest.mark.issue(9)


@pytest.mark.parametrize(("text", "code"), [
    ("Moscow", "RU-MOW"), ("Москва", "RU-MOW"), ("в Москве".split()[1], "RU-MOW"), ("Moskvada", "RU-MOW"),
    ("ru-mow", "RU-MOW"), ("RU", "RU"), ("Санкт-Петербург", "RU-SPE"), ("Kazan", "RU-TA"),
    ("Московская область", "RU-MOS"), ("Бишкекте", "KG"),
])
def test_places_by_code_or_name(text, code):
    assert resolve_place(text) == [code]


@pytest.mark.parametrize(("text", "code"), [
    ("Tajikistan", "TJ"), ("Таджикистан", "TJ"), ("Tojikiston", "TJ"), ("Тоҷикистон", "TJ"), ("tajik", "TJ"),
    ("таджики", "TJ"), ("tj", "TJ"), ("o'zbek", "UZ"), ("кыргыз", "KG"), ("Kazakhstan", "KZ"),
])
def test_nationalities_by_code_country_or_demonym(text, code):
    assert resolve_nationality(text) == [code]


def test_an_unknown_name_lists_close_codes():
    with pytest.raises(UnknownName) as caught:
        resolve_place("Moscw")
    assert "RU-MOW" in [code for code, _ in caught.value.suggestions]
    with pytest.raises(UnknownName, match="TJ"):
        resolve_nationality("Tajikstan")
    with pytest.raises(UnknownName):
        resolve_place("")


def test_labels():
    assert place_name("RU-SPE") == "Saint Petersburg"
    assert place_name("tj") == "Tajikistan" and place_name("TJ", "ru") == "Таджикистан"
    assert place_name("XX-NOPE") is None
