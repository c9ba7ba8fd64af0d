"""The Spark driver's part of an ingest: the results of each job, in input order, through
the exactly-once ledger and into the store, in batches as the local engine makes them.

A job's spool packs are written first (an event never points at missing bytes). Its item
rows are put in input order (unit, then place in the unit); an item whose ``event_id`` the
store holds or the run met before is skipped (the first copy wins, as on the local engine),
and the new ones are committed every ``batch_size`` messages: events, then quarantine rows.
A zip read in parts stops where its reader broke, as a zip read whole does.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.compute as pc
from rich.progress import Progress, TaskID

from spamintel.engine._ledger import commit_batch
from spamintel.engine._progress import advance
from spamintel.engine._wire import (
    EVENT,
    FAILURE,
    PACK,
    QUARANTINED,
    RESULT_SCHEMA,
    STORED,
    events_of,
    packs_of,
    quarantine_of,
)
from spamintel.engine.stats import IngestStats
from spamintel.model import RawMessage
from spamintel.sources.units import ZIP_PART, Unit, safe_name
from spamintel.store import Store
from spamintel.store.spool import Pack

_MESSAGES = pa.array([EVENT, QUARANTINED], pa.int8())


class Collector:
    """Commits job results in input order; ``ids`` is the ledger (taken over, grown)."""

    def __init__(self, store: Store, batch_size: int, ids: set[str], stats: IngestStats,
                 bar: tuple[Progress | None, TaskID | None]) -> None:
        self.store, self.size, self.ids, self.stats, self.bar = store, batch_size, ids, stats, bar
        self.carry = RESULT_SCHEMA.empty_table()
        self.broken: dict[str, int] = {}  # zip read in parts -> unit where its reader broke
        self.tasks: set[int] = set()  # the executor tasks that ran the stages

    def take(self, units: dict[int, Unit | RawMessage], results: pa.Table) -> None:
        """One job's results (``units``: its units by place); commit every full batch."""
        rows = results.filter(pc.not_equal(results.column("kind"), PACK))
        rows = rows.sort_by([("unit", "ascending"), ("pos", "ascending")])
        self._count_tasks(rows)
        kept = self._unbroken(rows, units)
        self._spool(packs_of(results), None if kept.num_rows == rows.num_rows else kept)
        rows = self._new(kept)
        self.carry = pa.concat_tables([self.carry, rows])
        while (end := self._batch_end()) >= 0:
            self._commit(self.carry.slice(0, end + 1))
            self.carry = self.carry.slice(end + 1)

    def finish(self) -> None:
        """Commit what is left."""
        if self.carry.num_rows:
            self._commit(self.carry)
        self.carry = RESULT_SCHEMA.empty_table()

    def _count_tasks(self, rows: pa.Table) -> None:
        messages = rows.filter(pc.is_in(rows.column("kind"), _MESSAGES))
        self.tasks.update(pc.unique(messages.column("task")).drop_null().to_pylist())
        self.stats.tasks = len(self.tasks)

    def _count(self, key: str, seconds: float) -> None:
        self.stats.seconds[key] = self.stats.seconds.get(key, 0.0) + seconds

    def _spool(self, packs: list[Pack], kept: pa.Table | None) -> None:
        """Store the packs; when rows were dropped (``kept`` the others), only the bytes
        of the kept messages, so the spool holds what the local engine's would."""
        t0 = time.process_time()
        shas = None if kept is None else set(
            events_of(kept).column("msg_sha256").to_pylist()
            + [q["msg_sha256"] for q in quarantine_of(kept)])
        for pack in packs:
            part = pack if shas is None else pack.only(shas)
            if part is not None:
                self.store.spool_put_pack(part)
        self._count("store", time.process_time() - t0)

    def _new(self, rows: pa.Table) -> pa.Table:
        """The rows not in the ledger, which then holds them; counts seen and skipped."""
        kinds = rows.column("kind").to_pylist()
        keep = []
        for kind, key in zip(kinds, rows.column("event_id").to_pylist(), strict=True):
            new = kind != STORED and key not in self.ids
            if new:
                self.ids.add(key)
            elif kind != FAILURE:  # a failure met again is not a message skipped
                self.stats.skipped += 1
            keep.append(new)
        self.stats.seen += len(kinds)
        return rows.filter(pa.array(keep, pa.bool_()))

    def _unbroken(self, rows: pa.Table, units: dict[int, Unit | RawMessage]) -> pa.Table:
        """``rows`` without those of a split zip's parts after the one that broke."""
        failures = rows.filter(pc.equal(rows.column("kind"), FAILURE))
        for seq, row in zip(failures.column("unit").to_pylist(),
                            failures.column("quarantine").to_pylist(), strict=True):
            unit = units[seq]
            if (isinstance(unit, Unit) and unit.kind == ZIP_PART
                    and row["source"] == safe_name(unit.path)
                    and row["reason"].startswith("unreadable_container")):
                self.broken.setdefault(unit.path, seq)
        dropped = [seq for seq, u in units.items() if isinstance(u, Unit)
                   and u.kind == ZIP_PART and self.broken.get(u.path, seq) < seq]
        if not dropped:
            return rows
        return rows.filter(pc.invert(pc.is_in(rows.column("unit"), pa.array(dropped))))

    def _batch_end(self) -> int:
        """Index of the carried row that makes a full batch of messages, or -1."""
        if self.carry.num_rows < self.size:
            return -1
        is_message = pc.is_in(self.carry.column("kind"), _MESSAGES)
        counted = pc.cumulative_sum(pc.cast(is_message, pa.int64()))
        return pc.index(counted, self.size).as_py()

    def _commit(self, rows: pa.Table) -> None:
        """Store one batch: events, then quarantine rows (its packs are stored already)."""
        self.stats.add(commit_batch(self.store, events_of(rows), quarantine_of(rows)))
        messages = pc.sum(pc.is_in(rows.column("kind"), _MESSAGES)).as_py() or 0
        advance(*self.bar, messages)
