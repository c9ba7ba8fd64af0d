"""``ingest_spark``: ingest with the reading of the input and the per-message stages on
Spark executors, and the exactly-once ledger and the store's writes on the driver.

The driver lists the input's units (files, spools, runs of a zip's members; see
``spamintel.sources.units``) instead of reading messages, and groups them into jobs of
about ``store.batch_size`` messages. In each job, ``DataFrame.mapInArrow`` reads the units
on the executors with the sources stage's own code and skips what the store holds (the
ledger is broadcast); the local engine's batch function (``Pipeline.process_batch``) runs
over the rest and their raw bytes are packed for the spool. A job with a big unit (a
``.tar.gz``, a ``.gz``, an mbox that holds more than a zip part) is run in two stages: the
messages read come back as rows of raw bytes, hashed on their place over all partitions,
and processed there, so one unit's stages run on every executor core. The driver commits
the results in input order (``_collect.Collector``), so a stopped run resumes and a re-run
adds nothing. A few jobs are in flight at once, so executors never wait for the driver.
See docs/engine.md.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from spamintel.config import Config
from spamintel.engine._collect import Collector
from spamintel.engine._executor import process_partition, read_and_process, read_partition
from spamintel.engine._progress import shown
from spamintel.engine._session import SparkUnavailable, spark_session
from spamintel.engine._wire import ITEM_SCHEMA, RESULT_SCHEMA, units_to_batch
from spamintel.engine.stats import IngestStats
from spamintel.model import RawMessage
from spamintel.sources.files import Labeler
from spamintel.sources.units import FILE, ZIP_PART, Unit, list_units
from spamintel.store import Store

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import SparkSession

__all__ = ["SparkUnavailable", "ingest_spark", "spark_session"]

JOBS_IN_FLIGHT = 3
ZIP_PARTS_PER_JOB = 8  # a zip splits into runs of batch_size / 8 members
BYTES_PER_MESSAGE = 8192  # to guess how many messages a file holds, for job sizes
# A job whose biggest unit holds more than this share of batch_size messages (a zip
# part's worth) has its items redistributed before the stages run.
REDISTRIBUTE_ABOVE = 1 / ZIP_PARTS_PER_JOB
Job = list[tuple[int, Unit | RawMessage]]


class _Steps:
    """What the executors run: both steps in one task, or each in its stage."""

    def __init__(self, cfg: Config, sensor: str, labeler: Labeler | None,
                 ledger: Broadcast[frozenset[str]]) -> None:
        self.both = partial(read_and_process, cfg, sensor, labeler, ledger)
        self.read = partial(read_partition, cfg, sensor, labeler, ledger)
        self.process = partial(process_partition, cfg)
        self.split_above = cfg.store.batch_size * REDISTRIBUTE_ABOVE

    def redistributes(self, job: Job) -> bool:
        """True when ``job`` holds a unit too big for one core."""
        return max(_weight(unit) for _, unit in job) > self.split_above


def ingest_spark(inputs: Iterable[str | Path | RawMessage], store: Store,
                 cfg: Config | None = None, *, sensor: str = "default",
                 labeler: Labeler | None = None, spark: SparkSession | None = None,
                 master: str = "local[2]", progress: bool = False) -> IngestStats:
    """Ingest ``inputs`` on Spark into ``store``; return what happened.

    An input is a path every executor can read (a file or folder, as for
    ``iter_sources``, whose ``sensor`` and ``labeler`` apply) or a message handed in
    whole. ``spark`` is a session to run on (left running); without one a session on
    ``master`` is started and stopped. Raises ``SparkUnavailable`` when Spark cannot start.
    """
    if spark is None:
        with spark_session(master) as own:
            return ingest_spark(inputs, store, cfg, sensor=sensor, labeler=labeler,
                                spark=own, progress=progress)
    cfg = cfg or Config()
    stats = IngestStats()
    store.recover()
    t_start = time.perf_counter()
    with shown("ingest (spark)", progress) as (bar, task):
        ids = store.existing_ids()
        ledger = spark.sparkContext.broadcast(frozenset(ids))
        try:
            _run(spark, _Steps(cfg, sensor, labeler, ledger), _jobs(inputs, cfg.store.batch_size),
                 Collector(store, cfg.store.batch_size, ids, stats, (bar, task)))
        finally:
            ledger.destroy()
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _weight(unit: Unit | RawMessage) -> int:
    """About how many messages a unit holds."""
    if isinstance(unit, RawMessage):
        return 1
    if unit.kind == ZIP_PART:
        return unit.last - unit.first
    try:
        return max(1, os.path.getsize(unit.path) // BYTES_PER_MESSAGE) if unit.kind == FILE else 1
    except OSError:
        return 1


def _jobs(inputs: Iterable[str | Path | RawMessage], size: int) -> Iterator[Job]:
    """The inputs' units, numbered in input order, in jobs of about ``size`` messages."""
    def units() -> Iterator[Unit | RawMessage]:
        for item in inputs:
            if isinstance(item, RawMessage):
                yield item
            else:
                yield from list_units([item], max(1, size // ZIP_PARTS_PER_JOB))

    job: Job = []
    weight = 0
    for seq, unit in enumerate(units()):
        job.append((seq, unit))
        weight += _weight(unit)
        if weight >= size:
            yield job
            job, weight = [], 0
    if job:
        yield job


def _run(spark: SparkSession, steps: _Steps, jobs: Iterator[Job], collector: Collector) -> None:
    """Submit a Spark job per job, at most ``JOBS_IN_FLIGHT`` at once; collect in order."""
    tag = f"spamintel-ingest-{uuid.uuid4().hex[:12]}"
    pending: deque[tuple[Job, Future[pa.Table]]] = deque()
    pool = ThreadPoolExecutor(JOBS_IN_FLIGHT, thread_name_prefix="spamintel-spark")
    try:
        for job in jobs:
            pending.append((job, pool.submit(_process, spark, steps, job, tag)))
            if len(pending) >= JOBS_IN_FLIGHT:
                done, results = pending.popleft()
                collector.take(dict(done), results.result())
        while pending:
            done, results = pending.popleft()
            collector.take(dict(done), results.result())
        collector.finish()
    except BaseException:
        spark.interruptTag(tag)  # a stopped ingest stops its jobs, not others'
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _process(spark: SparkSession, steps: _Steps, job: Job, tag: str) -> pa.Table:
    """One job's units read and processed on the executors: their result rows. Units are
    dealt round-robin, one Arrow batch (so one partition) per share; the items of a job
    with a big unit are hashed on their place (unit, position) over as many partitions."""
    from pyspark.sql.pandas.types import from_arrow_schema

    spark.addTag(tag)
    parts = 2 * spark.sparkContext.defaultParallelism
    shares = min(len(job), parts)
    table = pa.Table.from_batches([units_to_batch(job[i::shares]) for i in range(shares)])
    units = spark.createDataFrame(table)
    results = from_arrow_schema(RESULT_SCHEMA, prefer_timestamp_ntz=False)
    if not steps.redistributes(job):
        return units.mapInArrow(steps.both, results).toArrow()
    items = from_arrow_schema(ITEM_SCHEMA, prefer_timestamp_ntz=False)
    return (units.mapInArrow(steps.read, items).repartition(parts, "unit", "pos")
            .mapInArrow(steps.process, results).toArrow())
