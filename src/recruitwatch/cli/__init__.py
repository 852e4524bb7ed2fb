"""The `recruitwatch` command line: thin over the library.

Each command group lives in its own module and registers itself on ``app``.
Exit codes (stable, for scripts):

* 0 - success
* 1 - the command ran but some inputs failed (e.g. unreadable files during ingest)
* 2 - usage error (bad option or argument)
* 3 - a store / configuration error stopped the command
"""

from __future__ import annotations

import typer

from recruitwatch import __version__

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_FAILED = 3

app = typer.Typer(
    name="recruitwatch",
    help="Monitor and document coerced and deceptive military recruitment of labour migrants.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # never print local variables (they may hold secrets)
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recruitwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Monitor and document coerced and deceptive military recruitment of labour migrants."""


def _register() -> None:
    # Import the command modules; each adds its commands to `app`.
    from recruitwatch.cli import (  # noqa: F401
        backup,
        corpus,
        export,
        keys,
        papercheck,
        review,
        serve,
        store,
        taxonomy,
        testimony,
        train,
        users,
        watch,
    )


def main() -> None:
    _register()
    app()
