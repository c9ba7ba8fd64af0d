"""What Spark executors run (``DataFrame.mapInArrow``), in two steps that run in one task
or in two stages with the items redistributed between them (see ``spark.py``).

``read_partition`` reads its partition's units with the sources stage's own code, in
input order, and turns each item into an item row: a message to process (with its raw
bytes), a source failure, or a message the store holds (the ledger the driver broadcast)
or that the task met before. ``process_partition`` runs the local engine's batch function
over the messages to process, in chunks, packs their raw bytes for the spool, and sends
back one result row per item, tagged with the task that ran it.

A Python worker keeps its ``Pipeline`` (IP tables, classifier model) between tasks, as a
pool worker does between batches: Spark reuses its Python workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from spamintel.config import Config
from spamintel.engine._ledger import BATCH_BYTES, failure_row
from spamintel.engine._wire import (
    EVENT,
    FAILURE,
    ITEM_SCHEMA,
    QUARANTINED,
    RAW,
    RESULT_SCHEMA,
    STORED,
    pack_table,
    raw_from_row,
    raw_row,
    result_table,
    unit_from_row,
)
from spamintel.engine.pipeline import Pipeline
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources.files import Labeler, read_unit
from spamintel.store.spool import make_pack

if TYPE_CHECKING:
    from pyspark import Broadcast

_CACHED: tuple[Config, Pipeline] | None = None
ITEM_BATCH_BYTES = 64 << 20  # an item batch's raw bytes stay well below Arrow's 2 GiB


def _pipeline(cfg: Config) -> Pipeline:
    """This worker's pipeline for ``cfg``, built once."""
    global _CACHED
    if _CACHED is None or _CACHED[0] != cfg:
        _CACHED = (cfg, Pipeline(cfg))
    return _CACHED[1]


def _task_id() -> int | None:
    """The running Spark task's id (unique in the application), None outside Spark."""
    from pyspark import TaskContext

    ctx = TaskContext.get()
    return None if ctx is None else ctx.taskAttemptId()


class _Items:
    """One partition's items as rows: new messages to process, the rest skipped."""

    def __init__(self, batch_size: int, known: frozenset[str]) -> None:
        self.size, self.known = batch_size, known
        self.met: set[str] = set()
        self.rows: list[dict] = []
        self.bytes = 0

    def add(self, unit: int, pos: int, item: RawMessage | SourceFailure) -> None:
        """Take one item read from unit ``unit`` at ``pos``."""
        if isinstance(item, SourceFailure):  # a new one's bytes go to the spool
            row = failure_row(item)
            new = row["event_id"] not in self.known and row["event_id"] not in self.met
            self.met.add(row["event_id"])
            data = item.data if new else b""
            self.rows.append({"unit": unit, "pos": pos, "kind": FAILURE, "data": data,
                              "event_id": row["event_id"], "quarantine": row})
            self.bytes += len(data)
        elif item.event_id in self.known or item.event_id in self.met:
            self.rows.append({"unit": unit, "pos": pos, "kind": STORED,
                              "event_id": item.event_id})
        else:
            self.met.add(item.event_id)
            self.rows.append({"unit": unit, "pos": pos, "kind": RAW, **raw_row(item)})
            self.bytes += len(item.data)

    def full(self) -> bool:
        """True when a batch of rows waits."""
        return len(self.rows) >= self.size or self.bytes >= ITEM_BATCH_BYTES

    def flush(self) -> pa.RecordBatch:
        """The waiting rows as one item batch."""
        rows, self.rows, self.bytes = self.rows, [], 0
        return pa.RecordBatch.from_pylist(rows, schema=ITEM_SCHEMA)


def _read(row: dict, sensor: str, cfg: Config, labeler: Labeler | None
          ) -> Iterable[RawMessage | SourceFailure]:
    unit = unit_from_row(row)
    if isinstance(unit, RawMessage):
        return [unit]
    return read_unit(unit, sensor, cfg.sources, labeler)


def read_partition(cfg: Config, sensor: str, labeler: Labeler | None,
                   ledger: Broadcast[frozenset[str]], batches: Iterator[pa.RecordBatch]
                   ) -> Iterator[pa.RecordBatch]:
    """Unit rows in (in any order), item rows out; see the module docstring."""
    items = _Items(cfg.store.batch_size, ledger.value)
    units = sorted((row for batch in batches for row in batch.to_pylist()),
                   key=itemgetter("seq"))
    for row in units:
        for pos, item in enumerate(_read(row, sensor, cfg, labeler)):
            items.add(row["seq"], pos, item)
            if items.full():
                yield items.flush()
    if items.rows:
        yield items.flush()


def process_partition(cfg: Config, batches: Iterator[pa.RecordBatch]
                      ) -> Iterator[pa.RecordBatch]:
    """Item rows in (in any order), result rows out; see the module docstring."""
    task = _task_id()
    pending: list[tuple[int, int, RawMessage]] = []
    held = 0  # bytes of the pending messages: a chunk is cut at BATCH_BYTES too
    for batch in batches:
        raw = pc.equal(batch.column("kind"), RAW)
        yield from _skipped(batch.filter(pc.invert(raw)), cfg.store.spool)
        new = [(row["unit"], row["pos"], raw_from_row(row))
               for row in batch.filter(raw).to_pylist()]
        pending += new
        held += sum(len(item[2].data) for item in new)
        if len(pending) >= cfg.store.batch_size or held >= BATCH_BYTES:
            yield from _processed(_pipeline(cfg), pending, cfg.store.spool, task)
            pending, held = [], 0
    if pending:
        yield from _processed(_pipeline(cfg), pending, cfg.store.spool, task)


def _skipped(rows: pa.RecordBatch, spool: bool) -> Iterator[pa.RecordBatch]:
    """Result rows of items not to process (failures, messages stored or met), and a
    spool pack of the failures' bytes."""
    if not rows.num_rows:
        return
    columns = {f.name: rows.column(f.name) for f in ITEM_SCHEMA if f.name in
               ("unit", "pos", "kind", "event_id", "quarantine")}
    yield from result_table(columns, rows.num_rows).to_batches()
    failures = rows.filter(pc.equal(rows.column("kind"), FAILURE)).to_pylist()
    pack = make_pack((r["quarantine"]["msg_sha256"], r["data"]) for r in failures
                     if r["data"]) if spool else None
    if pack:
        yield from pack_table(pack).to_batches()


def read_and_process(cfg: Config, sensor: str, labeler: Labeler | None,
                     ledger: Broadcast[frozenset[str]], batches: Iterator[pa.RecordBatch]
                     ) -> Iterator[pa.RecordBatch]:
    """Both steps in one task: unit rows in, result rows out."""
    return process_partition(cfg, read_partition(cfg, sensor, labeler, ledger, batches))


def _first_copies(pending: list[tuple[int, int, RawMessage]]
                  ) -> tuple[list[RawMessage], dict[str, tuple[int, int]], list[dict]]:
    """The messages to process, where each was read, and the later copies of a message
    (read by two tasks before the items met here) as "met before" rows."""
    raws: list[RawMessage] = []
    where: dict[str, tuple[int, int]] = {}
    copies: list[dict] = []
    for unit, pos, raw in sorted(pending, key=itemgetter(0, 1)):
        if raw.event_id in where:
            copies.append({"unit": unit, "pos": pos, "kind": STORED, "event_id": raw.event_id})
        else:
            where[raw.event_id] = (unit, pos)
            raws.append(raw)
    return raws, where, copies


def _processed(pipeline: Pipeline, pending: list[tuple[int, int, RawMessage]],
               spool: bool, task: int | None) -> Iterator[pa.RecordBatch]:
    """New messages through the pipeline: their events, quarantine rows and spool pack."""
    raws, where, copies = _first_copies(pending)
    if copies:
        yield from pa.Table.from_pylist(copies, schema=RESULT_SCHEMA).to_batches()
    events, quarantine = pipeline.process_batch(raws)
    ids = events.column("event_id").to_pylist()
    columns = dict(zip(events.schema.names, events.columns, strict=True))
    columns.update(unit=pa.array([where[i][0] for i in ids], pa.int64()),
                   pos=pa.array([where[i][1] for i in ids], pa.int64()),
                   kind=pa.array([EVENT] * len(ids), pa.int8()),
                   task=pa.array([task] * len(ids), pa.int64()))
    failed = [{"unit": where[q["event_id"]][0], "pos": where[q["event_id"]][1],
               "kind": QUARANTINED, "task": task, "event_id": q["event_id"], "quarantine": q}
              for q in quarantine]
    yield from result_table(columns, len(ids)).to_batches()
    yield from pa.Table.from_pylist(failed, schema=RESULT_SCHEMA).to_batches()
    pack = make_pack((raw.sha256, raw.data) for raw in raws) if spool else None
    if pack:
        yield from pack_table(pack).to_batches()
