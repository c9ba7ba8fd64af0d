"""``spamintel classify``: verdict, score, category and reasons for each message."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer

from spamintel.classify.run import classify_sources
from spamintel.cli._app import app, config_from


@app.command("classify")
def classify_cmd(
    paths: list[Path] = typer.Argument(..., help="Files, folders, mbox, Maildir, archives."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    model: Path | None = typer.Option(None, "--model", help="Model file (.npz) to use."),
    config: Path | None = typer.Option(None, "--config", help="TOML configuration file."),
) -> None:
    """Classify messages without storing them: spam/ham/phish/malware, score, category.

    Exits 1 when some input could not be classified (a missing or unreadable file, bytes
    that are no mail); its line says why."""
    cfg = config_from(config)
    if model is not None:
        cfg = dataclasses.replace(
            cfg, classify=dataclasses.replace(cfg.classify, model_path=str(model)))
    failed = total = 0
    for row in classify_sources(paths, cfg):
        total += 1
        failed += row["verdict"] is None
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            score = "-" if row["spam_score"] is None else f"{row['spam_score']:.3f}"
            typer.echo(f"{row['verdict'] or 'error':8} {score:>6} {row['category'] or '-':10} "
                       f"{row['source']}  {'; '.join(row['reasons'])}")
    if failed:
        typer.echo(f"{failed} of {total} inputs could not be classified", err=True)
        raise typer.Exit(1)
