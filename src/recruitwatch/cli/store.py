"""Store commands: init, ingest, stats, summary, documents and incidents."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from recruitwatch.cli import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits
from recruitwatch.cli.output import IngestBar, console, err_console, error
from recruitwatch.errors import ClusterError, ConfigError, StoreError

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="RECRUITWATCH_DATABASE_URL", show_envvar=True,
                 help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a path to an SQLite file. "
                      "Default: recruitwatch.db in the current directory."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many rows to show.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Rows to skip (for paging).")]

FORMATS = ("table", "csv", "json", "jsonl")
FromOption = Annotated[str | None, typer.Option("--from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Latest date (YYYY, YYYY-MM or YYYY-MM-DD).")]
PlaceOption = Annotated[str | None, typer.Option(
    help="A place: an ISO code (RU matches every Russian region) or a name in any of the six languages "
         "(Moscow, Москва, Moskva).")]
NationalityOption = Annotated[str | None, typer.Option(
    help="The victims' origin: a code (TJ), a country (Tajikistan, Таджикистан) or a demonym (tajik).")]
StatusOption = Annotated[str | None, typer.Option(help="Victim status code, e.g. foreign_national.")]
ActorOption = Annotated[str | None, typer.Option(help="Actor type code, e.g. police.")]
TacticOption = Annotated[str | None, typer.Option(help="Tactic code, e.g. document_seizure.")]
OutcomeOption = Annotated[str | None, typer.Option(help="Outcome code, e.g. refused.")]
VerificationOption = Annotated[str | None, typer.Option(
    "--verification", help="Verification state: reported, corroborated, verified, disputed or rejected.")]


class Engine(StrEnum):
    """Where `ingest` runs the pipeline."""

    local = "local"
    dask = "dask"


documents_app = typer.Typer(help="List, show and search documents.", no_args_is_help=True)
incidents_app = typer.Typer(help="List, show, review and correct incidents: edit, verify, dispute, reject, accept, merge, split, history, queue.", no_args_is_help=True)
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
        before = store.schema_version()
        store.init()
        console.print(f"Store ready: {store.describe()}")
        if before in ("0001", "0002"):
            console.print("Upgraded a store made before linking: run [bold]recruitwatch link[/] once to group "
                          "near-duplicate documents and merge the stored reports of one case.")
        else:
            console.print("Next: [bold]recruitwatch ingest PATH|URL...[/]")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or http(s) URLs: an RSS/Atom feed, an XML sitemap (its pages, newest first) or one article page (stored under its canonical URL).")],
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1,
        help="Worker processes for screening and extraction (default 1; with --engine dask, the number of "
             "CPUs, for the local Dask cluster).")] = None,
    engine: Annotated[Engine | None, typer.Option(
        "--engine", case_sensitive=False,
        help="local: this process and a local process pool (default). dask: a Dask cluster, started on "
             "this machine with --workers processes or, with --scheduler, an existing one (needs the dask "
             "extra; docs/ingest.md).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", envvar="RECRUITWATCH_DASK_SCHEDULER", show_envvar=True,
        help="The address of a running Dask scheduler (tcp://host:8786); implies --engine dask. Its workers "
             "need this recruitwatch version and the input files at the same paths; use a PostgreSQL --db.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")] = 50,
    limit: LimitsOption = None,
    ocr: Annotated[bool | None, typer.Option(
        "--ocr/--no-ocr", help="--ocr: also read the photos and scans found in folders, by OCR (slow: seconds a page). "
        "Without it, photos named on the command line and scanned PDF pages are read by OCR, images in folders are "
        "skipped. --no-ocr: never run OCR.")] = None,
    ocr_lang: Annotated[str | None, typer.Option(
        "--ocr-lang", help="Languages of the print to OCR, joined by +: en, ru, uz, uz-cyrl, tg, ky, kk "
        "(default ru+en; each needs Tesseract's language data, e.g. apt-get install tesseract-ocr-uzb).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Read reports, find the relevant ones, extract incidents and store everything.

    Reads text, Markdown, HTML, PDF (scanned pages by OCR), Word .docx, e-mail (.eml, .mbox), JSONL, CSV, WARC, RSS/Atom and Telegram exports, and photos of printed reports by OCR (the papercheck extra). Ingesting the same material twice adds nothing. Unreadable inputs are reported with the reason and the rest of the batch goes on (exit code 1 when any input failed); files skipped in folders are listed with the reason. On a terminal, a progress bar on stderr counts the files read and the documents screened, with an ETA. Ctrl-C or SIGTERM stops cleanly: stored batches are kept, run the same command again to finish.

    With --engine dask the Dask workers read and analyse, and this process stores the results in input order: the store ends up exactly as with the local engine.
    """
    from recruitwatch.pipeline import plan_sources, run_ingest

    if engine is None:
        engine = Engine.dask if scheduler else Engine.local
    if scheduler and engine is not Engine.dask:
        error("--scheduler needs --engine dask")
        raise typer.Exit(EXIT_USAGE)
    if scheduler and workers is not None:
        error("--workers starts a local Dask cluster; with --scheduler the cluster's own workers are used: "
              "pass one or the other")
        raise typer.Exit(EXIT_USAGE)
    limits = resolve_limits(limit)
    ocr_options = _ocr_options(ocr, ocr_lang)
    try:
        with _stop_on_sigterm(), opened(db, must_exist=False) as store:
            store.init()
            # On a terminal: a bar on stderr counting files (found before reading) and documents done.
            with IngestBar() as bar:
                plan = plan_sources(sources, limits=limits, ocr=ocr_options)
                if engine is Engine.dask:
                    from recruitwatch.dask_ingest import run_ingest_dask

                    summary = run_ingest_dask(plan, store, scheduler=scheduler, workers=workers or os.cpu_count() or 1,
                                              batch_size=batch_size, on_progress=bar.update)
                else:
                    summary = run_ingest(plan, store, workers=workers or 1, batch_size=batch_size,
                                         on_progress=bar.update)
    except ClusterError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
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


def _ocr_options(ocr: bool | None, ocr_lang: str | None):
    """The run's OCR options; a usage error when OCR was asked for (--ocr, --ocr-lang) and cannot run."""
    from recruitwatch.ingest import ocr as ingest_ocr

    try:
        langs = ingest_ocr.tesseract_langs(ocr_lang or ingest_ocr.DEFAULT_LANGUAGES)
        options = ingest_ocr.OcrOptions(langs=langs, folders=bool(ocr), enabled=ocr is not False)
        if ocr or (ocr_lang and ocr is not False):
            ingest_ocr.check(options)
    except ConfigError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    return options


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
    date_from: FromOption = None,
    date_to: ToOption = None,
    place: PlaceOption = None,
    nationality: NationalityOption = None,
    status: StatusOption = None,
    actor: ActorOption = None,
    tactic: TacticOption = None,
    outcome: OutcomeOption = None,
    verification: VerificationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Incidents counted by tactic, place and month (or other breakdowns), with the same filters as
    `incidents list`. A case reported by several documents counts once."""
    from recruitwatch.taxonomy import label
    from recruitwatch.taxonomy.places import place_name

    unknown = [b for b in by if b not in BREAKDOWNS]
    if unknown:
        error(f"unknown breakdown {', '.join(unknown)}; choose from {', '.join(BREAKDOWNS)}")
        raise typer.Exit(EXIT_USAGE)
    filters = incident_filters(date_from=date_from, date_to=date_to, place=place, nationality=nationality,
                               status=status, actor=actor, tactic=tactic, outcome=outcome, verification=verification)
    with opened(db) as store:
        total, results = store.incident_figures(by, filters)  # every breakdown and the count from two grouped reads
        cases, corroborated = store.case_counts()
        where = store.describe()
    if as_json:
        _emit_json({b: dict(rows) for b, rows in results.items()})
        return
    filtered = total != cases
    console.print(f"[bold]{total}[/] incidents{' matching the filters' if filtered else ''} (each case once, however "
                  f"many reports tell it; {corroborated} in the store corroborated by two or more "
                  f"independent outlets) in {where}")
    for b, rows in results.items():
        table = Table(title=f"Incidents by {b}", title_justify="left")
        table.add_column(b)
        table.add_column("incidents", justify="right")
        for value, count in rows:
            if b in ("place", "nationality"):
                name = place_name(value, lang)
                shown = f"{value} {name}" if name and name != value else value
            else:
                shown = label(BREAKDOWNS[b], value, lang)
            table.add_row(shown, str(count))
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
    """Show one document: metadata, every origin it was found at, its near-duplicate group, screening reasons and text."""
    with opened(db) as store:
        doc = store.get_document(document_id)
        incidents = store.list_incidents(_filter(document_id=doc.id), limit=1000) if doc else []
        group = store.document_group(doc.id) if doc else None
    if doc is None or group is None:
        error(f"no document with id {document_id!r}; `recruitwatch documents list` shows the ids")
        raise typer.Exit(EXIT_FAILED)
    if as_json:
        _emit_json({**doc.to_dict(), "incidents": [i.id for i in incidents], "origins": group.origins,
                    "group": {"canonical": group.group_id, "members": [_document_row(d) for d in group.members]}})
        return
    table = Table(show_header=False)
    for key, value in _document_row(doc).items():
        table.add_row(key, Text("" if value is None else str(value)))
    table.add_row("reasons", Text("; ".join(doc.reasons)))
    ocr = (doc.meta or {}).get("ocr")
    if ocr:  # reviewers must know that names, numbers and dates were read by a machine from a picture
        pages = ", ".join(str(n) for n in ocr.get("pages", []))
        table.add_row("text from", Text(f"OCR ({ocr.get('engine', 'tesseract')}, {ocr.get('langs', '')}; pages {pages}; "
                                        f"mean confidence {ocr.get('confidence', 0):g}/100): check names, numbers "
                                        "and dates against the original"))
    table.add_row("incidents", ", ".join(i.id[:12] for i in incidents))
    table.add_row("found at", Text("\n".join(
        " · ".join(str(x) for x in (o["origin"], o["outlet"], o["published"]) if x) for o in group.origins)))
    console.print(table)
    if len(group.members) > 1:
        members = Table(title=f"Near-duplicate group ({len(group.members)} documents; copies are one source)",
                        title_justify="left")
        for name in ("id", "role", "published", "outlet", "origin"):
            members.add_column(name, overflow="fold")
        for d in group.members:
            members.add_row(d.id[:12], "canonical" if d.id == group.group_id else "copy", d.published or "",
                            Text(d.outlet or ""), Text(d.url or d.origin))
        console.print(members)
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
    row.update({"id": i.id, "case_id": i.case_id, "document_id": i.document_id, "date_precision": i.date_precision,
                "verification": i.verification, "confidence": i.confidence,
                "field_confidence": i.field_confidence(), "pipeline_version": i.pipeline_version, "version": i.version})
    return row


def _resolve(kind: str, value: str | None) -> list[str] | None:
    """Codes for a --place / --nationality value (codes or names); a usage error listing close matches."""
    from recruitwatch.review.actions import unknown_name
    from recruitwatch.taxonomy.places import resolve_nationality, resolve_place

    if value is None:
        return None
    found = (resolve_place if kind == "place" else resolve_nationality)(value)
    if not found.codes:
        error(unknown_name(kind, found))
        raise typer.Exit(EXIT_USAGE)
    return found.codes


def incident_filters(*, date_from=None, date_to=None, place=None, nationality=None, status=None, actor=None,
                     tactic=None, outcome=None, verification=None, cases=True):
    """The IncidentFilter of the shared filter options, checked (usage errors say what exists)."""
    from recruitwatch.records import VERIFICATION_STATES

    for field, code in (("status", status), ("actors", actor), ("tactics", tactic), ("outcome", outcome)):
        _check_code(field, code)
    if verification is not None and verification not in VERIFICATION_STATES:
        error(f"unknown verification state {verification!r}; choose from: {', '.join(VERIFICATION_STATES)}")
        raise typer.Exit(EXIT_USAGE)
    _check_date("--from", date_from)
    _check_date("--to", date_to)
    return _filter(date_from=date_from, date_to=date_to, place=_resolve("place", place),
                   nationality=_resolve("nationality", nationality), status=status, actor=actor, tactic=tactic,
                   outcome=outcome, verification=verification, cases=cases)


def _with_names(codes, lang: str = "en") -> str:
    from recruitwatch.taxonomy.places import place_name

    named = ((c, place_name(c, lang)) for c in codes)
    return ", ".join(f"{c} {name}" if name and name != c else c for c, name in named)


def _list_row(i, source) -> dict:
    from recruitwatch.link import cases

    row = _incident_row(i)
    row.pop("evidence", None)
    row.update({"summary": i.summary, "version": i.version,
                "place_names": [_with_names([c]) for c in i.places],
                "nationality_names": [_with_names([c]) for c in i.nationalities],
                "title": source.title if source else None,
                "outlet": cases.outlet_name(source) if source else None,
                "url": source.url if source else None})
    return row


def _incidents_table(incidents, sources) -> Table:
    """Four columns that fit 80 characters; long values wrap, nothing is cut off."""
    from rich import box

    from recruitwatch.link import cases
    from recruitwatch.taxonomy import label

    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=False, pad_edge=False)
    table.add_column("id · date · state", no_wrap=True)
    table.add_column("where · from", overflow="fold", ratio=2)
    table.add_column("tactics → outcome", overflow="fold", ratio=2)
    table.add_column("source · outlet", overflow="fold", ratio=3)
    for i in incidents:
        src = sources.get(i.document_id)
        conf = "" if i.confidence is None else f" {i.confidence:.2f}"
        table.add_row(
            Text(f"{i.id[:8]}\n{i.date or 'undated'}\n{i.verification}{conf}"),
            Text(f"{_with_names(i.places) or '?'}\nfrom {_with_names(i.nationalities) or '?'}"),
            Text("\n".join(label("tactics", t) for t in i.tactics)
                 + (f"\n→ {label('outcome', i.outcome)}" if i.outcome and i.outcome != "unknown" else "")),
            Text(f"{(src.title if src else None) or '(untitled)'}\n— {(cases.outlet_name(src) if src else '') or 'outlet not recorded'}"),
        )
    return table


@incidents_app.command("list")
def incidents_list(
    db: DbOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    place: PlaceOption = None,
    nationality: NationalityOption = None,
    status: StatusOption = None,
    actor: ActorOption = None,
    tactic: TacticOption = None,
    outcome: OutcomeOption = None,
    verification: VerificationOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    least_confident: Annotated[bool, typer.Option(
        "--least-confident", help="Least confident first (a reviewer's order), not newest first.")] = False,
    reports: Annotated[bool, typer.Option(
        "--reports", help="One row per report's incident, not one per case (a case told by three reports: three rows).")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help=f"Output: {', '.join(FORMATS)}. table fits an 80-column terminal and a pipe; "
                               "csv, json and jsonl carry every field.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """List incidents (one row per case) with their source's title and outlet, filtered by date range, place,
    nationality, status, actor, tactic, outcome or verification; a count of all matches ends the list."""
    fmt = "json" if as_json else output_format
    if fmt not in FORMATS:
        error(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        raise typer.Exit(EXIT_USAGE)
    filters = incident_filters(date_from=date_from, date_to=date_to, place=place, nationality=nationality,
                               status=status, actor=actor, tactic=tactic, outcome=outcome,
                               verification=verification, cases=not reports)
    with opened(db) as store:
        incidents = store.list_incidents(filters, limit=limit, offset=offset, least_confident_first=least_confident)
        total = store.count_incidents(filters)
        sources = store.sources({i.document_id for i in incidents})
    shown = f"{offset + 1}-{offset + len(incidents)} of " if incidents and (offset or len(incidents) < total) else ""
    count_line = f"{shown}{total} {'incident' if total == 1 else 'incidents'}" + ("" if reports else " (cases)")
    rows = [_list_row(i, sources.get(i.document_id)) for i in incidents]
    if fmt == "json":
        _emit_json(rows)
    elif fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        _write_csv(rows)
    else:
        if incidents:
            console.print(_incidents_table(incidents, sources))
        console.print(count_line, highlight=False)
        if not incidents:
            err_console.print("No incidents match.")
        return
    err_console.print(count_line, highlight=False)


def _write_csv(rows: list[dict]) -> None:
    import csv

    columns = ["id", "case_id", "date", "date_precision", "places", "place_names", "nationalities", "status", "count",
               "actors", "tactics", "outcome", "verification", "confidence", "version", "title", "outlet", "url",
               "document_id", "summary"]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else "" if v is None else v
                         for v in (row.get(c) for c in columns)])


@incidents_app.command("show")
def incidents_show(
    incident_id: Annotated[str, typer.Argument(help="Incident id (a unique prefix is enough).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one incident: its case's fields, the sources that report it (which of them are independent and
    corroborate it), how the reports were matched, and the evidence span behind every field."""
    with opened(db) as store:
        case = store.get_case(incident_id)
    if case is None:
        error(f"no incident with id {incident_id!r}; `recruitwatch incidents list` shows the ids")
        raise typer.Exit(EXIT_FAILED)
    incident = case.incident
    if as_json:
        _emit_json({**_incident_row(incident), "case_id": incident.case_id,
                    "reports": [i.id for i in case.members],
                    "sources": [_source_row(s) for s in case.sources],
                    "independent_sources": [[s.document_id for s in group] for group in case.independent],
                    "links": [lk.to_dict() for lk in case.links],
                    "evidence_spans": [e.to_dict() for e in incident.evidence]})
        return
    table = Table(show_header=False)
    for key, value in _incident_row(incident).items():
        if key == "field_confidence":
            value = ", ".join(f"{k} {v:.2f}" for k, v in value.items())
        if key != "evidence":
            table.add_row(key, ", ".join(value) if isinstance(value, list) else "" if value is None else str(value))
    table.add_row("reports", ", ".join(i.id[:12] for i in case.members))
    console.print(table)
    from recruitwatch.link import cases

    sources = Table(title=f"Sources: {len(case.sources)} documents, {len(case.independent)} independent "
                          f"({'corroborated' if len(case.independent) > 1 else 'one source: not corroborated'})",
                    title_justify="left")
    for name in ("source", "document", "published", "outlet", "title / origin"):
        sources.add_column(name, overflow="fold")
    for n, group in enumerate(case.independent, 1):
        for s in group:
            sources.add_row(str(n), s.document_id[:12], s.published or "", Text(cases.outlet_name(s)),
                            Text(s.title or s.url or ""))
    console.print(sources)
    if case.links:
        links = Table(title="How the reports were matched", title_justify="left")
        for name in ("incidents", "kind", "by", "score", "agreeing fields"):
            links.add_column(name, overflow="fold")
        for lk in case.links:
            links.add_row(f"{lk.a[:8]} + {lk.b[:8]}", lk.kind, lk.actor, "" if lk.score is None else f"{lk.score:.2f}",
                          ", ".join(f"{k} {v:.2f}" for k, v in lk.fields.items()))
        console.print(links)
    evidence = Table(title="Evidence", title_justify="left")
    for name in ("field", "value", "confidence", "document", "span", "text"):
        evidence.add_column(name, overflow="fold")
    for e in incident.evidence:
        evidence.add_row(e.field, e.value, "" if e.confidence is None else f"{e.confidence:.2f}", e.document_id[:8],
                         f"{e.start}-{e.end}", Text(e.text))
    console.print(evidence)


def _source_row(s) -> dict:
    return {"document_id": s.document_id, "group_id": s.group_id, "outlet": s.outlet, "url": s.url,
            "published": s.published, "title": s.title}


@incidents_app.command("merge")
def incidents_merge(
    first: Annotated[str, typer.Argument(help="An incident id (a unique prefix is enough).")],
    second: Annotated[str, typer.Argument(help="Another incident id: its case joins the first one's.")],
    as_user: Annotated[str | None, typer.Option(
        "--as", metavar="USER", help="Act as this recruitwatch user (analyst or admin); recorded in the audit log. "
                                     "Default: your operating-system user name.")] = None,
    db: DbOption = None,
) -> None:
    """Merge two incidents' cases into one (a reviewer's decision, recorded in the audit log; it withdraws an
    earlier split between them). Corroboration is recomputed from the merged case's independent sources."""
    from recruitwatch.cli.users import acting

    with opened(db) as store:
        case_id = store.merge_incidents(first, second, actor=acting(store, as_user, "edit"))
        case = store.get_case(case_id)
    console.print(f"Merged: case {case_id[:12]} now has {len(case.members)} reports from "
                  f"{len(case.independent)} independent sources ({case.incident.verification}).", highlight=False)


@incidents_app.command("split")
def incidents_split(
    incident_id: Annotated[str, typer.Argument(help="Incident id (a unique prefix is enough) to take out of its case.")],
    as_user: Annotated[str | None, typer.Option(
        "--as", metavar="USER", help="Act as this recruitwatch user (analyst or admin); recorded in the audit log. "
                                     "Default: your operating-system user name.")] = None,
    db: DbOption = None,
) -> None:
    """Take an incident out of the case it was merged into (a reviewer's decision, recorded in the audit log).
    The split is remembered: re-linking and new reports never join it to those reports again; only
    `incidents merge` undoes it."""
    from recruitwatch.cli.users import acting

    with opened(db) as store:
        case_ids = store.split_incident(incident_id, actor=acting(store, as_user, "edit"))
    console.print(f"Split: the reports now form {len(case_ids)} cases: {', '.join(c[:12] for c in case_ids)}",
                  highlight=False)


@app.command()
def reextract(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="VERSION",
        help="Only documents extracted by this code version or an older one (e.g. 0.2.0). "
             "Default: every document whose pipeline version differs from the current one.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for screening and extraction.")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Screen, extract and link stored documents again after an upgrade of the extractor.

    Runs in batches, one transaction each; interrupted, it goes on where it stopped when run again.
    Machine incidents are replaced; incidents a reviewer verified, disputed or rejected are kept, and
    reviewers' merges and splits stay in force.
    """
    from recruitwatch import pipeline_version
    from recruitwatch.pipeline import run_reextract

    with opened(db) as store:
        summary = run_reextract(store, since=since, workers=workers, batch_size=batch_size,
                                on_batch=lambda s: err_console.print(f"re-extracted {s.documents} documents",
                                                                     highlight=False))
        stats = store.stats()
    if as_json:
        _emit_json({**summary.to_dict(), "pipeline_version": pipeline_version(), "incidents": stats["incidents"]})
        return
    if not summary.documents:
        console.print(f"Nothing to re-extract: every document is at pipeline version {pipeline_version()}.",
                      highlight=False)
        return
    console.print(f"Re-extracted {summary.documents} documents with pipeline version {pipeline_version()}: "
                  f"{summary.removed} machine incidents replaced by {summary.added}, {summary.kept} reviewed "
                  f"incidents kept; {stats['incidents']} incidents (cases) now.", highlight=False)


@app.command()
def link(
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link the whole store again: near-duplicate groups, cases and corroboration.

    Ingest links every batch as it is stored; run this after upgrading a store made before
    version 0.3 of the schema (migration 0003), or after a change to the linking rules.
    Reviewers' merges and splits are kept.
    """
    with opened(db) as store:
        counts = store.relink()
        stats = store.stats()
    if as_json:
        _emit_json({**counts, "corroborated": stats["corroborated"]})
        return
    console.print(f"Linked {counts['documents']} documents and {counts['incidents']} incidents: "
                  f"{counts['cases']} cases, {stats['corroborated']} corroborated.", highlight=False)
