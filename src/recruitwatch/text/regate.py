"""Literal gates: skip a regular expression when the text cannot hold a match.

Many patterns (lexicon cues, date expressions) are tried on every document, and Python's
``re`` has no literal-prefix optimisation for patterns that open with a look-behind, an
optional group or a case-insensitive alternation: it tries each of them at every position.
A :class:`Gate` reads each pattern's syntax tree once and derives literal strings a match
must contain, as clauses (a match contains at least one string of every clause: ``военкомат``
for ``военкомат\\w*``; the years *and* the month words for "month year"). One regex pass over
the lowercased text finds which of those strings occur; a pattern whose clauses are not all
met cannot match and is skipped. Patterns whose gate passes run exactly as before, so results
never change, only the time spent on patterns that find nothing.

Case folding: the text is lowercased with ``str.lower``, and the pattern literals with the
folding ``re`` itself uses (``_sre.unicode_tolower`` plus its extra equivalences such as
``s``/``ſ``). The two agree except on the characters in :data:`SPECIAL`; a text containing one
of them is not gated (every pattern runs).
"""

from __future__ import annotations

import _sre
import re
from bisect import bisect_left
from itertools import product
from re import _constants as C
from re import _parser

from recruitwatch.text.trie import trie_pattern

try:  # CPython 3.11+
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _EXTRA_CASES = {}

#: Characters whose ``str.lower()`` is not the folding ``re`` uses for IGNORECASE (or that
#: ``re`` treats as equivalent to another lowercase letter). Computed over all of Unicode by
#: ``tests/extract/test_regate.py``; documents that contain any of them are not gated.
SPECIAL = (  # escaped: normalising editors would turn some of these into other characters
    "\u0130\u0131\u017f\u0399\u039c\u03a3\u03b9\u03bc\u03c3\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5"
    "\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1e9b\u1fbe\u1fd3\u1fe3\ua64a\ua64b\ufb06"
)
_SPECIAL_RE = re.compile("[" + SPECIAL + "]")

_LIMIT = 64  # largest literal set kept for one piece of a pattern
_CLAUSE_LIMIT = 256  # largest clause kept
_MIN_LEN = 2  # shorter literals say too little to be worth a clause
_MAX_CLAUSES = 4

Info = tuple[frozenset[str] | None, list[frozenset[str]]]  # (every string it matches, clauses)


def fold_char(code: int) -> str:
    """The lowercase form ``re`` compares a character by (its equivalence class representative)."""
    lo = _sre.unicode_tolower(code)
    extra = _EXTRA_CASES.get(lo)
    if extra:
        lo = min((lo, *extra))
    return chr(lo)


def _useful(strings: frozenset[str] | None) -> bool:
    if not strings or len(strings) > _CLAUSE_LIMIT:
        return False
    # Single characters are too common to be worth a look-up, except symbols such as "$".
    return all(len(s) >= _MIN_LEN or len(s) == 1 and not s.isalnum() and not s.isspace() for s in strings)


def _rank(clause: frozenset[str]) -> tuple[int, int]:
    return (-min(map(len, clause)), len(clause))


def _cat(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _LIMIT:
        return None
    return frozenset(x + y for x in a for y in b)


_EMPTY: frozenset[str] = frozenset({""})


def _seq(items, prefix: frozenset[str] = _EMPTY) -> Info:
    clauses: list[frozenset[str]] = []
    run: frozenset[str] = prefix
    whole: frozenset[str] | None = prefix
    for op, av in items:
        exact, inner = _item(op, av)
        if exact is None and op is C.BRANCH and run != _EMPTY and len(run) <= 8:
            # "и(?:к|справительн\w+)": the literal before an alternation belongs to each branch.
            inner = _branch(av[1], run)[1] or inner
        clauses.extend(inner)
        if exact is None:
            if _useful(run):
                clauses.append(run)
            run = _EMPTY
            whole = None
            continue
        joined = _cat(run, exact)
        if joined is None:  # too many combinations: close the run, start a new one
            if _useful(run):
                clauses.append(run)
            joined = exact
        run = joined
        if whole is not None:
            whole = _cat(whole, exact)
    if _useful(run):
        clauses.append(run)
    return whole, clauses


def _item(op, av) -> Info:
    if op is C.LITERAL:
        return frozenset({fold_char(av)}), []
    if op is C.IN:
        chars: set[str] = set()
        for sub, value in av:
            if sub is C.LITERAL:
                chars.add(fold_char(value))
            elif sub is C.RANGE and value[1] - value[0] < 16:
                chars.update(fold_char(c) for c in range(value[0], value[1] + 1))
            else:  # NEGATE, CATEGORY, wide ranges
                return None, []
        return frozenset(chars), []
    if op is C.SUBPATTERN:
        return _seq(av[3])
    if op is C.ATOMIC_GROUP:
        return _seq(av)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset({""}), []  # zero width: literals on both sides stay contiguous
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        exact, clauses = _seq(sub)
        if lo == 0:
            if hi == 1 and exact is not None:
                return exact | {""}, []
            return None, []
        if exact is not None and _useful(exact):
            clauses = clauses + [exact]
        whole = exact if lo == hi == 1 else None
        return whole, clauses
    if op is C.BRANCH:
        return _branch(av[1])
    return None, []  # ANY, CATEGORY, NOT_LITERAL, group references


def _branch(branches, prefix: frozenset[str] = frozenset({""})) -> Info:
    """An alternation; with a prefix, each branch is read with the literal before it."""
    exact: frozenset[str] | None = None
    if prefix == _EMPTY:
        infos = [_seq(branch) for branch in branches]
        if all(e is not None for e, _ in infos):
            union = frozenset().union(*(e for e, _ in infos))
            exact = union if len(union) <= _LIMIT else None
    else:
        infos = [_seq(branch, prefix) for branch in branches]
    # (A1 and A2) or (B1 and B2) == (A1|B1) and (A1|B2) and (A2|B1) and (A2|B2)
    options = []
    for e, clauses in infos:
        own = sorted(set(clauses) | ({e} if _useful(e) else set()), key=_rank)
        if not own:
            return exact, []
        options.append(own[: 2 if len(infos) <= 3 else 1])
    out = []
    for combo in product(*options):
        union = frozenset().union(*combo)
        if _useful(union):
            out.append(union)
    return exact, out


def clauses_of(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Literal clauses every match of ``pattern`` satisfies (empty: no gate)."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:
        return ()
    exact, clauses = _seq(tree)
    if _useful(exact):
        clauses = clauses + [exact]
    unique = sorted(set(clauses), key=_rank)
    return tuple(unique[:_MAX_CLAUSES])


class Gate:
    """Which of a list of patterns may match a text (see the module docstring)."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self.clauses = [clauses_of(p) for p in patterns]
        words = {w for cl in self.clauses for clause in cl for w in clause}
        self._regex = re.compile(trie_pattern(words)) if words else None
        # A match at a position is the longest gate string there: the shorter ones that are
        # its prefixes occur too.
        self._prefixes = {w: frozenset(w[:k] for k in range(1, len(w) + 1) if w[:k] in words) for w in words}
        # Inverted index: a pattern is a candidate only when a word of its first clause occurs.
        self._ungated = [k for k, cl in enumerate(self.clauses) if not cl]
        self._by_word: dict[str, list[int]] = {}
        for k, cl in enumerate(self.clauses):
            if cl:
                for w in cl[0]:
                    self._by_word.setdefault(w, []).append(k)

    def present(self, text: str) -> set[str] | None:
        """The gate strings that occur in ``text`` (None: the text cannot be gated)."""
        if self._regex is None or _SPECIAL_RE.search(text):
            return None
        low = text.lower()
        found: set[str] = set()
        search = self._regex.search
        prefixes = self._prefixes
        m = search(low)
        while m is not None:
            found |= prefixes[m.group()]
            m = search(low, m.start() + 1)
        return found

    def mask(self, text: str) -> list[bool]:
        """For each pattern, whether it may match ``text``."""
        return self.mask_of(self.present(text))

    def mask_of(self, found: set[str] | None) -> list[bool]:
        """For each pattern, whether it may match a text holding the gate strings ``found``
        (None: a text that cannot be gated, where every pattern may match)."""
        if found is None:
            return [True] * len(self.clauses)
        picked = self._picked(found)
        return [k in picked for k in range(len(self.clauses))]

    def occurrences(self, text: str) -> Occurrences | None:
        """Where the gate strings occur in ``text``, read once, so that :meth:`Occurrences.present`
        gives :meth:`present` of any part of it without reading the part again (None: the text
        cannot be gated)."""
        if self._regex is None or _SPECIAL_RE.search(text):
            return None
        low = text.lower()  # as long as text: without the SPECIAL characters no letter changes length
        starts: list[int] = []
        longest: list[str] = []
        search = self._regex.search
        m = search(low)
        while m is not None:
            starts.append(m.start())
            longest.append(m.group())
            m = search(low, m.start() + 1)
        return Occurrences(starts, longest, self._prefixes)

    def candidates(self, text: str) -> list[int]:
        """The indices of the patterns that may match ``text``, in order (the ``True`` entries
        of :meth:`mask`, found through the words that occur rather than by trying every pattern)."""
        found = self.present(text)
        if found is None:
            return list(range(len(self.clauses)))
        return sorted(self._picked(found))

    def _picked(self, found: set[str]) -> set[int]:
        """The patterns every clause of which holds a string of ``found`` (the ungated ones too)."""
        picked = set(self._ungated)
        by_word, clauses = self._by_word, self.clauses
        for w in found:
            for k in by_word.get(w, ()):
                if k not in picked and all(not clause.isdisjoint(found) for clause in clauses[k][1:]):
                    picked.add(k)
        return picked


class Occurrences:
    """The gate strings found at each position of one text (:meth:`Gate.occurrences`)."""

    __slots__ = ("_starts", "_longest", "_prefixes")

    def __init__(self, starts: list[int], longest: list[str], prefixes: dict[str, frozenset[str]]) -> None:
        self._starts, self._longest, self._prefixes = starts, longest, prefixes

    def present(self, lo: int, hi: int) -> set[str]:
        """The gate strings that occur in ``text[lo:hi]``: :meth:`Gate.present` of that part. At
        each position the longest string is kept, with the gate strings that are its prefixes
        (those are the strings found there); near ``hi`` only the ones that end by ``hi``."""
        found: set[str] = set()
        starts, longest, prefixes = self._starts, self._longest, self._prefixes
        for k in range(bisect_left(starts, lo), bisect_left(starts, hi)):
            at, word = starts[k], longest[k]
            if at + len(word) <= hi:
                found |= prefixes[word]
            else:
                found.update(w for w in prefixes[word] if at + len(w) <= hi)
        return found
