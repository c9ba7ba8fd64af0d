"""Feed a trap spool into an event store continuously (``ingest --follow``, ``trap --store``).

Each round reads the deliveries acknowledged since the checkpoint, runs them through
``spamintel.engine.ingest`` (which skips event_ids already stored) and then saves the
checkpoint, so a crash anywhere repeats at most one round and stores nothing twice.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from pathlib import Path

from spamintel.sources.spool import MARKER, SpoolFollower, checkpoint_path, follow

log = logging.getLogger("spamintel.trap")


def feed_store(spool: str | Path, store_dir: str | Path, config: str | Path | None = None,
               stop: threading.Event | None = None, interval: float = 1.0,
               workers: int = 1, max_wait: float = 10.0) -> int:
    """Ingest new spool deliveries round by round until ``stop`` is set; return stored count."""
    from spamintel.config import load_config
    from spamintel.engine import ingest
    from spamintel.store import Store

    cfg = load_config(config)
    store = Store(store_dir)
    follower = SpoolFollower(spool, checkpoint_path(store_dir, spool))
    stop = stop or threading.Event()
    stored = 0
    for items in follow(follower, stop.is_set, interval, max_wait=max_wait):
        stats = ingest(items, store, cfg, workers=workers)
        follower.commit()
        stored += stats.stored
        log.info("ingested", extra={"fields": {"stored": stats.stored, "skipped": stats.skipped,
                                               "quarantined": stats.quarantined,
                                               "lag_bytes": follower.lag_bytes()}})
    return stored


def _feeder_main(spool: str, store_dir: str, config: str | None) -> None:
    follow_forever(spool, store_dir, config)


def run_with_feeder(cfg, store: str | Path | None, config: str | Path | None) -> None:
    """Run the trap; with ``store``, also a feeder process that follows its spool."""
    from spamintel.sources.trap.server import run_trap

    proc = None
    if store is not None:
        Path(cfg.spool).mkdir(parents=True, exist_ok=True)
        (Path(cfg.spool) / MARKER).touch()
        proc = multiprocessing.get_context("spawn").Process(
            target=_feeder_main, args=(cfg.spool, str(store), str(config) if config else None),
            name="spamintel-feeder")
        proc.start()
    try:
        run_trap(cfg)
    finally:
        if proc is not None:
            proc.terminate()
            proc.join(60)


def follow_forever(spool: str | Path, store_dir: str | Path, config: str | Path | None = None,
                   workers: int = 1) -> int:
    """``ingest --follow``: feed until SIGTERM or Ctrl-C; return how many events were stored."""
    from spamintel.sources.spool import is_spool
    from spamintel.sources.trap.logs import setup_json_logging

    if not is_spool(spool):
        raise SystemExit(f"{spool} is not a trap spool (no marker file)")
    setup_json_logging()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return feed_store(spool, store_dir, config, stop, workers=workers)
