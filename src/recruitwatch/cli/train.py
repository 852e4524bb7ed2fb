"""`train` and `corpus validate`: rebuild the shipped model, check annotated documents."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from recruitwatch.cli import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE, app
from recruitwatch.cli.output import console, err_console, error, progress

corpus_app = typer.Typer(help="Check the annotated corpus (gold JSONL).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


def _default_corpus() -> Path | None:
    here = Path.cwd() / "corpus"
    return here if here.is_dir() else None


@app.command()
def train(
    corpus: list[Path] = typer.Option(None, "--corpus", "-c", exists=True,
                                      help="Gold JSONL files or folders to learn from (default: ./corpus)."),
    output: Path = typer.Option(None, "--output", "-o",
                                help="Where to write the model (default: the one the package ships and loads)."),
) -> None:
    """Rebuild the learned model from the annotated corpus (deterministic: same corpus, same file)."""
    from recruitwatch.evaluate.gold import expand, validate
    from recruitwatch.learn.model import model_path
    from recruitwatch.learn.train import train as run

    paths = list(corpus) if corpus else ([_default_corpus()] if _default_corpus() else [])
    if not paths:
        error("no corpus: run this in the repository's top folder (it has corpus/) or give --corpus PATH")
        raise typer.Exit(EXIT_USAGE)
    problems = validate(paths)
    if problems:
        for p in problems[:20]:
            error(str(p))
        error(f"{len(problems)} problems in the corpus: fix them first (`recruitwatch corpus validate`)")
        raise typer.Exit(EXIT_FAILED)
    target = output or model_path()
    err_console.print(f"Learning from {len(expand(paths))} files in {', '.join(map(str, paths))}")
    with progress() as bar:
        tasks: dict[str, int] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage.capitalize(), total=total)
            bar.update(tasks[stage], completed=done)

        report = run(paths, target, step)
    table = Table(title="held-out F1 per label (3 folds by document)", title_justify="left")
    table.add_column("label")
    table.add_column("sentences", justify="right")
    table.add_column("F1", justify="right")
    for label, f1 in report.heldout_f1.items():
        table.add_row(label, str(report.label_support.get(label, "")), f"{f1:.3f}")
    console.print(table)
    console.print(f"{report.documents} documents ({report.relevant} relevant), {report.sentences} sentences "
                  f"({report.labelled_sentences} labelled); vocabulary {report.vocabulary}")
    console.print(f"Wrote {target} ({report.size / 1e6:.1f} MB, sha256 {report.digest[:12]}) "
                  f"in {report.seconds:.0f} s")


@corpus_app.command("validate")
def validate_corpus(
    paths: list[Path] = typer.Argument(..., exists=True, help="Gold JSONL files or folders."),
) -> None:
    """Check every line: codes, evidence verbatim in the text, ids, varied key phrases."""
    from recruitwatch.evaluate.gold import expand, read_gold, validate

    problems = validate(paths)
    for p in problems:
        typer.echo(str(p))  # one plain line each: file:line: id: problem (greppable)
    try:
        documents = len(read_gold(*expand(paths)))
    except Exception:
        documents = 0
    err_console.print(f"{documents} documents, {len(problems)} problems")
    if problems:
        raise typer.Exit(EXIT_PARTIAL)


@corpus_app.command("balance")
def balance_corpus(
    paths: list[Path] = typer.Argument(..., exists=True, help="Gold JSONL files or folders."),
) -> None:
    """Print the corpus's balance table (languages, relevance, styles, negatives, codes) as Markdown."""
    from recruitwatch.evaluate.gold import balance, read_gold

    table = balance(read_gold(*paths))
    for name, counts in table.items():
        console.print(f"\n**{name}**\n", highlight=False, markup=False)
        console.print("| value | documents or incidents |\n|---|---|", highlight=False, markup=False)
        for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            console.print(f"| {value} | {n} |", highlight=False, markup=False)
