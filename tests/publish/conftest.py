"""A store full of people who must never appear in a public file (made up here)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from recruitwatch.records import Document, Evidence, Incident

NAMES = ["Рустам Назаров", "Dilshod Karimov", "Фарход Юсупов", "Aziz Rahimov", "Бахтиёр Саидов", "Jamshid Tursunov"]


@dataclass
class Population:
    documents: list[Document] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # values that may reach a full export and never a public one


def person(i: int) -> tuple[str, str]:
    return NAMES[i % len(NAMES)] + f" {i}", f"+7 916 555-{i:04d}"


def add(pop: Population, i: int, *, place: str, date: str, kind: str = "news", verification: str = "reported",
        url: str | None = "auto") -> None:
    name, phone = person(i)
    text = (f"{name} (тел. {phone}) рассказал, что его задержали у миграционного центра и заставили подписать "
            f"контракт с Минобороны. Номер паспорта AB{i:07d}.")
    if url == "auto":
        url = f"https://news.example.org/2023/story-{i}"
    doc = Document.create(text=text, origin=url or f"hotline:call-{i}", kind=kind, url=url, lang="ru",
                          outlet="Example News" if kind == "news" else None, title=f"История {name}",
                          author=f"Корреспондент {i}", published=date if len(date) == 10 else None)
    phrase = f"{name} (тел. {phone})"
    spans = [Evidence("summary", phrase, 0, len(phrase), phrase, doc.id),
             Evidence("places", place, 0, len(phrase), phrase, doc.id, 0.9)]
    pop.documents.append(doc)
    incident = Incident(document_id=doc.id, date=date, date_precision="day" if len(date) == 10 else "month",
                        places=[place], nationalities=["TJ"], status="migrant", actors=["police"],
                        tactics=["document_seizure"], outcome="signed", summary=phrase, evidence=spans,
                        verification=verification, count=2)
    pop.incidents.append(incident)
    pop.secrets += [name, phone, f"AB{i:07d}", f"Корреспондент {i}", f"hotline:call-{i}", doc.id, incident.id]


@pytest.fixture
def population() -> Population:
    """Cells, with the default threshold of 5 in mind:

    * RU-MOW, 2023-05: 6 news reports (published per incident), 7 testimonies (counted only),
      2 rejected reports (never published);
    * RU-SPE, 2023-06: 3 news reports (under the threshold: withheld everywhere);
    * UZ-TO and UZ-SA, 2023-07: 5 news reports (the cell UZ, 2023-07: published as UZ);
    * RU-KDA, 2023-08: 6 social posts whose URL names a person (counted, never a source).
    """
    pop = Population()
    i = 0
    for _ in range(6):
        add(pop, (i := i + 1), place="RU-MOW", date="2023-05-14")
    for _ in range(7):
        add(pop, (i := i + 1), place="RU-MOW", date="2023-05", kind="testimony", url=None)
    for _ in range(2):
        add(pop, (i := i + 1), place="RU-MOW", date="2023-05-20", verification="rejected")
    for _ in range(3):
        add(pop, (i := i + 1), place="RU-SPE", date="2023-06-02")
    for n in range(5):
        add(pop, (i := i + 1), place="UZ-TO" if n % 2 else "UZ-SA", date="2023-07-09")
    for _ in range(6):
        add(pop, (i := i + 1), place="RU-KDA", date="2023-08-01", kind="social", url=f"https://t.me/rustam_nazarov_{i}")
        pop.secrets.append(f"rustam_nazarov_{i}")
    return pop
