"""Uzbek Latin to Cyrillic, for regular expressions: the Cyrillic half of an Uzbek cue is
generated from its Latin pattern rather than written twice.

Escapes (``\\w``, ``\\s``, ``\\b``), repeat counts (``{0,3}``) and group openers (``(?:``) are kept;
the apostrophe class that Latin patterns write after ``o`` and ``g`` (``o[‘'ʻ’`]``) gives ``ў``
and ``ғ``; the digraphs sh, ch, yo, yu, ya give ш, ч, ё, ю, я; every other Latin letter its one
Cyrillic letter (q қ, x х, h ҳ, j ж, y й, e е). What the official correspondence does not settle
(word-initial э, ц and ь in loanwords, Russian spellings) is written in a cue's ``cyrillic`` key.
"""

from __future__ import annotations

APOSTROPHE_CLASS = "[‘'ʻ’`]"
_PAIRS = (("o" + APOSTROPHE_CLASS, "ў"), ("g" + APOSTROPHE_CLASS, "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"),
          ("yu", "ю"), ("ya", "я"))
_LETTERS = dict(zip("abdefghijklmnopqrstuvxyz", "абдефгҳижклмнопқрстувхйз", strict=True))


def latin_to_cyrillic(pattern: str) -> str:
    """The Cyrillic spelling of a Latin-script Uzbek regular expression."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern[i] == "{" and "}" in pattern[i:]:
            j = pattern.index("}", i)
            out.append(pattern[i:j + 1])
            i = j + 1
        elif pattern.startswith("(?", i):
            out.append(pattern[i:i + 3])
            i += 3
        else:
            for latin, cyrillic in _PAIRS:
                if pattern.startswith(latin, i):
                    out.append(cyrillic)
                    i += len(latin)
                    break
            else:
                out.append(_LETTERS.get(pattern[i], pattern[i]))
                i += 1
    return "".join(out)
