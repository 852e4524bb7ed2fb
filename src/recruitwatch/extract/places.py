"""Place mentions: city, district, region and country names -> ISO codes.

``find_places(text, lang)`` returns every toponym the gazetteer (:mod:`.gazetteer`) knows,
in any case form and script, as :class:`Mention` objects with ``kind="place"`` and
``value`` = ISO 3166-2 for Russian and Ukrainian subdivisions (``RU-SPE``, ``UA-14``),
ISO 3166-1 alpha-2 for every other country (``KG`` for Osh, ``AE`` for Dubai) and ``RU`` for
Russia alone. Adjectives that name Russia ("российский", "Russian") come back with
``kind="place_adj"`` and value ``RU``.

How to choose among the mentions (the assembler's job; this module does not guess):

* the place of an incident is where the recruitment act happened (taxonomy rule 1): prefer
  mentions in the incident's own sentences, next to the act (military registration office,
  raid, detention centre, job offer), over places of service, death or training;
* drop a country code when a more specific code of the same country is kept (``RU`` beside
  ``RU-MOW``): scoring counts the specific code as matching a gold country, not the reverse;
* ``place_adj`` mentions are weak evidence: use them only when no toponym is found;
* ``UA`` comes from "Donbas"/Ukraine as a whole; occupied regions come with their own codes.

False-positive guards: a match must start with a capital letter (or be an acronym); a
single Russian word with no place reading in pymorphy3 (мир, шахта) or a likely surname
(Королёв, Сахаров) needs a locative preposition in front (в, из, под, ...); names in the
curated block list never match; "Moscow says" / "Москва заявила" (the government) and
"Moscow-backed" are skipped.
"""

from __future__ import annotations

import re
from itertools import product

from recruitwatch.records import Mention

from .gazetteer import REGION, Entry, Token, TokenInfo, fold, gazetteer, token_forms, tokens

# Locative and directional prepositions before a place name, per language.
_PREPOSITIONS = frozenset(
    "в во из под около возле близ до у через по к ко на in at from near to into outside dar az ба аз то".split()
)
# The government, not the place: "Moscow says", "Москва заявила".
_METONYMY_AFTER = re.compile(
    r"\s*(?:'s\s+(?:war|invasion|army|forces|military|troops|aggression|offensive)\b|"
    r"(?:says|said|has|have|had|claims|claimed|denies|denied|wants|insists|accused|accuses|"
    r"warned|warns|responded|announced|is\s+trying|will|would|blamed|demands|demanded)\b|"
    r"(?:заявил|заявля|отрица|обвин|счита|хочет|требу|предупред|угрожа|ответил|настаива)\w*)",
    re.IGNORECASE,
)
_METONYMS = frozenset({"moscow", "москва", "kremlin", "кремль", "kyiv", "киев"})
# Federal cities whose name + "region" means the surrounding region.
CITY_TO_REGION = {"RU-MOW": "RU-MOS", "RU-SPE": "RU-LEN", "UA-30": "UA-32", "UA-40": "UA-43"}
_JOINER = re.compile(r"\.?[ \t\u00a0]*|[ \t\u00a0]*-[ \t\u00a0]*")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _joined(text: str, a_end: int, b_start: int) -> bool:
    """Two tokens belong to one name only when nothing but a space (or "St." dot) separates them."""
    return _JOINER.fullmatch(text, a_end, b_start) is not None and b_start - a_end <= 3


def _candidates(infos: list[TokenInfo]) -> list[tuple[str, ...]]:
    heads = [i.primary for i in infos[:-1]]
    last = infos[-1]
    keys = [tuple(k) for k in product(*heads, last.primary)]
    if last.variants:
        keys.extend(tuple(k) for k in product(*heads, last.variants))
    return keys


def _accept(entry: Entry, info: TokenInfo, prev: str | None, n_tokens: int, surface: str) -> bool:
    if entry.source == "block":
        return False
    if entry.kind == "place_adj":
        return True
    if not (_capitalised(surface) or surface.isupper()):
        return False
    if n_tokens > 1:
        return True
    after_preposition = prev is not None and prev in _PREPOSITIONS
    if info.person >= 0.25 and not after_preposition:
        return False  # "Алишер Королёв", "Сахаров" the surname
    if info.common and entry.source != "alias" and not after_preposition:
        return False  # a common word that is also a small town ("Мир", "Те")
    if len(surface) < 3 and entry.source != "alias":
        return False
    return True


def find_places(text: str, lang: str | None = None, toks: list[Token] | None = None) -> list[Mention]:
    """Every place name in ``text``, resolved to an ISO code (see the module docstring).
    ``toks``: the :func:`~.gazetteer.tokens` of text, when already read."""
    g = gazetteer()
    if toks is None:
        toks = tokens(text)
    out: list[Mention] = []
    i, n = 0, len(toks)
    while i < n:
        start, end, word = toks[i]
        # (Only "р" among lowercase letters folds to the initial of the lowercase adjectives.)
        if not (word[:1].isupper() or word[:1] == _LOWER_OK_INITIAL and fold(word) in _LOWER_OK):
            i += 1
            continue
        matched = False
        # Keys of two or more tokens start with a primary form of their first token; beyond the
        # longest such key only "<name> region" (two tokens) can still match.
        longest = max([g.longest_from.get(f, 1) for f in token_forms(word, lang).primary])
        if longest < 2 and i + 1 < n and token_forms(toks[i + 1][2], lang).primary == (REGION,):
            longest = 2
        for length in range(min(longest, n - i), 0, -1):
            span = toks[i : i + length]
            if any(not _joined(text, span[k][1], span[k + 1][0]) for k in range(length - 1)):
                continue
            infos = [token_forms(t[2], lang) for t in span]
            if length > 1 and infos[-1].primary == (REGION,) and len(infos) == 2:
                entry = _region_of(infos[0])
            else:
                entry = None
            for key in _candidates(infos):
                hit = g.get(key)
                if hit is not None:
                    entry = hit
                    break
            if entry is None:
                continue
            prev = fold(toks[i - 1][2]) if i and _joined_loose(text, toks[i - 1][1], start) else None
            if prev is not None and length == 1 and entry.source == "city" and _capitalised(toks[i - 1][2]) \
                    and token_forms(toks[i - 1][2], lang).person >= 0.5:
                break  # "Алишер Королёв": a first name before a town-like surname
            if not _accept(entry, infos[0], prev, length, word):
                if entry.source == "block":
                    break
                continue
            s, e = start, span[-1][1]
            if length == 1 and entry.source == "city" and i + 1 < n and _joined_loose(text, e, toks[i + 1][0]) \
                    and _capitalised(toks[i + 1][2]) and not _is_place_word(toks[i + 1][2], lang):
                break  # "Vladimir Putin", "Valentina Chupik": a first name, not a town
            if fold(word) in _METONYMS and _METONYMY_AFTER.match(text, e):
                matched = True
                i += length
                break
            if text[e : e + 1] == "-" and length == 1 and entry.source != "alias":
                break  # "Moscow-backed", "Kremlin-linked"
            if length == 1 and _NAMED_AFTER.match(text, e):
                break  # "в Свердловском районе Перми", "Sofia street": a district or street named after it
            out.append(Mention(s, e, text[s:e], entry.code, entry.kind))
            i += length
            matched = True
            break
        if not matched:
            i += 1
    return out


def _region_of(head: TokenInfo) -> Entry | None:
    """"Moscow region", "Volgograd viloyati": the region a city + region word names."""
    g = gazetteer()
    for form in head.primary + head.variants:
        hit = g.get((form,))
        if hit is not None and hit.source != "block" and hit.kind == "place":
            code = CITY_TO_REGION.get(hit.code, hit.code)
            return Entry(code, "region", 0)
    return None


def _is_place_word(word: str, lang: str | None) -> bool:
    info = token_forms(word, lang)
    if info.primary == (REGION,):
        return True
    g = gazetteer()
    return any(g.get((f,)) is not None for f in info.primary + info.variants)


def _joined_loose(text: str, a_end: int, b_start: int) -> bool:
    return b_start - a_end <= 2 and not text[a_end:b_start].strip()


# A district, street or square named after a place is not that place.
_NAMED_AFTER = re.compile(r"\s+(?:район\w*|микрорайон\w*|улиц\w*|проспект\w*|переул\w*|площад\w*|district|street|avenue|"
                          r"square|tuman\w*|ko['‘’ʻ]chasi)\b", re.IGNORECASE)
_LOWER_OK = frozenset({"российский", "российская", "российское", "российские", "российского", "российской",
                       "российскому", "российским", "российских", "российском", "российскую", "российскими"})
_LOWER_OK_INITIAL = "р"
assert all(w[0] == _LOWER_OK_INITIAL for w in _LOWER_OK)
