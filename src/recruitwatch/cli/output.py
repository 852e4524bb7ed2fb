"""Shared console helpers for the CLI: consoles, progress bars, error lines."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column
from rich.text import Text

if TYPE_CHECKING:
    from recruitwatch.pipeline import IngestProgress

console = Console()
err_console = Console(stderr=True)


def progress(transient: bool = True) -> Progress:
    """A progress bar on stderr, so stdout stays clean for data."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
    )


def error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False)


# -- ingest progress ----------------------------------------------------------------------

def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class _CountsColumn(ProgressColumn):
    """``12/340 files · 1,234 documents · 2 failed`` (``1,234 documents`` when the total is unknown)."""

    def render(self, task: Task) -> Text:
        text = Text(no_wrap=True)
        if task.fields.get("files_known"):
            text.append(f"{int(task.completed):,}/{int(task.total or 0):,} files", style="progress.download")
            text.append(" · ")
        text.append(_plural(task.fields.get("documents", 0), "document"))
        failed = task.fields.get("failed", 0)
        if failed:
            text.append(" · ")
            text.append(f"{failed:,} failed", style="red")
        return text


class _EtaColumn(ProgressColumn):
    """``ETA 0:01:23`` while the total is known and the rate measurable; blank otherwise."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if task.finished or not task.fields.get("files_known") or remaining is None:
            return Text("")
        minutes, seconds = divmod(int(remaining), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining", no_wrap=True)


class _IngestProgress(Progress):
    """The bar on one line and, under it, what the run is doing (the file being read, ...)."""

    def get_renderables(self):
        yield self.make_tasks_table(self.tasks)
        for task in self.tasks:
            line = _activity(task.fields.get("stage"), task.fields.get("current"))
            if line:
                yield Text(f"  {line}", style="dim", no_wrap=True, overflow="ellipsis")


def _activity(stage: str | None, current: str | None) -> str:
    if stage == "finding":
        return "finding files…"
    if stage == "reading" and current:
        return f"reading {current if '://' in current else os.path.basename(current)}"
    if stage == "analysing":
        return "screening and extracting…"
    if stage == "storing":
        return "storing…"
    return ""


class IngestBar:
    """Renders :class:`recruitwatch.pipeline.IngestProgress` snapshots as a bar on stderr.

    Does nothing when the console is not a terminal (a pipe, a file, CI), so scripts get clean
    output. Use as a context manager and pass :meth:`update` as ``on_progress``.
    """

    def __init__(self, console: Console | None = None, *, enabled: bool | None = None):
        console = console or err_console
        self.enabled = console.is_terminal if enabled is None else enabled
        self._progress: Progress | None = None
        self._task = None
        self._files_known = False
        if self.enabled:
            self._progress = _IngestProgress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}"),
                BarColumn(bar_width=None),
                _CountsColumn(table_column=Column(no_wrap=True)),
                TimeElapsedColumn(),
                _EtaColumn(table_column=Column(no_wrap=True)),
                console=console,
                transient=False,
            )

    def __enter__(self) -> IngestBar:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("Ingesting", total=None, files_known=False, documents=0, failed=0,
                                                 stage="finding", current=None)
        return self

    def update(self, state: IngestProgress) -> None:
        if self._progress is None:
            return
        changes = {"completed": state.files_done, "documents": state.documents, "failed": state.failed,
                   "stage": state.stage, "current": state.current}
        if state.files_total is not None:
            self._files_known = True
            changes.update(total=state.files_total, files_known=True)
        self._progress.update(self._task, **changes)

    def __exit__(self, exc_type, *exc: object) -> None:
        if self._progress is None:
            return
        if exc_type is not None:
            self._progress.update(self._task, description="Stopped", stage=None)
        elif self._files_known:
            self._progress.update(self._task, description="Ingested", stage=None)
        else:  # no total: show the bar full once the run is over
            self._progress.update(self._task, description="Ingested", stage=None, total=1, completed=1)
        self._progress.stop()
