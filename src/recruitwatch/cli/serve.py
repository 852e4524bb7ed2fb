"""`recruitwatch serve`: the web app (paper check at /check), local and offline."""

from __future__ import annotations

import typer

from recruitwatch.cli import EXIT_USAGE, app
from recruitwatch.cli.limits import LimitsOption, resolve_limits


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this computer only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    limit: LimitsOption = None,
) -> None:
    """Run the web app; open http://HOST:PORT/check to check papers.

    Posts from other sites are refused, each form carries a CSRF token, and a request over the upload limit is refused while it streams in (uploads are never written to disk).
    """
    limits = resolve_limits(limit)
    try:
        import uvicorn

        from recruitwatch.web.app import create_app
    except ImportError as exc:
        typer.echo(f"The web app needs the 'web' extras: pip install 'recruitwatch[web,papercheck]' ({exc})", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"Paper check: http://{host}:{port}/check", err=True)
    uvicorn.run(create_app(limits=limits), host=host, port=port, log_level="warning")
