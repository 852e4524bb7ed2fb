"""PostgreSQL: an index of each document's adjacent term pairs, so a phrase search reads only the
documents that hold every pair of the phrase (issue 11).

* ``term_pairs(tsvector)``: the pairs of lexemes at adjacent positions of a tsvector (``'a b'`` for
  ``a`` at position p and ``b`` at p + 1), as a tsvector without positions. Derived from the stored
  positions, so a document matching ``'a' <-> 'b'`` always holds the pair ``a b``.
* ``ix_document_search_pairs``: a GIN index on ``term_pairs(terms)`` of ``document_search``. A search
  for a phrase that is rare among the newest documents reads the older ones with
  ``term_pairs(terms) @@ 'a b' & 'b c'`` (docs/storage.md, Search). About 120 entries per document of
  150 words; inserts take about 1.5 times as long.

The index is built here from the stored tsvectors (minutes for a million documents). SQLite: nothing.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# A high COST, so the planner checks the cheap `terms @@ query` of a row first and computes the pairs of
# only the rows that pass it, when it filters rows instead of reading the index.
TERM_PAIRS = """
CREATE FUNCTION term_pairs(terms tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
DECLARE
  pairs text[];
BEGIN
  WITH p AS MATERIALIZED (SELECT t.lexeme, unnest(t.positions) AS pos FROM unnest(terms) t)
  SELECT array_agg(a.lexeme || ' ' || b.lexeme) INTO pairs FROM p a JOIN p b ON b.pos = a.pos + 1;
  RETURN array_to_tsvector(coalesce(pairs, '{}'));
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(TERM_PAIRS)
    op.execute("CREATE INDEX ix_document_search_pairs ON document_search USING gin (term_pairs(terms))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP INDEX ix_document_search_pairs")
    op.execute("DROP FUNCTION term_pairs(tsvector)")
