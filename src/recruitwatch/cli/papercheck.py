"""`recruitwatch papercheck FILE...`: is there a military document in this stack of papers?"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from recruitwatch.cli import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits
from recruitwatch.errors import ConfigError, ReadError


@app.command("papercheck")
def papercheck(
    files: list[Path] = typer.Argument(..., help="PDFs, photos or scans (JPEG, PNG, TIFF, HEIC); many at once."),
    lang: str = typer.Option("en", "--lang", help="Language of the result: en, ru, uz, tg, ky, kk."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per page (JSON Lines) instead."),
    ocr_lang: str = typer.Option("rus+eng", "--ocr-lang",
                                 help="Tesseract languages, e.g. rus+eng+uzb+uzb-cyrl+kaz+kir+tgk."),
    country: str | None = typer.Option(None, "--country",
                                          help="Home country for the risks section: uz, tj, kg, kz, tm (default: all)."),
    boxes: Path | None = typer.Option(
        None, "--boxes", metavar="OUT_DIR", file_okay=False,
        help="Also write each page with findings as a PNG into OUT_DIR (made if missing), the words that "
             "decided its verdict boxed: red on a military paper, orange for military words on another paper. "
             "Named FILE-pageN.png. The page is shown upright and straightened, as it was read."),
    limit: LimitsOption = None,
) -> None:
    """Check each page: is it a military contract, call-up notice or other military paper?

    Prints a table per file and what to do. With --json: one JSON object per page, with the boxes around the deciding words in pixels of the page as read (page_size gives its width and height).
    """
    from recruitwatch.papercheck import PageViews, PaperChecker
    from recruitwatch.papercheck.guidance import COUNTRIES, LANGS, build_report
    from recruitwatch.papercheck.sources import open_source

    err = Console(stderr=True)
    limits = resolve_limits(limit)
    if lang not in LANGS:
        err.print(f"[red]Unknown --lang {lang!r}[/red]; choose one of {', '.join(LANGS)}.")
        raise typer.Exit(EXIT_USAGE)
    if country is not None and country not in COUNTRIES:
        err.print(f"[red]Unknown --country {country!r}[/red]; choose one of {', '.join(COUNTRIES)}.")
        raise typer.Exit(EXIT_USAGE)
    try:
        checker = PaperChecker(ocr_langs=ocr_lang, limits=limits)
        if ocr_lang != "rus+eng":
            _ = checker.ocr  # validate the languages now, before any file is read
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None

    # Open every file once first, so unreadable files are reported at once and the page total is
    # known; then check them one at a time, each opened again, so that only one file is ever held
    # in memory (each may be up to file_bytes).
    views = None
    if boxes is not None:
        try:
            boxes.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            err.print(f"[red]--boxes {escape(str(boxes))}: cannot create the folder ({exc.strerror or exc})[/red]")
            raise typer.Exit(EXIT_USAGE) from None
        # one image at a time: each is written as soon as its page is checked, then dropped
        views = PageViews(1, fmt="PNG", side=BOXES_SIDE, findings_only=True)
    written: set[Path] = set()

    def write_boxes(page) -> None:
        if views is None or page.view is None:
            return
        from recruitwatch.papercheck.marks import annotate

        target = _boxes_path(boxes, page, written)
        try:
            target.write_bytes(annotate(page.view, page.boxes, page.page_size))
            written.add(target)
            err.print(f"wrote {escape(str(target))}")
        except OSError as exc:
            err.print(f"[red]error[/red] {escape(str(target))}: could not write ({exc.strerror or exc})")
        finally:
            views.release(page)

    readable, results_by_name = [], {}
    from recruitwatch.papercheck.results import FileResult

    total = 0
    for path in files:
        try:
            source = open_source(str(path), limits=limits)
        except ReadError as exc:
            results_by_name[str(path)] = FileResult(str(path), error=str(exc))
            continue
        total += source.page_count
        source.close()
        readable.append(str(path))

    def emit(page) -> None:
        write_boxes(page)
        if as_json:
            typer.echo(json.dumps(page.to_dict(), ensure_ascii=False))

    def check(name: str, on_page) -> FileResult:
        try:
            return checker.check_source(open_source(name, limits=limits), on_page, views=views)
        except ReadError as exc:  # changed since it was first opened
            return FileResult(name, error=str(exc))

    try:
        if total > 1:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True) as progress:
                task = progress.add_task("Checking pages", total=total)
                for name in readable:
                    def on_page(page, _task=task):
                        emit(page)
                        progress.advance(_task)
                    results_by_name[name] = check(name, on_page)
        else:
            for name in readable:
                results_by_name[name] = check(name, emit)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        checker.close()

    results = [results_by_name[str(p)] for p in files]
    failed = [r for r in results if r.error]
    for r in failed:
        err.print(f"[red]error[/red] {r.error}")
        if as_json:
            typer.echo(json.dumps({"file": r.file, "page": None, "error": r.error}, ensure_ascii=False))

    if not as_json:
        out = Console()
        report = build_report(results, lang, country)
        _print_tables(out, results, report)
        _print_report(out, report)

    if failed and len(failed) == len(results):
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_PARTIAL if failed else EXIT_OK)


#: Longest side of the PNGs ``--boxes`` writes: larger than the web's, for reading small print.
BOXES_SIDE = 1600


def _boxes_path(folder: Path, page, taken: set[Path]) -> Path:
    """``FILE-pageN.png`` in ``folder``; ``FILE-pageN-2.png`` if another input of this run has the same name."""
    stem = f"{Path(page.file).name}-page{page.page}"
    target, n = folder / f"{stem}.png", 1
    while target in taken:
        n += 1
        target = folder / f"{stem}-{n}.png"
    return target


def _print_tables(out: Console, results, report) -> None:
    from recruitwatch.papercheck.guidance import type_label

    ui = report.ui
    for r in results:
        if r.error:
            continue
        table = Table(title=r.file, title_justify="left", show_lines=False)
        table.add_column(ui["page"], justify="right")
        table.add_column(ui["type"])
        table.add_column(ui["military"])
        table.add_column(ui["confidence"], justify="right")
        table.add_column(ui["cues"])
        for p in r.pages:
            if p.military:
                flag = f"[bold red]{ui['yes']}[/bold red]"
            elif not p.readable:
                flag = f"[yellow]{ui['unreadable']}[/yellow]"
            elif p.mentions_military:
                flag = f"{ui['no']} [yellow]({ui['mentions']})[/yellow]"
            else:
                flag = ui["no"]
            kind = "—" if not p.readable else type_label(report.lang, p.type)  # nothing read, nothing to name
            table.add_row(str(p.page), kind, flag, f"{p.confidence:.2f}", "; ".join(p.cues[:3]))
        out.print(table)


def _sources(ui: dict[str, str], links: list[tuple[str, str]]) -> str:
    """" (sources: Publisher <https://...>; ...)": the publisher's name and its public link, nothing internal."""
    if not links:
        return ""
    shown = "; ".join(f"{escape(label)} {escape(url)}" for label, url in links[:2])
    return f" [dim]({escape(ui['sources'])}: {shown})[/dim]"


def _print_report(out: Console, report) -> None:
    ui = report.ui
    for line in report.verdicts:
        style = "bold white on red" if report.alarm and line == report.verdicts[0] else "bold"
        out.print(f"[{style}]{line}[/{style}]")
    for page in report.military_pages:
        out.print(f"  • {page.file}, {ui['page'].lower()} {page.page}: [bold]{page.label}[/bold]. {page.meaning}"
                  f"{_sources(ui, page.links)}")

    def section(title: str, items, intro: str | None = None) -> None:
        if not items:
            return
        out.print(f"\n[bold underline]{title}[/bold underline]")
        if intro:
            out.print(intro)
        for s in items:
            out.print(f"  • {s.text}{_sources(ui, s.links)}")

    section(ui["rights"], report.rights)
    section(ui["risks"], report.risks, report.risks_intro)
    section(ui["actions"], report.actions)
    section(ui["organisations"], report.organisations)
    out.print(f"\n[dim]{ui['limits']}[/dim]")
