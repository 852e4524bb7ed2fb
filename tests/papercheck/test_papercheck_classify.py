"""The classifier on page text: every type, OCR-style noise, and the known traps."""

from __future__ import annotations

import random

import pytest
from papergen import make_spec

from recruitwatch.papercheck.classify import PhraseClassifier
from recruitwatch.papercheck.normalise import tokens
from recruitwatch.papercheck.results import MILITARY_TYPES, PAGE_TYPES


@pytest.fixture(scope="module")
def classifier() -> PhraseClassifier:
    return PhraseClassifier.load()


@pytest.mark.parametrize("type_", PAGE_TYPES)
def test_each_type_is_recognised_from_its_text(classifier, type_):
    for seed in range(6):
        text = make_spec(type_, random.Random(seed)).text
        verdict = classifier.classify(text)
        assert verdict.type == type_, (seed, verdict.scores)
        assert verdict.military == (type_ in MILITARY_TYPES)
        if type_ != "other":
            assert verdict.cues, "a verdict names the phrases that decided it"


def _ocr_noise(text: str, rng: random.Random) -> str:
    """Latin look-alikes, dropped letters and broken lines, as bad OCR produces."""
    swap = {"о": "o", "е": "e", "а": "a", "р": "p", "с": "c", "х": "x", "й": "и", "з": "3", "В": "B", "Н": "H"}
    out = []
    for ch in text:
        r = rng.random()
        if ch in swap and r < 0.3:
            out.append(swap[ch])
        elif ch.isalpha() and r < 0.02:
            continue  # a lost letter
        elif ch == " " and r < 0.05:
            out.append("\n")
        else:
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize("type_", MILITARY_TYPES)
def test_military_pages_survive_ocr_noise(classifier, type_):
    rng = random.Random(42)
    for seed in range(5):
        noisy = _ocr_noise(make_spec(type_, random.Random(seed)).text, rng)
        verdict = classifier.classify(noisy)
        assert verdict.military, (seed, verdict.scores)


def test_homoglyphs_and_hyphenated_line_breaks_are_folded():
    assert tokens("KOHTPAKT о прохож-\nдении BOEHHOЙ службы") == ["контракт", "о", "прохождении", "военнои", "службы"]
    assert tokens("3аявление") == ["заявление"]  # digit inside a word
    assert tokens("12.03.2024") == ["12", "03", "2024"]  # numbers stay numbers


def test_cues_quote_the_page_text(classifier):
    verdict = classifier.classify("Вам вручается ПОВЕСТКА. Обязаны явиться в военный комиссариат. При себе иметь паспорт.")
    assert verdict.type == "call_up_notice"
    assert "ПОВЕСТКА" in [c.matched for c in verdict.cues]


def test_citizenship_question_about_foreign_military_service_is_not_military(classifier):
    text = ("ЗАЯВЛЕНИЕ о приеме в гражданство Российской Федерации. 5. Проходите ли военную службу в "
            "вооруженных силах, органах безопасности иностранного государства: нет")
    verdict = classifier.classify(text)
    assert verdict.type == "citizenship_application" and not verdict.military


def test_citizen_oath_is_not_the_military_oath(classifier):
    text = ("ПРИСЯГА. Я, добровольно и осознанно принимая гражданство Российской Федерации, торжественно клянусь "
            "соблюдать Конституцию, защищать свободу и независимость Российской Федерации, быть верным России")
    verdict = classifier.classify(text)
    assert verdict.type == "citizenship_application" and not verdict.military


def test_migrant_medical_check_is_not_the_military_medical_commission(classifier):
    migrant = classifier.classify("Медицинское освидетельствование иностранного гражданина. Медицинское заключение о "
                                  "наличии инфекционных заболеваний, представляющих опасность для окружающих. ВИЧ")
    military = classifier.classify("Заключение военно-врачебной комиссии: медицинское освидетельствование. "
                                   "Категория годности Б-3, годен к военной службе с незначительными ограничениями")
    assert migrant.type == "medical_certificate" and not migrant.military
    assert military.type == "military_medical_commission" and military.military


def test_everyday_word_contract_is_not_military(classifier):
    verdict = classifier.classify("Квитанция. Принято 1 500 руб. за копирование. Контракт на обслуживание № 12.")
    assert not verdict.military


def test_a_torn_half_of_a_contract_is_still_military(classifier):
    text = make_spec("military_service_contract", random.Random(3)).text
    half = text[len(text) // 2:]
    assert classifier.classify(half).military


def test_empty_text_is_other(classifier):
    verdict = classifier.classify("")
    assert verdict.type == "other" and not verdict.military and verdict.cues == []


# -- texts *about* military papers (news, memos, leaflets) are not the papers -------------------

MEMO = """Правозащитный центр (вымышленная организация)
Справка о предложениях заключить контракт гражданам Таджикистана, содержащимся в СИЗО
В январе и феврале всем троим следователь и приходившие в изолятор сотрудники пункта отбора
на военную службу по контракту предлагали подписать контракт с Министерством обороны. Взамен
обещали прекратить уголовное преследование. Фаррух рассказал адвокату, что следователь прямо
сказал ему: «Либо контракт, либо получишь по максимуму». Он отказался. Двое других подписали
контракты; по словам родственников, их вывезли из изолятора ночью."""

NEWS = """Рейды на рынках: новым гражданам вручают повестки
Летом сотрудники полиции и военкомата прошли по рынкам города. Мужчин, недавно получивших
российский паспорт, проверили по базе и вручили повестки в военный комиссариат. По словам
правозащитницы, нескольких человек сразу отвезли в военкомат, где им предложили подписать
контракт о прохождении военной службы. Двое отказались, один подписал."""

LEAFLET = """ПАМЯТКА ТРУДОВОМУ МИГРАНТУ
Что делать, если вам вручают повестку или предлагают контракт о прохождении военной службы.
1. Не подписывайте бумаги, которые вы не понимаете. 2. Если вам вручают повестку, проверьте,
есть ли у вас российское гражданство. 3. Обратитесь за правовой помощью: горячая линия."""


@pytest.mark.parametrize("text", [MEMO, NEWS, LEAFLET], ids=["memo", "news", "leaflet"])
def test_a_text_about_military_papers_is_not_one(classifier, text):
    verdict = classifier.classify(text)
    assert verdict.type == "other" and not verdict.military, verdict.scores
    assert verdict.mentions_military, "the page still says it talks about military service"
    assert verdict.cues, "the verdict names the words that made it a text about papers"
    assert any(t in MILITARY_TYPES for t in verdict.scores), "the military reading is kept in the scores"


def test_the_rights_groups_memo_in_the_examples_is_not_an_application(example_pdf_verdict):
    # regression: the memo was read as "Application for contract military service" (53%) on two
    # phrases it mentions ("военную службу по контракту", "пункта отбора")
    verdict = example_pdf_verdict("ru-sverdlovsk-sizo-memo.pdf")
    assert verdict.type == "other" and not verdict.military and verdict.mentions_military


@pytest.fixture(scope="module")
def example_pdf_verdict(classifier):
    from pathlib import Path

    import pypdfium2

    root = Path(__file__).resolve().parents[2] / "examples" / "reports" / "pdf"

    def classify(name: str):
        pdf = pypdfium2.PdfDocument(str(root / name))
        try:
            return classifier.classify(pdf[0].get_textpage().get_text_range())
        finally:
            pdf.close()

    return classify


QUESTIONNAIRE = """АНКЕТА кандидата, поступающего на военную службу по контракту
1. Фамилия, имя, отчество ______
2. Проходили ли Вы военную службу? Где, когда ______
3. Привлекались ли Вы к уголовной ответственности ______
4. Были ли Вы за границей ______
5. Состояли ли Вы в браке ______
6. Служил ли кто-то из близких родственников ______
7. Желаемая воинская должность ______
Подпись кандидата ______"""


def test_past_tense_questions_on_a_form_are_not_narrative(classifier):
    from recruitwatch.papercheck.classify import narrative_verbs

    assert narrative_verbs(QUESTIONNAIRE) == []
    verdict = classifier.classify(QUESTIONNAIRE)
    assert verdict.type == "contract_service_application" and verdict.military


def test_narrative_verbs_are_dictionary_past_forms():
    from recruitwatch.papercheck.classify import narrative_verbs

    found = narrative_verbs("Он рассказал, что ему предлагали контракт. Правила и недели; оеали; officials warned")
    assert found == ["рассказал", "предлагали", "warned"]  # not nouns, not OCR junk


@pytest.mark.parametrize("type_", MILITARY_TYPES)
def test_military_forms_with_a_few_past_tense_words_stay_military(classifier, type_):
    # signature blocks say "получил", "ознакомлен"; a contract says "заключили": not a story
    for seed in range(10):
        text = make_spec(type_, random.Random(seed)).text + "\nЭкземпляр контракта получил. Прошёл отбор, сдал документы."
        verdict = classifier.classify(text)
        assert verdict.military, (seed, verdict.scores)


# Translated forms: recruiters abroad hand out English versions (written for the project).
EN_CONTRACT = """CONTRACT on military service
The Ministry of Defence of the Russian Federation, hereinafter referred to as the Ministry, and the
undersigned citizen enter into this contract. The citizen undertakes to perform military service in
the Armed Forces of the Russian Federation for a term of one year in military unit 00000 and to
observe the military oath. Monetary allowance: ______ roubles.
Signature of the serviceman ______________"""
EN_NOTICE = """CALL-UP NOTICE
Citizen ______________________ , you are obliged to appear at the military commissariat
(military registration and enlistment office) of the Central district at 09:00 on ____________
Bring with you: passport, military record documents. Military commissar ____________"""
EN_NEWS = """Recruiters approached migrants at a hostel and offered them a contract on military service.
According to a lawyer who spoke to reporters, the men signed papers they could not read and were
sent to the front line a week later. Human rights groups said the contracts named the Ministry of
Defence of the Russian Federation. Do not sign anything you cannot read, the hotline advised."""


def test_an_english_contract_page_is_a_military_contract(classifier):
    verdict = classifier.classify(EN_CONTRACT)
    assert verdict.type == "military_service_contract" and verdict.military, verdict.scores


def test_an_english_call_up_notice_is_a_call_up_notice(classifier):
    verdict = classifier.classify(EN_NOTICE)
    assert verdict.type == "call_up_notice" and verdict.military, verdict.scores


def test_an_english_news_story_about_contracts_is_not_one(classifier):
    verdict = classifier.classify(EN_NEWS)
    assert verdict.type == "other" and not verdict.military
    assert verdict.mentions_military
