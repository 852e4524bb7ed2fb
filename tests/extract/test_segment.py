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


def test_an_incident_that_only_retells_the_one_before_joins_it():
    from recruitwatch.extract.incidents import merge_retold
    from recruitwatch.records import Evidence, Incident

    def inc(start, places, nats, date, tactics, outcome="unknown"):
        ev = [Evidence("summary", "", start, start + 5, "x" * 5, "d")]
        ev += [Evidence("tactics", t, start, start + 5, "x" * 5, "d", 0.7) for t in tactics]
        ev += [Evidence("outcome", outcome, start, start + 5, "x" * 5, "d", 0.6)] if outcome != "unknown" else []
        return Incident(document_id="d", places=places, nationalities=nats, date=date, tactics=tactics,
                        outcome=outcome, evidence=ev, confidence=0.6)

    lead = inc(0, ["RU-TA"], ["TJ"], "2024", ["document_seizure"])
    case = inc(100, ["RU-TA"], ["TJ"], "2024-03", ["threat_to_status"], "deployed")
    other = inc(300, ["RU-SVE"], ["UZ"], "2024-03", ["false_job_offer"], "refused")
    merged = merge_retold([lead, case, other])
    assert len(merged) == 2
    first = merged[0]
    assert first.tactics == ["document_seizure", "threat_to_status"] and first.outcome == "deployed"
    assert {(e.field, e.value) for e in first.evidence} >= {("tactics", "threat_to_status"), ("outcome", "deployed")}
    assert merged[1].places == ["RU-SVE"]
