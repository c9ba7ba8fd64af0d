"""``spamintel query``: DuckDB SQL over the store's views."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from spamintel.cli._app import app
from spamintel.store import Store


@app.command("query")
def query_cmd(
    sql: str = typer.Argument(..., help="SQL over views: events, quarantine, analysis tables."),
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    fmt: str = typer.Option("table", "--format", help="table|csv|json"),
) -> None:
    """Run SQL against the store and print the result."""
    con = Store(store).connect()
    try:
        cur = con.execute(sql)
    except Exception as exc:  # noqa: BLE001 - show DuckDB's message, not a traceback
        raise typer.BadParameter(str(exc), param_hint="SQL") from exc
    names = [d[0] for d in cur.description or []]
    rows = cur.fetchall()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    elif fmt == "json":
        for row in rows:
            print(json.dumps(dict(zip(names, row, strict=True)), default=str))
    else:
        table = Table(*names)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
