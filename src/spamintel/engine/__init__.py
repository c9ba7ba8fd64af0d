"""Engine: runs the per-message stages over sources into the store (local process pool)."""

from spamintel.engine.ingest import IngestStats, ingest
from spamintel.engine.pipeline import Pipeline

__all__ = ["IngestStats", "Pipeline", "ingest"]
