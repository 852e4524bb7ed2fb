"""`taxonomy`: print the coded vocabulary."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from recruitwatch.cli import EXIT_USAGE, app
from recruitwatch.cli.output import console, error


@app.command()
def taxonomy(
    field: Annotated[str | None, typer.Argument(help="Only this field: status, actors, tactics or outcome.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Label language: en or ru.")] = "en",
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the whole vocabulary as Markdown.")] = False,
) -> None:
    """Show the codes incidents use, with labels and definitions."""
    from recruitwatch.taxonomy import FIELDS
    from recruitwatch.taxonomy.markdown import vocabulary_markdown

    if markdown:
        sys.stdout.write(vocabulary_markdown())
        return
    if field is not None and field not in FIELDS:
        error(f"unknown field {field!r}; choose from {', '.join(FIELDS)}")
        raise typer.Exit(EXIT_USAGE)
    for name, table in FIELDS.items():
        if field and name != field:
            continue
        out = Table(title=name, title_justify="left")
        for column in ("code", "label", "definition"):
            out.add_column(column, overflow="fold")
        for code in table.values():
            out.add_row(code.code, code.label(lang), code.definition)
        console.print(out)
