"""Splitting a document into incidents, on short reports written for these tests."""

from recruitwatch.extract import extract
from recruitwatch.records import Document
from recruitwatch.screen import screen


def incidents(text, published="2025-02-19"):
    doc = screen(Document(id="t", origin="test", text=text, published=published))
    assert doc.relevant, doc.reasons
    return extract(doc)


def test_a_court_reports_lead_and_the_case_it_introduces_are_one_incident():
    text = ("Октябрьский районный суд Бишкека приговорил 29-летнего уроженца Оша к пяти годам по статье "
            "«Наёмничество».\n\n"
            "Как следует из материалов дела, весной 2023 года он работал на складе в Казани. Полицейские "
            "задержали его при проверке документов и в отделе пообещали закрыть дело, если он подпишет "
            "контракт с Минобороны. Он подписал контракт и воевал под Бахмутом.")
    found = incidents(text)
    assert len(found) == 1
    assert found[0].date == "2023" and found[0].places == ["RU-TA"]


def test_two_numbered_cases_stay_apart():
    text = ("1. Казань. В марте полиция задержала на рынке мигранта из Таджикистана и в отделе потребовала "
            "подписать контракт с Минобороны.\n\n"
            "2. Самара. В апреле сотрудники миграционного центра вручили гражданину Узбекистана повестку "
            "в военкомат вместе с патентом.")
    found = incidents(text)
    assert len(found) == 2
    assert found[0].places == ["RU-TA"] and found[1].places == ["RU-SAM"]
