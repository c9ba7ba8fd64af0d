"""What a Spark executor runs (``DataFrame.mapInArrow``): it reads its partition's units
with the sources stage's own code, skips messages the store holds (the ledger the driver
broadcast) or that it met before, runs the local engine's batch function over the rest,
packs their raw bytes for the spool, and sends back one result row per item.

A Python worker keeps its ``Pipeline`` (IP tables, classifier model) between tasks, as a
pool worker does between batches: Spark reuses its Python workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING

import pyarrow as pa

from spamintel.config import Config
from spamintel.engine._ledger import failure_row
from spamintel.engine._wire import (
    EVENT,
    FAILURE,
    QUARANTINED,
    RESULT_SCHEMA,
    STORED,
    pack_table,
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


def _pipeline(cfg: Config) -> Pipeline:
    """This worker's pipeline for ``cfg``, built once."""
    global _CACHED
    if _CACHED is None or _CACHED[0] != cfg:
        _CACHED = (cfg, Pipeline(cfg))
    return _CACHED[1]


class _Task:
    """One partition's items: new messages wait for a full chunk, the rest become rows."""

    def __init__(self, cfg: Config, known: frozenset[str]) -> None:
        self.cfg, self.known = cfg, known
        self.met: set[str] = set()
        self.pending: list[tuple[int, int, RawMessage]] = []
        self.rows: list[dict] = []

    def add(self, unit: int, pos: int, item: RawMessage | SourceFailure) -> None:
        """Take one item read from unit ``unit`` at ``pos``."""
        if isinstance(item, SourceFailure):
            row = failure_row(item)
            self.rows.append({"unit": unit, "pos": pos, "kind": FAILURE,
                              "event_id": row["event_id"], "quarantine": row})
        elif item.event_id in self.known or item.event_id in self.met:
            self.rows.append({"unit": unit, "pos": pos, "kind": STORED,
                              "event_id": item.event_id})
        else:
            self.met.add(item.event_id)
            self.pending.append((unit, pos, item))

    def full(self) -> bool:
        """True when a chunk of items waits."""
        return len(self.pending) + len(self.rows) >= self.cfg.store.batch_size

    def flush(self) -> Iterator[pa.RecordBatch]:
        """The waiting items' result rows, the new messages processed and packed."""
        pending, self.pending = self.pending, []
        rows, self.rows = self.rows, []
        parts = [pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)]
        if pending:
            parts += _processed(_pipeline(self.cfg), pending, self.cfg.store.spool)
        yield from pa.concat_tables(parts).to_batches()


def _processed(pipeline: Pipeline, pending: list[tuple[int, int, RawMessage]],
               spool: bool) -> list[pa.Table]:
    """New messages through the pipeline: their events, quarantine rows and spool pack."""
    raws = [raw for _, _, raw in pending]
    where = {raw.event_id: (unit, pos) for unit, pos, raw in pending}
    events, quarantine = pipeline.process_batch(raws)
    ids = events.column("event_id").to_pylist()
    columns = dict(zip(events.schema.names, events.columns, strict=True))
    columns.update(unit=pa.array([where[i][0] for i in ids], pa.int64()),
                   pos=pa.array([where[i][1] for i in ids], pa.int64()),
                   kind=pa.array([EVENT] * len(ids), pa.int8()))
    failed = [{"unit": where[q["event_id"]][0], "pos": where[q["event_id"]][1],
               "kind": QUARANTINED, "event_id": q["event_id"], "quarantine": q}
              for q in quarantine]
    parts = [result_table(columns, len(ids)), pa.Table.from_pylist(failed, schema=RESULT_SCHEMA)]
    pack = make_pack((raw.sha256, raw.data) for raw in raws) if spool else None
    return parts + [pack_table(pack)] if pack else parts


def _items(row: dict, sensor: str, cfg: Config, labeler: Labeler | None
           ) -> Iterable[RawMessage | SourceFailure]:
    unit = unit_from_row(row)
    if isinstance(unit, RawMessage):
        return [unit]
    return read_unit(unit, sensor, cfg.sources, labeler)


def process_partition(cfg: Config, sensor: str, labeler: Labeler | None,
                      ledger: Broadcast[frozenset[str]], batches: Iterator[pa.RecordBatch]
                      ) -> Iterator[pa.RecordBatch]:
    """Unit rows in (in any order), result rows out; see the module docstring."""
    task = _Task(cfg, ledger.value)
    units = sorted((row for batch in batches for row in batch.to_pylist()),
                   key=itemgetter("seq"))
    for row in units:
        for pos, item in enumerate(_items(row, sensor, cfg, labeler)):
            task.add(row["seq"], pos, item)
            if task.full():
                yield from task.flush()
    yield from task.flush()
