"""`recruitwatch serve`: the web app (workbench over a store, and the paper check at /check), local and offline."""

from __future__ import annotations

import os
import secrets

import typer

from recruitwatch.cli import EXIT_FAILED, EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits
from recruitwatch.cli.output import error, warn
from recruitwatch.cli.store import DbOption
from recruitwatch.errors import StoreError


@app.command("serve")
def serve(
    db: DbOption = None,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this computer only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    limit: LimitsOption = None,
    public: bool = typer.Option(False, "--public", help="Serve the read-only public dashboard: published figures "
                                "only (no login, no incidents, no documents, no write route)."),
    session_idle: float = typer.Option(None, "--session-idle", metavar="MINUTES", help="Log a workbench user out "
                                       "after this many minutes without a request (default: "
                                       "$RECRUITWATCH_SESSION_IDLE_MINUTES, else 60)."),
    session_max: float = typer.Option(None, "--session-max", metavar="HOURS", help="End every workbench session "
                                      "this many hours after its login, however busy (default: "
                                      "$RECRUITWATCH_SESSION_MAX_HOURS, else 12)."),
    min_count: int = typer.Option(None, "--min-count", help="With --public: the suppression threshold (default: "
                                  "$RECRUITWATCH_PUBLIC_MIN_COUNT, else 5); smaller counts show as 'fewer than N'."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes answering requests (a team server: "
                                "about one per core). Set $RECRUITWATCH_SECRET_KEY so that logins outlive a restart."),
    forwarded_allow_ips: str = typer.Option("127.0.0.1", "--forwarded-allow-ips", help="Addresses of the reverse "
                                            "proxy whose X-Forwarded-For/-Proto headers are trusted (comma-separated; "
                                            "the default trusts a proxy on this computer)."),
) -> None:
    """Run the web app: the workbench (dashboard, incidents, documents, JSON API under /api) over the store,
    and the paper check at /check.

    The store is opened once for the app. Without --db and with no store in the default place, only the paper check is served. Posts from other sites are refused, each form carries a CSRF token, and a request over the upload limit is refused while it streams in (uploads are never written to disk).
    """
    limits = resolve_limits(limit)
    from recruitwatch.accounts.sessions import IDLE_ENV, MAX_ENV, SessionPolicy
    from recruitwatch.errors import ConfigError

    try:
        sessions = SessionPolicy.from_env(idle_minutes=session_idle, max_hours=session_max)
    except ConfigError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    # The app (and each worker process's app) reads the session lifetimes from the environment.
    os.environ[IDLE_ENV], os.environ[MAX_ENV] = str(sessions.idle_minutes), str(sessions.max_hours)
    try:
        import uvicorn

        from recruitwatch.web.guard import SECRET_ENV
    except ImportError as exc:
        typer.echo(f"The web app needs the 'web' extras: pip install 'recruitwatch[web,papercheck]' ({exc})", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    from recruitwatch.publish.redact import MIN_COUNT_ENV
    from recruitwatch.store import ENV_VAR, open_store
    from recruitwatch.web.factory import PUBLIC_ENV

    store = None
    try:
        store = open_store(db)
        if not store.is_initialised():
            message = (f"no recruitwatch store at {store.describe()}; create one with `recruitwatch init` and fill it "
                       "with `recruitwatch ingest PATH` (or ./scripts/demo.sh for the sample reports)")
            if db is not None:
                error(message + ", or pass another --db")
                raise typer.Exit(EXIT_FAILED)
            warn(message + ". Serving the paper check only.")
            store.close()
            store = None
    except StoreError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    from recruitwatch.web.factory import build_app

    if public and store is None:
        error("--public needs a store (--db URL): the public dashboard shows its published figures")
        raise typer.Exit(EXIT_FAILED)
    web = build_app(store, public=public, min_count=min_count, limits=limits)
    if public:
        typer.echo(f"Public dashboard over {store.describe()} (counts below {web.state.min_count} suppressed): "
                   f"http://{host}:{port}/", err=True)
    else:
        if store is not None:
            typer.echo(f"Workbench over {store.describe()}: http://{host}:{port}/ (log in)", err=True)
            try:
                if store.count_users() == 0:
                    from recruitwatch.accounts import FIRST_RUN_HINT

                    warn(FIRST_RUN_HINT)
            except StoreError:
                pass  # only the first-run hint is skipped; opening the store reports its own problems
        typer.echo(f"Paper check: http://{host}:{port}/check", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "proxy_headers": True,
               "forwarded_allow_ips": forwarded_allow_ips}
    if workers == 1:
        try:
            uvicorn.run(web, **options)
        finally:
            if store is not None:
                store.close()
        return
    # Several processes: each builds the same app from the environment (recruitwatch.web.factory).
    if store is not None:
        os.environ[ENV_VAR] = store.url_for_workers() or ""
        store.close()
    os.environ.update(limits.to_env())
    if public:
        os.environ[PUBLIC_ENV] = "1"
        os.environ[MIN_COUNT_ENV] = str(web.state.min_count)
    if not os.environ.get(SECRET_ENV):
        warn(f"${SECRET_ENV} is not set: a key made for this run signs the sessions, so everyone logs in again "
             "after a restart (see docs/deployment.md)")
        os.environ[SECRET_ENV] = secrets.token_hex(32)
    typer.echo(f"{workers} worker processes", err=True)
    uvicorn.run("recruitwatch.web.factory:app_from_env", factory=True, workers=workers, **options)
