"""``spamintel serve``: the dashboard and JSON API over a store (read-only)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from spamintel.cli._app import app, existing_store, split_listen


def _listen_host(listen: str) -> tuple[str, int]:
    host, port = split_listen(listen)
    if not host or not port:
        raise typer.BadParameter(f"expected HOST:PORT, not {listen!r}", param_hint="--listen")
    return host, port


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tokens(token_file: Path | None, host: str) -> tuple[str, ...]:
    """The access tokens, with a warning when the file is readable by other users or when
    a non-loopback address is served without any."""
    from spamintel.serve.auth import TokenFileError, read_tokens, readable_by_others

    if token_file is None:
        if not _loopback(host):
            typer.echo(f"warning: no --token-file; anyone who reaches {host} reads the "
                       "whole store", err=True)
        return ()
    try:
        tokens = read_tokens(token_file)
    except TokenFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--token-file") from exc
    if readable_by_others(token_file):
        typer.echo(f"warning: {token_file} is readable by other users (chmod 600 it)",
                   err=True)
    return tokens


@app.command("serve")
def serve_cmd(
    store: Path = typer.Option(..., "--store", help="Event store directory (only read)."),
    listen: str = typer.Option("127.0.0.1:8080", "--listen", help="HOST:PORT to listen on."),
    root_path: str = typer.Option("", "--root-path", help="URL prefix when behind a "
                                  "reverse proxy that strips it, e.g. /spamintel."),
    token_file: Path | None = typer.Option(None, "--token-file", help="File of access "
                                           "tokens, one a line: every request must send "
                                           "one (Bearer, or Basic's password)."),
) -> None:
    """Serve the dashboard and the JSON API (API reference at /docs)."""
    import uvicorn

    from spamintel.serve import create_app

    host, port = _listen_host(listen)
    application = create_app(existing_store(store), tokens=_tokens(token_file, host))
    typer.echo(f"serving {store} on http://{listen}/ (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, root_path=root_path, log_level="warning")
