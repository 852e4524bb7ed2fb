"""Typed exceptions. The library raises these; the CLI and web turn them into messages."""

from __future__ import annotations

from pathlib import Path


class RecruitwatchError(Exception):
    """Base class for every error recruitwatch reports to a user."""


class ReadError(RecruitwatchError):
    """A source could not be read. Always names the source and the problem."""

    def __init__(self, source: str | Path, problem: str, hint: str | None = None):
        self.source = str(source)
        self.problem = problem
        self.hint = hint
        message = f"{self.source}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class StoreError(RecruitwatchError):
    """The database could not be opened, migrated or queried."""


class ConfigError(RecruitwatchError):
    """A setting or command-line option is wrong."""


class ClusterError(RecruitwatchError):
    """The Dask cluster could not be started, reached or used (``ingest --engine dask``)."""


class EvalError(RecruitwatchError):
    """Gold or prediction files for `eval` are malformed."""


class AccountError(RecruitwatchError):
    """A user account operation was refused: unknown user, taken name, unknown role, weak password."""


class PermissionDenied(RecruitwatchError):
    """The acting user's role does not allow the action."""


class ReviewError(RecruitwatchError):
    """A reviewer's edit or decision was refused: unknown field, invalid value, evidence not in the sources."""


class StaleEdit(ReviewError):
    """The incident changed since the editor read it (optimistic concurrency): reload and apply the edit again."""
