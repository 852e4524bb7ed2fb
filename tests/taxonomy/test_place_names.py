"""Place and country names beside codes, and names back to codes."""

from __future__ import annotations

import pytest

from recruitwatch.taxonomy.places import place_name, resolve_country, resolve_place


@pytest.mark.parametrize("code, lang, name", [("RU-MOW", "en", "Moscow"), ("RU-MOW", "ru", "Москва"),
                                              ("UA-43", "en", "Crimea"), ("TJ", "ru", "Таджикистан"),
                                              ("TJ", "en", "Tajikistan"), ("XX-ZZ", "en", "XX-ZZ")])
def test_place_names(code, lang, name):
    assert place_name(code, lang) == name


@pytest.mark.parametrize("typed, codes", [("Moscow", ["RU-MOW"]), ("Москва", ["RU-MOW"]), ("ru-spe", ["RU-SPE"]),
                                          ("RU", ["RU"]), ("Tatarstan", ["RU-TA"])])
def test_places_by_name_or_code(typed, codes):
    assert resolve_place(typed).codes == codes


def test_an_unknown_place_suggests_the_close_codes():
    found = resolve_place("Mosocw")
    assert found.codes == [] and ("RU-MOW", "Moscow") in found.suggestions


@pytest.mark.parametrize("typed, code", [("Tajikistan", "TJ"), ("Таджикистан", "TJ"), ("kg", "KG")])
def test_countries_by_name_or_code(typed, code):
    assert resolve_country(typed).codes == [code]


def test_an_unknown_country_suggests():
    assert ("TJ", "Tajikistan") in resolve_country("Tadjikistan").suggestions
