"""``ingest``: stream messages from sources into the store, exactly once.

Messages whose ``event_id`` is already stored are skipped before any parsing, so a
re-run adds nothing and a run stopped by Ctrl-C or a kill resumes where it stopped.
A batch is stored spool first, then events: an event never points at missing bytes.
With several workers, each worker parses *and stores* its own batches; the main
process only reads the sources, deduplicates and hands out batches.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from rich.progress import Progress, TaskID

from spamintel.config import Config
from spamintel.engine._ledger import commit_batch, new_batches
from spamintel.engine._progress import advance, shown
from spamintel.engine.pipeline import Pipeline
from spamintel.engine.stats import BatchResult, IngestStats
from spamintel.model import RawMessage, SourceFailure
from spamintel.store import Store

_WORKER: tuple[Pipeline, Store] | None = None


def store_batch(pipeline: Pipeline, store: Store, raws: list[RawMessage]) -> BatchResult:
    """Process one batch and commit it: spool, then events, then quarantine rows."""
    before = dict(pipeline.stage_seconds)
    batch, quarantine = pipeline.process_batch(raws)
    spool = ((r.sha256, r.data) for r in raws) if pipeline.cfg.store.spool else None
    result = commit_batch(store, batch, quarantine, spool)
    for k, v in pipeline.stage_seconds.items():
        result.seconds[k] = v - before.get(k, 0.0)
    return result


def _worker_init(cfg: Config, store_path: Path) -> None:
    global _WORKER
    _WORKER = (Pipeline(cfg), Store(store_path))


def _worker_run(raws: list[RawMessage]) -> BatchResult:
    assert _WORKER is not None
    return store_batch(_WORKER[0], _WORKER[1], raws)


def ingest(items: Iterable[RawMessage | SourceFailure], store: Store, cfg: Config | None = None,
           workers: int = 1, progress: bool = False) -> IngestStats:
    """Run every message through the pipeline into ``store``; return what happened."""
    cfg = cfg or Config()
    stats = IngestStats()
    store.recover()
    t_start = time.perf_counter()
    with shown("ingest", progress) as (bar, task):
        batches = new_batches(items, store, cfg.store.batch_size, stats,
                              spool=cfg.store.spool)
        if workers <= 1:
            pipeline = Pipeline(cfg)
            for raws in batches:
                stats.add(store_batch(pipeline, store, raws))
                advance(bar, task, len(raws))
        else:
            _ingest_parallel(batches, stats, cfg, store.path, workers, bar, task)
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _ingest_parallel(batches: Iterator[list[RawMessage]], stats: IngestStats, cfg: Config,
                     store_path: Path, workers: int, bar: Progress | None,
                     task: TaskID | None) -> None:
    pending: list[tuple[int, Future]] = []
    # Workers come from a fresh single-threaded server process, never forked from this
    # one: a fork copies locks that this process's library threads (Arrow, DuckDB, BLAS)
    # may hold at that instant, and a child that needs one of them waits for ever.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                             initargs=(cfg, store_path)) as pool:
        for raws in batches:
            pending.append((len(raws), pool.submit(_worker_run, raws)))
            while len(pending) > workers * 2 or (pending and pending[0][1].done()):
                n, fut = pending.pop(0)
                stats.add(fut.result())
                advance(bar, task, n)
        for n, fut in pending:
            stats.add(fut.result())
            advance(bar, task, n)
