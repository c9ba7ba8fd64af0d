"""``attribute``: campaigns, signature matches and sender clusters for a whole store,
written as the analysis tables ``attribution``, ``campaigns``, ``campaign_daily`` and
``botnet_clusters``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from spamintel.attribute._load import load_events
from spamintel.attribute._tables import attribution_table, botnet_clusters_table, campaign_tables
from spamintel.attribute.assign import assign
from spamintel.attribute.campaigns import campaign_ids, campaign_labels
from spamintel.attribute.discovery import botnet_like, cluster_stats, sender_clusters
from spamintel.attribute.naming import ClusterNames, name_clusters
from spamintel.attribute.signatures import Signature, load_signatures
from spamintel.config import AttributeConfig
from spamintel.store import Store


@dataclass
class AttributionSummary:
    """What one attribution run found."""

    messages: int = 0
    spam: int = 0
    by_signature: int = 0
    by_cluster: int = 0
    campaigns: int = 0
    clusters: int = 0
    botnets: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def botnet_share(self) -> float:
        """Share of spam attributed to any botnet."""
        return (self.by_signature + self.by_cluster) / self.spam if self.spam else 0.0


def match_signatures(table: pa.Table, sigs: list[Signature]) -> np.ndarray:
    """Index of the first (most confident) signature each spam row matches, else -1."""
    if not sigs or table.num_rows == 0:
        return np.full(table.num_rows, -1, dtype=np.int64)
    con = duckdb.connect()
    con.register("t", table)
    cases = " ".join(f"WHEN {s.sql()} THEN {i}" for i, s in enumerate(sigs))
    col = con.sql(f"SELECT CASE WHEN NOT is_spam THEN -1 {cases} ELSE -1 END FROM t"
                      ).to_arrow_table().column(0)
    return col.to_numpy().astype(np.int64)


def attribute(store: Store, cfg: AttributeConfig | None = None) -> AttributionSummary:
    """Group spam into campaigns, attribute it to botnets, and write the result tables."""
    cfg = cfg or AttributeConfig()
    started = time.perf_counter()
    table = load_events(store)
    spam = table.column("is_spam").to_numpy(zero_copy_only=False).astype(bool)
    sha = np.asarray(table.column("msg_sha256").to_pylist(), dtype=object)
    camp = campaign_ids(campaign_labels(table, spam, cfg.lsh_bands, cfg.lsh_rows), sha)
    table = table.append_column("campaign_id", pa.array(camp, pa.string()))
    sigs = load_signatures(cfg.signature_dirs, cfg.builtin_signatures) if cfg.use_signatures else []
    sig_idx = match_signatures(table, sigs)
    ip = table.column("ip_key").to_numpy(zero_copy_only=False)
    has_ip = ~np.asarray(table.column("client_ip").is_null().to_numpy(zero_copy_only=False))
    tmpl = table.column("template_key").to_numpy(zero_copy_only=False)
    labels = sender_clusters(ip, tmpl, spam & has_ip,
                             max_templates_per_ip=cfg.max_templates_per_ip,
                             min_shared_ips=cfg.min_shared_ips)
    stats = cluster_stats(labels, ip, table.column("day_num").to_numpy(zero_copy_only=False))
    names = name_clusters(labels, sig_idx, sigs, stats, sha,
                          botnet_like(stats, cfg.min_botnet_ips, cfg.max_msgs_per_ip_day),
                          cfg.min_signature_share)
    keys = [ip, table.column("header_key").to_numpy(zero_copy_only=False)]
    result = assign(labels, sig_idx, sigs, names, keys, spam,
                    cluster_confidence=cfg.cluster_confidence)
    attr = attribution_table(table, result)
    store.write_table("attribution", attr)
    with_attr = table.append_column("botnet", attr.column("botnet"))
    campaigns, daily = campaign_tables(with_attr)
    store.write_table("campaigns", campaigns)
    store.write_table("campaign_daily", daily)
    store.write_table("botnet_clusters", botnet_clusters_table(with_attr, labels, names, stats))
    return _summary(table.num_rows, spam, attr, camp, names, time.perf_counter() - started)


def _summary(n: int, spam: np.ndarray, attr: pa.Table, camp: np.ndarray,
             names: ClusterNames, seconds: float) -> AttributionSummary:
    method = np.asarray(attr.column("botnet_method").to_pylist(), dtype=object)
    botnets: dict[str, int] = {}
    for name in attr.column("botnet").to_pylist():
        if name is not None:
            botnets[name] = botnets.get(name, 0) + 1
    return AttributionSummary(
        messages=n, spam=int(spam.sum()), by_signature=int((method == "signature").sum()),
        by_cluster=int((method == "cluster").sum()),
        campaigns=len({c for c in camp if c is not None}), clusters=names.reported,
        botnets=dict(sorted(botnets.items(), key=lambda kv: -kv[1])), seconds=round(seconds, 2))
