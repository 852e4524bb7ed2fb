"""`recruitwatch keys init|rotate|status`: the master key that protects testimonies (docs/encryption.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from recruitwatch.cli import EXIT_FAILED, app
from recruitwatch.cli.output import console, error, warn
from recruitwatch.cli.store import DbOption, JsonOption, opened
from recruitwatch.crypto import CryptoError

KeyFileOption = Annotated[
    Path | None,
    typer.Option("--key-file", envvar="RECRUITWATCH_KEY_FILE", show_envvar=True,
                 help="The master key file. Default: $RECRUITWATCH_MASTER_KEY (a base64 key) if set, "
                      "else ~/.config/recruitwatch/master.key."),
]

keys_app = typer.Typer(help="The master key that encrypts testimonies and people: create, rotate, check.",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@contextmanager
def crypto_errors() -> Iterator[None]:
    """A key problem as a clean message and exit code 3 (never a traceback: it could show values)."""
    try:
        yield
    except CryptoError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None


@contextmanager
def keyed_store(db: str | None, key_file: Path | None) -> Iterator:
    """The store, using the master key of ``--key-file`` (or the environment / default key file)."""
    with crypto_errors(), opened(db) as store:
        store.use_key_file(key_file)
        yield store


@keys_app.command("init")
def keys_init(
    key_file: KeyFileOption = None,
    from_env: Annotated[bool, typer.Option("--from-env", help="Write the key in $RECRUITWATCH_MASTER_KEY to the "
                                                            "file instead of a new one (so it can be rotated).")] = False,
) -> None:
    """Create a key file with a new random master key (mode 0600). Refuses to overwrite an existing one."""
    import base64
    import os

    from recruitwatch.crypto import KEY_ENV_VAR, init_key_file

    with crypto_errors():
        key = None
        if from_env:
            raw = os.environ.get(KEY_ENV_VAR)
            if not raw:
                raise CryptoError(f"--from-env: ${KEY_ENV_VAR} is not set")
            key = base64.b64decode(raw.strip())
        keyring = init_key_file(key_file, key=key)
    console.print(f"Created the key file {keyring.path} (master key {keyring.current.id}, readable by you only).")
    console.print("Keep a copy somewhere safe and offline (an encrypted USB stick): without it nobody, you "
                  "included, can read the testimonies. Never keep it beside the database or in its backups.")


@keys_app.command("status")
def keys_status(db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False) -> None:
    """The master key in use, how many data keys each master key wraps, how many were destroyed."""
    with keyed_store(db, key_file) as store:
        status = store.key_status()
    if as_json:
        sys.stdout.write(json.dumps(status.to_dict(), indent=2) + "\n")
    else:
        table = Table(show_header=False)
        table.add_row("master key", status.master_key_id or "(none configured)")
        table.add_row("from", status.key_source or "")
        table.add_row("rotation under way", "yes: run `recruitwatch keys rotate` to finish it" if status.rotating else "no")
        for mk, n in sorted(status.wrapped_by.items()):
            table.add_row(f"data keys wrapped by {mk}", str(n))
        table.add_row("data keys destroyed", str(status.destroyed))
        table.add_row("people", str(status.people))
        table.add_row("testimonies", str(status.testimonies))
        console.print(table)
    if status.problem:
        error(status.problem)
        raise typer.Exit(EXIT_FAILED)


@keys_app.command("rotate")
def keys_rotate(db: DbOption = None, key_file: KeyFileOption = None) -> None:
    """Replace the master key: re-wrap every data key with a new one (the data is not re-encrypted).

    Safe to interrupt: run it again and it finishes the rotation under way. The old key is kept
    in the key file until every data key is re-wrapped, then removed."""
    with keyed_store(db, key_file) as store:
        result = store.rotate_master_key(on_batch=lambda n: console.print(f"re-wrapped {n} data keys", style="dim"))
    if result.resumed:
        console.print("Finished the rotation that was under way.")
    console.print(f"Master key is now {result.master_key_id}; {result.rewrapped} data keys re-wrapped.")
    if result.dropped:
        console.print(f"Removed the old key(s) {', '.join(result.dropped)} from the key file.")
        warn("copies of the old key file (and backups made before now) no longer match: replace your offline "
             "copy of the key file with the new one")
