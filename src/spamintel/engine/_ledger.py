"""Exactly once, for every engine: which messages of a stream are new (by ``event_id``,
against the store's ledger and within the run), and how a processed batch is committed
(spool first, then events, then quarantine rows: an event never points at missing bytes).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from spamintel.engine.pipeline import quarantine_row
from spamintel.engine.stats import BatchResult, IngestStats
from spamintel.model import RawMessage, SourceFailure
from spamintel.store import Store


def failure_row(fail: SourceFailure) -> dict:
    """The quarantine row of a piece of input a source could not turn into a message."""
    sha = hashlib.sha256(fail.data).hexdigest()
    key = hashlib.sha256(f"{fail.source}|{fail.sensor}|{fail.reason}".encode()).hexdigest()[:32]
    return quarantine_row(key, sha, fail.sensor, fail.source, len(fail.data), fail.reason)


def new_batches(items: Iterable[RawMessage | SourceFailure], store: Store, size: int,
                stats: IngestStats) -> Iterator[list[RawMessage]]:
    """New messages in batches of ``size``; source failures go straight to quarantine."""
    seen_ids = store.existing_ids()
    batch: list[RawMessage] = []
    failures: list[dict] = []
    for item in items:
        stats.seen += 1
        if isinstance(item, SourceFailure):
            row = failure_row(item)
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


def commit_batch(store: Store, events: pa.RecordBatch | pa.Table, quarantine: list[dict],
                 spool: Iterable[tuple[str, bytes]] | None = None) -> BatchResult:
    """Store one processed batch: its raw bytes (``spool``: sha256 and bytes, when
    given), events, quarantine rows."""
    t0 = time.process_time()
    if spool is not None:
        store.spool_put(spool)
    stored = store.write_events(events)
    quarantined = store.write_quarantine(quarantine)
    seconds = {"store": time.process_time() - t0}
    counts = pc.value_counts(events.column("parse_path")).to_pylist()
    paths = {c["values"]: c["counts"] for c in counts}
    return BatchResult(stored, quarantined, paths, seconds)
