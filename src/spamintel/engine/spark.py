"""``ingest_spark``: the local engine's ingest with the per-message stages on Spark.

The driver does what the local engine's main process does: it reads the sources, keeps
the exactly-once ledger (``_ledger.new_batches``) and quarantines what a source could not
read. Each batch of new messages becomes one Spark job: a DataFrame of the raw bytes and
envelope fields, spread over the executors, where ``DataFrame.mapInArrow`` runs the local
engine's batch function (``Pipeline.process_batch``) and sends back each message's event
or quarantine row. The driver then commits the batch through the store's own writer:
spool, events, quarantine, so a stopped run resumes and a re-run adds nothing. A few
jobs are in flight at once, so executors never wait for the driver between batches.
See docs/engine.md.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

import pyarrow as pa
from rich.progress import Progress, TaskID

from spamintel.config import Config
from spamintel.engine._executor import process_partition
from spamintel.engine._ledger import commit_batch, new_batches
from spamintel.engine._progress import advance, progress_bar
from spamintel.engine._session import SparkUnavailable, spark_session
from spamintel.engine._wire import RESULT_SCHEMA, from_results, raws_to_table
from spamintel.engine.stats import IngestStats
from spamintel.model import RawMessage, SourceFailure
from spamintel.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SparkUnavailable", "ingest_spark", "spark_session"]

JOBS_IN_FLIGHT = 3


def ingest_spark(items: Iterable[RawMessage | SourceFailure], store: Store,
                 cfg: Config | None = None, *, spark: SparkSession | None = None,
                 master: str = "local[2]", progress: bool = False) -> IngestStats:
    """Run every message through the pipeline on Spark into ``store``; return what happened.

    ``spark`` is a session to run on (left running); without one a session on ``master``
    is started and stopped. Raises ``SparkUnavailable`` when Spark cannot start.
    """
    if spark is None:
        with spark_session(master) as own:
            return ingest_spark(items, store, cfg, spark=own, progress=progress)
    cfg = cfg or Config()
    stats = IngestStats()
    store.recover()
    bar = progress_bar() if progress else None
    task = bar.add_task("ingest (spark)", total=None, rate=0.0) if bar else None
    t_start = time.perf_counter()
    if bar:
        bar.start()
    try:
        batches = new_batches(items, store, cfg.store.batch_size, stats)
        _run(spark, cfg, batches, store, stats, (bar, task))
    finally:
        if bar:
            bar.stop()
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _run(spark: SparkSession, cfg: Config, batches: Iterator[list[RawMessage]], store: Store,
         stats: IngestStats, bar: tuple[Progress | None, TaskID | None]) -> None:
    """Submit a job per batch, at most ``JOBS_IN_FLIGHT`` at once; commit them in order."""
    tag = f"spamintel-ingest-{uuid.uuid4().hex[:12]}"
    pending: deque[tuple[list[RawMessage], Future[pa.Table]]] = deque()
    pool = ThreadPoolExecutor(JOBS_IN_FLIGHT, thread_name_prefix="spamintel-spark")
    try:
        for raws in batches:
            pending.append((raws, pool.submit(_process, spark, cfg, raws, tag)))
            if len(pending) >= JOBS_IN_FLIGHT:
                _commit(store, cfg, *pending.popleft(), stats, bar)
        while pending:
            _commit(store, cfg, *pending.popleft(), stats, bar)
    except BaseException:
        spark.interruptTag(tag)  # a stopped ingest stops its jobs, not others'
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _process(spark: SparkSession, cfg: Config, raws: list[RawMessage], tag: str) -> pa.Table:
    """One batch through the per-message stages on the executors: its result rows."""
    from pyspark.sql.pandas.types import from_arrow_schema

    spark.addTag(tag)
    frame = spark.createDataFrame(raws_to_table(raws))
    schema = from_arrow_schema(RESULT_SCHEMA, prefer_timestamp_ntz=False)
    return frame.mapInArrow(partial(process_partition, cfg), schema).toArrow()


def _commit(store: Store, cfg: Config, raws: list[RawMessage], job: Future[pa.Table],
            stats: IngestStats, bar: tuple[Progress | None, TaskID | None]) -> None:
    """Store a finished job's batch (spool, events, quarantine) on the driver."""
    events, quarantine = from_results(job.result())
    if events.num_rows + len(quarantine) != len(raws):
        raise RuntimeError(f"Spark returned {events.num_rows + len(quarantine)} results for "
                           f"{len(raws)} messages; nothing of this batch is stored")
    stats.add(commit_batch(store, raws, events, quarantine, spool=cfg.store.spool))
    advance(*bar, len(raws))
