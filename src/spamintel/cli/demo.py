"""``spamintel demo``: run the main job on built-in defaults and say where the output is."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app
from spamintel.demo import run_demo


@app.command("demo")
def demo_cmd(out: Path = typer.Option(Path("demo-out"), "--out", help="Output directory.")
             ) -> None:
    """Ingest the demo corpus, write the month's report, print its paths and headline."""
    paths, figures = run_demo(out)
    t = figures["totals"]
    typer.echo(f"{figures['month']}: {t['messages']} messages, {t['spam']} spam or worse, "
               f"{t['client_ips']} client IPs")
    for path in paths:
        typer.echo(f"report: {path}")
