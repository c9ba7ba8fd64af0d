"""``spamintel report``: the monthly report from the store."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.cli._app import app, existing_store, folder_to_write
from spamintel.report import collect, write_report
from spamintel.report.figures import normalize_month
from spamintel.report.intel import analysed_span, held_months
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
    db = Store(existing_store(store))
    _check_month_held(db, month)
    figures = collect(db, month)
    for path in write_report(figures, folder_to_write(out, "--out"), wanted):
        typer.echo(str(path))


def _check_month_held(store: Store, month: str) -> None:
    """A month the store does not hold (by the analysis's calendar, as in the API) is a
    usage error; events newer than the analysis are a warning."""
    con = store.connect()
    held = held_months(con)
    if not held:
        raise typer.BadParameter(f"store {store.path} holds no dated events yet",
                                 param_hint="--store")
    analysed, span = analysed_span(con), store.day_span()
    if analysed and span and span[1] > analysed[1]:
        typer.echo(f"warning: the store holds events up to {span[1]}, the analysis up to "
                   f"{analysed[1]}: run `spamintel analyze` again for figures of them",
                   err=True)
    if month not in held:
        raise typer.BadParameter(f"no data for month {month} (months held: {held[0]} to "
                                 f"{held[-1]})", param_hint="--month")
