"""``spamintel query``: DuckDB SQL over the store's views."""

from __future__ import annotations

import csv
import json
import re
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from spamintel.cli._app import app, existing_store
from spamintel.store import Store


class Format(StrEnum):
    """How the result is printed."""

    table = "table"
    csv = "csv"
    json = "json"


@app.command("query")
def query_cmd(
    sql: str = typer.Argument(..., help="SQL over views: events, quarantine, analysis tables."),
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    fmt: Format = typer.Option(Format.table, "--format", help="How to print the rows."),
) -> None:
    """Run SQL against the store and print the result."""
    con = Store(existing_store(store)).connect()
    try:
        cur = con.execute(sql)
    except Exception as exc:  # noqa: BLE001 - show DuckDB's message, not a traceback
        raise typer.BadParameter(str(exc), param_hint="SQL") from exc
    names = [d[0] for d in cur.description or []]
    rows = cur.fetchall()
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
    elif fmt is Format.json:
        for row in rows:
            print(json.dumps(dict(zip(names, row, strict=True)), default=str))
    else:
        # Text, not str: a subject such as "[/b]" is rich markup (and an error).
        table = Table()
        for name in names:
            table.add_column(Text(_printable(name)))
        for row in rows:
            table.add_row(*(Text("" if v is None else _printable(str(v))) for v in row))
        Console().print(table)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(value: str) -> str:
    """``value`` with control characters shown as ``\\xNN``: a message's escape sequences
    never reach the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
