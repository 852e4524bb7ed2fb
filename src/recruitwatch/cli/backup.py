"""`recruitwatch backup` and `recruitwatch restore`: encrypted, online backups of the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from recruitwatch.cli import EXIT_FAILED, app
from recruitwatch.cli.export import _default_actor
from recruitwatch.cli.output import console, error
from recruitwatch.cli.store import DbOption

KeyFileOption = Annotated[
    Path | None,
    typer.Option("--key-file", help="File holding the backup key (else $RECRUITWATCH_BACKUP_KEY). Keep it away from the backups."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a sentence.")]
AsOption = Annotated[str | None, typer.Option("--as", help="Who runs it, for the audit trail (default: the login name).")]


def _print(info, verb: str, target: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(info.to_dict(), ensure_ascii=False) + "\n")
    else:
        console.print(f"{verb} {target}: {info.kind} store at schema {info.schema}, made {info.created_at}, "
                      f"{info.bytes:,} bytes encrypted", highlight=False)


@app.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")],
    db: DbOption = None,
    key_file: KeyFileOption = None,
    new_key: Annotated[bool, typer.Option("--new-key", help="Create a new random key in --key-file first (refuses to "
                                                            "overwrite a key).")] = False,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """Back up the store, encrypted (AES-256-GCM), while it stays in use. See docs/backup.md."""
    from recruitwatch.store.backup import BackupError, backup, backup_key
    from recruitwatch.store.sealed import new_key_file

    try:
        if new_key:
            if key_file is None:
                error("--new-key needs --key-file: the file to create the key in")
                raise typer.Exit(2)
            new_key_file(key_file)
            console.print(f"New backup key in {key_file}: keep a copy somewhere safe, away from the backups; "
                          "without it no backup made with it can be restored.", highlight=False)
        info = backup(db, file, backup_key(key_file), actor=as_user or _default_actor())
    except BackupError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    _print(info, "Backed up to", str(file), as_json)


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup made by `recruitwatch backup`.")],
    db: DbOption = None,
    key_file: KeyFileOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a store that holds documents or incidents.")] = False,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """Restore a backup into the store (a new one, or an existing one with --force).

    The whole file is checked (key, every chunk, schema revision) before the store is changed.
    """
    from recruitwatch.store.backup import BackupError, backup_key, restore

    try:
        info = restore(db, file, backup_key(key_file), force=force, actor=as_user or _default_actor())
    except BackupError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    _print(info, "Restored from", str(file), as_json)
