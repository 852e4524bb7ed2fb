"""`recruitwatch testimony add|show` and `recruitwatch people delete`: testimonies sealed at rest."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from recruitwatch.cli import EXIT_FAILED, EXIT_USAGE, app
from recruitwatch.cli.keys import KeyFileOption, keyed_store
from recruitwatch.cli.output import console, error, warn
from recruitwatch.cli.store import DbOption, JsonOption

testimony_app = typer.Typer(help="Record and read testimonies (encrypted at rest).", no_args_is_help=True)
people_app = typer.Typer(help="The people behind testimonies.", no_args_is_help=True)
app.add_typer(testimony_app, name="testimony")
app.add_typer(people_app, name="people")

_DETAIL_FIELDS = ("name", "contacts", "birth_date", "address", "consent", "consent_date")


def _read_text(path: Path) -> str:
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        error(f"cannot read the testimony text {path}: {exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _details(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        error(f"cannot read the person's details from {path}: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not isinstance(data, dict) or set(data) - {*_DETAIL_FIELDS, "text", "lang"}:
        error(f"{path}: expected a JSON object with some of {', '.join((*_DETAIL_FIELDS, 'text', 'lang'))}")
        raise typer.Exit(EXIT_USAGE)
    return data


@testimony_app.command("add")
def testimony_add(
    text_file: Annotated[Path | None, typer.Option("--text-file", help="The testimony's text (UTF-8; - for stdin).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    contact: Annotated[list[str] | None, typer.Option("--contact", help="A phone, messenger or e-mail (repeatable).")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY-MM-DD (or YYYY-MM, YYYY).")] = None,
    address: Annotated[str | None, typer.Option("--address", help="The person's address.")] = None,
    consent: Annotated[str | None, typer.Option("--consent", help="What the person agreed to (required).")] = None,
    consent_date: Annotated[str | None, typer.Option("--consent-date", help="When (default: today).")] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach", help="A file to attach, encrypted (repeatable).")] = None,
    details_json: Annotated[Path | None, typer.Option(
        "--json-file", help="The fields as a JSON object (name, contacts, birth_date, address, consent, consent_date, "
                            "text, lang); options given as well win.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language code of the text (default: detected).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who is entering it (default: $USER).")] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Record a testimony: extract its incidents, then store the text, the person and the attachments encrypted.

    Prefer --json-file or --text-file over options for the details: options end up in the shell's history."""
    from recruitwatch.records import PersonDetails

    data = _details(details_json)
    text = _read_text(text_file) if text_file is not None else data.get("text")
    if not text:
        error("give the testimony's text: --text-file FILE (or \"text\" in --json-file)")
        raise typer.Exit(EXIT_USAGE)
    given = {"name": name, "contacts": contact or None, "birth_date": birth_date, "address": address,
             "consent": consent, "consent_date": consent_date}
    fields = {k: v for k, v in {**{k: data.get(k) for k in _DETAIL_FIELDS}, **{k: v for k, v in given.items() if v}}.items()
              if v is not None}
    if isinstance(fields.get("contacts"), str):
        fields["contacts"] = [fields["contacts"]]
    if not fields.get("consent"):
        error("record the person's consent: --consent TEXT (what they agreed to); nothing was stored")
        raise typer.Exit(EXIT_USAGE)
    attachments = []
    for path in attach or ():
        try:
            attachments.append((path.name, path.read_bytes()))
        except OSError as exc:
            error(f"cannot read the attachment {path}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_USAGE) from None
    person = PersonDetails.from_dict(fields)
    with keyed_store(db, key_file) as store:
        doc_id = store.add_testimony(text, person, consent=fields["consent"], attachments=attachments,
                                     actor=actor or os.environ.get("USER") or "cli", lang=lang or data.get("lang"))
        person_id = store.person_of(doc_id)
        incidents = store.list_incidents(_by_document(doc_id), limit=1000)
    console.print(f"Stored testimony {doc_id} (person {person_id}) encrypted, with {len(attachments)} attachment(s) "
                  f"and {len(incidents)} incident(s) extracted.")
    console.print(f"Read it with [bold]recruitwatch testimony show {doc_id}[/]; the incidents' codes are searchable, "
                  "their texts are not.")


def _by_document(doc_id: str):
    from recruitwatch.store import IncidentFilter

    return IncidentFilter(document_id=doc_id, cases=False)


@testimony_app.command("show")
def testimony_show(
    document_id: Annotated[str, typer.Argument(help="The testimony's document id (a unique prefix is enough).")],
    save_attachments: Annotated[Path | None, typer.Option(
        "--save-attachments", help="Write the decrypted attachments into this folder (files readable by you only).")] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decrypt and show a testimony: the person, the text, the attachments and the incidents with their evidence."""
    with keyed_store(db, key_file) as store:
        text, person, attachments = store.read_testimony(document_id)
        person_id = store.person_of(document_id)
        doc = store.get_document(document_id)
        incidents = [store.get_incident(i.id, decrypt=True) for i in store.list_incidents(_by_document(doc.id), limit=1000)]
    if save_attachments is not None:
        save_attachments.mkdir(parents=True, exist_ok=True, mode=0o700)
        for n, (name, content) in enumerate(attachments, 1):
            target = save_attachments / f"{n:02d}-{Path(name).name or 'attachment'}"
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                error(f"{target} exists; not overwritten")
                raise typer.Exit(EXIT_FAILED) from None
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
    if as_json:
        sys.stdout.write(json.dumps({
            "document_id": doc.id, "person_id": person_id, "person": person.to_dict(), "text": text,
            "attachments": [{"name": n, "bytes": len(c)} for n, c in attachments],
            "incidents": [i.to_dict() for i in incidents],
        }, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(show_header=False, title=f"Testimony {doc.id} (person {person_id})", title_justify="left")
    for key in _DETAIL_FIELDS:
        value = getattr(person, key)
        table.add_row(key.replace("_", " "), Text(", ".join(value) if isinstance(value, list) else value or ""))
    for name, content in attachments:
        table.add_row("attachment", Text(f"{name} ({len(content):,} bytes)"))
    console.print(table)
    console.print(Text(text))
    for inc in incidents:
        console.print(Text(f"\nincident {inc.id}: {inc.date or 'undated'} {', '.join(inc.places)} "
                           f"{', '.join(inc.tactics)} ({inc.verification})", style="bold"))
        for e in inc.evidence:
            console.print(Text(f"  {e.field}: {e.value}  «{e.text}»"))


@people_app.command("delete")
def people_delete(
    person_id: Annotated[str, typer.Argument(help="The person's id (`testimony add` and `testimony show` print it).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Delete a person for good (crypto-shredding): their data key is destroyed, so their details, testimonies
    and attachments cannot be read again, not even from backups. Their incidents' codes stay."""
    if not yes and not typer.confirm(f"Destroy the data of person {person_id} for good? This cannot be undone."):
        console.print("Nothing deleted.")
        raise typer.Exit(EXIT_USAGE)
    with keyed_store(db, key_file) as store:
        result = store.delete_person(person_id)
    console.print(f"Person {result.person_id}: data key destroyed; {len(result.documents)} testimony(ies) can no "
                  "longer be read.")
    if result.rotated:
        console.print(f"The master key was rotated (now {result.master_key_id}): backups made before cannot "
                      "read this person either. Replace your offline copy of the key file with the new one.")
    elif result.problem:
        warn(f"the master key was not rotated, so backups made before this deletion can still be read with it: "
             f"{result.problem}")
    else:
        warn("the master key was not rotated (it comes from $RECRUITWATCH_MASTER_KEY, or none is configured): "
             "backups made before this deletion can still be read with that key until it is replaced; see "
             "docs/encryption.md")
