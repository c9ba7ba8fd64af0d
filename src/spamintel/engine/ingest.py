"""``ingest``: stream messages from sources into the store, exactly once.

Messages whose ``event_id`` is already stored are skipped before any parsing, so a
re-run adds nothing and a run stopped by Ctrl-C or a kill resumes where it stopped.
A batch is stored spool first, then events: an event never points at missing bytes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from spamintel.config import Config
from spamintel.engine.pipeline import Pipeline, quarantine_row
from spamintel.model import RawMessage, SourceFailure
from spamintel.store import Store

_WORKER: Pipeline | None = None


@dataclass
class IngestStats:
    """What one ingest run did, with per-stage seconds for benchmarks."""

    seen: int = 0
    stored: int = 0
    skipped: int = 0
    quarantined: int = 0
    parse_paths: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _worker_init(cfg: Config) -> None:
    global _WORKER
    _WORKER = Pipeline(cfg)


def _worker_run(raws: list[RawMessage]):
    assert _WORKER is not None
    return _WORKER.process_batch(raws)


def _failure_row(fail: SourceFailure) -> dict:
    sha = hashlib.sha256(fail.data).hexdigest()
    key = hashlib.sha256(f"{fail.source}|{fail.sensor}|{fail.reason}".encode()).hexdigest()[:32]
    return quarantine_row(key, sha, fail.sensor, fail.source, len(fail.data), fail.reason)


class _Runner:
    def __init__(self, store: Store, cfg: Config, stats: IngestStats) -> None:
        self.store, self.cfg, self.stats = store, cfg, stats
        self.seen_ids = store.existing_ids()

    def batches(self, items: Iterable[RawMessage | SourceFailure]) -> Iterator[list[RawMessage]]:
        batch: list[RawMessage] = []
        failures: list[dict] = []
        for item in items:
            self.stats.seen += 1
            if isinstance(item, SourceFailure):
                row = _failure_row(item)
                if row["event_id"] not in self.seen_ids:
                    self.seen_ids.add(row["event_id"])
                    failures.append(row)
                continue
            key = item.event_id
            if key in self.seen_ids:
                self.stats.skipped += 1
                continue
            self.seen_ids.add(key)
            batch.append(item)
            if len(batch) >= self.cfg.store.batch_size:
                self.stats.quarantined += self.store.write_quarantine(failures)
                failures = []
                yield batch
                batch = []
        self.stats.quarantined += self.store.write_quarantine(failures)
        if batch:
            yield batch

    def commit(self, raws: list[RawMessage], result) -> None:
        batch, quarantine = result
        t0 = time.perf_counter()
        if self.cfg.store.spool:
            self.store.spool_put((r.sha256, r.data) for r in raws)
        self.stats.stored += self.store.write_events(batch)
        self.stats.quarantined += self.store.write_quarantine(quarantine)
        for path in batch.column("parse_path").to_pylist():
            self.stats.parse_paths[path] = self.stats.parse_paths.get(path, 0) + 1
        self.stats.seconds["store"] = self.stats.seconds.get("store", 0.0) + (
            time.perf_counter() - t0)


def ingest(items: Iterable[RawMessage | SourceFailure], store: Store, cfg: Config | None = None,
           workers: int = 1, progress: bool = False) -> IngestStats:
    """Run every message through the pipeline into ``store``; return what happened."""
    cfg = cfg or Config()
    stats = IngestStats()
    runner = _Runner(store, cfg, stats)
    bar = _progress() if progress else None
    task = bar.add_task("ingest", total=None, rate=0.0) if bar else None
    t_start = time.perf_counter()
    if bar:
        bar.start()
    try:
        if workers <= 1:
            pipeline = Pipeline(cfg)
            for raws in runner.batches(items):
                runner.commit(raws, pipeline.process_batch(raws))
                _advance(bar, task, len(raws))
            for k, v in pipeline.stage_seconds.items():
                stats.seconds[k] = v
        else:
            _ingest_parallel(runner, items, cfg, workers, bar, task)
    finally:
        if bar:
            bar.stop()
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _ingest_parallel(runner: _Runner, items, cfg: Config, workers: int, bar, task) -> None:
    pending: list[tuple[list[RawMessage], Future]] = []
    with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(cfg,)) as pool:
        for raws in runner.batches(items):
            pending.append((raws, pool.submit(_worker_run, raws)))
            while len(pending) > workers * 2 or (pending and pending[0][1].done()):
                done_raws, fut = pending.pop(0)
                runner.commit(done_raws, fut.result())
                _advance(bar, task, len(done_raws))
        for done_raws, fut in pending:
            runner.commit(done_raws, fut.result())
            _advance(bar, task, len(done_raws))


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
