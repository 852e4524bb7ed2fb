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
"""

from __future__ import annotations

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


def _factor(alternatives: list[str]) -> list[str]:
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
            out.append(letter + rests[0])
            continue
        inner = _factor(rests)
        out.append(letter + (inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"))
    return out


def factor(pattern: str) -> str:
    """``pattern`` with its top-level alternation factored by common prefixes (see the module
    docstring); it matches exactly what ``pattern`` matches, with or without IGNORECASE."""
    alternatives = _alternatives(pattern)
    if alternatives is None or len(alternatives) < 2:
        return pattern
    return "|".join(_factor(alternatives))


class _Unsupported(ValueError):
    """A construct the factoring does not rewrite (the pattern is then used as written)."""


def _group_body(pattern: str, i: int) -> tuple[str, int]:
    """The factored sequence from ``i`` up to the ``)`` that closes it (or the end), and the
    index of that ``)``."""
    out: list[str] = []
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i:j + 1])
            i = j + 1
        elif c == "(":
            if pattern.startswith("(?(", i) or pattern.startswith("(?#", i) or pattern.startswith("(?P=", i):
                raise _Unsupported(pattern[i:i + 4])
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
            else:
                head = "("
            body, close = _group_body(pattern, i + len(head))
            if head not in ("(?<=", "(?<!"):  # a lookbehind's width must stay fixed: left as written
                body = factor(body)
            else:
                body = pattern[i + len(head):close]
            out.append(head + body + ")")
            i = close + 1
        elif c == ")":
            return "".join(out), i
        else:
            out.append(c)
            i += 1
    return "".join(out), i


def factor_groups(pattern: str) -> str:
    """:func:`factor` applied to the whole pattern and to the alternation of each of its groups
    (a group whose alternatives hold capturing groups, and lookbehinds, are left as written). The
    same matches, and the same captures, as ``pattern``."""
    try:
        body, end = _group_body(pattern, 0)
    except (_Unsupported, ValueError):
        return pattern
    if end != len(pattern):  # an unbalanced ")": leave it to re to report
        return pattern
    return factor(body)
