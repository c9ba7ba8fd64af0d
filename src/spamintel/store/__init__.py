"""Store stage: Parquet events partitioned by day, quarantine, analysis tables, raw spool,
and DuckDB views over them."""

from spamintel.store.dataset import Store

__all__ = ["Store"]
