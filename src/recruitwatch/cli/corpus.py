"""`extract` and `eval`: run the extractor over JSONL files and score it, without a database."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.table import Table

from recruitwatch.cli import EXIT_FAILED, EXIT_PARTIAL, app
from recruitwatch.cli.output import console, err_console, error, progress, warn
from recruitwatch.errors import EvalError


def _input_documents(path: Path, failures: list[str], warnings: list[str]) -> Iterator:
    """Documents from a JSONL file with `id` and `text`; bad lines are reported, not fatal."""
    from recruitwatch.isodate import iso_date
    from recruitwatch.records import Document

    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                    raise ValueError("each line needs an `id` and a string `text`")
            except (json.JSONDecodeError, ValueError) as exc:
                failures.append(f"{path}:{number}: {exc}")
                continue
            published = row.get("published")
            if published is not None and iso_date(published) is None:
                warnings.append(f"{path}:{number}: `published` {published!r} is not a date; read without it")
            yield Document(
                id=str(row["id"]),
                origin=f"{path.name}#{row['id']}",
                text=row["text"],
                lang=row.get("lang"),
                title=row.get("title"),
                published=row.get("published"),
                url=row.get("url"),
            )


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


@app.command()
def extract(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                 help="JSONL with one document per line: `id`, `text`, optional `lang`, `title`, `published`."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write predictions (JSONL, gold format)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes."),
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Documents handed to the workers at a time."),
    rules_only: bool = typer.Option(False, "--rules-only",
                                    help="Use the cue rules alone, without the learned model (the baseline)."),
) -> None:
    """Predict relevance and incidents for each input line, in the gold format. Touches no database."""
    from recruitwatch.pipeline import Analyser, batched

    failures: list[str] = []
    warnings: list[str] = []
    total = _count_lines(input)
    written = 0
    try:
        out_file = output.open("w", encoding="utf-8")
    except OSError as exc:
        error(f"cannot write {output}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_FAILED) from None
    with out_file as out, Analyser(workers, learned=not rules_only) as analyser, progress() as bar:
        task = bar.add_task("Extracting", total=total)
        for batch in batched(_input_documents(input, failures, warnings), batch_size):
            for analysis in analyser.map(batch):
                out.write(json.dumps(analysis.to_prediction(), ensure_ascii=False) + "\n")
                written += 1
            bar.update(task, completed=written + len(failures))
    for warning in warnings:
        warn(warning)
    for failure in failures:
        error(failure)
    err_console.print(f"Wrote {written} predictions to {output}" + (f"; {len(failures)} lines failed" if failures else ""))
    if failures:
        raise typer.Exit(EXIT_PARTIAL)


def _rows():
    from recruitwatch.evaluate import FIELDS

    return [("relevance", lambda g: g.relevance)] + [(f, (lambda g, f=f: g.fields[f])) for f in FIELDS]


def _overall_table(report, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("field", no_wrap=True)
    for name in ("P", "R", "F1", "support"):
        table.add_column(name, justify="right")
    for name, pick in _rows():
        c = pick(report.overall)
        table.add_row(name, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
    table.add_row("count MAE", "", "", f"{report.overall.count_mae:.2f}", str(report.overall.relevant_documents))
    return table


def _language_table(report) -> Table:
    langs = report.languages()
    table = Table(title="F1 by language (documents)", title_justify="left")
    table.add_column("field", no_wrap=True)
    for lang in langs:
        table.add_column(f"{lang} ({report.groups[lang].documents})", justify="right")
    for name, pick in _rows():
        table.add_row(name, *(f"{pick(report.groups[lang]).f1:.3f}" for lang in langs))
    table.add_row("count MAE", *(f"{report.groups[lang].count_mae:.2f}" for lang in langs))
    return table


def _code_table(report) -> Table:
    table = Table(title="per code (documents holding the code)", title_justify="left")
    for name in ("field", "code"):
        table.add_column(name, no_wrap=True)
    for name in ("P", "R", "F1", "support", "spurious"):
        table.add_column(name, justify="right")
    for field_name, codes in report.codes.items():
        for code, c in sorted(codes.items(), key=lambda kv: kv[1].f1):
            table.add_row(field_name, code, f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}", str(c.support),
                          str(c.fp))
    return table


def _print_errors(report) -> None:
    console.print(f"\nErrors in {len(report.errors)} documents (missing = in gold only, spurious = predicted only):")
    for e in report.errors:
        rel = e["relevant"]
        head = f"{e['id']} [{e['lang']}]"
        if rel["gold"] != rel["predicted"]:
            head += f" relevant: gold {rel['gold']}, predicted {rel['predicted']}"
        if e["incidents"]["gold"] != e["incidents"]["predicted"]:
            head += f" incidents: gold {e['incidents']['gold']}, predicted {e['incidents']['predicted']}"
        console.print(head, highlight=False, markup=False)
        for name, wrong in e["fields"].items():
            parts = ([f"missing {', '.join(wrong['missing'])}"] if wrong["missing"] else []) + \
                    ([f"spurious {', '.join(wrong['spurious'])}"] if wrong["spurious"] else [])
            console.print(f"    {name}: {'; '.join(parts)}", highlight=False, markup=False)


@app.command("eval")
def evaluate(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold JSONL (the taxonomy spec's format)."),
    predictions: Path = typer.Argument(..., exists=True, dir_okay=False, help="Predictions JSONL from `extract`."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    errors: bool = typer.Option(False, "--errors", help="Also list each document's missing and spurious values."),
) -> None:
    """Score predictions against gold: relevance and each field, overall, per language and per code."""
    from recruitwatch.evaluate import load_jsonl, score

    try:
        report = score(load_jsonl(gold), load_jsonl(predictions))
    except EvalError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    if as_json:
        data = report.to_dict()
        if errors:
            data["errors"] = report.errors
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        console.print(_overall_table(report, f"{gold.name}: {report.overall.documents} documents"))
        console.print(_language_table(report))
        console.print(_code_table(report))
        if errors:
            _print_errors(report)
    if report.missing_predictions:
        error(f"{len(report.missing_predictions)} gold documents have no prediction (scored as not relevant): "
              + ", ".join(report.missing_predictions[:5]))
        raise typer.Exit(EXIT_PARTIAL)
