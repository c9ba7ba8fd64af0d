"""``spamintel simulate``: write a ground-truth spam world (or replay it to a trap)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console

from spamintel.cli._app import app, folder_to_write, split_listen
from spamintel.simulate.generate import SimConfig, simulate
from spamintel.simulate.replay import ReplayConfig, replay
from spamintel.simulate.scenario import ScenarioError


def _day(text: str | None, hint: str) -> date | None:
    """``--start`` / ``--end``: a day written YYYY-MM-DD."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date() if text else None
    except ValueError as exc:
        raise typer.BadParameter(f"expected YYYY-MM-DD, not {text!r}", param_hint=hint) from exc


@app.command("simulate")
def simulate_cmd(
    out: Path = typer.Option(..., "--out", help="Output directory (mail/ and truth/)."),
    scenario: str = typer.Option(
        "march-2011", "--scenario", help="Built-in name (march-2011, kelihos-2011) or YAML file."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: scenario's)."),
    scale: float = typer.Option(1.0, "--scale", min=0.0, help="Multiply every sensor's share."),
    start: str | None = typer.Option(None, "--start", help="First day to generate (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--end", help="Last day to generate (YYYY-MM-DD)."),
    fmt: str = typer.Option("mbox", "--format", help="mbox or eml."),
    replay_to: str | None = typer.Option(
        None, "--replay", help="HOST:PORT: replay the written sessions over SMTP after generating."
    ),
    max_sessions: int = typer.Option(1000, "--max-sessions", help="Replay at most this many."),
    xclient: bool = typer.Option(
        False,
        "--xclient",
        help="Precede each replayed message with XCLIENT (original client IP, rDNS, receive time).",
    ),
) -> None:
    """Generate what trap and feed sensors would have seen, with SMTP sessions and truth."""
    console = Console(stderr=True)
    first, last = _day(start, "--start"), _day(end, "--end")
    if first and last and first > last:
        raise typer.BadParameter(f"--start {first} is after --end {last}", param_hint="--end")
    target = split_listen(replay_to, "--replay") if replay_to else None
    cfg = SimConfig(out=folder_to_write(out, "--out"), scenario=scenario, seed=seed,
                    scale=scale, start=first, end=last, fmt=fmt)
    try:
        stats = simulate(cfg)
    except ScenarioError as exc:
        console.print(f"[red]scenario error:[/red] {exc}")
        raise typer.Exit(2) from exc
    for warning in stats.warnings:
        console.print(f"[yellow]scenario warning:[/yellow] {warning}")
    console.print(
        f"simulated {stats.messages} messages over {stats.days} days in "
        f"{stats.seconds:.1f} s: {stats.by_sensor} -> {out}; calibration "
        f"{stats.calibration_ok}/{stats.calibration_targets} targets within tolerance"
    )
    if target:
        _replay(console, out, target, max_sessions, xclient)


def _replay(console: Console, world: Path, target: tuple[str, int], max_sessions: int,
            xclient: bool) -> None:
    """Replay the written sessions of ``world`` over SMTP to ``target`` (host, port)."""
    host, port = target
    rs = replay(ReplayConfig(world=world, host=host or "127.0.0.1", port=port,
                             max_sessions=max_sessions, xclient=xclient))
    console.print(f"replayed {rs.messages} messages in {rs.sessions} sessions "
                  f"({rs.errors} errors) to {host or '127.0.0.1'}:{port}")
