"""Place and country codes as people say them: names beside codes, and names back to codes.

Incidents store ISO 3166-2 region codes (``RU-MOW``) and ISO 3166-1 alpha-2 country codes (``TJ``).
:func:`place_name` gives a readable name for a code in English or Russian; :func:`resolve_place`
and :func:`resolve_country` turn what a user typed ("Moscow", "Москва", "ru-mow", "Tajikistan")
into codes, or say which codes come close, so a filter never silently finds nothing.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

_DATA = "recruitwatch.extract.data"
_CODE = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


@dataclass(slots=True)
class Resolved:
    """What a typed place or country became: ``codes`` (empty when nothing matched) and, when
    nothing matched, ``suggestions``: (code, name) pairs of the closest known names."""

    query: str
    codes: list[str] = field(default_factory=list)
    suggestions: list[tuple[str, str]] = field(default_factory=list)


def _rows(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _region_names() -> dict[str, dict[str, str]]:
    """code -> {"en": name, "ru": name} for the regions of Russia and Ukraine (and other admin-1 rows we ship)."""
    names: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(_rows("admin1_iso3166_2.csv")):
        names.setdefault(row["iso3166_2"], {})["en"] = row["name"]
    russian: dict[str, str] = {}
    for row in csv.DictReader(_rows("gazetteer.tsv"), delimiter="\t"):
        if row["kind"] != "region" or "-" not in row["code"]:
            continue
        name = row["name"]
        if _CYRILLIC.search(name) and not _UKRAINIAN.search(name):
            best = russian.get(row["code"])
            if best is None or len(name) < len(best):
                russian[row["code"]] = name
        names.setdefault(row["code"], {}).setdefault("en", name)
    for code, name in russian.items():
        names[code]["ru"] = name
    return names


@cache
def _country_names(lang: str) -> dict[str, str]:
    try:
        from babel import Locale

        return {code: name for code, name in Locale(lang if lang in ("en", "ru") else "en").territories.items()
                if len(code) == 2 and code.isalpha()}
    except ImportError:  # babel comes with the web extra; without it, codes stand for themselves
        return {}


def place_name(code: str, lang: str = "en") -> str:
    """A readable name for a region or country code; the code itself when it is unknown."""
    code = (code or "").upper()
    if "-" in code:
        entry = _region_names().get(code)
        if entry:
            return entry.get(lang) or entry.get("en") or code
        return code
    return _country_names(lang).get(code) or _country_names("en").get(code) or code


def known_places() -> dict[str, str]:
    """Every code we can name (regions and countries) with its English name."""
    out = dict(_country_names("en"))
    out.update({code: names.get("en", code) for code, names in _region_names().items()})
    return out


def _lookup(name: str) -> list[str]:
    from recruitwatch.extract.gazetteer import TOKEN, gazetteer, token_forms

    g = gazetteer()
    keys = g.name_keys(name)
    tokens = TOKEN.findall(name)
    if len(tokens) == 1:  # inflected forms: Moskvada, Бишкекте, Toshkentga, Москве
        for lang in ("ru", "uz", "kk", "ky", "tg", "en"):
            info = token_forms(tokens[0], lang)
            keys += [(f,) for f in (*info.primary, *info.variants)]
    for key in dict.fromkeys(keys):
        entry = g.get(key)
        if entry is not None and entry.code != "-" and entry.kind == "place":
            return [entry.code]
    return []


def _suggest(query: str, choices: list[tuple[str, str]], n: int = 5) -> list[tuple[str, str]]:
    """The (code, name) pairs whose name contains ``query`` or is close to it, in order of closeness."""
    by_name: dict[str, tuple[str, str]] = {}
    for code, name in choices:
        by_name.setdefault(name.casefold(), (code, name))
    folded = query.casefold()
    close = [name for name in by_name if folded in name]
    close += difflib.get_close_matches(folded, list(by_name), n=n, cutoff=0.6)
    found: dict[str, tuple[str, str]] = {}
    for name in close:
        code, shown = by_name[name]
        found.setdefault(code, (code, shown))
    return list(found.values())[:n]


def resolve_place(text: str) -> Resolved:
    """Codes for a place typed as a code (``RU-MOW``, ``RU``) or a name in any language we know."""
    query = (text or "").strip()
    out = Resolved(query)
    if not query:
        return out
    if _CODE.match(query):
        code = query.upper()
        if code in known_places() or code.split("-")[0] in _country_names("en"):
            out.codes = [code]
            return out
    out.codes = _lookup(query)
    if not out.codes:
        pairs = list(known_places().items()) + list(_country_names("ru").items())
        pairs += [(c, n) for c, names in _region_names().items() for n in names.values()]
        out.suggestions = _suggest(query, pairs)
    return out


def resolve_country(text: str) -> Resolved:
    """A country code for a nationality typed as a code (``TJ``) or a country name (Tajikistan, Таджикистан)."""
    query = (text or "").strip()
    out = Resolved(query)
    if not query:
        return out
    countries = _country_names("en")
    if len(query) == 2 and query.upper() in countries:
        out.codes = [query.upper()]
        return out
    codes = [c.split("-")[0] for c in _lookup(query)]
    for lang in ("en", "ru"):
        for code, name in _country_names(lang).items():
            if name.casefold() == query.casefold():
                codes.append(code)
    out.codes = list(dict.fromkeys(codes))[:1]
    if not out.codes:
        out.suggestions = _suggest(query, list(countries.items()) + list(_country_names("ru").items()))
    return out


def resolve_nationality(text: str) -> Resolved:
    """A country code for the victims' origin typed as a code (``TJ``), a country name in any of the six
    languages (Tajikistan, Таджикистан, Tojikiston) or a demonym (tajik, таджики, o'zbek, кыргыз):
    :func:`resolve_country` plus the extractor's demonym table."""
    query = (text or "").strip()
    if not query:
        return Resolved(query)
    from recruitwatch.extract.gazetteer import TOKEN
    from recruitwatch.extract.nationalities import _demonym

    tokens = TOKEN.findall(query)
    if len(tokens) == 1 and not (len(query) == 2 and query.isalpha()):
        hit = _demonym(tokens[0], None)
        if hit:
            return Resolved(query, [hit[0]])
    return resolve_country(query)
