"""DuckDB views over a store: ``events`` (with attribution joined), ``quarantine``, and
one view per analysis table."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from spamintel.model import EVENT_SCHEMA, QUARANTINE_SCHEMA

if TYPE_CHECKING:
    from spamintel.store.dataset import Store

ATTRIBUTION_COLUMNS = {
    "botnet": "VARCHAR",
    "botnet_confidence": "FLOAT",
    "botnet_method": "VARCHAR",
    "campaign_id": "VARCHAR",
}


def dict_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
         ) -> list[dict[str, Any]]:
    """The result of ``sql`` (with bound ``params``) as one dict per row, by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _quote(path: object) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _source(con: duckdb.DuckDBPyConnection, name: str, files: list, schema: pa.Schema) -> str:
    if files:
        listing = ", ".join(_quote(f) for f in files)
        return f"read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
    con.register(f"_empty_{name}", schema.empty_table())
    return f"_empty_{name}"


def connect(store: Store, days: tuple[date, date] | None = None) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB connection with the store's views defined; with ``days``
    (first included, last excluded) the ``events`` view holds those days' partitions
    only, so a month of a store of years reads a month of files."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # Days and hours are UTC's everywhere, whatever the machine's zone (a half-hour zone
    # would otherwise cut hours at :30).
    con.execute("SET TimeZone = 'UTC'")
    files = store.event_files()
    if days is not None:
        first, stop = (f"day={d.isoformat()}" for d in days)
        files = [f for f in files if first <= f.parent.name < stop]
    events = _source(con, "events", files, EVENT_SCHEMA)
    tables = store.table_names()
    if "attribution" in tables:
        attr = _quote(store.table_path("attribution"))
        picks = ", ".join(f"a.{c}" for c in ATTRIBUTION_COLUMNS)
        con.execute(f"CREATE VIEW events AS SELECT e.*, {picks} FROM {events} e "
                    f"LEFT JOIN read_parquet({attr}) a ON a.event_id = e.event_id")
    else:
        nulls = ", ".join(f"NULL::{t} AS {c}" for c, t in ATTRIBUTION_COLUMNS.items())
        con.execute(f"CREATE VIEW events AS SELECT *, {nulls} FROM {events}")
    quarantine = _source(con, "quarantine", store.quarantine_files(), QUARANTINE_SCHEMA)
    con.execute(f"CREATE VIEW quarantine AS SELECT * FROM {quarantine}")
    for name in tables:
        if name not in ("events", "quarantine"):
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM "
                        f"read_parquet({_quote(store.table_path(name))})")
    return con
