"""Date mentions: explicit, vague and relative dates -> ISO 8601 with a precision.

``find_dates(text, lang, published)`` finds, with regular expressions per language
(ru, en, uz Latin and Cyrillic, tg, ky, kk):

* full dates: ``29.09.2022``, ``2022-09-29``, ``29 сентября 2022 года``, ``September 29, 2022``,
  ``2022-yil 22-sentyabr``, ``2026 жылғы 19 қаңтарда``, ``27 сентябри соли 2022``;
* month and year: ``в сентябре 2022 года``, ``in March 2023``, ``2024 yil iyun oyida``;
* a year: ``в 2023 году``, ``in 2023``, ``2023-yilda``, ``2023-жылы``, ``соли 2023``;
* seasons: ``весной 2021 года``, ``last spring``, ``this autumn``, ``o'tgan kuzda``;
* dates the publication date resolves: a day and month without a year (``29 сентября``), a
  month alone (``в конце сентября``, ``iyun oyida``), ``yesterday``/``вчера``/``kecha``,
  ``on Thursday``/``в четверг``, ``last month``/``в прошлом месяце``, ``last year``/``былтыр``,
  ``this year``/``биыл``, ``three months ago``/``два месяца назад``, ``recently``/``недавно``;
* a month of the year before the publication's (``in March last year``, ``в мае прошлого года``,
  ``феврали соли гузашта``, ``o'tgan yilning sentyabrida``) and of the year the text dated last
  (``in August of that year``, ``декабри ҳамон сол``, ``o'sha yilning sentyabrida``);
* May and Kazakh October after a preposition or before a word for month (``in May``,
  ``в начале мая``, ``май ойида``, ``қазан айында``) and English ordinal days
  (``on the fourteenth of September``).

Every mention is a :class:`DateMention`: ``value`` is ``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` as
``precision`` (day / month / year) says; ``kind`` is ``date`` when the text itself fixes the year
and ``date_relative`` when the year (or the day) comes from ``published``. Without ``published``
relative expressions are not returned. Years before 1990 are rejected and so are birth years
("1997 года рождения", "born in 1997", "1997 yilda tug'ilgan").

Why not dateparser: its ``search_dates`` invents years and is slow; parsing the spans found
here needs only the month lexicon already used to find them, so the parse is exact and costs
microseconds (dateparser also lacks Tajik and the common Uzbek "sentyabr" spelling).

How to choose among the mentions (the assembler's job): the incident date is when the act
happened (taxonomy rule 10), so prefer a mention in the sentences that describe the act, the
most precise one that is not later than ``published``; a ``date_relative`` mention of year
precision ("recently", "this year") is a fallback when nothing else dates the act. Never use
the publication date itself as a mention. Use the least precise form the text supports.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta
from functools import cache

from recruitwatch.records import DateMention
from recruitwatch.text.factor import factor_groups
from recruitwatch.text.regate import Gate

_MIN_YEAR = 1990
_MAX_YEAR = 2039

# ---- lexicons ---------------------------------------------------------------------------
_MONTHS_CYR = [
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("июн", 6), ("июл", 7), ("август", 8),
    ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6), ("шілде", 7),
    ("тамыз", 8), ("қыркүйе", 9), ("қараша", 11), ("желтоқсан", 12),
]
_MONTHS_LAT = [
    ("yanvar", 1), ("fevral", 2), ("mart", 3), ("aprel", 4), ("iyun", 6), ("iyul", 7), ("avgust", 8),
    ("sentyabr", 9), ("sentabr", 9), ("oktyabr", 10), ("oktabr", 10), ("noyabr", 11), ("dekabr", 12),
    ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("june", 6), ("july", 7), ("august", 8),
    ("september", 9), ("october", 10), ("november", 11), ("december", 12),
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sept", 9), ("sep", 9),
    ("oct", 10), ("nov", 11), ("dec", 12),
]
_CYR_LETTERS = "а-яёәғқңөұүһіӣӯҳҷў"
# A month word. May (май/may) and Kazakh October (қазан, also the city Kazan) are only months
# next to a day number or a year, see _MONTH_STRICT.
_MONTH_WORD = (
    r"(?:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр|қаңтар|ақпан|наурыз|сәуір|"
    r"мамыр|маусым|шілде|тамыз|қыркүйе[кг]|қараша|желтоқсан)"
    r"(?![" + _CYR_LETTERS + r"]*ск)"  # not an adjective: "Октябрьский район" is a district
    r"[" + _CYR_LETTERS + r"]*"
    r"|(?:yanvar|fevral|mart|aprel|iyun|iyul|avgust|sent(?:y)?abr|okt(?:y)?abr|noyabr|dekabr)[a-z'‘’ʻ]*"
    r"|(?-i:January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
    # informal writing ("in december"): lowercase names that are never other words
    r"|(?-i:january|february|april|june|july|september|october|november|december)\b)"
)
_MONTH_STRICT = r"(?:ма[йяею]|маем|майда|майында|may(?:da|dan|ning|ga)?|(?-i:May)|қазан[" + _CYR_LETTERS + r"]*)"
_MONTH_ANY = rf"(?:{_MONTH_WORD}|{_MONTH_STRICT})"
_YEAR = r"(?:19[89]\d|20[0-3]\d)"
_YEARWORD = (r"(?:года|году|год|гг?\.|г(?![" + _CYR_LETTERS + r"])|yil[a-z'‘’ʻ]*|йил[" + _CYR_LETTERS + r"]*|"
             r"жыл[" + _CYR_LETTERS + r"]*|жил[" + _CYR_LETTERS + r"]*|сол[" + _CYR_LETTERS + r"]*|year)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_DAYSUFFIX = r"(?:-?(?:го|е|ое|th|st|nd|rd|chi|нчи|чи|ші|шы|сы|i)\b)?"
_SEP = r"\s*[-–]?\s*"

_SEASONS = {
    "spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12,
    "весн": 3, "летом": 6, "лето": 6, "лета": 6, "осен": 9, "зим": 12,
    "bahor": 3, "yoz": 6, "kuz": 9, "qish": 12, "баҳор": 3, "ёз": 6, "куз": 9, "қиш": 12,
    "көктем": 3, "жаз": 6, "күз": 9, "қыс": 12, "кыш": 12,
    "тобистон": 6, "тирамоҳ": 9, "зимистон": 12,
}
_SEASON_WORD = (r"(?:(?-i:spring|summer|autumn|fall|winter)|весн[" + _CYR_LETTERS + r"]*|летом|лета|лето|осен[" + _CYR_LETTERS
                + r"]*|зим(?:ой|ы|у|е|а)|bahor\w*|yoz(?:da|i|ida)?|kuz(?:da|i|ida)?|qish(?:da|i|ida)?|баҳор\w*|"
                r"тирамоҳ\w*|зимистон\w*|тобистон\w*|көктем\w*|күзд\w*|күзүндө|күзгі|қыст\w*|кышт\w*)")

_LAST = r"(?:last|past|прошл\w+|минувш\w+|o['‘’ʻ]?tgan|ўтган|өткен|өткөн|гузашта)"
_THIS = r"(?:this|этой|этим|этого|этом|этот|нынешн\w+|текущ\w+|bu|shu|бу|шу|биыл|быйыл|ушул|бул|имсол|ҷорӣ)"

_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4,
    "субботу": 5, "суббота": 5, "воскресенье": 6,
    "dushanba": 0, "seshanba": 1, "chorshanba": 2, "payshanba": 3, "juma": 4, "shanba": 5, "yakshanba": 6,
    "душанба": 0, "сешанба": 1, "чоршанба": 2, "пайшанба": 3, "жума": 4, "шанба": 5, "якшанба": 6,
    "дүйсенбі": 0, "сейсенбі": 1, "сәрсенбі": 2, "бейсенбі": 3, "жұма": 4, "сенбі": 5, "жексенбі": 6,
    "дүйшөмбү": 0, "шейшемби": 1, "шаршемби": 2, "бейшемби": 3, "ишемби": 5, "жекшемби": 6,
    "душанбе": 0, "сешанбе": 1, "чоршанбе": 2, "панҷшанбе": 3, "ҷумъа": 4, "шанбе": 5, "якшанбе": 6,
}

_F = re.IGNORECASE | re.UNICODE
_B = r"(?<![\w\d])"  # word start
_E = r"(?![\w\d])"  # word end

# English ordinal day words: "on the fourteenth of September".
_ORDINALS = {w: k + 1 for k, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_ORDINALS.update({f"twenty-{w}": 20 + k for w, k in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31})
_ORDINAL_WORD = r"(?:" + "|".join(sorted((w.replace("-", r"[-\s]") for w in _ORDINALS), key=len, reverse=True)) + r")"
# Words that make May (and Kazakh October, also the city Kazan) a month without a day or a year:
# a preposition or a part of the month before it, a word for "month" after it.
_MONTH_MOD = (r"(?:в|во|к|до|с|по|in|by|since|until|till|from|early|late|mid|end\s+of|start\s+of|beginning\s+of|"
              r"middle\s+of|начале|конце|середине|начала|конца|середины|the)")
_MONTH_NOUN = r"(?:oy[a-z'‘’ʻ]*|ой[" + _CYR_LETTERS + r"]*|ай[" + _CYR_LETTERS + r"]*)"
# A month of the year before the publication's ("in March last year", "в мае прошлого года",
# "феврали соли гузашта", "o'tgan yilning sentyabrida", "өткен жылдың қазан айында") and of the
# year the text last named ("in August of that year", "того же года", "o'sha yilning sentyabrida").
_LAST_YEAR_AFTER = (r"(?:(?:of\s+)?last\s+year|(?:прошлого|минувшего|прошедшего)\s+года|соли\s+гузашта|"
                    r"o['‘’ʻ]?tgan\s+yil(?:ning|i)?|ўтган\s+йил(?:нинг|и)?)")
_LAST_YEAR_BEFORE = (r"(?:last\s+year['’]s|o['‘’ʻ]?tgan\s+yil(?:ning|i)?|ўтган\s+йил(?:нинг|и)?|өткен\s+жыл(?:дың|ы)?|"
                     r"өткөн\s+жыл(?:дын|ы)?|былтыр(?:ғы|кы)?|в\s+прошлом\s+году\s+в)")
_SAME_YEAR_AFTER = (r"(?:(?:of\s+)?(?:that|the\s+same)\s+year|того\s+же\s+года|(?:соли\s+)?ҳамон\s+сол|"
                    r"ўша\s+йил(?:нинг|и)?|o['‘’ʻ]?sha\s+yil(?:ning|i)?)")
_SAME_YEAR_BEFORE = (r"(?:o['‘’ʻ]?sha\s+yil(?:ning|i)?|ўша\s+йил(?:нинг|и)?|сол\s+жыл(?:дың|ы)?|ошол\s+жыл(?:дын|ы)?|"
                     r"(?:в\s+)?том\s+же\s+году\s+в|that\s+year\s+in)")
_MONTH_OF = rf"(?:{_MONTH_ANY})(?:\s+{_MONTH_NOUN})?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(_B + rf"(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])" + _E, _F)),
    ("numeric", re.compile(_B + rf"(?P<d>{_DAY})[./](?P<m>0?[1-9]|1[0-2])[./](?P<y>{_YEAR}|\d\d)" + _E + r"(?!\.\d)", _F)),
    # 29 сентября 2022 года | 2022-yil 22-sentyabr | 2026 жылғы 19 қаңтарда | 27 сентябри соли 2022
    ("day_month", re.compile(
        _B + rf"(?:(?P<y1>{_YEAR}){_SEP}(?:{_YEARWORD})?\s*,?\s*)?(?P<d>{_DAY}){_DAYSUFFIX}{_SEP}(?P<m>{_MONTH_ANY})"
        rf"(?:\s+(?:соли\s+|of\s+)?(?P<y2>{_YEAR})(?:{_SEP}{_YEARWORD})?)?" + _E, _F)),
    # September 29, 2022 | Sept. 29
    ("month_day", re.compile(
        _B + rf"(?P<m>(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
        rf"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec))\.?\s+(?P<d>{_DAY})(?:st|nd|rd|th)?" + _E
        + rf"(?:,?\s+(?P<y2>{_YEAR})" + _E + ")?", _F)),
    # в сентябре 2022 года | in March 2023 | моҳи сентябри соли 2022 | 2024 yil iyun oyida | 2022 жылғы қыркүйекте
    ("month_year", re.compile(
        _B + rf"(?:(?P<y1>{_YEAR}){_SEP}(?:{_YEARWORD})?\s*,?\s*(?P<m1>{_MONTH_ANY})"
        rf"|(?P<m2>{_MONTH_ANY})\s*,?\s*(?:соли\s+|of\s+)?(?P<y2>{_YEAR}))" + _E, _F)),
    # в конце сентября | in September | iyun oyida | қыркүйекте
    ("month", re.compile(_B + rf"(?P<mod>(?:(?:в|во|к|до|с|in|by|since|until|early|late|mid|end\s+of|beginning\s+of|"
                         rf"начале|конце|середине|начала|конца|середины|oxirida|boshida|the)\s+)*)"
                         rf"(?P<prev>(?:previous|last|прошл\w+|минувш\w+)\s+)?(?P<m>{_MONTH_WORD})" + _E, _F)),
    # in March last year | в мае прошлого года | o'tgan yilning sentyabrida | in August of that year
    ("month_last_year", re.compile(
        _B + rf"(?:(?:моҳи\s+)?(?P<m1>{_MONTH_ANY})(?:\s+{_MONTH_NOUN})?,?\s+{_LAST_YEAR_AFTER}"
        rf"|{_LAST_YEAR_BEFORE}\s+(?P<m2>{_MONTH_ANY}))" + _E, _F)),
    ("month_same_year", re.compile(
        _B + rf"(?:(?:моҳи\s+)?(?P<m1>{_MONTH_ANY})(?:\s+{_MONTH_NOUN})?,?\s+{_SAME_YEAR_AFTER}"
        rf"|{_SAME_YEAR_BEFORE}\s+(?P<m2>{_MONTH_ANY}))" + _E, _F)),
    # on the fourteenth of September
    ("ordinal_day", re.compile(
        _B + rf"(?P<d>{_ORDINAL_WORD})\s+of\s+(?P<m>{_MONTH_ANY})(?:,?\s+(?P<y2>{_YEAR}))?" + _E, _F)),
    # in May | в мае | в начале мая | май ойида | моҳи май | қазан айында
    ("month_ctx", re.compile(
        _B + rf"(?:(?P<mod>(?:{_MONTH_MOD}\s+)+)(?P<m1>мае|мая|маю|(?-i:May))"
        rf"|(?P<m2>ма[йя]|may|(?-i:May)|қазан)\s+{_MONTH_NOUN}|моҳи\s+(?P<m3>май)"
        rf"|(?P<m4>қазанның)\s+(?:басында|соңында|ортасында|аяғында))" + _E, _F)),
    ("year", re.compile(
        _B + rf"(?:(?P<y1>{_YEAR}){_SEP}{_YEARWORD}|(?:in|since|by|of|during|early|late|mid|until|в|с|до|к|по|от|соли|дар)"
        rf"\s+(?P<y2>{_YEAR})(?![\d./\-–]\d))" + _E, _F)),
    ("season", re.compile(_B + rf"(?P<rel>(?:{_LAST}|{_THIS})\s+)?(?:(?:the\s+)?(?P<s>{_SEASON_WORD})(?:\s+(?:of\s+)?"
                          rf"(?:(?P<y>{_YEAR}){_SEP}(?:{_YEARWORD})?)?)?)" + _E, _F)),
    ("season_year_first", re.compile(_B + rf"(?P<y>{_YEAR}){_SEP}(?:{_YEARWORD})?\s*(?P<s>{_SEASON_WORD})" + _E, _F)),
    ("yesterday", re.compile(_B + r"(?P<w>yesterday|вчера|позавчера|kecha|кеча|кечээ|кеше|дирӯз|дирўз)" + _E, _F)),
    ("today", re.compile(_B + r"(?P<w>today|сегодня|bugun|бугун|бүгүн|бүгін|имрӯз)" + _E, _F)),
    # Parts of a day: "this morning", "этой ночью", "бүгүн түнү" (the publication day) and
    # "last night", "минувшей ночью", "кечээ түнү", "шаби гузашта" (the day before).
    ("part_of_day", re.compile(_B + r"(?P<w>(?P<today>tonight|overnight|this\s+(?:morning|night)|"
                               r"(?:этой|сегодняшней|сегодня)\s+ночью|(?:сегодня|этим)\s+утром|"
                               r"bugun\s+(?:ertalab|tunda|kechasi)|бугун\s+(?:эрталаб|тунда|кечаси)|"
                               r"бүгүн\s+(?:түнү|таңда|эртең\s+менен)|бүгін\s+(?:түнде|таңертең)|имшаб|субҳи\s+имрӯз)|"
                               r"last\s+night|(?:прошлой|минувшей)\s+ночью|kecha\s+(?:kechasi|tunda)|"
                               r"кеча\s+(?:кечаси|тунда)|кечээ\s+түнү|кеше\s+түнде|шаби\s+гузашта)" + _E, _F)),
    ("weekday", re.compile(_B + r"(?:(?P<pre>on|last|во?|рӯзи)\s+(?:(?P<last>прошл\w+|минувш\w+|past)\s+)?(?P<w1>[^\W\d_]+)|(?P<w2>[^\W\d_]+)\s+(?:kuni|куни|күні|күнү))" + _E, _F)),
    ("last_unit", re.compile(_B + rf"(?:(?:в|на|за)\s+)?{_LAST}\s+(?P<u>week|month|year|недел\w+|месяц\w*|год\w*|hafta\w*|oy\w*|yil\w*|"
                             r"ҳафта\w*|ҳафтаи|моҳ\w*|сол\w*|апта\w*|жума\w*|ай\w*|жыл\w*)" + _E, _F)),
    ("unit_last", re.compile(_B + r"(?P<u>ҳафтаи|моҳи|соли)\s+гузашта" + _E, _F)),
    ("this_unit", re.compile(_B + rf"(?:(?:в|на)\s+)?{_THIS}\s+(?P<u>week|month|year|недел\w+|месяц\w*|год\w*|oy\w*|yil\w*|ай\w*|жыл\w*|сол\w*)" + _E, _F)),
    ("last_year_word", re.compile(_B + r"(?P<w>былтыр\w*|прошлогодн\w+|соли\s+гузашта)" + _E, _F)),
    ("this_year_word", re.compile(_B + r"(?P<w>биыл\w*|быйыл\w*|имсол\w*)" + _E, _F)),
    ("ago", re.compile(_B + r"(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|один|одну|два|две|три|четыре|пять|шесть|"
                       r"несколько|several|a\s+few)\s+(?P<u>days?|weeks?|months?|years?|дн\w*|день|недел\w*|месяц\w*|год\w*|лет|"
                       r"kun|hafta|oy|yil|күн|апта|ай|жыл|рӯз|ҳафта|моҳ|сол)\s+(?:ago|назад|тому\s+назад|oldin|avval|бұрын|мурун|илгери|пеш)"
                       + _E, _F)),
    ("recently", re.compile(_B + r"(?P<w>recently|недавно|yaqinda|жақында|жакында|ба\s+наздикӣ|наздикиҳо)" + _E, _F)),
]

# Each pattern's alternations factored by common prefixes: the same matches and groups, found faster.
_PATTERNS = [(name, re.compile(factor_groups(pattern.pattern), pattern.flags)) for name, pattern in _PATTERNS]

_BIRTH_AFTER = re.compile(r"\s*(?:рождения|tug['‘’ʻ]il|туғил|туған|туулган|таваллуд|г\.?\s*р\.|года\s+рождения|г\.\s*рождения|yil(?:da|i)?\s+tug['‘’ʻ]il|йил(?:да)?\s+туғил|"
                          r"жылы\s+туған|жылы\s+туулган|-?жылы\s+туул|соли\s+таваллуд|born)", re.IGNORECASE)
_BIRTH_BEFORE = re.compile(r"(?:born\s+(?:in|on)?|родил(?:ся|ась|ись)\s+(?:в|во)?|рождения|b\.|таваллуд\w*)\s*$", re.IGNORECASE)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "один": 1, "одну": 1, "two": 2, "два": 2, "две": 2, "three": 3, "три": 3,
            "four": 4, "четыре": 4, "five": 5, "пять": 5, "six": 6, "шесть": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "несколько": 3, "several": 3, "a few": 3}


def _month(word: str) -> int | None:
    w = word.casefold().rstrip(".")
    if w.startswith(("ма", "may")) and not w.startswith(("март", "маусым", "мамыр", "mart")):
        return 5
    if w.startswith("қазан"):
        return 10
    for table in (_MONTHS_CYR, _MONTHS_LAT):
        for stem, number in table:
            if w.startswith(stem):
                return number
    return None


def _season(word: str) -> int | None:
    w = word.casefold()
    for stem, month in _SEASONS.items():
        if w.startswith(stem):
            return month
    return None


def _pub(published: str | None) -> date | None:
    if not published:
        return None
    try:
        parts = [int(p) for p in published[:10].split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 6, parts[2] if len(parts) > 2 else 15)
    except (ValueError, IndexError):
        return None


def _valid_year(y: int) -> bool:
    return _MIN_YEAR <= y <= _MAX_YEAR


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    if y < 100:
        y += 2000
    return y if _valid_year(y) else None


def _iso(y: int, m: int | None = None, d: int | None = None) -> tuple[str, str] | None:
    if not _valid_year(y):
        return None
    if m is None:
        return f"{y:04d}", "year"
    if d is None:
        return f"{y:04d}-{m:02d}", "month"
    try:
        date(y, m, d)
    except ValueError:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}", "day"


def _past_year(pub: date, month: int, day: int = 1) -> int:
    """The year that puts month/day on or before the publication date."""
    return pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1


def _resolve(name: str, m: re.Match[str], pub: date | None) -> tuple[str, str, str] | None:
    """(value, precision, kind) for one regex match, or None."""
    g = m.groupdict()
    if name in ("iso", "numeric"):
        y = _year(g["y"])
        r = _iso(y, int(g["m"]), int(g["d"])) if y else None
        return (*r, "date") if r else None
    if name in ("day_month", "month_day"):
        month = _month(g["m"])
        if month is None:
            return None
        y = _year(g.get("y1")) or _year(g.get("y2"))
        if y:
            r = _iso(y, month, int(g["d"]))
            return (*r, "date") if r else None
        if pub is None:
            return None
        r = _iso(_past_year(pub, month, int(g["d"])), month, int(g["d"]))
        return (*r, "date_relative") if r else None
    if name == "month_year":
        month = _month(g["m1"] or g["m2"])
        y = _year(g["y1"] or g["y2"])
        r = _iso(y, month) if month and y else None
        return (*r, "date") if r else None
    if name == "month":
        month = _month(g["m"])
        if month is None or pub is None:
            return None
        if g["m"][:1].islower() and g["m"].isascii() and g["m"][:3].lower() in ("mar",) and not g["mod"]:
            return None
        year = _past_year(pub, month)
        if g.get("prev") and year == pub.year and month >= pub.month:
            year -= 1  # "the previous June" in a report of June: a year before
        r = _iso(year, month)
        return (*r, "date_relative") if r else None
    if name in ("month_last_year", "month_same_year"):
        month = _month(g["m1"] or g["m2"])
        if month is None or pub is None and name == "month_last_year":
            return None
        if name == "month_same_year":  # the year is the one the text named last: set by find_dates
            return f"0000-{month:02d}", "month", "same_year"
        r = _iso(pub.year - 1, month)
        return (*r, "date_relative") if r else None
    if name == "ordinal_day":
        month = _month(g["m"])
        day = _ORDINALS.get(re.sub(r"\s+", "-", g["d"].casefold()))
        if month is None or day is None:
            return None
        y = _year(g.get("y2"))
        if y:
            r = _iso(y, month, day)
            return (*r, "date") if r else None
        if pub is None:
            return None
        r = _iso(_past_year(pub, month, day), month, day)
        return (*r, "date_relative") if r else None
    if name == "month_ctx":
        word = g["m1"] or g["m2"] or g["m3"] or g["m4"]
        month = 10 if word.casefold().startswith("қазан") else 5
        if pub is None:
            return None
        r = _iso(_past_year(pub, month), month)
        return (*r, "date_relative") if r else None
    if name == "year":
        y = _year(g["y1"] or g["y2"])
        return (f"{y:04d}", "year", "date") if y else None
    if name in ("season", "season_year_first"):
        start = _season(g["s"])
        if start is None:
            return None
        y = _year(g.get("y"))
        if y:
            return f"{y:04d}", "year", "date"
        if pub is None:
            return None
        rel = (g.get("rel") or "").strip().casefold()
        if rel and re.fullmatch(_LAST, rel, re.IGNORECASE):
            return f"{pub.year - 1:04d}", "year", "date_relative"
        y = pub.year if start <= pub.month or start == 12 else pub.year - 1
        return f"{y:04d}", "year", "date_relative"
    if pub is None:
        return None
    if name == "yesterday":
        back = 2 if g["w"].casefold() == "позавчера" else 1
        d = pub - timedelta(days=back)
        return d.isoformat(), "day", "date_relative"
    if name == "today":
        return pub.isoformat(), "day", "date_relative"
    if name == "part_of_day":
        d = pub if g["today"] else pub - timedelta(days=1)
        return d.isoformat(), "day", "date_relative"
    if name == "weekday":
        word = (g["w1"] or g["w2"]).casefold()
        wd = _WEEKDAYS.get(word)
        if wd is None:
            return None
        delta = (pub.weekday() - wd) % 7
        if (g.get("last") or g.get("pre") and g["pre"].casefold() == "last") and delta == 0:
            delta = 7
        d = pub - timedelta(days=delta)
        return d.isoformat(), "day", "date_relative"
    if name in ("last_unit", "unit_last"):
        u = g["u"].casefold()
        if u.startswith(("week", "недел", "hafta", "ҳафта", "апта", "жума")):
            d = pub - timedelta(days=7)
            return f"{d.year:04d}-{d.month:02d}", "month", "date_relative"
        if u.startswith(("month", "месяц", "oy", "моҳ", "ай")):
            y, mo = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
            return f"{y:04d}-{mo:02d}", "month", "date_relative"
        return f"{pub.year - 1:04d}", "year", "date_relative"
    if name == "this_unit":
        u = g["u"].casefold()
        if u.startswith(("month", "месяц", "oy", "ай", "week", "недел")):
            return f"{pub.year:04d}-{pub.month:02d}", "month", "date_relative"
        return f"{pub.year:04d}", "year", "date_relative"
    if name == "last_year_word":
        return f"{pub.year - 1:04d}", "year", "date_relative"
    if name == "this_year_word":
        return f"{pub.year:04d}", "year", "date_relative"
    if name == "ago":
        n = g["n"].casefold()
        count = int(n) if n.isdigit() else _NUMBERS.get(re.sub(r"\s+", " ", n), 1)
        u = g["u"].casefold()
        if u.startswith(("day", "дн", "ден", "kun", "күн", "рӯз")):
            d = pub - timedelta(days=count)
            return d.isoformat(), "day", "date_relative"
        if u.startswith(("week", "недел", "hafta", "апта", "ҳафта")):
            d = pub - timedelta(days=7 * count)
            return f"{d.year:04d}-{d.month:02d}", "month", "date_relative"
        if u.startswith(("month", "месяц", "oy", "ай", "моҳ")):
            total = pub.year * 12 + pub.month - 1 - count
            return f"{total // 12:04d}-{total % 12 + 1:02d}", "month", "date_relative"
        return f"{pub.year - count:04d}", "year", "date_relative"
    if name == "recently":
        return f"{pub.year:04d}", "year", "date_relative"
    return None


@cache
def _gate() -> Gate:
    return Gate([pattern for _, pattern in _PATTERNS])


def _is_birth(text: str, start: int, end: int) -> bool:
    return bool(_BIRTH_AFTER.match(text, end) or _BIRTH_BEFORE.search(text[max(0, start - 25) : start]))


def find_dates(text: str, lang: str | None, published: str | None) -> list[DateMention]:
    """Every date expression in ``text`` (see the module docstring), sorted by position.

    ``published`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) resolves relative expressions;
    ``lang`` is accepted for symmetry with the other finders (the patterns of all languages
    are tried, so a Russian quote inside an Uzbek text is found too).
    """
    pub = _pub(published)
    found: list[tuple[int, int, str, str, str]] = []
    # patterns whose words (years, month names, ...) do not occur are skipped
    for k in _gate().candidates(text):
        name, pattern = _PATTERNS[k]
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue
            r = _resolve(name, m, pub)
            if r is None:
                continue
            s, e = m.start(), m.end()
            while e > s and text[e - 1] in " \t\n,–-":
                e -= 1
            if r[1] == "year" and r[2] == "date" and _is_birth(text, s, e):
                continue
            found.append((s, e, *r))
    # Longest expressions first ("in March 2023" beats "in March"), then left to right.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    starts: list[int] = []  # the kept spans, disjoint and sorted by start: two neighbours to check
    ends: list[int] = []
    out: list[DateMention] = []
    for s, e, value, precision, kind in found:
        k = bisect_left(starts, s)
        if k < len(starts) and starts[k] < e or k > 0 and ends[k - 1] > s:
            continue
        starts.insert(k, s)
        ends.insert(k, e)
        out.append(DateMention(s, e, text[s:e], value, kind, precision))
    out.sort(key=lambda m: m.start)
    if any(m.kind == "same_year" for m in out):
        out = _same_year(out, pub)
    return out


def _same_year(mentions: list[DateMention], pub: date | None) -> list[DateMention]:
    """"In August of that year": the month of the year the text dated last before it (else of the
    publication's year, as a month alone)."""
    out: list[DateMention] = []
    year: int | None = None
    for m in mentions:
        if m.kind == "same_year":
            month = int(m.value[5:7])
            if year is not None:
                out.append(DateMention(m.start, m.end, m.text, f"{year:04d}-{month:02d}", "date", "month"))
            elif pub is not None:
                out.append(DateMention(m.start, m.end, m.text, f"{_past_year(pub, month):04d}-{month:02d}",
                                       "date_relative", "month"))
            continue
        year = int(m.value[:4])
        out.append(m)
    return out
