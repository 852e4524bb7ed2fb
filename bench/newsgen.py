"""A generator of news-like documents in English and Russian, about 1% relevant.

Sentences are assembled from varied vocabulary, names, numbers and places, so no two documents
are the same and nothing can be cached. Relevant documents describe recruitment of migrants.
"""

from __future__ import annotations

import random

EN_TOPICS = ["the city council", "the central bank", "the football club", "the regional court", "the hospital",
             "the airline", "the university", "the energy company", "local farmers", "the theatre", "the metro operator"]
EN_VERBS = ["announced", "reported", "denied", "approved", "criticised", "postponed", "welcomed", "reviewed"]
EN_OBJECTS = ["a new budget", "higher fares", "a merger", "repairs to the bridge", "a concert season", "new rules",
              "a pay rise", "the harvest figures", "a vaccination campaign", "an exhibition", "the election results"]
EN_PLACES = ["Moscow", "Kazan", "Novosibirsk", "Samara", "Omsk", "Tver", "Perm", "Ufa", "Sochi", "Yakutsk"]
RU_TOPICS = ["городская дума", "центральный банк", "футбольный клуб", "областной суд", "больница", "авиакомпания",
             "университет", "энергокомпания", "фермеры", "театр", "метрополитен"]
RU_VERBS = ["объявил", "сообщил", "опроверг", "одобрил", "раскритиковал", "перенёс", "приветствовал"]
RU_OBJECTS = ["новый бюджет", "повышение тарифов", "слияние", "ремонт моста", "концертный сезон", "новые правила",
              "рост зарплат", "итоги урожая", "кампанию вакцинации", "выставку", "итоги выборов"]
RU_PLACES = ["Москве", "Казани", "Новосибирске", "Самаре", "Омске", "Твери", "Перми", "Уфе", "Сочи", "Якутске"]
EN_REL = ["Police raided a dormitory of labour migrants in {p} on {d} March and took {n} men from Tajikistan to the "
          "enlistment office, where they were pressed to sign military contracts.",
          "A {n}-year-old migrant from Uzbekistan says officials at the migration centre in {p} hid a military contract "
          "among his patent forms; he was later sent to the front.",
          "Recruiters offered foreign workers in {p} construction jobs for {n}0,000 roubles a month, but the men ended up "
          "at the front after signing contracts with the Defence Ministry."]
RU_REL = ["Полиция провела рейд в общежитии мигрантов в {p} {d} марта и доставила {n} граждан Таджикистана в военкомат, "
          "где им предложили подписать контракт с Минобороны.",
          "Мигранту из Узбекистана в {p} вручили повестку при получении российского паспорта, а затем пригрозили "
          "лишением гражданства.",
          "В СИЗО в {p} заключённым иностранцам предлагают подписать контракт в обмен на свободу; {n} человек уже "
          "отправили на фронт."]


def document(rng: random.Random, relevant: bool) -> tuple[str, str]:
    lang = rng.choice(("en", "ru"))
    topics, verbs, objects, places = ((EN_TOPICS, EN_VERBS, EN_OBJECTS, EN_PLACES) if lang == "en"
                                      else (RU_TOPICS, RU_VERBS, RU_OBJECTS, RU_PLACES))
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        sentences = []
        for _ in range(rng.randint(2, 5)):
            sentences.append(f"{rng.choice(topics).capitalize()} {rng.choice(verbs)} {rng.choice(objects)} "
                             f"{'in' if lang == 'en' else 'в'} {rng.choice(places)} "
                             f"({rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2019, 2025)}, "
                             f"{rng.randint(2, 9999)} {'people' if lang == 'en' else 'человек'}).")
        paragraphs.append(" ".join(sentences))
    if relevant:
        template = rng.choice(EN_REL if lang == "en" else RU_REL)
        paragraphs.insert(rng.randint(0, len(paragraphs)), template.format(
            p=rng.choice(places), d=rng.randint(1, 28), n=rng.randint(2, 60)))
    return lang, "\n\n".join(paragraphs)


def stream(count: int, seed: int = 7, relevant_share: float = 0.01):
    rng = random.Random(seed)
    for i in range(count):
        yield i, *document(rng, rng.random() < relevant_share)
