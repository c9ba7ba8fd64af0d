"""Engine: runs the per-message stages over sources into the store (local process pool;
Spark in ``spamintel.engine.spark``, imported on demand since pyspark is optional)."""

from spamintel.engine.ingest import ingest
from spamintel.engine.pipeline import Pipeline
from spamintel.engine.stats import IngestStats

__all__ = ["IngestStats", "Pipeline", "ingest"]
