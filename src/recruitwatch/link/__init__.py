"""Linking: near-duplicate documents, and reports of one case merged into one incident.

* :mod:`recruitwatch.link.documents`: word shingles, MinHash band keys, near-duplicate groups;
* :mod:`recruitwatch.link.features`: language-independent keys of an incident (names, numbers);
* :mod:`recruitwatch.link.match`: whether two incidents are one case, with a score;
* :mod:`recruitwatch.link.cases`: cases as components, canonical incidents, independent sources.

The store applies them inside each batch's transaction (``recruitwatch.store.linking``).
See docs/linking.md.
"""

from recruitwatch.link.match import Match, is_vague, match

__all__ = ["Match", "is_vague", "match"]
