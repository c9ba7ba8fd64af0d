"""``spamintel demo``: run the main job on built-in defaults and say where the output is."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from spamintel.cli._app import app
from spamintel.demo import DEMO_SCALE, NotDemoOutput, run_demo
from spamintel.report.narrative import amount, month_name, pct


def _command() -> str:
    """How this command was called (``.venv/bin/spamintel`` from ``make demo``)."""
    called = sys.argv[0] if sys.argv else ""
    return called if Path(called).name == "spamintel" else "spamintel"


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Output directory (an earlier "
                             "demo's output there is replaced; other content is refused)."),
    scale: float = typer.Option(DEMO_SCALE, "--scale", help="Simulated sensor sample scale."),
) -> None:
    """Simulate March 2011, ingest, analyze and write the report; print its headline."""
    try:
        result = run_demo(out, scale=scale)
    except NotDemoOutput as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from exc
    f = result.figures
    h = f["headline"]
    g = h["global_spam_per_day"]
    typer.echo(f"{month_name(f['month'])} ({result.source} data): "
               f"{amount(g['value'])} spam {g['unit']}/day, spam rate {pct(h['spam_rate'])}, "
               f"{pct(h['botnet_share'])} from botnets")
    for line in f["narrative"][:4]:
        typer.echo(f"  {line}")
    for path in result.paths:
        typer.echo(f"report: {path}")
    for path in result.feeds:
        typer.echo(f"feed: {path}")
    typer.echo(f"dashboard: {_command()} serve --store {out / 'store'}")
    typer.echo("timings: " + ", ".join(f"{k} {v:.0f}s" for k, v in result.seconds.items()))
