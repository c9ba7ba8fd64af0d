"""``spamintel trap``: run the SMTP spam-trap sensor."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app, config_from, split_listen
from spamintel.config import ConfigError


@app.command("trap")
def trap_cmd(
    listen: str | None = typer.Option(None, "--listen", help="HOST:PORT to listen on "
                                      "(default: [trap] listen_host and listen_port, else "
                                      "127.0.0.1:2525)."),
    spool: Path | None = typer.Option(None, "--spool", help="Spool directory, created if "
                                      "missing (default: [trap] spool)."),
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

    host, port = split_listen(listen) if listen else (None, None)
    doms = tuple(d.strip() for d in domains.split(",") if d.strip()) if domains else None
    try:
        cfg = load_trap_config(config, listen_host=host if host != "" else "0.0.0.0",
                               listen_port=port, spool=str(spool) if spool else None,
                               domains=doms, sensor=sensor, metrics_port=metrics_port)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from exc
    if store is not None:
        config_from(config)  # the feeder reads the pipeline's tables of the same file
    run_with_feeder(cfg, store, config)
