"""Reviewers' commands: `incidents edit|verify|dispute|reject|accept|history|queue`, `audit verify|list`,
`documents failures`. Thin over :mod:`recruitwatch.review` and :mod:`recruitwatch.audit`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from recruitwatch.cli import EXIT_FAILED, EXIT_USAGE, app
from recruitwatch.cli.output import console, err_console, error
from recruitwatch.cli.store import (
    DbOption,
    JsonOption,
    LimitOption,
    OffsetOption,
    _emit_json,
    documents_app,
    incidents_app,
    opened,
)
from recruitwatch.cli.users import AsOption, acting
from recruitwatch.errors import ReviewError, StaleEdit

audit_app = typer.Typer(help="The audit trail: every change, who made it and when; check that nobody altered it.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")

IdArgument = Annotated[str, typer.Argument(help="Incident id (a unique prefix is enough).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why: kept in the audit log with the decision.")]
VersionOption = Annotated[int | None, typer.Option(
    "--expect-version", help="Refuse the change if the incident is no longer at this version (someone changed it).")]


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except StaleEdit as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    except ReviewError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None


@incidents_app.command("edit")
def incidents_edit(
    incident_id: IdArgument,
    field: Annotated[str, typer.Argument(help="date, places, nationalities, status, count, actors, tactics, outcome "
                                              "or summary.")],
    value: Annotated[str, typer.Argument(help="The new value: codes separated by commas for list fields (places and "
                                              "nationalities also by name), YYYY[-MM[-DD]] for date, 'unknown' to clear.")],
    evidence: Annotated[str | None, typer.Option(
        "--evidence", help="The words of a source that support the value, quoted exactly; stored as the field's "
                           "evidence.")] = None,
    as_user: AsOption = None,
    expect_version: VersionOption = None,
    db: DbOption = None,
) -> None:
    """Correct a field of an incident (needs the analyst role with --as). The value is checked against the
    taxonomy; the evidence must stand verbatim in one of the case's sources. Recorded in the audit log."""
    from recruitwatch.review import edit_incident

    with opened(db) as store:
        actor = acting(store, as_user, "edit")
        inc = _run(edit_incident, store, incident_id, field, value, evidence=evidence, actor=actor,
                   expected_version=expect_version)
    shown = getattr(inc, field) if field != "date" else inc.date
    console.print(f"Edited {inc.id[:12]}: {field} = {shown} (version {inc.version}, by {actor}).", highlight=False)


def _decision(name: str, verb: str):
    def command(incident_id: IdArgument, note: NoteOption = None, as_user: AsOption = None,
                expect_version: VersionOption = None, db: DbOption = None) -> None:
        from recruitwatch import review

        with opened(db) as store:
            actor = acting(store, as_user, "review")
            inc = _run(getattr(review, name), store, incident_id, actor=actor, note=note,
                       expected_version=expect_version)
        console.print(f"{verb} {inc.id[:12]}: {inc.verification} (version {inc.version}, by {actor}).", highlight=False)

    return command


_DECISIONS = {
    "verify": ("Verified", "A reviewer confirmed the case: it becomes verified, for every report of the case; "
                           "linking never changes it."),
    "dispute": ("Disputed", "A reviewer doubts the case: it becomes disputed and stays in the review queue."),
    "reject": ("Rejected", "A reviewer found it is not an incident: it becomes rejected (kept, with its evidence)."),
    "accept": ("Accepted", "Accept the machine's values: every field's confidence becomes 1.0 and the case leaves "
                           "the review queue."),
}
for _name, (_verb, _help) in _DECISIONS.items():
    incidents_app.command(_name, help=_help + " Needs the reviewer role with --as; recorded in the audit log.")(
        _decision(_name, _verb))


@incidents_app.command("history")
def incidents_history(incident_id: IdArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """The audit trail of an incident's case: edits, decisions, merges and splits, newest first."""
    from recruitwatch.review import history

    with opened(db) as store:
        entries = _run(history, store, incident_id)
    _print_entries(entries, as_json)


@incidents_app.command("queue")
def incidents_queue(db: DbOption = None, limit: LimitOption = 20, offset: OffsetOption = 0,
                    as_json: JsonOption = False) -> None:
    """The review queue: cases not yet verified, rejected or accepted, least confident first."""
    from recruitwatch.review import review_queue

    with opened(db) as store:
        items = review_queue(store, limit=limit, offset=offset)
        total = store.count_review_queue()
    if as_json:
        _emit_json([{"id": i.id, "confidence": i.confidence, "verification": i.verification, "version": i.version,
                     "field_confidence": i.field_confidence(), "summary": i.summary} for i in items])
        return
    table = Table()
    for name in ("id", "conf", "state", "least sure of", "summary"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "conf"))
    for i in items:
        fields = sorted(i.field_confidence().items(), key=lambda kv: kv[1])[:2]
        table.add_row(i.id[:8], "" if i.confidence is None else f"{i.confidence:.2f}", i.verification,
                      ", ".join(f"{k} {v:.2f}" for k, v in fields), Text(i.summary))
    console.print(table)
    console.print(f"{total} in the queue.", highlight=False)


def _print_entries(entries, as_json: bool) -> None:
    if as_json:
        _emit_json([e.to_dict() for e in entries])
        return
    if not entries:
        err_console.print("No audit entries.")
        return
    table = Table()
    for name in ("seq", "when (UTC)", "who", "action", "target", "details"):
        table.add_column(name, overflow="fold", no_wrap=name in ("seq",))
    for e in entries:
        target = f"{e.target_kind or ''} {(e.target_id or '')[:12]}".strip()
        details = "; ".join(f"{k}: {v}" for k, v in e.details.items() if v not in (None, "", []))
        table.add_row(str(e.seq), e.at[:19].replace("T", " "), Text(e.actor), e.action, target, Text(details))
    console.print(table)


@audit_app.command("verify")
def audit_verify(
    db: DbOption = None,
    expect_head: Annotated[str | None, typer.Option(
        "--expect-head", metavar="HASH", help="The head hash recorded earlier (printed by this command): also "
                                              "detects removal of the newest entries.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the audit chain: report the first entry that was altered, removed or reordered (exit 1), or say
    it is intact and print its head hash to keep somewhere else."""
    from recruitwatch.audit import verify_chain

    with opened(db) as store:
        broken = verify_chain(store, expected_head=expect_head)
        head = store.audit_head()
        count = store.count_audit_entries()
    if as_json:
        _emit_json({"ok": broken is None, "entries": count, "head": head[1] if head else None,
                    "break": None if broken is None else {"seq": broken.seq, "problem": broken.problem,
                                                          "detail": broken.detail}})
    elif broken is None:
        console.print(f"The audit chain is intact: {count} entries; head {head[1] if head else '(empty)'}.\n"
                      "Keep the head hash elsewhere and pass it with --expect-head later to detect removal of "
                      "the newest entries too.", highlight=False)
    else:
        error(f"the audit chain is broken at {broken}")
    if broken is not None:
        raise typer.Exit(1)


@audit_app.command("list")
def audit_list(
    db: DbOption = None,
    target: Annotated[str | None, typer.Option("--target", help="Only entries about this record id (an incident's "
                                                                "full id, a user name).")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action (edit, verify, login, ingest...).")] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: JsonOption = False,
) -> None:
    """The newest audit entries: when, who, what, on which record."""
    with opened(db) as store:
        entries = store.audit_entries(target_id=target, action=action, limit=limit, offset=offset)
    _print_entries(entries, as_json)


@documents_app.command("failures")
def documents_failures(db: DbOption = None, limit: LimitOption = 100, offset: OffsetOption = 0,
                       as_json: JsonOption = False) -> None:
    """What ingest could not read: each source with the problem and when, newest first."""
    with opened(db) as store:
        rows = store.list_failures(limit=limit, offset=offset)
        total = store.count_failures()
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        console.print("Nothing failed: every input was read.")
        return
    table = Table()
    for name in ("when (UTC)", "source", "problem"):
        table.add_column(name, overflow="fold", no_wrap=name == "when (UTC)")
    for r in rows:
        table.add_row(str(r["at"])[:19], Text(r["source"]), Text(r["problem"]))
    console.print(table)
    console.print(f"{total} inputs could not be read.", highlight=False)
