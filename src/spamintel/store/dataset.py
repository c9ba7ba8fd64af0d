"""The event store: a Parquet dataset partitioned by day, a quarantine, analysis tables
and a content-addressed spool, all under one directory, queried through DuckDB.

Layout::

    STORE/events/day=YYYY-MM-DD/part-<id>.parquet   one file per ingest batch and day
    STORE/quarantine/part-<id>.parquet              what could not be parsed, with reasons
    STORE/tables/<name>.parquet                     analysis results (attribution, ...)
    STORE/spool/packs/<id>.pack + index/<id>.parquet raw bytes of every message, by sha256

Every file is written under a temporary name and renamed into place, so a kill leaves
either the whole batch file or nothing; the next ingest removes leftovers (``recover``)
and skips what is already stored.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from spamintel.model import EVENT_SCHEMA, QUARANTINE_SCHEMA
from spamintel.store.spool import Pack, Spool

_TMP = ".tmp-"
# Columns whose values nearly all differ (hashes, digests, excerpts, times to the second):
# a dictionary page only costs time and space there (about 1.5 µs a message and 5% of the
# file on TREC for the first three).
_UNIQUE_VALUED = frozenset({"event_id", "msg_sha256", "body_minhash", "body_excerpt",
                            "observed_at", "date_header"})
# Below this many rows most of a file's cost is fixed, and zstd's share of it (a context
# set up for each of a hundred-odd pages) is the largest: such files are written with
# Snappy (a quarter fewer instructions for the events of TREC's 37,691 messages, whose
# batches spread over many days, for files a third larger).
_SMALL_FILE_ROWS = 1000


def _atomic_write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(_TMP + path.name)
    dictionary = [name for name in table.column_names if name not in _UNIQUE_VALUED]
    codec = "zstd" if table.num_rows >= _SMALL_FILE_ROWS else "snappy"
    pq.write_table(table, tmp, compression=codec, use_dictionary=dictionary)
    os.replace(tmp, path)


class Store:
    """One store directory; see the module docstring for its layout."""

    def __init__(self, path: str | Path, recover: bool = False) -> None:
        """Open (creating) a store; ``recover`` removes what an interrupted writer left.

        Only a writer that owns the store may recover (ingest does, at its start): readers
        and worker processes leave other writers' files in progress alone.
        """
        self.path = Path(path)
        for sub in ("events", "quarantine", "tables", "spool"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        if recover:
            self.recover()
        self._spool = Spool(self.path / "spool")

    def recover(self) -> None:
        """Delete temporary files a killed writer left behind (never committed data)."""
        for sub in ("events", "quarantine", "tables", "spool"):
            for tmp in (self.path / sub).rglob(_TMP + "*"):
                tmp.unlink(missing_ok=True)

    @property
    def events_dir(self) -> Path:
        return self.path / "events"

    def event_files(self) -> list[Path]:
        """Committed event Parquet files."""
        return sorted(p for p in self.events_dir.glob("day=*/*.parquet")
                      if not p.name.startswith(_TMP))

    def day_span(self) -> tuple[date, date] | None:
        """First and last day the committed events hold, from the partition names (the
        ``unknown`` partition of undated mail left out); None when there is none. Only
        the partitions at either end are opened, so it stays cheap on long archives."""
        parts = sorted(p for p in self.events_dir.glob("day=*") if p.name != "day=unknown")
        first = next((p for p in parts if self._committed(p)), None)
        last = next((p for p in reversed(parts) if self._committed(p)), None)
        if first is None or last is None:
            return None
        return (date.fromisoformat(first.name.removeprefix("day=")),
                date.fromisoformat(last.name.removeprefix("day=")))

    @staticmethod
    def _committed(partition: Path) -> bool:
        return any(not p.name.startswith(_TMP) for p in partition.glob("*.parquet"))

    def quarantine_files(self) -> list[Path]:
        """Committed quarantine Parquet files."""
        return sorted(p for p in (self.path / "quarantine").glob("*.parquet")
                      if not p.name.startswith(_TMP))

    def existing_ids(self) -> set[str]:
        """event_ids already stored (events and quarantine): the exactly-once ledger."""
        ids: set[str] = set()
        for f in self.event_files() + self.quarantine_files():
            col = pq.read_table(f, columns=["event_id"]).column("event_id")
            ids.update(col.to_pylist())
        return ids

    def write_events(self, batch: pa.RecordBatch | pa.Table) -> int:
        """Write events, one file per day present in the batch; return rows written."""
        table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        table = table.cast(EVENT_SCHEMA)
        if table.num_rows == 0:
            return 0
        part = uuid.uuid4().hex[:16]
        days = pc.unique(table.column("day")).to_pylist()
        for day in days:
            mask = pc.is_null(table.column("day")) if day is None else pc.equal(
                table.column("day"), pa.scalar(day, pa.date32()))
            name = f"day={day.isoformat() if day else 'unknown'}"
            _atomic_write_parquet(table.filter(mask), self.events_dir / name /
                                  f"part-{part}.parquet")
        return table.num_rows

    def write_quarantine(self, rows: list[dict]) -> int:
        """Append quarantine rows (see ``QUARANTINE_SCHEMA``)."""
        if not rows:
            return 0
        table = pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)
        _atomic_write_parquet(table, self.path / "quarantine" /
                              f"part-{uuid.uuid4().hex[:16]}.parquet")
        return len(rows)

    def spool_put(self, items: Iterable[tuple[str, bytes]]) -> int:
        """Store raw messages by content address; ones already stored are skipped."""
        return self._spool.put(items)

    def spool_put_pack(self, pack: Pack) -> int:
        """Store a spool pack made elsewhere (``spamintel.store.spool.make_pack``)."""
        return self._spool.put_pack(pack)

    def raw(self, sha: str) -> bytes:
        """The original bytes of a stored message (KeyError when unknown)."""
        return self._spool.get(sha)

    def table_path(self, name: str) -> Path:
        """Path of an analysis table."""
        if not name.isidentifier():
            raise ValueError(f"bad table name {name!r}")
        return self.path / "tables" / f"{name}.parquet"

    def write_table(self, name: str, table: pa.Table) -> None:
        """Replace analysis table ``name`` atomically; it appears as a view of that name."""
        _atomic_write_parquet(table, self.table_path(name))

    def drop_table(self, name: str) -> None:
        """Remove analysis table ``name`` if there is one (a run that found no rows for it
        must not leave an earlier run's)."""
        self.table_path(name).unlink(missing_ok=True)

    def table_names(self) -> list[str]:
        """Names of the stored analysis tables."""
        return sorted(p.stem for p in (self.path / "tables").glob("*.parquet")
                      if not p.name.startswith(_TMP))

    def connect(self, days: tuple[date, date] | None = None):  # -> duckdb.DuckDBPyConnection
        """A DuckDB connection with views ``events``, ``quarantine`` and one per table;
        ``days`` (first included, last excluded) limits ``events`` to those days."""
        from spamintel.store.views import connect

        return connect(self, days)
