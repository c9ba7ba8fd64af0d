"""``spamintel trap``: run the SMTP spam-trap sensor."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app


def _split_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not port.isdigit():
        raise typer.BadParameter("expected HOST:PORT", param_hint="--listen")
    return host.strip("[]") or "0.0.0.0", int(port)


@app.command("trap")
def trap_cmd(
    listen: str = typer.Option("127.0.0.1:2525", "--listen", help="Address to listen on."),
    spool: Path = typer.Option(..., "--spool", help="Spool directory (created if missing)."),
    domains: str | None = typer.Option(None, "--domains", help="Trap domains, comma-separated; "
                                       "none means catch-all."),
    sensor: str | None = typer.Option(None, "--sensor", help="Sensor name stored with events."),
    config: Path | None = typer.Option(None, "--config", help="TOML file with a trap table."),
    store: Path | None = typer.Option(None, "--store", help="Also feed the spool into this "
                                      "event store continuously."),
    metrics_port: int | None = typer.Option(None, "--metrics-port", help="Prometheus port."),
) -> None:
    """Accept mail for the trap domains, record each client's SMTP dialect, spool durably."""
    from spamintel.sources.trap import load_trap_config
    from spamintel.sources.trap.feeder import run_with_feeder

    host, port = _split_listen(listen)
    doms = tuple(d.strip() for d in domains.split(",") if d.strip()) if domains else None
    cfg = load_trap_config(config, listen_host=host, listen_port=port, spool=str(spool),
                           domains=doms, sensor=sensor, metrics_port=metrics_port)
    run_with_feeder(cfg, store, config)
