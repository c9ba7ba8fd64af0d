"""Build the analysis tables attribution writes: ``attribution``, ``campaigns``,
``campaign_daily`` and ``botnet_clusters``."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pyarrow as pa

from spamintel.attribute.assign import Assignment
from spamintel.attribute.naming import Clusters
from spamintel.attribute.traits import cluster_traits

ATTRIBUTION_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("botnet", pa.string()), ("botnet_confidence", pa.float32()),
    ("botnet_method", pa.string()), ("campaign_id", pa.string())])


def attribution_table(table: pa.Table, result: Assignment) -> pa.Table:
    """One row per event: botnet, confidence, method (signature|cluster|none), campaign."""
    conf = result.confidence
    return pa.table({
        "event_id": table.column("event_id"),
        "botnet": pa.array(result.botnet, pa.string()),
        "botnet_confidence": pa.array(conf, pa.float32(), mask=np.isnan(conf)),
        "botnet_method": pa.array(result.method, pa.string()),
        "campaign_id": table.column("campaign_id"),
    }, schema=ATTRIBUTION_SCHEMA)


def campaign_tables(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """``campaigns`` (one row per campaign) and ``campaign_daily`` (messages per day)."""
    con = duckdb.connect()
    con.register("t", table.select(["campaign_id", "observed_at", "day", "category",
                                    "url_domains", "botnet", "subject"]))
    campaigns = con.sql("""
        SELECT campaign_id, min(observed_at) AS first_seen, max(observed_at) AS last_seen,
               count(*) AS messages, mode(category) AS category,
               list_slice(list_sort(list_distinct(flatten(list(url_domains)))), 1, 50)
                   AS url_domains,
               list_sort(list_distinct(list(botnet))) AS botnets,
               arg_min(subject, observed_at) AS subject_example
        FROM t WHERE campaign_id IS NOT NULL GROUP BY campaign_id
        ORDER BY messages DESC, campaign_id""").to_arrow_table()
    daily = con.sql("""
        SELECT campaign_id, day, count(*) AS messages FROM t
        WHERE campaign_id IS NOT NULL GROUP BY ALL ORDER BY campaign_id, day
        """).to_arrow_table()
    return campaigns, daily


CLUSTER_SCHEMA = pa.schema([
    ("cluster_id", pa.string()), ("botnet", pa.string()), ("signature", pa.string()),
    ("traits", pa.string()), ("ips", pa.int64()), ("messages", pa.int64()),
    ("first_seen", pa.timestamp("us", tz="UTC"))])


def botnet_clusters_table(table: pa.Table, clusters: Clusters) -> pa.Table:
    """One row per cluster reported as a botnet, with its defining traits as JSON."""
    reported = np.array([n is not None and m > 0 for n, m in
                         zip(clusters.names, clusters.messages, strict=True)], dtype=bool)
    labels = clusters.labels
    keep = np.append(reported, False)[np.where(labels >= 0, labels, len(reported))]
    sub = table.select([c for c in table.column_names if c != "body_minhash"]).filter(
        pa.array(keep))
    traits = cluster_traits(sub.append_column("cluster", pa.array(labels[keep])))
    seen = table.column("observed_at")
    rows = [{"cluster_id": clusters.ids[c], "botnet": clusters.names[c],
             "signature": clusters.signatures[c],
             "traits": json.dumps(traits.get(int(c), {})),
             "ips": int(clusters.ips[c]), "messages": int(clusters.messages[c]),
             "first_seen": seen[int(clusters.first_row[c])].as_py()}
            for c in np.flatnonzero(reported)]
    return pa.Table.from_pylist(rows, schema=CLUSTER_SCHEMA).sort_by(
        [("messages", "descending"), ("cluster_id", "ascending")])
