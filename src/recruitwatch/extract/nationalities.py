"""Nationality mentions: the victims' country of origin as ISO 3166-1 alpha-2.

``find_nationalities(text, lang)`` finds, in ru, en, uz (Latin and Cyrillic), tg, ky and kk:

* demonyms and ethnonyms from ``data/demonyms.csv`` in any case and number
  (таджик, таджичке, узбекистанцев, Tajiks, o'zbeklar, тоҷикон, қазақ);
* "-lik" derivations of any country or city name in the gazetteer
  (o'zbekistonlik, ўзбекистонлик, кыргызстандыктар, қазақстандық, тоҷикистонӣ, samarqandlik);
* citizenship and origin phrases around a place name: гражданин/уроженец/выходец (из) X,
  citizen/national/native of X, born in X, "from X"/"из X" (country or Central Asian city),
  X fuqarosi (uz), X азаматы (kk), X жараны (ky), шаҳрванди X (tg).

Never returned: ``RU`` (a Russian citizen by birth is not the monitored population; a
naturalised citizen's origin is the other country) and regions without one country
("выходцы из Средней Азии", "Central Asian migrants"). ``UA`` comes only from nouns and
phrases about people (украинцы, граждане Украины, Ukrainian nationals), never from
"Ukrainian forces". An adjective followed by a word for an institution, army or object
("Tajik authorities" is kept, "Chinese drones" is not) is skipped.

How to choose among the mentions (the assembler's job): nationalities of the incident's
victims are the ones in its own sentences; a country named only as a place the victim
travelled through (Dubai, Belarus) comes from :func:`find_places`, not from here.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from recruitwatch.records import Mention

from .gazetteer import Token, TokenInfo, _rows, _strip, fold, gazetteer, token_forms, tokens

_ORIGIN_SUFFIXES = tuple(sorted(
    "lik лик лык лік лық дык дық дік тык тық тік лук лүк дук дүк тук түк ӣ ги".split(), key=len, reverse=True))
_PLURAL_CASE = tuple(sorted(
    """s es lar larni larning larga larda lardan ni ning ga da dan
    лар лер тар тер дар дер лор лөр тор төр дор дөр ларга ларды лардын ларды ларни ларнинг
    тарга тардын тарды дарга дардын дарды ды ны ти ни дын нын тын га ка ке ге ға қа
    он ҳо ро и""".split(), key=len, reverse=True))

# Words before a place name that make it the person's origin.
_TRIGGERS_BEFORE = frozenset(
    """гражданин гражданка граждане гражданство уроженец уроженка выходец подданный
    citizen citizens national nationals native natives passport passports
    родиться вернуться депортировать выдворить депортированный выдворенный посольство консульство
    born returned return deported sent embassy consulate
    шаҳрванд шаҳрванди шаҳрвандони шаҳрвандон муҳоҷир муҳоҷири муҳоҷирони""".split()
)
# Words after a place name that make it the person's origin (Turkic languages).
_TRIGGER_PREFIX_AFTER = ("fuqaro", "фуқаро", "азамат", "жаран", "citizen", "national", "migrant", "мигрант",
                         "muhojir", "муҳожир", "мигрант", "kelgan", "келген", "келгән", "келган",
                         "embass", "consul", "elchixona", "элчихона", "элчилиг", "елшіліг", "консулдуг", "сафорат",
                         "qaytgan", "қайтган", "оралған", "оралды", "кайткан", "кайтты", "депорт", "deport")
_FROM = frozenset({"из", "from", "аз"})
_BORN = frozenset({"born"})
_SKIP = frozenset({"республика", "республики", "republic", "of", "the", "to", "in", "в", "во", "на", "родину",
                   "home", "back", "кыргызской", "киргизской"})
_LIST = frozenset({"and", "or", "и", "или", "va", "ва", "жана", "және", "ham", "ҳам", "also"})
_CENTRAL_ASIA = ("TJ", "UZ", "KG", "KZ", "TM")

_NON_PERSON = frozenset(
    """army armed forces force military front frontline drone drones government side troops soldiers soldier
    territory territories border language media war president ministry positions artillery defence defense
    intelligence attack attacks offensive strikes strike city cities region land shelling counteroffensive
    officials official authorities navy air drone-makers airspace missile missiles products goods cuisine
    армия вооружённый вооруженный всу фронт войско военный сторона территория граница язык власть правительство
    беспилотник дрон город позиция наступление удар сми президент министерство контрнаступление обстрел ракета
    товар продукция кухня""".split()
)
_PERSON = frozenset(
    """citizen citizens national nationals man men woman women migrant migrants worker workers people prisoner
    prisoners student students family families mother father wife son brother native natives recruit recruits
    mercenary mercenaries volunteer volunteers labourer labourers laborer laborers refugee refugees
    гражданин гражданка мигрант мужчина женщина рабочий студент заключенный семья мать отец жена сын брат
    наемник доброволец беженец уроженец""".split()
)


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in csv.DictReader(_rows("demonyms.csv")):
        for form in row["forms"].split("|"):
            out[fold(form.strip())] = row["code"]
    return out


def _base_forms(word: str, lang: str | None) -> list[str]:
    info = token_forms(word, lang)
    f = fold(word)
    forms = list(info.primary)
    stems = _strip(f, _PLURAL_CASE, 3)
    for s in list(stems):
        stems.extend(_strip(s, _PLURAL_CASE, 3))
    forms.extend(stems)
    return forms


@lru_cache(maxsize=100_000)
def _demonym(word: str, lang: str | None) -> tuple[str, bool] | None:
    """(code, adjectival?) when the word is a demonym or a -lik derivation."""
    table = _demonyms()
    for form in _base_forms(word, lang):
        code = table.get(form)
        if code:
            adjectival = form.endswith(("ский", "цкий")) or (form.isascii() and form == fold(word))
            return code, adjectival
    for form in _base_forms(word, lang):
        for stem in _strip(form, _ORIGIN_SUFFIXES, 3):
            code = _country_of_name(stem, lang)
            if code:
                return code, False
    return None


def _country_of_name(form: str, lang: str | None) -> str | None:
    g = gazetteer()
    entry = g.get((form,))
    if entry is None or entry.source == "block" or entry.kind != "place":
        return None
    return entry.country


def _place_country(info: TokenInfo, word: str, city_ok: bool) -> str | None:
    if not word[:1].isupper():
        return None
    g = gazetteer()
    for form in info.primary + info.variants:
        entry = g.get((form,))
        if entry is None or entry.source == "block" or entry.kind != "place":
            continue
        if entry.source == "city" and not city_ok and entry.country not in _CENTRAL_ASIA:
            return None
        return entry.country
    return None


def find_nationalities(text: str, lang: str | None = None, toks: list[Token] | None = None) -> list[Mention]:
    """Every mention of a victim's country of origin in ``text`` (see the module docstring).
    ``toks``: the :func:`~.gazetteer.tokens` of text, when already read."""
    if toks is None:
        toks = tokens(text)
    out: list[Mention] = []
    n = len(toks)
    listing_until = -1  # a trigger carries over a list: "citizens of Armenia, Belarus and Tajikistan"
    for i, (s, e, word) in enumerate(toks):
        folded = fold(word)
        hit = _demonym(word, lang)
        if hit is not None:
            code, adjectival = hit
            nxt = fold(toks[i + 1][2]) if i + 1 < n else ""
            nxt_lemma = token_forms(toks[i + 1][2], lang).primary[-1] if i + 1 < n else ""
            if code == "UA" and adjectival and not ({nxt, nxt_lemma} & _PERSON):
                continue
            if adjectival and ({nxt, nxt_lemma} & _NON_PERSON):
                continue
            if code != "RU":
                out.append(Mention(s, e, word, code, "nationality"))
            continue
        if not word[:1].isupper():
            continue
        info = token_forms(word, lang)
        j = i - 1
        while j >= 0 and fold(toks[j][2]) in _SKIP:
            j -= 1
        prev = fold(toks[j][2]) if j >= 0 else ""
        prev_lemmas = set(token_forms(toks[j][2], lang).primary) if j >= 0 else set()
        code = None
        if i == listing_until:
            code = _place_country(info, word, True)
        elif prev in _TRIGGERS_BEFORE or prev_lemmas & _TRIGGERS_BEFORE:
            code = _place_country(info, word, True)
        elif prev in _FROM and j >= 1 and (fold(toks[j - 1][2]) in _TRIGGERS_BEFORE
                                            or set(token_forms(toks[j - 1][2], lang).primary) & _TRIGGERS_BEFORE):
            code = _place_country(info, word, True)  # уроженец из, выходцы из
        elif prev in _FROM:
            code = _place_country(info, word, False)
            if code == "UA":
                code = None
        elif prev == "in" and j >= 1 and fold(toks[j - 1][2]) in _BORN:
            code = _place_country(info, word, True)
        elif i + 1 < n and fold(toks[i + 1][2]).startswith(_TRIGGER_PREFIX_AFTER) and not folded.startswith("росси"):
            code = _place_country(info, word, True)
        if code and code != "RU":
            out.append(Mention(s, e, word, code, "nationality"))
            k = i + 1
            while k < n and (fold(toks[k][2]) in _LIST) and toks[k][0] - toks[k - 1][1] <= 3:
                k += 1
            if k < n and toks[k][0] - e <= 6 and text[e : toks[k][0]].strip(" ,") in ("",) or \
                    (k < n and k > i + 1 and toks[k][0] - toks[k - 1][1] <= 3):
                listing_until = k
    return out


#: The kind of a nationality candidate read from a place name alone ("a student from Enugu",
#: "Куба — Тула.", "Кўлобдан қўнғироқ қилган"): no trigger word made it an origin, so only the
#: learned mention classifier can make it one (from the words around it).
PLACE_ORIGIN = "place_origin"


# A place reached, crossed or stayed in is not where someone comes from: "to Dubai", "via
# Sharjah", "reach Finland", "в Дубай", "через Минск", "Дубайга" (dative), "Дубайда" (locative).
_MOTION_BEFORE = re.compile(r"(?:\b(?:to|into|towards|via|through|reach\w*|cross\w*|in|at)\s+(?:the\s+)?|"
                            r"(?<!\w)(?:в|во|на|через|до|orqali|аркылуу|арқылы|тавассути)\s+)$", re.IGNORECASE)
_DATIVE_LOCATIVE = re.compile(r"(?:га|ка|ға|қа|ге|ке|гә|кә|да|та|де|те|дә|тә)$")
_DATIVE_LATIN = re.compile(r"(?:ga|qa)$")  # Uzbek; a Latin "-da" is too often a name's end (Uganda)


def _reached(m: Mention, text: str) -> bool:
    if _MOTION_BEFORE.search(text, max(0, m.start - 20), m.start):
        return True
    word = m.text.lower()
    return len(word) > 5 and bool((_DATIVE_LATIN if word.isascii() else _DATIVE_LOCATIVE).search(word))


def origin_candidates(places: list[Mention], nationalities: list[Mention], text: str) -> list[Mention]:
    """The places abroad that no nationality mention covers, as candidate origins: the open
    vocabulary of the victims' countries is every country and city of the gazetteer, and whether
    a named place is where someone comes from is the classifier's decision. Not candidates:
    Russia; Ukraine, which names the war far more often than anyone's origin (Ukrainians come from
    the finder's phrases about people); and a place the text goes to, through or stays in."""
    taken = [(m.start, m.end) for m in nationalities]
    out: list[Mention] = []
    for m in places:
        country = m.value.split("-")[0]
        if m.kind != "place" or country in ("RU", "UA") or any(m.start < e and s < m.end for s, e in taken):
            continue
        if _reached(m, text):
            continue
        out.append(Mention(m.start, m.end, m.text, country, PLACE_ORIGIN))
    return out
