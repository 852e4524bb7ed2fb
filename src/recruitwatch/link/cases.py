"""Cases: incidents joined by matches and reviewers' merges, kept apart by reviewers' splits.

A case is a connected component of the incidents joined by links of kind ``match`` (the
machine's decision, :func:`recruitwatch.link.match.match`) or ``merge`` (a reviewer's), after
dropping every link between two incidents a reviewer ``split`` apart. Its canonical incident
(whose id is the ``case_id`` of every member) is the one from the earliest source: publication
date, then incident id, so the same incidents give the same case ids in any ingest order.

A case is ``corroborated`` when its sources are at least two *independent* outlets: two documents
are one source when they are in one near-duplicate group (copies) or come from one outlet
(:func:`outlet_key`: the outlet's name, else the host of the document's URL). A document whose
outlet is unknown counts as a source of its own (its near-duplicate group stands for the outlet).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from recruitwatch.link.documents import components

MACHINE_STATES = ("reported", "corroborated")  # what linking may set; the others are reviewers' decisions


@dataclass(frozen=True, slots=True)
class Source:
    """One document an incident of a case comes from."""

    document_id: str
    group_id: str  # canonical document of its near-duplicate group
    outlet: str | None
    url: str | None = None
    published: str | None = None
    title: str | None = None


def outlet_name(source: Source) -> str:
    """What to call a source's outlet: its name, else its URL's host; empty when neither is known."""
    key = outlet_key(source)
    return source.outlet.strip() if source.outlet and source.outlet.strip() else (key or "").removeprefix("host:")


def outlet_key(source: Source) -> str | None:
    """The outlet a document speaks for: its outlet's name, else its URL's host (without www.)."""
    if source.outlet and source.outlet.strip():
        return "outlet:" + " ".join(source.outlet.casefold().split())
    if source.url:
        host = (urlsplit(source.url).hostname or "").removeprefix("www.")
        if host:
            return "host:" + host
    return None


def independent_sources(sources: Iterable[Source]) -> list[list[Source]]:
    """Sources in independent sets: documents of one near-duplicate group or one outlet are one set."""
    items = {s.document_id: s for s in sources}
    edges = []
    for s in items.values():
        edges.append((s.document_id, "group:" + s.group_id))
        key = outlet_key(s)
        if key:
            edges.append((s.document_id, key))
    sets = []
    for comp in components(list(items), edges):
        members = sorted((items[n] for n in comp if n in items), key=lambda s: (s.published or "9999", s.document_id))
        if members:
            sets.append(members)
    return sorted(sets, key=lambda m: (m[0].published or "9999", m[0].document_id))


def verification(sources: Iterable[Source]) -> str:
    """``corroborated`` with two or more independent sources, else ``reported``."""
    return "corroborated" if len(independent_sources(sources)) >= 2 else "reported"


def cases(incident_ids: Iterable[str], links: Iterable[tuple[str, str, float | None]],
          splits: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Cases of ``incident_ids`` joined by ``links`` ``(a, b, score)`` (score None: a reviewer's merge)
    that never put two incidents of a pair in ``splits`` together.

    Links are applied strongest first (reviewers' merges, then by score, then by ids), and a link
    that would join two incidents a reviewer split apart is skipped, so a split holds even when
    a third report matches both sides. The order depends only on the links, not on when they
    were found.
    """
    apart: dict[str, set[str]] = {}
    for a, b in splits:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    members: dict[str, set[str]] = {i: {i} for i in incident_ids}
    root = {i: i for i in members}
    ordered = sorted(((a, b, s) for a, b, s in links if a in members and b in members),
                     key=lambda lk: (lk[2] is not None, -(lk[2] or 0.0), lk[0], lk[1]))
    for a, b, _ in ordered:
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        small, large = sorted((ra, rb), key=lambda r: len(members[r]))
        if any(apart.get(x, set()) & members[large] for x in members[small]):
            continue  # a reviewer said these are different cases
        for x in members[small]:
            root[x] = large
        members[large] |= members.pop(small)
    return [set(m) for m in members.values()]


def canonical(members: Iterable[str], published: dict[str, str | None]) -> str:
    """The case id: the member from the earliest source (``published`` maps incident id to its source's date)."""
    return min(members, key=lambda i: (published.get(i) or "9999", i))
