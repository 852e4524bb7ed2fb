"""Sample records for the storage tests (made up here, not taken from the corpus)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from recruitwatch.records import Document, Evidence, Incident


def make_document(text: str, origin: str, **kwargs) -> Document:
    return Document.create(text=text, origin=origin, **kwargs)


def make_incident(doc: Document, phrase: str, **fields) -> Incident:
    """An incident of ``doc`` whose summary evidence is ``phrase`` (which must occur in the text)."""
    start = doc.text.index(phrase)
    spans = [Evidence("summary", phrase, start, start + len(phrase), phrase, doc.id)]
    for name in ("places", "nationalities", "actors", "tactics"):
        for code in fields.get(name, ()):
            spans.append(Evidence(name, code, start, start + len(phrase), phrase, doc.id))
    return Incident(document_id=doc.id, summary=phrase, evidence=spans, **fields)


@dataclass
class Sample:
    documents: list[Document]
    incidents: list[Incident]


@pytest.fixture
def sample() -> Sample:
    spb = make_document(
        "В Петербурге полиция задержала мигрантов из Узбекистана у миграционного центра и отвезла их в военкомат. "
        "Там им предложили подписать контракт с Минобороны.",
        "https://example.org/news/1",
        lang="ru", title="Облава в Петербурге", published="2023-05-14", relevant=True, relevance=0.97,
        reasons=["raid", "contract"], meta={"outlet_country": "RU"},
    )  # fmt: skip
    moscow = make_document(
        "Migrants from Tajikistan were recruited at a Moscow hostel; officers took their passports "
        "and promised fast citizenship to those who signed.",
        "https://example.org/en/2",
        lang="en", title="Hostel raid in Moscow", published="2023-09-02", relevant=True, relevance=0.91,
    )  # fmt: skip
    weather = make_document(
        "Погода в Ташкенте: завтра ожидается дождь и похолодание.",
        "https://example.org/weather",
        lang="ru", title="Погода", published="2023-10-01", relevant=False, relevance=0.02, kind="news",
    )  # fmt: skip
    testimony = make_document(
        "Менга ҳарбий комиссариатда шартнома имзолашни таклиф қилишди.",
        "hotline:call-17",
        lang="uz", kind="testimony", relevant=True,
    )  # fmt: skip
    incidents = [
        make_incident(
            spb, "полиция задержала мигрантов из Узбекистана",
            date="2023-05-14", date_precision="day", places=["RU-SPE"], nationalities=["UZ"],
            status="migrant", actors=["police", "military_commissariat"], tactics=["raid", "contract_pressure"],
            outcome="unknown", count=12,
        ),
        make_incident(
            moscow, "officers took their passports",
            date="2023-09", date_precision="month", places=["RU-MOW"], nationalities=["TJ"],
            status="migrant", actors=["police"], tactics=["raid", "document_seizure", "citizenship_promise"],
            outcome="signed",
        ),
        make_incident(
            testimony, "шартнома имзолашни",
            date="2022", date_precision="year", places=["RU"], nationalities=["UZ", "TJ"],
            status="migrant", actors=["military_commissariat"], tactics=["contract_pressure"],
        ),
    ]  # fmt: skip
    return Sample(documents=[spb, moscow, weather, testimony], incidents=incidents)
