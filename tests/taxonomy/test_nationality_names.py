"""Nationalities by code, country name or demonym in the six languages; inflected place names."""

import pytest

from recruitwatch.taxonomy.places import resolve_nationality, resolve_place

pytestmark = pytest.mark.issue(9)


@pytest.mark.parametrize(("text", "code"), [
    ("Tajikistan", "TJ"), ("Таджикистан", "TJ"), ("Tojikiston", "TJ"), ("Тоҷикистон", "TJ"), ("tajik", "TJ"),
    ("таджики", "TJ"), ("tj", "TJ"), ("o'zbek", "UZ"), ("uzbek", "UZ"), ("кыргыз", "KG"), ("Kazakhstan", "KZ"),
])
def test_nationalities_by_code_country_or_demonym(text, code):
    assert resolve_nationality(text).codes == [code]


def test_an_unknown_nationality_suggests_close_countries():
    found = resolve_nationality("Tajikstan")
    assert found.codes == [] and "TJ" in [code for code, _ in found.suggestions]


@pytest.mark.parametrize(("text", "code"), [
    ("Москве", "RU-MOW"), ("Moskvada", "RU-MOW"), ("Санкт-Петербург", "RU-SPE"), ("Kazan", "RU-TA"),
    ("Московская область", "RU-MOS"), ("Бишкекте", "KG"),
])
def test_inflected_place_names(text, code):
    assert resolve_place(text).codes == [code]
