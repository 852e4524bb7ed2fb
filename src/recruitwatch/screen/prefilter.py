"""First screening tier: one compiled regex pass over the lowercased text.

The pattern is the alternation of the plain prefilter stems of all six lexicons (military
vocabulary and migrant/foreigner vocabulary), grouped into two named groups. A document goes
on to the precise tier only when both groups occur. Most unrelated news never gets further,
so the cost of screening a stream stays close to one regex pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from recruitwatch.extract.cues import LANGUAGES, load_lexicon


@dataclass(frozen=True, slots=True)
class Prefilter:
    regex: re.Pattern[str]
    kinds: dict[str, str]  # stem -> "military" | "migrant"

    def check(self, text: str) -> tuple[bool, set[str]]:
        """(passes, the stems seen) for a text; stops scanning once both kinds are seen."""
        kinds: set[str] = set()
        stems: set[str] = set()
        for m in self.regex.finditer(text.lower()):
            stem = m.group(0)
            kinds.add(self.kinds[stem])
            stems.add(stem)
            if len(kinds) == 2:
                return True, stems
        return False, stems


def trie_pattern(words: set[str]) -> str:
    """One regex for a set of literal stems, factored as a prefix trie. Python's ``re`` tries
    the branches of a flat alternation one by one at every position; sharing prefixes lets a
    failing position be rejected after one character test, which makes the pass several times
    faster (the Aho-Corasick idea within the regex engine). Longer matches are preferred."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?" if len(branches) > 1 or len(branches[0]) > 1 else body + "?"
        return body

    return build(trie)


@cache
def get_prefilter() -> Prefilter:
    military: set[str] = set()
    migrant: set[str] = set()
    for lang in LANGUAGES:
        lex = load_lexicon(lang)
        military.update(lex.prefilter["military"])
        migrant.update(lex.prefilter["migrant"])
    migrant -= military
    kinds = {**{s: "migrant" for s in migrant}, **{s: "military" for s in military}}
    return Prefilter(re.compile(trie_pattern(set(kinds))), kinds)


def passes(text: str) -> bool:
    """True when the text holds both military and migrant/foreigner vocabulary."""
    return get_prefilter().check(text)[0]
