"""Scoring of extraction predictions against gold-annotated documents."""

from recruitwatch.evaluate.score import FIELDS, Counts, Report, load_jsonl, match_counts, score

__all__ = ["FIELDS", "Counts", "Report", "load_jsonl", "match_counts", "score"]
