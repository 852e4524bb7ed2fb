"""Store commands: init, ingest, stats, summary, documents and incidents."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from recruitwatch.cli import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits
from recruitwatch.cli.output import IngestBar, console, err_console, error
from recruitwatch.errors import StoreError

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="RECRUITWATCH_DATABASE_URL", show_envvar=True,
                 help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a path to an SQLite file. "
                      "Default: recruitwatch.db in the current directory."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many rows to show.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Rows to skip (for paging).")]

documents_app = typer.Typer(help="List, show and search documents.", no_args_is_help=True)
incidents_app = typer.Typer(help="List and show incidents.", no_args_is_help=True)
app.add_typer(documents_app, name="documents")
app.add_typer(incidents_app, name="incidents")


class _Stopped(BaseException):
    """Ctrl-C or SIGTERM during an ingest."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__("interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}")


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM and Ctrl-C into an exception, so the open transaction rolls back and the
    worker processes are stopped before the command exits."""

    def stop(signum, _frame) -> None:
        raise _Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except KeyboardInterrupt:
        raise _Stopped(signal.SIGINT) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def opened(db: str | None, *, must_exist: bool = True) -> Iterator:
    """The store, or a clean exit with a message saying what to do."""
    from recruitwatch.store import open_store

    try:
        store = open_store(db)
    except StoreError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    try:
        if must_exist and not store.is_initialised():
            error(f"no recruitwatch store at {store.describe()}; run `recruitwatch init` first (or pass --db)")
            raise typer.Exit(EXIT_FAILED)
        yield store
    except StoreError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        store.close()


def _emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def init(db: DbOption = None) -> None:
    """Create the store (or bring its schema up to date) and say where it is."""
    with opened(db, must_exist=False) as store:
        store.init()
        console.print(f"Store ready: {store.describe()}")
        console.print("Next: [bold]recruitwatch ingest PATH|URL...[/]")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or http(s) feed URLs.")],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for screening and extraction.")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")] = 50,
    limit: LimitsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read reports, find the relevant ones, extract incidents and store everything.

    Ingesting the same material twice adds nothing. Unreadable inputs are reported with the reason and the rest of the batch goes on (exit code 1 when any input failed); files skipped in folders are listed with the reason. On a terminal, a progress bar on stderr counts the files read and the documents screened, with an ETA. Ctrl-C or SIGTERM stops cleanly: stored batches are kept, run the same command again to finish.
    """
    from recruitwatch.pipeline import plan_sources, run_ingest

    limits = resolve_limits(limit)
    try:
        with _stop_on_sigterm(), opened(db, must_exist=False) as store:
            store.init()
            # On a terminal: a bar on stderr counting files (found before reading) and documents done.
            with IngestBar() as bar:
                plan = plan_sources(sources, limits=limits)
                summary = run_ingest(plan, store, workers=workers, batch_size=batch_size, on_progress=bar.update)
    except _Stopped as exc:
        error(f"{exc}: the batch in flight was rolled back, the batches stored before it are kept; "
              "run the same command again to finish")
        raise typer.Exit(128 + exc.signum) from None
    if as_json:
        _emit_json(summary.to_dict())
    else:
        table = Table(title="Ingest summary", title_justify="left", show_header=False)
        for label, value in (("read", summary.read), ("new", summary.new), ("already known", summary.known),
                             ("relevant (new)", summary.relevant), ("incidents (new)", summary.incidents),
                             ("failed", len(summary.failures)), ("skipped", len(summary.skipped))):
            table.add_row(label, str(value))
        console.print(table)
        for path, reason in summary.skipped:
            console.print(Text(f"skipped {path}: {reason}", style="dim"))
        for failure in summary.failures:
            error(f"{failure.source}: {failure.problem}")
    if summary.failures:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts of documents, relevant documents, incidents and failures."""
    with opened(db) as store:
        data = store.stats()
    if as_json:
        _emit_json(data)
        return
    table = Table(show_header=False)
    for key, value in data.items():
        table.add_row(key.replace("_", " "), ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
    console.print(table)


BREAKDOWNS = {"tactic": "tactics", "place": "places", "month": "month", "nationality": "nationalities",
              "actor": "actors", "outcome": "outcome", "status": "status", "year": "year"}


@app.command()
def summary(
    db: DbOption = None,
    by: Annotated[list[str], typer.Option("--by", help=f"Breakdowns to show: {', '.join(BREAKDOWNS)}.")] = ("tactic", "place", "month"),
    lang: Annotated[str, typer.Option("--lang", help="Label language: en or ru.")] = "en",
    as_json: JsonOption = False,
) -> None:
    """Incidents counted by tactic, place and month (or other breakdowns)."""
    from recruitwatch.taxonomy import label

    unknown = [b for b in by if b not in BREAKDOWNS]
    if unknown:
        error(f"unknown breakdown {', '.join(unknown)}; choose from {', '.join(BREAKDOWNS)}")
        raise typer.Exit(EXIT_USAGE)
    with opened(db) as store:
        results = {b: store.incident_breakdown(b) for b in by}
        total = store.stats().get("incidents", 0)
        where = store.describe()
    if as_json:
        _emit_json({b: dict(rows) for b, rows in results.items()})
        return
    console.print(f"[bold]{total}[/] incidents in {where}")
    for b, rows in results.items():
        table = Table(title=f"Incidents by {b}", title_justify="left")
        table.add_column(b)
        table.add_column("incidents", justify="right")
        for value, count in rows:
            table.add_row(label(BREAKDOWNS[b], value, lang), str(count))
        console.print(table)
        undated = total - sum(count for _, count in rows) if b in ("month", "year") else 0
        if undated > 0:
            console.print(f"{undated} incidents have no known {b} and are not in this table.", highlight=False)


# -- documents ----------------------------------------------------------------------------

def _document_row(doc) -> dict:
    return {"id": doc.id, "lang": doc.lang, "published": doc.published, "kind": doc.kind, "relevant": doc.relevant,
            "relevance": doc.relevance, "title": doc.title, "origin": doc.origin}


def _documents_table(docs) -> Table:
    table = Table()
    for name in ("id", "lang", "published", "relevant", "title"):
        table.add_column(name, overflow="fold" if name == "title" else "ellipsis", no_wrap=name != "title")
    for d in docs:
        table.add_row(d.id[:12], d.lang or "", d.published or "", "yes" if d.relevant else "no",
                      Text((d.title or d.text[:80]).replace("\n", " ")))
    return table


@documents_app.command("list")
def documents_list(
    db: DbOption = None,
    lang: Annotated[str | None, typer.Option(help="Only this language (en, ru, uz, tg, ky, kk).")] = None,
    relevant: Annotated[bool | None, typer.Option("--relevant/--not-relevant", help="Only relevant / not relevant documents.")] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: JsonOption = False,
) -> None:
    """List stored documents, most recently added first."""
    with opened(db) as store:
        docs = store.list_documents(limit=limit, offset=offset, lang=lang, relevant=relevant)
    if as_json:
        _emit_json([_document_row(d) for d in docs])
    else:
        console.print(_documents_table(docs))
        if not docs:
            err_console.print("No documents match.")


@documents_app.command("show")
def documents_show(
    document_id: Annotated[str, typer.Argument(help="Document id (a unique prefix is enough).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one document: metadata, screening reasons and text."""
    with opened(db) as store:
        doc = store.get_document(document_id)
        incidents = store.list_incidents(_filter(document_id=doc.id), limit=1000) if doc else []
    if doc is None:
        error(f"no document with id {document_id!r}")
        raise typer.Exit(EXIT_FAILED)
    if as_json:
        _emit_json({**doc.to_dict(), "incidents": [i.id for i in incidents]})
        return
    table = Table(show_header=False)
    for key, value in _document_row(doc).items():
        table.add_row(key, Text("" if value is None else str(value)))
    table.add_row("reasons", Text("; ".join(doc.reasons)))
    table.add_row("incidents", ", ".join(i.id[:12] for i in incidents))
    console.print(table)
    console.print(doc.text, highlight=False, markup=False)


@documents_app.command("search")
def documents_search(
    query: Annotated[str, typer.Argument(help="Words to find; inflected forms match (мигрант finds мигрантов).")],
    db: DbOption = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over documents."""
    with opened(db) as store:
        hits = store.search_documents(query, limit=limit)
    if as_json:
        _emit_json([{**_document_row(h.document), "snippet": h.snippet, "rank": h.rank} for h in hits])
        return
    if not hits:
        err_console.print("No documents match.")
        return
    table = Table()
    for name in ("id", "lang", "published", "title", "snippet"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "lang", "published"))
    for h in hits:  # report text is shown as plain Text: never interpreted as console markup
        table.add_row(h.document.id[:12], h.document.lang or "", h.document.published or "",
                      Text(h.document.title or ""), Text(h.snippet))
    console.print(table)


# -- incidents ----------------------------------------------------------------------------

def _filter(**kwargs):
    from recruitwatch.store import IncidentFilter

    return IncidentFilter(**{k: v for k, v in kwargs.items() if v is not None})


def _check_code(field: str, code: str | None) -> None:
    from recruitwatch.taxonomy import FIELDS

    if code is not None and code not in FIELDS[field]:
        error(f"unknown {field} code {code!r}; choose from: {', '.join(FIELDS[field])}")
        raise typer.Exit(EXIT_USAGE)


def _check_date(option: str, value: str | None) -> None:
    """A usage error (exit 2) for a --from/--to value that is not YYYY, YYYY-MM or YYYY-MM-DD."""
    import datetime as dt

    from recruitwatch.store.rows import date_bounds

    if not value:
        return
    try:
        if len(value.split("-")) > 3:
            raise ValueError(value)
        for bound in date_bounds(value):
            dt.date.fromisoformat(bound)
    except (StoreError, ValueError):
        error(f"{option} {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
        raise typer.Exit(EXIT_USAGE) from None


def _incident_row(i) -> dict:
    row = i.to_gold()
    row.update({"id": i.id, "document_id": i.document_id, "date_precision": i.date_precision,
                "verification": i.verification, "confidence": i.confidence,
                "field_confidence": i.field_confidence(), "pipeline_version": i.pipeline_version})
    return row


@incidents_app.command("list")
def incidents_list(
    db: DbOption = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Latest date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    place: Annotated[str | None, typer.Option(help="ISO code; RU matches every Russian region.")] = None,
    nationality: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code of the victims' origin, e.g. TJ.")] = None,
    status: Annotated[str | None, typer.Option(help="Victim status code, e.g. foreign_national.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor type code, e.g. police.")] = None,
    tactic: Annotated[str | None, typer.Option(help="Tactic code, e.g. document_seizure.")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome code, e.g. refused.")] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    least_confident: Annotated[bool, typer.Option(
        "--least-confident", help="Least confident first (a reviewer's order), not newest first.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List incidents, filtered by date range, place, nationality, status, actor, tactic or outcome."""
    for field, code in (("status", status), ("actors", actor), ("tactics", tactic), ("outcome", outcome)):
        _check_code(field, code)
    _check_date("--from", date_from)
    _check_date("--to", date_to)
    filters = _filter(date_from=date_from, date_to=date_to, place=place.upper() if place else None,
                      nationality=nationality.upper() if nationality else None, status=status, actor=actor,
                      tactic=tactic, outcome=outcome)
    with opened(db) as store:
        incidents = store.list_incidents(filters, limit=limit, offset=offset, least_confident_first=least_confident)
    if as_json:
        _emit_json([_incident_row(i) for i in incidents])
        return
    table = Table()
    for name in ("id", "date", "places", "from", "status", "tactics", "outcome", "state", "conf"):
        table.add_column(name, no_wrap=name in ("id", "date", "places", "from", "conf"), overflow="fold")
    for i in incidents:
        table.add_row(i.id[:8], i.date or "", "\n".join(i.places), "\n".join(i.nationalities), i.status,
                      "\n".join(i.tactics), i.outcome, i.verification, "" if i.confidence is None else f"{i.confidence:.2f}")
    console.print(table)
    if not incidents:
        err_console.print("No incidents match.")


@incidents_app.command("show")
def incidents_show(
    incident_id: Annotated[str, typer.Argument(help="Incident id (a unique prefix is enough).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one incident with the evidence span behind every field."""
    with opened(db) as store:
        incident = store.get_incident(incident_id)
        doc = store.get_document(incident.document_id) if incident else None
    if incident is None:
        error(f"no incident with id {incident_id!r}")
        raise typer.Exit(EXIT_FAILED)
    if as_json:
        _emit_json({**_incident_row(incident), "evidence_spans": [e.to_dict() for e in incident.evidence]})
        return
    table = Table(show_header=False)
    for key, value in _incident_row(incident).items():
        if key == "field_confidence":
            value = ", ".join(f"{k} {v:.2f}" for k, v in value.items())
        if key != "evidence":
            table.add_row(key, ", ".join(value) if isinstance(value, list) else "" if value is None else str(value))
    table.add_row("source", Text(f"{doc.title or ''} ({doc.origin})" if doc else incident.document_id))
    console.print(table)
    evidence = Table(title="Evidence", title_justify="left")
    for name in ("field", "value", "confidence", "span", "text"):
        evidence.add_column(name, overflow="fold")
    for e in incident.evidence:
        evidence.add_row(e.field, e.value, "" if e.confidence is None else f"{e.confidence:.2f}", f"{e.start}-{e.end}",
                         Text(e.text))
    console.print(evidence)
