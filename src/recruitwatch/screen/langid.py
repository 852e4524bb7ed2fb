"""Language identification for the six project languages (en, ru, uz, tg, ky, kk).

pycld2 is the only offline detector that knows Uzbek, Tajik, Kyrgyz and Kazakh. It needs
sanitised input (C0 control characters and lone surrogates make it raise), returns ``un`` on
very short text, and does not tell the two Uzbek scripts apart (both are ``uz``, which is what
we want). When cld2 is unsure about a Cyrillic text, the letters only one of the Cyrillic
languages uses decide between Tajik, Kyrgyz, Kazakh, Uzbek Cyrillic and Russian.
"""

from __future__ import annotations

import re

import pycld2

UNDETERMINED = "und"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_PARAGRAPH = re.compile(r"\n\s*\n")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")

# Letters that (among our languages) only one Cyrillic orthography uses.
_SCRIPT_LETTERS = {
    "tg": re.compile(r"[ҷӣӯҳқғ]", re.IGNORECASE),  # ҳ, қ, ғ are shared with Uzbek: see _uz_cyr below
    "kk": re.compile(r"[әіңұүөһ]", re.IGNORECASE),
    "ky": re.compile(r"[ңүө]", re.IGNORECASE),
    "uz": re.compile(r"[ўқғҳ]", re.IGNORECASE),
}
_TG_ONLY = re.compile(r"[ҷӣӯ]", re.IGNORECASE)
_KK_ONLY = re.compile(r"[әіұһ]", re.IGNORECASE)
_UZ_CYR_ONLY = re.compile(r"[ў]", re.IGNORECASE)
_KY_OR_KK = re.compile(r"[ңүө]", re.IGNORECASE)
# Uzbek Latin orthography: o‘/g‘ with modifier letters or apostrophes, and "sh"/"ch" heavy text.
_UZ_LATIN = re.compile(r"\b\w+(?:o['‘’ʻ`]|g['‘’ʻ`])\w*|\b(?:va|bilan|uchun|haqida|yil|qilgan|bo['‘’ʻ]l)\b", re.IGNORECASE)

_CLD_MAP = {"en": "en", "ru": "ru", "uz": "uz", "tg": "tg", "ky": "ky", "kk": "kk", "uk": "ru", "be": "ru"}


def sanitize(text: str) -> str:
    """Text pycld2 accepts: no control characters, no lone surrogates, valid UTF-8."""
    text = _CONTROL.sub(" ", text)
    return text.encode("utf-8", "replace").decode("utf-8", "replace")


def _by_script(text: str) -> str:
    """A guess from letters alone, for short or ambiguous Cyrillic/Latin text."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    if cyr == 0 and lat == 0:
        return UNDETERMINED
    if lat > cyr:
        return "uz" if len(_UZ_LATIN.findall(text)) >= 2 else "en"
    return _by_cyrillic_letters(text)


def _by_cyrillic_letters(text: str) -> str:
    """Which Cyrillic orthography a text uses, from the letters Russian never uses."""
    if _TG_ONLY.search(text):
        return "tg"
    if _KK_ONLY.search(text):
        return "kk"
    if _UZ_CYR_ONLY.search(text):
        return "uz"
    if _KY_OR_KK.search(text):
        return "ky"
    return "ru"


def _cld(text: str) -> tuple[str, int, bool]:
    try:
        reliable, _, details = pycld2.detect(text)
    except pycld2.error:
        return UNDETERMINED, 0, False
    code, percent = details[0][1], details[0][2]
    return _CLD_MAP.get(code, UNDETERMINED), percent, reliable


def detect_language(text: str) -> str:
    """One of en/ru/uz/tg/ky/kk, or ``und`` when nothing can be said."""
    clean = sanitize(text)
    if not clean.strip():
        return UNDETERMINED
    lang, percent, reliable = _cld(clean)
    if lang == UNDETERMINED or not reliable or percent < 50:
        script_guess = _by_script(clean)
        return script_guess if script_guess != UNDETERMINED else lang
    if lang == "ru":
        # cld2 often calls a short Central Asian Cyrillic text Russian; letters Russian never
        # uses settle it when they are frequent enough. (Only this verdict needs them counted:
        # counting on every text is costly on a stream of news.)
        guess = _by_cyrillic_letters(clean)
        if guess != "ru" and len(_SCRIPT_LETTERS[guess].findall(clean)) >= max(2, len(clean) // 200):
            return guess
    return lang


def language_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lang) per paragraph; neighbouring paragraphs in one language are merged."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for match in list(_PARAGRAPH.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lang = detect_language(chunk)
            start = pos + (len(chunk) - len(chunk.lstrip()))
            stop = pos + len(chunk.rstrip())
            if spans and spans[-1][2] == lang:
                spans[-1] = (spans[-1][0], stop, lang)
            else:
                spans.append((start, stop, lang))
        pos = match.end() if match else len(text)
    return spans
