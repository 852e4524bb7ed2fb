"""The coded vocabulary and its multilingual cue lexicons."""

from recruitwatch.taxonomy.vocabulary import ACTORS, FIELDS, OUTCOMES, STATUSES, TACTICS, Code, is_valid, label

__all__ = ["ACTORS", "FIELDS", "OUTCOMES", "STATUSES", "TACTICS", "Code", "is_valid", "label"]
