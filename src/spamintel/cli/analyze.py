"""``spamintel analyze``: attribution, series, populations, estimates, rates and events."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from spamintel.analyze import analyze
from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.attribute.signatures import SignatureError, load_signatures
from spamintel.cli._app import app, config_from, existing_store
from spamintel.store import Store


@app.command("analyze")
def analyze_cmd(
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    config: Path | None = typer.Option(None, "--config", help="TOML configuration file."),
    calibration: Path | None = typer.Option(
        None, "--calibration", help="Calibration: TOML, or a simulator scenario.json."),
    attribution: bool = typer.Option(True, "--attribution/--no-attribution",
                                     help="Run botnet attribution first."),
) -> None:
    """Analyse the store and write the result tables; print a summary."""
    cfg = config_from(config)
    if calibration:
        try:
            cfg = with_calibration(cfg, load_calibration(calibration))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise typer.BadParameter(f"cannot read calibration {calibration}: {exc}",
                                     param_hint="--calibration") from exc
    if not attribution:
        cfg = replace(cfg, analyze=replace(cfg.analyze, run_attribution=False))
    elif cfg.attribute.use_signatures:
        try:  # a broken signature file stops the run before any table is written
            load_signatures(cfg.attribute.signature_dirs, cfg.attribute.builtin_signatures)
        except SignatureError as exc:
            raise typer.BadParameter(str(exc), param_hint="--config") from exc
    summary = analyze(Store(existing_store(store)), cfg)
    typer.echo(f"{summary.days} days, {len(summary.botnets)} botnets "
               f"({', '.join(summary.botnets[:12])}), {summary.events} events; "
               f"calibration: {summary.calibration}, unit: {summary.unit}; mixed sensors: "
               f"{', '.join(summary.mixed_sensors) or 'none'}"
               f"{' (configured)' if cfg.analyze.calibration.mixed_sensors else ''}")
    cal = cfg.analyze.calibration
    if (cal.sensor_shares or cal.reference_per_day) and not summary.estimated:
        typer.echo("warning: the calibration given covers no sensor or day of the data "
                   "(sensor names, reference period): the figures are what the sensors "
                   "observed", err=True)
    for name, n in summary.tables.items():
        typer.echo(f"  table {name}: {n} rows")
    typer.echo(f"  {summary.seconds['total']:.1f} s")
