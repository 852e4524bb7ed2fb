"""The ``--limit NAME=VALUE`` option shared by ingest, papercheck and serve (see recruitwatch.limits)."""

from __future__ import annotations

from typing import Annotated

import typer

from recruitwatch.cli import EXIT_USAGE
from recruitwatch.cli.output import error
from recruitwatch.errors import ConfigError
from recruitwatch.limits import LIMITS, Limits

LimitsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--limit", metavar="NAME=VALUE",
        help="Change a limit on hostile input for this run, e.g. --limit line_bytes=20MB (repeatable). "
             "Names: " + ", ".join(limit.name for limit in LIMITS) + ". Defaults and environment variables: "
             "docs/limits.md.",
    ),
]


def resolve_limits(assignments: list[str] | None) -> Limits:
    """The limits from the environment, changed by the ``--limit`` options; a usage error otherwise."""
    try:
        return Limits.from_env().with_overrides(assignments or [])
    except ConfigError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
