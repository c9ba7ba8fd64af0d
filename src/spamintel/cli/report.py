"""``spamintel report``: the monthly report from the store."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app, existing_store
from spamintel.report import collect, write_report
from spamintel.report.figures import normalize_month
from spamintel.report.render import check_formats
from spamintel.store import Store


@app.command("report")
def report_cmd(
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    month: str = typer.Option(..., "--month", help="Month to report, YYYY-MM."),
    out: Path = typer.Option(Path("report"), "--out", help="Output directory."),
    formats: str = typer.Option("html,md,json", "--format", help="Comma-separated formats."),
) -> None:
    """Write the month's report in the requested formats and print their paths."""
    try:
        month = normalize_month(month)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--month") from exc
    try:
        wanted = check_formats(tuple(f.strip() for f in formats.split(",")))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from exc
    figures = collect(Store(existing_store(store)), month)
    for path in write_report(figures, out, wanted):
        typer.echo(str(path))
