"""Linking benchmark: document-group and incident-merge precision and recall, and the cost of linking at scale.

    .venv/bin/python bench/bench_link.py                       # quality sets + 100,000 stored incidents (SQLite)
    .venv/bin/python bench/bench_link.py --stored 20000 --db /tmp/link.db
    .venv/bin/python bench/bench_link.py --db "$(scripts/postgres-test-server.sh | tail -1)"

Everything is generated here (nothing comes from the corpus):

* **Incident sets**: cases of one person (a name in a form each language spells its own way,
  an age, a region, a date, a nationality, tactics), each told by 1-4 reports in English,
  Russian, Uzbek (Latin) or Kyrgyz (Cyrillic): translations, follow-ups that know only the month,
  reports a day off, reports that leave out the nationality or the count; and hard negatives:
  other people in the same region and month. The reports' incidents are given the fields an
  extractor would give them (the linker is measured, not the extractor). Precision and recall
  are over pairs of incidents: "one case" as the linker decides vs. as generated.
* **Document groups**: reports reposted with an added line, three changed words, or the last
  of three or more paragraphs (else the last tenth of the words) dropped; the originals are
  different reports written from the same templates. Pairwise precision and recall.
* **Cost**: ``--stored`` synthetic incidents (with their documents and band keys) are loaded
  without linking, then a batch of ``--batch`` new reports is saved with linking; the time per
  new incident is what the target (< 50 ms against 100,000 stored) is about.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from itertools import combinations
from pathlib import Path

from recruitwatch.link.cases import cases as components_of
from recruitwatch.link.documents import components, near_duplicate, sketch
from recruitwatch.link.features import incident_keys
from recruitwatch.link.match import match
from recruitwatch.records import Document, Evidence, Incident

REGIONS = {  # code: (English, Russian, Uzbek, Kyrgyz) city name
    "RU-MOW": ("Moscow", "Москве", "Moskvada", "Москвада"),
    "RU-SPE": ("St Petersburg", "Петербурге", "Peterburgda", "Петербургда"),
    "RU-SVE": ("Yekaterinburg", "Екатеринбурге", "Yekaterinburgda", "Екатеринбургда"),
    "RU-NVS": ("Novosibirsk", "Новосибирске", "Novosibirskda", "Новосибирскиде"),
    "RU-TA": ("Kazan", "Казани", "Qozonda", "Казанда"),
    "RU-KDA": ("Krasnodar", "Краснодаре", "Krasnodarda", "Краснодарда"),
    "RU-MOS": ("Podolsk", "Подольске", "Podolskda", "Подольскиде"),
    "RU-SAM": ("Samara", "Самаре", "Samarada", "Самарада"),
}
NATIONS = {"TJ": ("Tajik", "таджикистанца", "tojikistonlik", "тажикстандык"),
           "UZ": ("Uzbek", "узбекистанца", "o'zbekistonlik", "өзбекстандык"),
           "KG": ("Kyrgyz", "киргизстанца", "qirg'izistonlik", "кыргызстандык")}
# Names as each script writes them: (Latin used in English, Cyrillic, Uzbek Latin)
FIRST = [("Jamshed", "Джамшед", "Jamshid"), ("Rustam", "Рустам", "Rustam"), ("Bakhtiyor", "Бахтиёр", "Baxtiyor"),
         ("Farrukh", "Фаррух", "Farrux"), ("Sardor", "Сардор", "Sardor"), ("Umed", "Умед", "Umid"),
         ("Azamat", "Азамат", "Azamat"), ("Nurbek", "Нурбек", "Nurbek"), ("Ilkhom", "Ильхом", "Ilhom"),
         ("Dilshod", "Дильшод", "Dilshod"), ("Kairat", "Кайрат", "Qayrat"), ("Shokhrukh", "Шохрух", "Shohrux")]
LAST = [("Rahimov", "Рахимов", "Rahimov"), ("Nazarov", "Назаров", "Nazarov"), ("Yusupov", "Юсупов", "Yusupov"),
        ("Kholmatov", "Холматов", "Xolmatov"), ("Saidov", "Саидов", "Saidov"), ("Toshmatov", "Тошматов", "Toshmatov"),
        ("Abdulloev", "Абдуллоев", "Abdulloyev"), ("Mirzoev", "Мирзоев", "Mirzoyev"), ("Jumaev", "Джумаев", "Jumayev"),
        ("Karimov", "Каримов", "Karimov"), ("Ergashev", "Эргашев", "Ergashev"), ("Sharipov", "Шарипов", "Sharipov")]
TACTICS = ["detention_pressure", "document_seizure", "threat_to_status", "summons_at_state_office",
           "deceptive_paperwork", "citizenship_promise", "financial_incentive", "raid_or_document_check"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря"]

TEMPLATES = {
    "en": "{city}, {d} {mon} {y}. Police in {city} detained {nat} worker {first} {last}, {age}, and told him to sign "
          "a military contract or be deported. {last} said officers kept his passport. He refused to sign.",
    "ru": "{city_ru}. {d} {mon_ru} {y} года полиция задержала {nat_ru} {first_ru} {last_ru}а ({age} лет) и потребовала "
          "подписать контракт с Минобороны под угрозой выдворения. Паспорт {last_ru}а оставили в отделе.",
    "uz": "{y}-yil {d}-{mon_n} kuni {city_uz} politsiya {nat_uz} {age} yoshli {first_uz} {last_uz}ni ushlab, "
          "harbiy shartnoma imzolashni talab qildi. {last_uz} imzo chekishdan bosh tortdi.",
    "ky": "{y}-жылдын {d}-{mon_n} күнү {city_ky} полиция {nat_ky} {age} жаштагы {first_ru} {last_ru}ду кармап, "
          "аскерий келишимге кол коюуну талап кылды. {last_ru} макул болгон жок.",
    "follow": "A month after his detention in {city}, {first} {last}, {age}, says the police still hold his passport. "
              "The {nat} worker refused a military contract in {mon}.",
}


def _report(lang: str, case: dict, rng: random.Random, doc_n: int, follow: bool = False) -> tuple[Document, Incident]:
    en_city, ru_city, uz_city, ky_city = REGIONS[case["region"]]
    first, last = case["first"], case["last"]
    y, m, d = case["date"]
    values = {"city": en_city, "city_ru": ru_city, "city_uz": uz_city, "city_ky": ky_city, "y": y, "d": d,
              "mon": MONTHS_EN[m - 1], "mon_ru": MONTHS_RU[m - 1], "mon_n": m, "age": case["age"],
              "nat": NATIONS[case["nat"]][0], "nat_ru": NATIONS[case["nat"]][1], "nat_uz": NATIONS[case["nat"]][2],
              "nat_ky": NATIONS[case["nat"]][3], "first": first[0], "last": last[0], "first_ru": first[1],
              "last_ru": last[1], "first_uz": first[2], "last_uz": last[2]}
    text = TEMPLATES["follow" if follow else lang].format(**values)
    doc = Document.create(text=text, origin=f"bench/{doc_n}.txt", outlet=f"outlet-{rng.randrange(40)}",
                          published=f"{y}-{m:02d}-{min(28, d + rng.randrange(1, 5)):02d}")
    day = min(28, max(1, d + (rng.choice([-1, 1]) if rng.random() < 0.15 else 0)))
    date, precision = (f"{y}-{m:02d}", "month") if follow or rng.random() < 0.15 else (f"{y}-{m:02d}-{day:02d}", "day")
    nats = [] if rng.random() < 0.15 else [case["nat"]]
    tactics = sorted(rng.sample(case["tactics"], k=rng.randint(1, len(case["tactics"]))))
    city = (en_city if lang in ("en", "follow") or follow else ru_city if lang == "ru" else uz_city if lang == "uz"
            else ky_city)
    start = text.find(city)
    spans = [Evidence("summary", "", 0, len(text), text, doc.id)]
    if start >= 0:
        spans.append(Evidence("places", case["region"], start, start + len(city), city, doc.id))
    inc = Incident(document_id=doc.id, date=date, date_precision=precision, places=[case["region"]],
                   nationalities=nats, count=1 if rng.random() < 0.6 else None, tactics=tactics, evidence=spans,
                   summary=text[:100])
    return doc, inc


def incident_sets(n_cases: int, seed: int = 8):
    """Reports (document, incident, true case number) of ``n_cases`` cases, with hard negatives."""
    rng = random.Random(seed)
    out = []
    doc_n = 0
    for c in range(n_cases):
        region = rng.choice(list(REGIONS))
        y, m = rng.choice([2023, 2024]), rng.randint(1, 12)
        case = {"region": region, "date": (y, m, rng.randint(2, 24)), "nat": rng.choice(list(NATIONS)),
                "first": rng.choice(FIRST), "last": rng.choice(LAST), "age": rng.randint(19, 55),
                "tactics": rng.sample(TACTICS, k=3)}
        langs = rng.sample(["en", "ru", "uz", "ky"], k=rng.choice([1, 2, 2, 3, 4]))
        for i, lang in enumerate(langs):
            doc_n += 1
            out.append((*_report(lang, case, rng, doc_n, follow=(i > 0 and rng.random() < 0.2)), c))
    return out


def incident_quality(n_cases: int) -> dict[str, float]:
    reports = incident_sets(n_cases)
    keyed = [(inc, incident_keys(inc, doc.text, doc.published), case) for doc, inc, case in reports]
    by_region: dict[str, list[int]] = {}
    for i, (inc, _, _) in enumerate(keyed):
        by_region.setdefault(inc.places[0], []).append(i)
    links = []
    for idx in by_region.values():
        for i, j in combinations(idx, 2):
            m = match(keyed[i][0], keyed[i][1], keyed[j][0], keyed[j][1])
            if m is not None:
                links.append((keyed[i][0].id, keyed[j][0].id, m.score))
    found = components_of([k[0].id for k in keyed], links, [])
    case_of = {inc.id: c for inc, _, c in keyed}
    predicted = {frozenset(p) for comp in found for p in combinations(sorted(comp), 2)}
    truth = {frozenset((a[0].id, b[0].id)) for a, b in combinations(keyed, 2) if a[2] == b[2]}
    tp = len(predicted & truth)
    return {"reports": len(keyed), "cases": n_cases, "true_pairs": len(truth), "predicted_pairs": len(predicted),
            "precision": tp / len(predicted) if predicted else 1.0, "recall": tp / len(truth) if truth else 1.0,
            "found_cases": len(found), "wrongly_joined": len({case_of[i] for comp in found for i in comp
                                                               if len({case_of[x] for x in comp}) > 1})}


def _article(rng: random.Random, n: int) -> str:
    case = {"region": rng.choice(list(REGIONS)), "date": (2024, rng.randint(1, 12), rng.randint(2, 24)),
            "nat": rng.choice(list(NATIONS)), "first": rng.choice(FIRST), "last": rng.choice(LAST),
            "age": rng.randint(19, 55), "tactics": rng.sample(TACTICS, 3)}
    body = [_report(rng.choice(["en", "ru"]), case, rng, n)[0].text]
    body += [" ".join(rng.choice(MONTHS_EN + MONTHS_RU + [w for w in TEMPLATES["en"].split() if "{" not in w])
                      for _ in range(rng.randint(40, 120))) for _ in range(rng.randint(1, 3))]
    return "\n\n".join(body)


def _edit(rng: random.Random, text: str) -> str:
    kind = rng.choice(["line", "word", "drop"])
    if kind == "line":
        return text + "\n\nThe editors asked the ministry for comment; it did not answer."
    words = text.split()
    if kind == "word":
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "allegedly", "also", "then"])
        return " ".join(words)
    parts = text.split("\n\n")  # the last of three or more paragraphs, else the last tenth of the words
    return "\n\n".join(parts[:-1]) if len(parts) > 2 else " ".join(words[: int(len(words) * 0.9)])


def group_quality(n_originals: int, seed: int = 8) -> dict[str, float]:
    rng = random.Random(seed)
    docs = []  # (id, sketch, true group)
    for g in range(n_originals):
        text = _article(rng, g)
        docs.append((f"{g}-0", sketch(text), g))
        for k in range(rng.choice([0, 0, 1, 2, 3])):
            docs.append((f"{g}-{k + 1}", sketch(_edit(rng, text)), g))
    index: dict[tuple[int, int], list[int]] = {}
    for i, (_, sk, _) in enumerate(docs):
        for key in sk.bands:
            index.setdefault(key, []).append(i)
    edges = set()
    for bucket in index.values():
        for i, j in combinations(bucket, 2):
            if near_duplicate(docs[i][1].fingerprint, docs[j][1].fingerprint) is not None:
                edges.add((docs[i][0], docs[j][0]))
    found = components([d for d, _, _ in docs], edges)
    predicted = {frozenset(p) for comp in found for p in combinations(sorted(comp), 2)}
    truth = {frozenset((a[0], b[0])) for a, b in combinations(docs, 2) if a[2] == b[2]}
    tp = len(predicted & truth)
    return {"documents": len(docs), "groups": n_originals, "precision": tp / len(predicted) if predicted else 1.0,
            "recall": tp / len(truth) if truth else 1.0}


def link_cost(url: str, stored: int, batch: int, seed: int = 9) -> dict[str, float]:
    from sqlalchemy import insert, select

    from recruitwatch.store import open_store
    from recruitwatch.store.schema import document_bands, document_shingles, documents

    rng = random.Random(seed)
    store = open_store(url)
    store.init()
    regions = list(REGIONS) + [f"RU-X{i:02d}" for i in range(77)]
    weights = [30, 8, 4, 3, 3, 3, 6, 2] + [41 / 77] * 77  # Moscow heavy, like the reports

    vocabulary = [f"w{n}" for n in range(20_000)]
    zipf = [1 / (n + 1) for n in range(len(vocabulary))]

    def fake(i: int) -> tuple[Document, Incident]:
        region = rng.choices(regions, weights)[0]
        y, m, d = rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # A news-like text: one sentence of the case, then 150 words with a Zipf-like spread.
        text = (f"Police detained {first[0]} {last[0]}, {rng.randint(19, 55)}, in region {region} on "
                f"{y}-{m:02d}-{d:02d} and demanded a military contract. "
                + " ".join(rng.choices(vocabulary, zipf, k=150)))
        doc = Document.create(text=text, origin=f"bench/{i}", outlet=f"outlet-{i % 300}", published=f"{y}-{m:02d}-{d:02d}")
        precise = rng.random() < 0.8
        inc = Incident(document_id=doc.id, date=f"{y}-{m:02d}-{d:02d}" if precise else f"{y}-{m:02d}",
                       date_precision="day" if precise else "month", places=[region],
                       nationalities=[rng.choice(list(NATIONS))], tactics=rng.sample(TACTICS, 2),
                       evidence=[Evidence("summary", "", 0, len(text), text, doc.id)], summary=text[:80])
        return doc, inc

    t0 = time.perf_counter()
    chunk = 2000
    for start in range(0, stored, chunk):
        pairs = [fake(i) for i in range(start, min(stored, start + chunk))]
        store.save_batch([d for d, _ in pairs], [i for _, i in pairs], link=False)
        with store._connect(write=True) as conn:  # the band keys and fingerprints ingest would have stored
            pks = dict(conn.execute(select(documents.c.id, documents.c.pk)
                                    .where(documents.c.id.in_([d.id for d, _ in pairs]))).all())
            sketches = {d.id: sketch(d.text) for d, _ in pairs}
            conn.execute(insert(document_bands), [{"key": k, "document_pk": pks[i]} for i, sk in sketches.items()
                                                  for k in sk.bands])
            conn.execute(insert(document_shingles), [{"document_pk": pks[i], "hashes": sk.fingerprint}
                                                     for i, sk in sketches.items()])
    load = time.perf_counter() - t0
    new = [fake(stored + i) for i in range(batch)]
    t0 = time.perf_counter()
    store.save_batch([d for d, _ in new], [i for _, i in new])
    with_link = time.perf_counter() - t0
    more = [fake(stored + batch + i) for i in range(batch)]
    t0 = time.perf_counter()
    store.save_batch([d for d, _ in more], [i for _, i in more], link=False)
    without = time.perf_counter() - t0
    store.close()
    return {"stored": stored, "batch": batch, "load_s": load, "save_with_link_s": with_link,
            "save_without_link_s": without, "link_ms_per_incident": (with_link - without) / batch * 1000,
            "save_and_link_ms_per_incident": with_link / batch * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=400, help="cases in the incident-merge set")
    parser.add_argument("--originals", type=int, default=400, help="original documents in the group set")
    parser.add_argument("--stored", type=int, default=100_000, help="incidents stored before the timed batch (0: skip)")
    parser.add_argument("--batch", type=int, default=200, help="new reports in the timed batch")
    parser.add_argument("--db", help="database URL for the cost run (default: a temporary SQLite file)")
    args = parser.parse_args()

    q = incident_quality(args.cases)
    print(f"incident merges: {q['reports']} reports of {q['cases']} cases (en, ru, uz, ky; follow-ups, hard "
          f"negatives): pairwise precision {q['precision']:.3f}, recall {q['recall']:.3f} "
          f"({q['predicted_pairs']} predicted / {q['true_pairs']} true pairs; {q['found_cases']} cases found)")
    g = group_quality(args.originals)
    print(f"document groups: {g['documents']} documents in {g['groups']} groups (reposts with a line added, "
          f"words changed, a part dropped): pairwise precision {g['precision']:.3f}, recall {g['recall']:.3f}")
    if args.stored:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{Path(tmp) / 'link.db'}"
            c = link_cost(url, args.stored, args.batch)
        print(f"cost: {c['stored']:,} incidents stored (loaded in {c['load_s']:.0f} s); a batch of {c['batch']} new "
              f"reports saved with linking in {c['save_with_link_s']:.2f} s, without in {c['save_without_link_s']:.2f} s: "
              f"linking {c['link_ms_per_incident']:.1f} ms per new incident "
              f"(save and link {c['save_and_link_ms_per_incident']:.1f} ms)")


if __name__ == "__main__":
    main()
