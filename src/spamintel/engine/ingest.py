"""``ingest``: stream messages from sources into the store, exactly once.

Messages whose ``event_id`` is already stored are skipped before any parsing, so a
re-run adds nothing and a run stopped by Ctrl-C or a kill resumes where it stopped.
A batch is stored spool first, then events: an event never points at missing bytes.
With several workers, each worker parses *and stores* its own batches; the main
process only reads the sources, deduplicates and hands out batches.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from spamintel.config import Config
from spamintel.engine.pipeline import Pipeline, quarantine_row
from spamintel.model import RawMessage, SourceFailure
from spamintel.store import Store

_WORKER: tuple[Pipeline, Store] | None = None


@dataclass
class IngestStats:
    """What one ingest run did, with per-stage seconds for benchmarks.

    ``seconds`` holds CPU seconds per stage (parse, fingerprint, classify, arrow = building
    the Arrow batch, store), summed over workers, and ``total``, the run's wall time.
    """

    seen: int = 0
    stored: int = 0
    skipped: int = 0
    quarantined: int = 0
    parse_paths: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, part: BatchResult) -> None:
        """Fold one stored batch's figures into the run's."""
        self.stored += part.stored
        self.quarantined += part.quarantined
        for key, n in part.parse_paths.items():
            self.parse_paths[key] = self.parse_paths.get(key, 0) + n
        for key, s in part.seconds.items():
            self.seconds[key] = self.seconds.get(key, 0.0) + s


@dataclass
class BatchResult:
    """What storing one batch did."""

    stored: int
    quarantined: int
    parse_paths: dict[str, int]
    seconds: dict[str, float]


def store_batch(pipeline: Pipeline, store: Store, raws: list[RawMessage]) -> BatchResult:
    """Process one batch and commit it: spool, then events, then quarantine rows."""
    before = dict(pipeline.stage_seconds)
    batch, quarantine = pipeline.process_batch(raws)
    t0 = time.process_time()
    if pipeline.cfg.store.spool:
        store.spool_put((r.sha256, r.data) for r in raws)
    stored = store.write_events(batch)
    quarantined = store.write_quarantine(quarantine)
    seconds = {k: v - before.get(k, 0.0) for k, v in pipeline.stage_seconds.items()}
    seconds["store"] = time.process_time() - t0
    paths: dict[str, int] = {}
    for path in batch.column("parse_path").to_pylist():
        paths[path] = paths.get(path, 0) + 1
    return BatchResult(stored, quarantined, paths, seconds)


def _worker_init(cfg: Config, store_path: Path) -> None:
    global _WORKER
    _WORKER = (Pipeline(cfg), Store(store_path))


def _worker_run(raws: list[RawMessage]) -> BatchResult:
    assert _WORKER is not None
    return store_batch(_WORKER[0], _WORKER[1], raws)


def _failure_row(fail: SourceFailure) -> dict:
    sha = hashlib.sha256(fail.data).hexdigest()
    key = hashlib.sha256(f"{fail.source}|{fail.sensor}|{fail.reason}".encode()).hexdigest()[:32]
    return quarantine_row(key, sha, fail.sensor, fail.source, len(fail.data), fail.reason)


def _batches(items: Iterable[RawMessage | SourceFailure], store: Store, size: int,
             stats: IngestStats) -> Iterator[list[RawMessage]]:
    """New messages in batches of ``size``; source failures go straight to quarantine."""
    seen_ids = store.existing_ids()
    batch: list[RawMessage] = []
    failures: list[dict] = []
    for item in items:
        stats.seen += 1
        if isinstance(item, SourceFailure):
            row = _failure_row(item)
            if row["event_id"] not in seen_ids:
                seen_ids.add(row["event_id"])
                failures.append(row)
            continue
        key = item.event_id
        if key in seen_ids:
            stats.skipped += 1
            continue
        seen_ids.add(key)
        batch.append(item)
        if len(batch) >= size:
            stats.quarantined += store.write_quarantine(failures)
            failures = []
            yield batch
            batch = []
    stats.quarantined += store.write_quarantine(failures)
    if batch:
        yield batch


def ingest(items: Iterable[RawMessage | SourceFailure], store: Store, cfg: Config | None = None,
           workers: int = 1, progress: bool = False) -> IngestStats:
    """Run every message through the pipeline into ``store``; return what happened."""
    cfg = cfg or Config()
    stats = IngestStats()
    store.recover()
    bar = _progress() if progress else None
    task = bar.add_task("ingest", total=None, rate=0.0) if bar else None
    t_start = time.perf_counter()
    if bar:
        bar.start()
    try:
        batches = _batches(items, store, cfg.store.batch_size, stats)
        if workers <= 1:
            pipeline = Pipeline(cfg)
            for raws in batches:
                stats.add(store_batch(pipeline, store, raws))
                _advance(bar, task, len(raws))
        else:
            _ingest_parallel(batches, stats, cfg, store.path, workers, bar, task)
    finally:
        if bar:
            bar.stop()
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _ingest_parallel(batches: Iterator[list[RawMessage]], stats: IngestStats, cfg: Config,
                     store_path: Path, workers: int, bar, task) -> None:
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
                _advance(bar, task, n)
        for n, fut in pending:
            stats.add(fut.result())
            _advance(bar, task, n)


def _progress():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed} msgs"),
                    TextColumn("{task.fields[rate]:.0f} msg/s"), TimeElapsedColumn(),
                    transient=False)


def _advance(bar, task, n: int) -> None:
    if bar is None:
        return
    bar.advance(task, n)
    t = bar.tasks[0]
    elapsed = t.elapsed or 1e-9
    bar.update(task, rate=t.completed / elapsed)
