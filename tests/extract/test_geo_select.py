"""Choosing an incident's places and date among a document's mentions (geo_select), on
short reports written for these tests."""

from recruitwatch.extract import extract
from recruitwatch.records import Document
from recruitwatch.screen import screen


def incidents(text, published="2024-03-01", lang=None):
    doc = screen(Document(id="t", origin="test", text=text, published=published, lang=lang))
    assert doc.relevant, doc.reasons
    return extract(doc)


def test_enumerated_countries_are_an_audience_not_places():
    text = ("Recruiters handed out leaflets at a metro station in Kazan in February. Migrants say the "
            "leaflets named the allied countries - Armenia, Belarus, Kyrgyzstan - and offered a military contract.")
    places = {p for i in incidents(text) for p in i.places}
    assert "RU-TA" in places and not places & {"AM", "BY", "KG"}


def test_near_moscow_is_the_moscow_region():
    text = ("В феврале полиция задержала мигрантов из Узбекистана на рынке. Их отвезли на военную базу "
            "под Москвой и заставили подписать контракт с Минобороны.")
    places = {p for i in incidents(text) for p in i.places}
    assert "RU-MOS" in places and "RU-MOW" not in places


def test_another_cases_paragraph_does_not_lend_its_place():
    text = ("1. At the migration centre in Moscow, migrants from Tajikistan were told to sign a military contract "
            "together with their patent papers in March.\n\n"
            "2. A courier from Kyrgyzstan says police stopped him, beat him and demanded that he sign a contract "
            "with the army.")
    found = incidents(text)
    assert len(found) == 2
    assert found[0].places == ["RU-MOW"]
    assert "RU-MOW" not in found[1].places


def test_a_dateline_dates_the_report_not_the_act():
    text = ("NEW DELHI, 13 February. Indian men who were promised jobs as helpers were made to sign "
            "military contracts with the Russian army in December, their families say.")
    dates = [i.date for i in incidents(text)]
    assert dates and not any(d and d.startswith("2024-02") for d in dates)


def test_interview_answers_in_the_first_person_are_a_case():
    text = ("— Что случилось?\n— Я пришёл в миграционный центр продлить патент, и мне сказали подписать "
            "контракт с Минобороны, иначе патент не продлят. Я отказался.")
    found = incidents(text, lang="ru")
    assert found and "summons_at_state_office" in found[0].tactics


def test_the_scene_setting_paragraph_lends_its_place_to_a_case_that_names_none():
    text = ("Police in Yekaterinburg went hunting for migrants on Friday night.\n\n"
            "A worker from Tajikistan was taken to the enlistment office, where officers kept his passport "
            "and told him to sign a military contract before he could leave.")
    places = {p for i in incidents(text) for p in i.places}
    assert places == {"RU-SVE"}
