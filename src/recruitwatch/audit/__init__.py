"""The audit trail: an append-only log of every change, each entry chained by SHA-256 to the last.

Every library call that changes the store writes an entry in the same transaction as the change:

    store.audit("export", actor="alice", target_kind="dataset", target_id="public.csv", details={"rows": 12})
    store.audit_entries(target_kind="incident", target_id=incident_id)
    verify_chain(store)       # None, or the first altered, removed or reordered entry

An entry's hash is SHA-256 over the canonical JSON of its fields (``seq``, ``at``, ``actor``,
``action``, ``target_kind``, ``target_id``, ``details``) followed by the previous entry's hash
(64 zeros for the first entry). Changing, removing or reordering an entry breaks the chain at that
point. Removing the newest entries leaves a shorter, valid chain: keep the head
(:meth:`Store.audit_head`, printed by ``recruitwatch audit verify``) somewhere else and pass it as
``expected_head`` to detect that too. See docs/review.md.
"""

from recruitwatch.audit.chain import GENESIS, AuditEntry, ChainBreak, canonical_json, entry_hash, verify_chain

__all__ = ["GENESIS", "AuditEntry", "ChainBreak", "canonical_json", "entry_hash", "verify_chain"]
