"""`recruitwatch export`: incidents to CSV, JSON Lines, GeoJSON or Parquet, public or full."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from recruitwatch.cli import EXIT_FAILED, EXIT_USAGE, app
from recruitwatch.cli.output import err_console, error, warn
from recruitwatch.cli.store import DbOption, _check_code, _check_date, _filter, opened
from recruitwatch.errors import ConfigError, StoreError


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@app.command("export")
def export_command(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl, geojson or parquet (parquet needs the `export` extra).")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted (not for parquet).")] = None,
    per: Annotated[list[str], typer.Option(
        "--per", help="incident (one row each, the default) or counts per month, year, region, country, place, "
                      "tactic, actor, nationality, status, outcome, verification; repeat for a cross-table.")] = ("incident",),
    public: Annotated[bool, typer.Option("--public", help="Redacted for publication (docs/publishing.md).")] = False,
    full: Annotated[bool, typer.Option("--full", help="Everything, summaries and evidence included: for administrators; "
                                                      "recorded in the audit trail.")] = False,
    min_count: Annotated[int | None, typer.Option(
        "--min-count", envvar="RECRUITWATCH_PUBLIC_MIN_COUNT", show_envvar=True, min=1,
        help="Public exports leave out every count (and per-incident place-and-month cell) below this. Default 5.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Latest date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    place: Annotated[str | None, typer.Option(help="ISO code; RU matches every Russian region.")] = None,
    nationality: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code of the victims' origin, e.g. TJ.")] = None,
    status: Annotated[str | None, typer.Option(help="Victim status code, e.g. foreign_national.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor type code, e.g. police.")] = None,
    tactic: Annotated[str | None, typer.Option(help="Tactic code, e.g. document_seizure.")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome code, e.g. refused.")] = None,
    reports: Annotated[bool, typer.Option("--reports", help="One row per report's incident, not one per case.")] = False,
    as_user: Annotated[str | None, typer.Option("--as", help="Who exports, for the audit trail (default: the login name).")] = None,
) -> None:
    """Export incidents (one row per case, or counts) with the filters of `incidents list`.

    Say which kind: --public (no summaries, evidence, names or ids; places as regions; dates as months; rejected incidents and counts under --min-count left out) or --full (everything, for administrators).
    """
    from recruitwatch.publish import export

    if public == full:
        error("say which export: --public (redacted, safe to publish) or --full (everything, personal data included)")
        raise typer.Exit(EXIT_USAGE)
    for field, code in (("status", status), ("actors", actor), ("tactics", tactic), ("outcome", outcome)):
        _check_code(field, code)
    _check_date("--from", date_from)
    _check_date("--to", date_to)
    filters = _filter(date_from=date_from, date_to=date_to, place=place.upper() if place else None,
                      nationality=nationality.upper() if nationality else None, status=status, actor=actor,
                      tactic=tactic, outcome=outcome, cases=not reports)
    if output is not None and str(output) == "-":
        output = None  # -o - is stdout, as usual
    if full and output is None:
        warn("a full export holds personal data; it goes to stdout: mind where you send it")
    with opened(db) as store:
        try:
            result = export(store, output, fmt=fmt, per=per, filters=filters, full=full,
                            actor=as_user or _default_actor(), min_count=min_count)
        except ConfigError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_USAGE) from None
        except (StoreError, OSError) as exc:
            error(f"export failed: {exc}")
            raise typer.Exit(EXIT_FAILED) from None
    what = "rows" if result.per == ("incident",) else "cells"
    note = f"{result.rows:,} {what} written" + (f" to {output}" if output else "")
    if not result.full:
        note += (f"; {result.withheld:,} incidents left out (rejected, known only from unpublished sources, or in a "
                 f"place-and-month cell under {result.min_count})" if what == "rows"
                 else f"; {result.withheld:,} cells under {result.min_count} left out")
    err_console.print(note, highlight=False)
