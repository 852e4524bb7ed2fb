"""Alternations factored by their common prefixes: the same matches, found faster.

A word class or a cue is a long alternation (``detain\\w*|arrest\\w*|raid\\w*|...``, hundreds of
words over six languages). Python's ``re`` tries the alternatives one after the other at every
position it tries, and with IGNORECASE it has no quick test that skips the ones whose first letter
differs, so the cost grows with the number of words. :func:`factor` rewrites the alternation as a
prefix tree (``d(?:etain\\w*|raft\\s+...)|a(?:rrest\\w*|...)|...``) so that one failed letter skips
every word that starts with it.

The rewrite keeps every match exactly: only alternatives that open with the same literal letter
are grouped, and the group stands where the first of them stood. Two alternatives whose first
letters differ (and are not one letter in two cases) can never both match at one position, so
moving a later one up next to an earlier one with its letter changes nothing; among alternatives
of one letter the order is kept, and an alternative that does not open with a plain letter (a
class, an escape, a group) ends every open group, so nothing moves past it. Letters that are one
letter under IGNORECASE but written differently (``a`` and ``A``) are never merged, so the result
is also exact without IGNORECASE. Patterns with capturing groups are returned unchanged (their
group numbers would move).

Under IGNORECASE a second rewrite pays: ``re`` skips an alternative whose first operation is a
case-sensitive literal after one comparison, but tries one that opens with a case-insensitive
letter in full. So an alternation that is tried at every word start (a "hot" one: a pattern's
own, or a group that opens a pattern's alternative) has each of its first letters written once
per character that letter stands for under IGNORECASE, each case-sensitive:
``(?-i:d)(?:etain|raft)|(?-i:D)(?:etain|raft)``. Those characters are the ones ``re`` itself
matches (:func:`case_variants`, read from ``re`` over all of Unicode); no two of them can match
at one position, so their order does not matter and the matches stay the same. (About 2.5x
faster on a word class; a pattern that turns IGNORECASE off or on inside, or sets other flags,
is followed scope by scope; ASCII, LOCALE and verbose scopes are left as written.)
"""

from __future__ import annotations

import _sre
import re
import sys
from array import array
from functools import cache

from recruitwatch.text.regate import fold_char

_META = frozenset("\\.^$*+?{}[]()|#")
_QUANTIFIERS = frozenset("*+?{")


def _alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``pattern`` (None: it holds a capturing group)."""
    alts: list[str] = []
    depth, start, i, n = 0, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: up to its closing bracket ("[]...]" and "[^]...]" hold a "]")
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        if c == "(":
            if not pattern.startswith("?", i + 1) or pattern.startswith("?P<", i + 1):
                return None  # a capturing group
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(pattern[start:i])
            start = i + 1
        i += 1
    alts.append(pattern[start:])
    return alts


def _lead(alternative: str) -> str | None:
    """The plain literal letter an alternative opens with (not quantified), else None."""
    if not alternative or alternative[0] in _META or alternative[0].isspace():
        return None
    if len(alternative) > 1 and alternative[1] in _QUANTIFIERS:
        return None
    return alternative[0]


#: The letters :func:`case_variants` knows: Latin, Greek and Cyrillic (the lexicons' scripts).
_TABLE_FIRST, _TABLE_LAST = "\u0041", "\u052f"


@cache
def _variants_table() -> dict[str, tuple[str, ...]]:
    """Every character ``re`` matches with a letter of the table under IGNORECASE, by the letter's
    folded form: one IGNORECASE pass of ``re`` over every code point (the surrogates, which have
    no case, left out)."""
    every = "".join(array("I", r).tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
                    for r in (range(0xD800), range(0xE000, 0x110000)))
    table: dict[str, list[str]] = {}
    for ch in re.findall(f"[{_TABLE_FIRST}-{_TABLE_LAST}]", every, re.IGNORECASE):
        table.setdefault(fold_char(ord(ch)), []).append(ch)
    return {key: tuple(chars) for key, chars in table.items()}


def case_variants(letter: str) -> tuple[str, ...] | None:
    """The characters the literal ``letter`` matches under IGNORECASE (``re`` compares a cased
    letter by its folded form: these are the characters of that form), or None when ``letter``
    has no case or lies outside the table."""
    if not _TABLE_FIRST <= letter <= _TABLE_LAST or not _sre.unicode_iscased(ord(letter)):
        return None  # (a letter without case is compared as it is: already the quick kind)
    return _variants_table().get(fold_char(ord(letter)))


def _spelled(letter: str, rest: str, hot: bool) -> list[str]:
    """``letter + rest``, in a hot alternation as one case-sensitive alternative per character
    the letter stands for under IGNORECASE."""
    variants = case_variants(letter) if hot else None
    if variants is None:
        return [letter + rest]
    return ["(?-i:" + re.escape(v) + ")" + rest for v in variants]


def _factor(alternatives: list[str], hot: bool = False) -> list[str]:
    items: list[str | list] = []  # an alternative kept as it is, or [letter, rests]
    open_groups: dict[str, list] = {}
    for alt in alternatives:
        c = _lead(alt)
        if c is None:
            items.append(alt)
            open_groups = {}  # nothing moves past an alternative that is not a plain letter
            continue
        key = fold_char(ord(c))
        group = open_groups.get(key)
        if group is None or group[0] != c:
            group = open_groups[key] = [c, []]
            items.append(group)
        group[1].append(alt[1:])
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        letter, rests = item
        if len(rests) == 1:
            out.extend(_spelled(letter, rests[0], hot))
            continue
        inner = _factor(rests)
        out.extend(_spelled(letter, inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")", hot))
    return out


def factor(pattern: str, ignorecase: bool = False) -> str:
    """``pattern`` with its top-level alternation factored by common prefixes (see the module
    docstring); it matches exactly what ``pattern`` matches, with or without IGNORECASE.
    ``ignorecase=True``: for a regex compiled with IGNORECASE (and neither ASCII nor LOCALE), the
    alternation being hot, its first letters are also spelled out case by case (the same matches
    under IGNORECASE only)."""
    alternatives = _alternatives(pattern)
    if alternatives is None or len(alternatives) < 2:
        return pattern
    return "|".join(_factor(alternatives, hot=ignorecase))


class _Unsupported(ValueError):
    """A construct the factoring does not rewrite (the pattern is then used as written)."""


_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")


def _scoped(flags: str, ignorecase: bool) -> bool:
    """IGNORECASE inside a ``(?flags-flags:...)`` group opened where it is ``ignorecase``."""
    on, _, off = flags.partition("-")
    if set(on + off) - {"i", "s", "m"}:
        raise _Unsupported(flags)  # ASCII, LOCALE, UNICODE or verbose: left as written
    return True if "i" in on else False if "i" in off else ignorecase


def _group_body(pattern: str, i: int, ignorecase: bool = False, hot: bool = False) -> tuple[str, int]:
    """The factored sequence from ``i`` up to the ``)`` that closes it (or the end), and the
    index of that ``)``. ``ignorecase``: IGNORECASE holds here; ``hot``: the sequence is tried at
    every position (a group in it that opens one of its alternatives is hot too)."""
    out: list[str] = []
    n = len(pattern)
    consumed = False  # something that reads a character came before, in this alternative
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            consumed = consumed or pattern[i + 1:i + 2] not in _ZERO_WIDTH_ESCAPES
            i += 2
        elif c == "|":
            out.append(c)
            consumed = False
            i += 1
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i:j + 1])
            consumed = True
            i = j + 1
        elif c == "(":
            if pattern.startswith("(?(", i) or pattern.startswith("(?#", i) or pattern.startswith("(?P=", i):
                raise _Unsupported(pattern[i:i + 4])
            inner = ignorecase
            if pattern.startswith(("(?<=", "(?<!"), i):
                head = pattern[i:i + 4]
            elif pattern.startswith("(?P<", i):
                head = pattern[i:pattern.index(">", i) + 1]
            elif pattern.startswith("(?", i):
                k = i + 2
                while k < n and pattern[k] not in ":)=!>":
                    k += 1
                if k >= n or pattern[k] == ")":
                    raise _Unsupported(pattern[i:k + 1])  # a global flag group: "(?i)"
                head = pattern[i:k + 1]
                if head[-1] == ":" and len(head) > 3:
                    inner = _scoped(head[2:-1], ignorecase)  # "(?-i:May)"
            else:
                head = "("
            zero_width = head in ("(?<=", "(?<!", "(?=", "(?!")
            group_hot = hot and not consumed and head not in ("(?<=", "(?<!")
            body, close = _group_body(pattern, i + len(head), inner, group_hot)
            if head not in ("(?<=", "(?<!"):  # a lookbehind's width must stay fixed: left as written
                body = factor(body, ignorecase=inner and group_hot)
            else:
                body = pattern[i + len(head):close]
            out.append(head + body + ")")
            consumed = consumed or not zero_width
            i = close + 1
        elif c == ")":
            return "".join(out), i
        else:
            out.append(c)
            consumed = consumed or c not in "^$"
            i += 1
    return "".join(out), i


def factor_groups(pattern: str, flags: int = 0) -> str:
    """:func:`factor` applied to the whole pattern and to the alternation of each of its groups
    (a group whose alternatives hold capturing groups, and lookbehinds, are left as written). The
    same matches, and the same captures, as ``pattern`` compiled with ``flags``; under IGNORECASE
    (without ASCII or LOCALE) the hot alternations' first letters are spelled out case by case
    (see the module docstring)."""
    ignorecase = bool(flags & re.IGNORECASE) and not flags & (re.ASCII | re.LOCALE)
    try:
        body, end = _group_body(pattern, 0, ignorecase, hot=True)
    except (_Unsupported, ValueError):
        return pattern
    if end != len(pattern):  # an unbalanced ")": leave it to re to report
        return pattern
    return factor(body, ignorecase=ignorecase)
