"""Small text helpers shared by the screening and extraction stages."""

from __future__ import annotations

import re


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
