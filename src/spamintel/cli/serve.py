"""``spamintel serve``: the dashboard and JSON API over a store (read-only)."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app, existing_store


def _split_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise typer.BadParameter(f"expected HOST:PORT, not {listen!r}", param_hint="--listen")
    return host.strip("[]"), int(port)


@app.command("serve")
def serve_cmd(
    store: Path = typer.Option(..., "--store", help="Event store directory (only read)."),
    listen: str = typer.Option("127.0.0.1:8080", "--listen", help="HOST:PORT to listen on."),
    root_path: str = typer.Option("", "--root-path", help="URL prefix when behind a "
                                  "reverse proxy that strips it, e.g. /spamintel."),
) -> None:
    """Serve the dashboard and the JSON API (API reference at /docs)."""
    import uvicorn

    from spamintel.serve import create_app

    host, port = _split_listen(listen)
    application = create_app(existing_store(store))
    typer.echo(f"serving {store} on http://{listen}/ (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, root_path=root_path, log_level="warning")
