"""Build the analysis tables attribution writes: ``attribution``, ``campaigns``,
``campaign_daily`` and ``botnet_clusters``."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pyarrow as pa

from spamintel.attribute.discovery import ClusterStats
from spamintel.attribute.naming import ClusterNames
from spamintel.attribute.signatures import Signature
from spamintel.attribute.traits import cluster_traits

ATTRIBUTION_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("botnet", pa.string()), ("botnet_confidence", pa.float32()),
    ("botnet_method", pa.string()), ("campaign_id", pa.string())])


def attribution_table(table: pa.Table, labels: np.ndarray, sig_idx: np.ndarray,
                      sigs: list[Signature], names: ClusterNames,
                      cluster_confidence: float) -> pa.Table:
    """One row per event: botnet, confidence, method (signature|cluster|none), campaign."""
    n = table.num_rows
    botnet = np.full(n, None, dtype=object)
    conf = np.full(n, np.nan, dtype=np.float32)
    method = np.full(n, "none", dtype=object)
    in_cluster = labels >= 0
    cl_name = np.full(n, None, dtype=object)
    cl_name[in_cluster] = names.names[labels[in_cluster]]
    by_cluster = (sig_idx < 0) & np.array([v is not None for v in cl_name], dtype=bool)
    if by_cluster.any():
        share = names.shares[labels[by_cluster]]
        botnet[by_cluster] = cl_name[by_cluster]
        conf[by_cluster] = cluster_confidence * np.where(share > 0, share, 1.0)
        method[by_cluster] = "cluster"
    if sigs:
        fam = np.array([s.family for s in sigs], dtype=object)
        sconf = np.array([s.confidence for s in sigs], dtype=np.float32)
        hit = sig_idx >= 0
        botnet[hit], conf[hit], method[hit] = fam[sig_idx[hit]], sconf[sig_idx[hit]], "signature"
    return pa.table({
        "event_id": table.column("event_id"),
        "botnet": pa.array(botnet, pa.string()),
        "botnet_confidence": pa.array(conf, pa.float32(), mask=np.isnan(conf)),
        "botnet_method": pa.array(method, pa.string()),
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


def botnet_clusters_table(table: pa.Table, labels: np.ndarray, names: ClusterNames,
                          stats: ClusterStats) -> pa.Table:
    """One row per cluster reported as a botnet, with its defining traits as JSON."""
    reported = np.array([n is not None for n in names.names], dtype=bool)
    keep = reported[np.maximum(labels, 0)] & (labels >= 0)
    sub = table.select([c for c in table.column_names if c != "body_minhash"]).filter(
        pa.array(keep))
    sub = sub.append_column("cluster", pa.array(labels[keep]))
    traits = cluster_traits(sub)
    first = table.column("observed_at")
    rows = []
    for c in np.flatnonzero(reported):
        rows.append({
            "cluster_id": names.ids[c], "botnet": names.names[c],
            "signature": names.signatures[c],
            "traits": json.dumps(traits.get(int(c), {}), sort_keys=True),
            "ips": int(stats.ips[c]), "messages": int(stats.messages[c]),
            "first_seen": first[int(stats.first_row[c])].as_py(),
        })
    schema = pa.schema([("cluster_id", pa.string()), ("botnet", pa.string()),
                        ("signature", pa.string()), ("traits", pa.string()),
                        ("ips", pa.int64()), ("messages", pa.int64()),
                        ("first_seen", pa.timestamp("us", tz="UTC"))])
    return pa.Table.from_pylist(rows, schema=schema).sort_by([("messages", "descending")])
