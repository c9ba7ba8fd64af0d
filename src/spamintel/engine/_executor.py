"""What a Spark executor runs: the local engine's batch function over the raw messages of
one partition, one Arrow batch at a time (``DataFrame.mapInArrow``).

A Python worker keeps its ``Pipeline`` (IP tables, classifier model) between tasks, as a
pool worker does between batches: Spark reuses its Python workers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from spamintel.config import Config
from spamintel.engine._wire import raws_from_batch, to_results
from spamintel.engine.pipeline import Pipeline

_CACHED: tuple[Config, Pipeline] | None = None


def _pipeline(cfg: Config) -> Pipeline:
    """This worker's pipeline for ``cfg``, built once."""
    global _CACHED
    if _CACHED is None or _CACHED[0] != cfg:
        _CACHED = (cfg, Pipeline(cfg))
    return _CACHED[1]


def process_partition(cfg: Config, batches: Iterator[pa.RecordBatch]
                      ) -> Iterator[pa.RecordBatch]:
    """Raw-message rows in, result rows out: each message's event or quarantine row."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        events, quarantine = _pipeline(cfg).process_batch(raws_from_batch(batch))
        yield to_results(events, quarantine)
