"""Reports and incidents for the workbench tests, written for them (not taken from the corpus)."""

from __future__ import annotations

import re

from recruitwatch.records import Document, Evidence, Incident

#: One user per role in the test stores, all with PASSWORD.
USERS = {"ada": "admin", "ana": "analyst", "rev": "reviewer", "vic": "viewer"}
PASSWORD = "a long test passphrase"


def add_users(store) -> None:
    for name, role in USERS.items():
        store.add_user(name, PASSWORD, role, actor="tests")


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:800]
    return found.group(1)


def login(client, name: str, password: str = PASSWORD, next_url: str = "/"):
    """Log ``client`` in through the login form; returns the POST's response (a 303 when it worked)."""
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "next": next_url,
                                       "csrf_token": token}, follow_redirects=False)


def report(text: str, origin: str, **kwargs) -> Document:
    return Document.create(text=text, origin=origin, relevant=True, **kwargs)


def incident(doc: Document, summary: str, spans: dict[str, list[tuple[str, str]]], confidence: float = 0.8,
             **fields) -> Incident:
    """An incident of ``doc``: ``spans`` maps a field to (value, phrase in the text) pairs, its evidence."""
    start = doc.text.index(summary)
    evidence = [Evidence("summary", summary, start, start + len(summary), summary, doc.id)]
    for name, pairs in spans.items():
        for value, phrase in pairs:
            at = doc.text.index(phrase)
            evidence.append(Evidence(name, value, at, at + len(phrase), phrase, doc.id, confidence))
    return Incident(document_id=doc.id, summary=summary, evidence=evidence, confidence=confidence, **fields)


KAZAN = report(
    "Workers from Kyrgyzstan at a Kazan warehouse say a recruiter from the defence ministry came with the police "
    "in March 2024. Their passports were taken <b>and kept</b> until three of them signed a contract.",
    "https://news.example.test/kazan-warehouse", title="Warehouse workers in Kazan pressed to sign",
    outlet="Volga Courier", published="2024-03-20", lang="en",
)
MOSCOW = report(
    "В Москве сотрудники миграционного центра вручили гражданам Таджикистана повестки. Одному пообещали "
    "гражданство за подписание контракта; он отказался и уехал домой.",
    "https://example.test/ru/moscow-centre", title="Повестки в миграционном центре", outlet="Городской вестник",
    published="2023-11-02", lang="ru",
)
ROSTOV = report(
    "A student from Uzbekistan was detained in Rostov-on-Don and told that a drug case would be dropped if he "
    "joined the army. He was sent to Donetsk in December 2023.",
    "https://example.test/rostov-student", title="Student detained in Rostov", outlet="Southern Desk",
    published="2023-12-15", lang="en",
)
WEATHER = report("Rain and wind are expected in Samarkand tomorrow.", "https://example.test/weather", title="Weather",
                 lang="en", relevance=0.01)

INCIDENTS = [
    incident(KAZAN, "Their passports were taken <b>and kept</b>",
             {"places": [("RU-TA", "Kazan")], "nationalities": [("KG", "Kyrgyzstan")],
              "tactics": [("document_seizure", "passports were taken")],
              "actors": [("defence_ministry_recruiter", "recruiter from the defence ministry"), ("police", "police")],
              "outcome": [("signed_contract", "signed a contract")], "date": [("2024-03", "March 2024")]},
             confidence=0.9, date="2024-03", date_precision="month", places=["RU-TA"], nationalities=["KG"],
             status="foreign_national", actors=["defence_ministry_recruiter", "police"], tactics=["document_seizure"],
             outcome="signed_contract", count=3),
    incident(MOSCOW, "вручили гражданам Таджикистана повестки",
             {"places": [("RU-MOW", "Москве")], "nationalities": [("TJ", "Таджикистана")],
              "tactics": [("summons_at_state_office", "вручили"), ("citizenship_promise", "пообещали гражданство")],
              "outcome": [("refused", "отказался")]},
             confidence=0.6, date="2023-11-02", date_precision="day", places=["RU-MOW"], nationalities=["TJ"],
             status="foreign_national", actors=["migration_authority"],
             tactics=["summons_at_state_office", "citizenship_promise"], outcome="refused"),
    incident(ROSTOV, "told that a drug case would be dropped if he joined the army",
             {"places": [("RU-ROS", "Rostov-on-Don"), ("UA-14", "Donetsk")], "nationalities": [("UZ", "Uzbekistan")],
              "tactics": [("threat_of_prosecution", "a drug case would be dropped")]},
             confidence=0.4, date="2023-12", date_precision="month", places=["RU-ROS", "UA-14"], nationalities=["UZ"],
             status="student", actors=["police"], tactics=["threat_of_prosecution", "detention_pressure"],
             outcome="deployed"),
]
