"""Reports written for the linking tests (made up here, never taken from the corpus).

One case told several ways: an English report, a Russian report of the same case, a syndicated
repost of the Russian one with one added line, a follow-up by the English outlet; and other
cases close to it (same city, same month) or vague ("2024, Russia").
"""

from __future__ import annotations

from dataclasses import dataclass

from recruitwatch.records import Document, Evidence, Incident


@dataclass
class Report:
    document: Document
    incident: Incident


def report(text: str, *, origin: str, place_word: str | None = None, outlet: str | None = None,
           url: str | None = None, published: str | None = None, lang: str = "en", **fields) -> Report:
    """A document and its one incident; the summary evidence is the whole text, the places
    evidence the word ``place_word``."""
    doc = Document.create(text=text, origin=origin, outlet=outlet, url=url, published=published, lang=lang,
                          relevant=True, relevance=0.9)
    spans = [Evidence("summary", "", 0, len(text), text, doc.id)]
    if place_word:
        start = text.index(place_word)
        for code in fields.get("places", ()):
            spans.append(Evidence("places", code, start, start + len(place_word), place_word, doc.id))
    inc = Incident(document_id=doc.id, summary=text[:120], evidence=spans, **fields)
    return Report(doc, inc)


CASE = {"date": "2024-03-10", "date_precision": "day", "places": ["RU-SVE"], "nationalities": ["TJ"], "count": 1}

EN_TEXT = (
    "Dushanbe, 12 March 2024. Police in Yekaterinburg detained a Tajik builder, Jamshed Rahimov, 29, at the "
    "Taganskiy market on Sunday and told him he would be deported unless he signed a one-year military contract. "
    "His brother Farrukh said officers kept Rahimov's passport overnight. Rahimov refused to sign and was released."
)
RU_TEXT = (
    "Екатеринбург. В воскресенье полицейские задержали на Таганском рынке строителя из Таджикистана "
    "Джамшеда Рахимова (29 лет) и пригрозили ему выдворением, если он не подпишет контракт с Минобороны на год. "
    "По словам его брата Фарруха, паспорт Рахимова оставили в отделе до утра. Рахимов отказался подписывать."
)


def english(**kw) -> Report:
    return report(EN_TEXT, origin="/reports/en-rahimov.txt", place_word="Yekaterinburg", outlet="Ferghana Monitor",
                  url="https://monitor.example/2024/03/rahimov", published="2024-03-12", lang="en",
                  tactics=["detention_pressure", "threat_to_status"], **{**CASE, **kw})


def russian(**kw) -> Report:
    return report(RU_TEXT, origin="/reports/ru-rahimov.txt", place_word="Екатеринбург", outlet="Уральский вестник",
                  url="https://vestnik.example/news/rahimov", published="2024-03-11", lang="ru",
                  tactics=["detention_pressure", "document_seizure"], **{**CASE, **kw})


def russian_repost(**kw) -> Report:
    """The Russian report reposted by another outlet, with one added line."""
    text = RU_TEXT + " Редакция обратилась за комментарием в ГУ МВД по Свердловской области."
    return report(text, origin="/reports/repost.txt", place_word="Екатеринбург", outlet="Новости Урала",
                  url="https://novosti-urala.example/rahimov", published="2024-03-13", lang="ru",
                  tactics=["detention_pressure", "document_seizure"], **{**CASE, **kw})


def english_follow_up(**kw) -> Report:
    """The same outlet as :func:`english`, telling the same case again a week later."""
    text = (
        "A week after his detention in Yekaterinburg, Jamshed Rahimov, 29, says police still hold a copy of his "
        "passport. The Tajik builder, who refused a military contract in March, has left for Dushanbe."
    )
    return report(text, origin="/reports/en-rahimov-2.txt", place_word="Yekaterinburg", outlet="Ferghana Monitor",
                  url="https://monitor.example/2024/03/rahimov-follow-up", published="2024-03-19", lang="en",
                  tactics=["detention_pressure"], **{**CASE, "date": "2024-03", "date_precision": "month", **kw})


def other_case_same_city_month() -> Report:
    text = (
        "Yekaterinburg, March 2024. Two Tajik cleaners, Sadriddin Qodirov and Umed Nazarzoda, say a recruiter "
        "at the migration centre promised them citizenship for signing with the army. Both refused."
    )
    return report(text, origin="/reports/en-cleaners.txt", place_word="Yekaterinburg", outlet="Asia Desk",
                  url="https://asiadesk.example/cleaners", published="2024-03-25", lang="en",
                  date="2024-03", date_precision="month", places=["RU-SVE"], nationalities=["TJ"], count=2,
                  tactics=["citizenship_promise"])


def vague() -> Report:
    text = "Human rights groups say that in 2024 migrants in Russia were pressed to sign military contracts."
    return report(text, origin="/reports/vague.txt", outlet="Rights Digest", published="2024-12-30",
                  date="2024", date_precision="year", places=["RU"], nationalities=["TJ"],
                  tactics=["detention_pressure"])
