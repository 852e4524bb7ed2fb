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

from recruitwatch.taxonomy.lexicon import LANGUAGES, load_lexicon
from recruitwatch.text.trie import trie_pattern


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
