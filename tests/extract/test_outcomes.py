"""Outcome: the latest stage the text says was reached (rule 2), on reports written for these tests."""

from recruitwatch.extract import extract
from recruitwatch.records import Document
from recruitwatch.screen import screen


def outcomes(text, published="2025-03-03"):
    doc = screen(Document(id="t", origin="test", text=text, published=published))
    assert doc.relevant, doc.reasons
    return [i.outcome for i in extract(doc)]


def test_an_expulsion_that_was_not_ordered_is_not_an_outcome():
    text = ("Студента из Узбекистана задержали в Воронеже и всю ночь уговаривали в отделе полиции подписать "
            "контракт с Минобороны. «Я ответил, что подписывать ничего не буду», — рассказал он. "
            "Суд ограничился штрафом, выдворение назначено не было.")
    assert outcomes(text) == ["refused"]


def test_a_threatened_expulsion_is_not_an_outcome():
    text = ("Мигранта из Таджикистана задержали в Казани. В отделе полиции ему сказали, что суд назначит "
            "выдворение, если он не подпишет контракт с Минобороны. Он отказался подписывать контракт.")
    assert outcomes(text) == ["refused"]


def test_university_studies_are_not_military_training():
    text = ("Студент очной формы обучения из Киргизии рассказал, что полицейские в Москве требовали "
            "подписать контракт с Минобороны. Он отказался.")
    assert "signed_contract" not in outcomes(text)
