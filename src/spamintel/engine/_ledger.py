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

# A batch is cut at this many bytes of raw messages as well as at ``batch_size``
# messages: 5,000 messages of 64 MB would be 320 GB in memory.
BATCH_BYTES = 256 << 20


def failure_row(fail: SourceFailure) -> dict:
    """The quarantine row of a piece of input a source could not turn into a message."""
    sha = hashlib.sha256(fail.data).hexdigest()
    key = hashlib.sha256(f"{fail.source}|{fail.sensor}|{fail.reason}".encode()).hexdigest()[:32]
    return quarantine_row(key, sha, fail.sensor, fail.source, len(fail.data), fail.reason)


class _Failures:
    """Source failures waiting to be stored: their rows, and their bytes for the spool
    (stored first, so a row never points at missing bytes)."""

    def __init__(self, store: Store, spool: bool) -> None:
        self.store, self.spool = store, spool
        self.rows: list[dict] = []
        self.data: list[tuple[str, bytes]] = []
        self.bytes = 0

    def add(self, row: dict, data: bytes) -> None:
        """Hold one failure's row and bytes."""
        self.rows.append(row)
        if data and self.spool:
            self.data.append((row["msg_sha256"], data))
            self.bytes += len(data)

    def flush(self) -> int:
        """Store what is held; return the rows written."""
        if self.data:
            self.store.spool_put(self.data)
        written = self.store.write_quarantine(self.rows)
        self.rows, self.data, self.bytes = [], [], 0
        return written


def new_batches(items: Iterable[RawMessage | SourceFailure], store: Store, size: int,
                stats: IngestStats, max_bytes: int = BATCH_BYTES, spool: bool = True
                ) -> Iterator[list[RawMessage]]:
    """New messages in batches of ``size`` messages or ``max_bytes`` bytes, whichever
    comes first; source failures go to quarantine (their bytes to the spool, with
    ``spool``) at each batch, or as soon as as many or as large are waiting."""
    seen_ids = store.existing_ids()
    batch: list[RawMessage] = []
    batch_bytes = 0
    failures = _Failures(store, spool)
    for item in items:
        stats.seen += 1
        if isinstance(item, SourceFailure):
            row = failure_row(item)
            if row["event_id"] not in seen_ids:
                seen_ids.add(row["event_id"])
                failures.add(row, item.data)
            if len(failures.rows) >= size or failures.bytes >= max_bytes:
                stats.quarantined += failures.flush()
            continue
        if item.event_id in seen_ids:
            stats.skipped += 1
            continue
        seen_ids.add(item.event_id)
        batch.append(item)
        batch_bytes += len(item.data)
        if len(batch) >= size or batch_bytes >= max_bytes:
            stats.quarantined += failures.flush()
            yield batch
            batch, batch_bytes = [], 0
    stats.quarantined += failures.flush()
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
