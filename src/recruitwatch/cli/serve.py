"""`recruitwatch serve`: the web app (paper check at /check), local and offline."""

from __future__ import annotations

import typer

from recruitwatch.cli import EXIT_USAGE, app


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this computer only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Run the web app; open http://HOST:PORT/check to check papers."""
    try:
        import uvicorn

        from recruitwatch.web.app import create_app
    except ImportError as exc:
        typer.echo(f"The web app needs the 'web' extras: pip install 'recruitwatch[web,papercheck]' ({exc})", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"Paper check: http://{host}:{port}/check", err=True)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
