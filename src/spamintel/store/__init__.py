"""Store stage: Parquet events partitioned by day, quarantine, analysis tables, raw spool,
and DuckDB views over them."""

from spamintel.store.dataset import Store
from spamintel.store.views import dict_rows

__all__ = ["Store", "dict_rows"]
