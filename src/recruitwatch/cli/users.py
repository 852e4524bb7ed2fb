"""`recruitwatch users`: accounts for the web app and the API, and who acts on the command line."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from recruitwatch.accounts import FIRST_RUN_HINT, LANGUAGES, ROLES, TOKEN_DAYS, can, system_user, token_hash
from recruitwatch.cli import EXIT_FAILED, EXIT_USAGE, app
from recruitwatch.cli.output import console, err_console, error
from recruitwatch.cli.store import DbOption, JsonOption, _emit_json, opened
from recruitwatch.errors import AccountError

if TYPE_CHECKING:
    from recruitwatch.store.accounts import TokenInfo

users_app = typer.Typer(
    help="Accounts for the web app and the API: add, list, disable, set-role, set-language, token, sessions, "
         "revoke. "
         f"Roles: {', '.join(ROLES)}. First run: recruitwatch users add NAME --role admin",
    invoke_without_command=True,
)
app.add_typer(users_app, name="users")

AsOption = Annotated[str | None, typer.Option(
    "--as", metavar="USER", help="Act as this recruitwatch user (their role must allow it); recorded in the "
                                 "audit log. Default: your operating-system user name.")]


def os_user() -> str:
    """The operating-system user running the command (for the audit log)."""
    return system_user()


def acting(store, as_user: str | None, action: str) -> str:
    """Who acts: ``--as USER`` (an enabled account whose role allows ``action``) or the OS user."""
    if as_user is None:
        return os_user()
    user = store.get_user(as_user)
    if user is None or user.disabled:
        error(f"no enabled user {as_user!r}; `recruitwatch users list` shows them")
        raise typer.Exit(EXIT_FAILED)
    if not can(user.role, action):
        error(f"{as_user!r} is a {user.role}, which may not {action}; an admin can change the role with "
              f"`recruitwatch users set-role {as_user} ROLE`")
        raise typer.Exit(EXIT_FAILED)
    return user.username


@users_app.callback()
def _users(ctx: typer.Context, db: DbOption = None) -> None:
    """Accounts for the web app and the API. Without a command: this help, and how to create the first admin
    while there is no user."""
    if ctx.invoked_subcommand is not None:
        return
    console.print(ctx.get_help())
    with opened(db, must_exist=False) as store:
        if store.is_initialised() and store.count_users() == 0:
            console.print(FIRST_RUN_HINT, highlight=False)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != password:
            error("the two passwords differ; nothing was changed")
            raise typer.Exit(EXIT_USAGE)
    return password


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="The new user's name (no spaces).")],
    role: Annotated[str, typer.Option("--role", "-r", help=f"One of {', '.join(ROLES)}.")],
    language: Annotated[str, typer.Option("--language", help=f"Interface language: {', '.join(LANGUAGES)}.")] = "en",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input (for scripts) "
                                 "instead of asking twice without echo.")] = False,
    db: DbOption = None,
) -> None:
    """Create an account. The password is asked twice without echo (or read with --password-stdin) and
    stored as an argon2id hash."""
    if role not in ROLES:
        error(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        raise typer.Exit(EXIT_USAGE)
    password = _read_password(password_stdin)
    with opened(db) as store:
        try:
            user = store.add_user(username, password, role, language, actor=os_user())
        except AccountError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_USAGE) from None
    console.print(f"Added {user.username} ({user.role}).", highlight=False)


@users_app.command("list")
def users_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the accounts with their role, language and whether they are disabled."""
    with opened(db) as store:
        users = store.list_users()
    if as_json:
        _emit_json([u.__dict__ for u in users])
        return
    if not users:
        err_console.print(FIRST_RUN_HINT, highlight=False)
        return
    table = Table()
    for name in ("user", "role", "language", "state"):
        table.add_column(name)
    for u in users:
        table.add_row(u.username, u.role, u.language, "disabled" if u.disabled else "enabled")
    console.print(table)


def _change(db: str | None, method: str, username: str, *args) -> None:
    with opened(db) as store:
        try:
            user = getattr(store, method)(username, *args, actor=os_user())
        except AccountError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_FAILED) from None
    state = "disabled" if user.disabled else "enabled"
    console.print(f"{user.username}: {user.role}, {user.language}, {state}.", highlight=False)


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The user to disable.")], db: DbOption = None) -> None:
    """Disable an account: it can no longer log in, its open sessions end and its API tokens stop working
    (the last admin cannot be disabled)."""
    _change(db, "disable_user", username)


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="The user to enable again.")], db: DbOption = None) -> None:
    """Enable a disabled account again (its old API tokens stay revoked)."""
    _change(db, "enable_user", username)


@users_app.command("set-role")
def users_set_role(
    username: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[str, typer.Argument(help=f"The new role: {', '.join(ROLES)}.")],
    db: DbOption = None,
) -> None:
    """Change a user's role (viewer: view; reviewer: + verify, dispute, reject, accept; analyst: + edit, merge,
    split, testimony intake; admin: everything). Their open workbench sessions end: they log in again."""
    _change(db, "set_role", username, role)


@users_app.command("set-language")
def users_set_language(
    username: Annotated[str, typer.Argument(help="The user.")],
    language: Annotated[str, typer.Argument(help=f"One of {', '.join(LANGUAGES)}.")],
    db: DbOption = None,
) -> None:
    """Change the interface language of a user."""
    _change(db, "set_language", username, language)


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="The user.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read it from standard input.")] = False,
    db: DbOption = None,
) -> None:
    """Set a new password for a user (asked twice without echo). Their open workbench sessions end."""
    password = _read_password(password_stdin)
    _change(db, "set_password", username, password)


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The user the API token acts as.")],
    days: Annotated[float, typer.Option("--days", min=0,
                                        help="Days until the new token stops working; 0 for a token that never "
                                             "expires.")] = TOKEN_DAYS,
    list_: Annotated[bool, typer.Option("--list", help="List the user's tokens (made, last used, expires) instead.")] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke every token of the user instead.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token for a user and print it once (only its SHA-256 is stored: copy it now).
    Send it as `Authorization: Bearer TOKEN`. It stops working after --days (90 by default)."""
    if list_ and revoke:
        error("give --list or --revoke, not both")
        raise typer.Exit(EXIT_USAGE)
    with opened(db) as store:
        try:
            if revoke:
                n = store.revoke_tokens(username, actor=os_user())
                console.print(f"Revoked {n} token{'s' if n != 1 else ''} of {username}.", highlight=False)
                return
            if list_:
                found = store.list_tokens(username)
            else:
                token = store.create_token(username, days=days or None, actor=os_user())
                ref = token_hash(token)[:12]
                expires = next(t.expires_at for t in store.list_tokens(username) if t.id == ref)
        except AccountError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_FAILED) from None
    if list_:
        _print_tokens(username, found, as_json)
        return
    sys.stdout.write(token + "\n")
    until = f"it works until {expires:%Y-%m-%d %H:%M} UTC" if expires else "it never expires"
    err_console.print(f"This token is shown once; store it safely ({until}). Revoke with "
                      f"`recruitwatch users token {username} --revoke`.", highlight=False)


def _print_tokens(username: str, found: list[TokenInfo], as_json: bool) -> None:
    if as_json:
        _emit_json([t.to_dict() for t in found])
        return
    if not found:
        console.print(f"{username} has no API token.", highlight=False)
        return
    table = Table()
    for name in ("token", "made (UTC)", "last used (UTC)", "expires (UTC)"):
        table.add_column(name)
    for t in found:
        expires = "never" if t.expires_at is None else t.expires_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(t.id, t.created_at.strftime("%Y-%m-%d %H:%M"),
                      t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never",
                      expires + (" (expired)" if t.expired() else ""))
    console.print(table)


@users_app.command("sessions")
def users_sessions(
    username: Annotated[str, typer.Argument(help="The user whose open workbench sessions to list.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a user's open workbench sessions: when each began and was last used (a short reference, never the
    session id). End them with `recruitwatch users revoke NAME`."""
    with opened(db) as store:
        try:
            found = store.list_sessions(username)
        except AccountError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_FAILED) from None
    if as_json:
        _emit_json([s.to_dict() for s in found])
        return
    if not found:
        console.print(f"{username} has no open session.", highlight=False)
        return
    table = Table()
    for name in ("session", "logged in (UTC)", "last used (UTC)"):
        table.add_column(name)
    for s in found:
        table.add_row(s.ref, s.created_at.strftime("%Y-%m-%d %H:%M"), s.last_seen_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@users_app.command("revoke")
def users_revoke(
    username: Annotated[str, typer.Argument(help="The user whose sessions to end.")],
    tokens: Annotated[bool, typer.Option("--tokens", help="Revoke the user's API tokens too.")] = False,
    db: DbOption = None,
) -> None:
    """End every open workbench session of a user at once (a lost laptop, a shared computer): their browsers
    must log in again. Recorded in the audit trail. With --tokens, their API tokens stop working too."""
    with opened(db) as store:
        try:
            n = store.revoke_sessions(username, actor=os_user())
            t = store.revoke_tokens(username, actor=os_user()) if tokens else None
        except AccountError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_FAILED) from None
    console.print(f"Ended {n} session{'s' if n != 1 else ''} of {username}"
                  + (f" and revoked {t} token{'s' if t != 1 else ''}." if t is not None else "."), highlight=False)
