"""Plain-language guidance: what the military pages mean, the person's rights, risks at home,
what to do now. Texts live in ``data/guidance/<lang>.json``; the source of every statement
(a section of the project's paper-check facts and its URLs) lives once in
``data/guidance/statements.json``, shared by all languages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from recruitwatch.errors import ConfigError
from recruitwatch.papercheck.results import MILITARY_TYPES, FileResult

LANGS = ("en", "ru", "uz", "tg", "ky", "kk")
LANG_NAMES = {"en": "English", "ru": "Русский", "uz": "Oʻzbekcha", "tg": "Тоҷикӣ", "ky": "Кыргызча", "kk": "Қазақша"}
COUNTRIES = ("uz", "tj", "kg", "kz", "tm")


def _read(name: str) -> dict[str, Any]:
    raw = resources.files("recruitwatch.papercheck").joinpath(f"data/guidance/{name}.json").read_text("utf-8")
    return json.loads(raw)


@cache  # package data, read-only: loading once per process is safe
def statements() -> dict[str, Any]:
    return _read("statements")


@cache
def texts(lang: str) -> dict[str, Any]:
    if lang not in LANGS:
        raise ConfigError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return _read(lang)


#: the reader-facing name of each source's publisher, by host (without ``www.``/``en.``/``amp.``);
#: proper names, so the same in every language. An unknown host is shown as the host itself.
SOURCE_NAMES = {
    "24.kg": "24.kg", "asb-media.info": "ASB Media", "asiaplustj.info": "Asia-Plus",
    "babel.ua": "Babel", "bearr.org": "BEARR Trust", "consultant.ru": "КонсультантПлюс",
    "determiner.ru": "Determiner.ru", "docs.cntd.ru": "Кодекс (docs.cntd.ru)", "dw.com": "Deutsche Welle",
    "ecoi.net": "ecoi.net", "eurasianet.org": "Eurasianet", "fergana.ru": "Fergana",
    "global-regulation.com": "Global Regulation", "holod.media": "Холод",
    "ihl-databases.icrc.org": "ICRC IHL Databases", "inkorr.com": "Inkorr", "instructions.peaceplea.org": "Peaceplea",
    "ittiloot.com": "Ittiloot", "kakprosto.ru": "KakProsto", "klerk.ru": "Клерк", "kommersant.ru": "Коммерсантъ",
    "kremlin.ru": "President of Russia (kremlin.ru)", "kvadroplus.com": "Квадро+", "law-pravo.narod.ru": "Law-pravo",
    "meduza.io": "Meduza", "minjust.gov.tm": "Ministry of Justice of Turkmenistan",
    "minjust.rtyva.ru": "Ministry of Justice of Tuva", "myseldon.com": "Seldon.News", "na.buhgalteria.ru": "Бухгалтерия.ру",
    "niyso-dag.ru": "НИЙСО", "nplaw.ru": "NP Law", "refugee.memo.ru": "Memorial: Migration and Law",
    "refugee.ru": "Civic Assistance Committee", "respectrb.ru": "Respect", "rferl.org": "RFE/RL",
    "ru24.pro": "RU24", "rulaws.ru": "RuLaws", "saptar.com": "Saptar", "svoboda.org": "Радио Свобода",
    "azattyk.org": "Azattyk (RFE/RL)", "tashkenttimes.uz": "Tashkent Times", "tass.com": "TASS", "tass.ru": "ТАСС",
    "themoscowtimes.com": "The Moscow Times", "ukrinform.net": "Ukrinform", "vnnow.net": "VNNOW", "zdg.md": "ZdG",
}


def source_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "en.", "amp.", "news."):
        if host.removeprefix(prefix) != host and host.count(".") > 1:
            host = host.removeprefix(prefix)
    return host


def source_label(url: str) -> str:
    """What a reader sees for a source URL: its publisher's name (or its host), never a file reference."""
    host = source_host(url)
    return SOURCE_NAMES.get(host, host)


def public_links(urls: list[str]) -> list[tuple[str, str]]:
    """``(label, url)`` for each public https source; anything else is not shown to a user."""
    return [(source_label(u), u) for u in urls if u.startswith("https://") and urlsplit(u).hostname]


@dataclass(slots=True)
class Statement:
    """One sentence shown to the user, with where it comes from."""

    id: str
    text: str
    ref: str  # for maintainers only (a section of the facts file outside the repository); never shown
    sources: list[str] = field(default_factory=list)
    care: str | None = None

    @property
    def links(self) -> list[tuple[str, str]]:
        return public_links(self.sources)


@dataclass(slots=True)
class MilitaryPage:
    file: str
    page: int
    type: str
    label: str
    meaning: str  # what signing (or receiving) this page means
    cues: list[str]
    ref: str = ""  # where ``meaning`` comes from, for maintainers only; never shown
    sources: list[str] = field(default_factory=list)

    @property
    def links(self) -> list[tuple[str, str]]:
        return public_links(self.sources)


@dataclass(slots=True)
class Report:
    lang: str
    ui: dict[str, str]
    verdicts: list[str]
    alarm: bool
    military_pages: list[MilitaryPage]
    rights: list[Statement]
    risks_intro: str
    risks: list[Statement]
    actions: list[Statement]
    organisations: list[Statement]
    #: one per verdict line: "alarm", "clear" or "note" (how to show it)
    verdict_kinds: list[str] = field(default_factory=list)


def type_label(lang: str, type_: str) -> str:
    return texts(lang)["types"][type_]["label"]


def _statement(group: str, key: str, text: str) -> Statement:
    meta = statements()[group][key]
    return Statement(key, text, meta["ref"], list(meta.get("sources", [])), meta.get("care"))


def build_report(results: list[FileResult], lang: str = "en", country: str | None = None) -> Report:
    """The plain-language result for a set of checked files, in ``lang``."""
    t = texts(lang)
    if country is not None and country not in COUNTRIES:
        raise ConfigError(f"unknown country {country!r}; choose one of {', '.join(COUNTRIES)}")
    pages = [p for r in results for p in r.pages]
    military = [p for p in pages if p.military]
    unreadable = [p for p in pages if not p.readable and not p.military]
    mentions = [p for p in pages if p.mentions_military and not p.military]
    failed = [r for r in results if r.error]
    verdicts, kinds = [], []
    if military:
        verdicts.append(t["verdict"]["military"].format(n=len(military)))
        kinds.append("alarm")
    elif pages:
        verdicts.append(t["verdict"]["clear"])
        kinds.append("clear")
    for key, items in (("unreadable", unreadable), ("failed", failed), ("mentions", mentions)):
        if items:
            verdicts.append(t["verdict"][key].format(n=len(items)))
            kinds.append("note")
    meaning_src = statements()["types"]
    military_pages = [
        MilitaryPage(p.file, p.page, p.type, t["types"][p.type]["label"], t["types"][p.type]["meaning"], p.cues[:4],
                     meaning_src[p.type]["ref"], list(meaning_src[p.type]["sources"]))
        for p in military
    ]
    rights: list[Statement] = []
    risks: list[Statement] = []
    organisations: list[Statement] = []
    if military:
        seen: list[str] = []
        for type_ in MILITARY_TYPES:
            if any(p.type == type_ for p in military):
                seen += [k for k in statements()["type_rights"][type_] if k not in seen]
        rights = [_statement("rights", k, t["rights"][k]) for k in seen]
        chosen = [country] if country else list(COUNTRIES)
        for code in chosen:
            risk = t["risks"][code]
            risks.append(_statement("risks", code, f"{risk['name']}: {risk['text']}"))
        risks.append(_statement("risks", "dual", t["risks"]["dual"]))
        organisations = [
            Statement(f"org{i}", o["name"], o["ref"], list(o["sources"]))
            for i, o in enumerate(statements()["organisations"])
        ]
        action_keys = ["dont_sign", "translation", "keep_copy", "get_help", "embassy", "complain"]
    else:
        action_keys = ["dont_sign", "keep_copy"]
    actions = [_statement("actions", k, t["actions"][k]) for k in action_keys]
    return Report(lang, t["ui"], verdicts, bool(military), military_pages, rights, t["risks"]["intro"], risks,
                  actions, organisations, kinds)
