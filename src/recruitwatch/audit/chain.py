"""Audit entries, their hashes, and the check of the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS = "0" * 64  # the "previous hash" of the first entry


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 as it is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit entry: who did what to which record, when, and the chain hashes."""

    seq: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    target_kind: str | None
    target_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "target_kind": self.target_kind, "target_id": self.target_id, "details": self.details,
                "prev_hash": self.prev_hash, "hash": self.hash}


def entry_hash(seq: int, at: str, actor: str, action: str, target_kind: str | None, target_id: str | None,
               details_json: str, prev_hash: str) -> str:
    """SHA-256 hex of an entry's canonical JSON followed by the previous entry's hash.

    ``details_json`` is the stored text of the details (itself :func:`canonical_json`), so a change
    to any character of it changes the hash.
    """
    body = canonical_json({"seq": seq, "at": at, "actor": actor, "action": action, "target_kind": target_kind,
                           "target_id": target_id, "details": details_json})
    return hashlib.sha256((body + prev_hash).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where the chain breaks first: the entry's position (``seq``), what happened and how it was seen.

    ``problem`` is ``altered`` (an entry's content no longer matches its hash), ``removed`` (entries
    are missing before ``seq``, or at the end when an ``expected_head`` was given) or ``reordered``
    (an entry stands where another should).
    """

    seq: int
    problem: str
    detail: str

    def __str__(self) -> str:
        return f"audit entry {self.seq}: {self.problem}: {self.detail}"


class _ChainSource(Protocol):
    def _audit_rows(self, after_seq: int, limit: int) -> list[Any]: ...
    def _audit_seq_of_hash(self, value: str) -> int | None: ...


def verify_chain(store: _ChainSource, *, expected_head: str | None = None, batch: int = 1000) -> ChainBreak | None:
    """Check every entry of ``store``'s audit log in order; the first break, or None when intact.

    ``expected_head``: the hash of the newest entry as recorded elsewhere earlier; when given, a
    chain that does not contain it (entries removed from the end) is reported too.
    """
    expected_seq, expected_prev = 1, GENESIS
    seen_head = expected_head is None
    after = 0
    while True:
        rows = store._audit_rows(after, batch)
        if not rows:
            break
        for r in rows:
            own = entry_hash(r.seq, r.at, r.actor, r.action, r.target_kind, r.target_id, r.details, r.prev_hash)
            if r.seq != expected_seq:
                missing = f"{expected_seq}" if r.seq == expected_seq + 1 else f"{expected_seq} to {r.seq - 1}"
                return ChainBreak(expected_seq, "removed", f"entry {missing} is missing (the next entry is {r.seq})")
            if r.prev_hash != expected_prev:
                later = store._audit_seq_of_hash(r.prev_hash)
                if later is not None and later > r.seq:
                    return ChainBreak(r.seq, "reordered",
                                      f"it follows entry {later}, which now stands after it")
                if own == r.hash:
                    return ChainBreak(r.seq, "removed",
                                      "it does not follow the entry before it: an entry between them was removed")
                return ChainBreak(r.seq, "altered", "its content and its link to the previous entry do not match")
            if own != r.hash:
                return ChainBreak(r.seq, "altered", f"its content does not match its hash ({r.action} by {r.actor})")
            if r.hash == expected_head:
                seen_head = True
            expected_seq, expected_prev = r.seq + 1, r.hash
        after = rows[-1].seq
    if not seen_head:
        return ChainBreak(expected_seq, "removed",
                          f"the chain ends at entry {expected_seq - 1} without reaching the expected head "
                          f"{expected_head[:12]}…: the newest entries were removed")
    return None
