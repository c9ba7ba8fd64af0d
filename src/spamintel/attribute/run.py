"""``attribute``: campaigns, signature matches and sender clusters for a whole store,
written as the analysis tables ``attribution``, ``campaigns``, ``campaign_daily`` and
``botnet_clusters``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.attribute._graph import dense, pair_ids
from spamintel.attribute._load import load_events
from spamintel.attribute._tables import (
    attribution_table,
    botnet_clusters_table,
    campaign_tables,
)
from spamintel.attribute.assign import Assignment, assign
from spamintel.attribute.campaigns import (
    campaign_content,
    campaign_ids,
    content_groups,
    split_campaigns,
)
from spamintel.attribute.domain_pools import PoolRules, pool_labels
from spamintel.attribute.features import feature_matrix
from spamintel.attribute.hostnames import archive_servers, server_named
from spamintel.attribute.naming import RowInputs, build_clusters
from spamintel.attribute.resolve import match_signatures
from spamintel.attribute.signatures import load_signatures
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


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def attribute(store: Store, cfg: AttributeConfig | None = None,
              mixed_sensors: tuple[str, ...] = ()) -> AttributionSummary:
    """Group spam into campaigns, attribute it to botnets, and write the result tables.

    Every message a trap saw counts as spam, except on ``mixed_sensors`` (the sensors that
    see all mail; when empty, found from the data, see ``spamintel.store.spam``)."""
    cfg = cfg or AttributeConfig()
    started = time.perf_counter()
    sigs = load_signatures(cfg.signature_dirs, cfg.builtin_signatures) if cfg.use_signatures \
        else []
    table = load_events(store, tuple(f for s in sigs for f in s.fields()), mixed_sensors)
    spam = _col(table, "is_spam").astype(bool)
    sha = np.asarray(table.column("msg_sha256").to_pylist(), dtype=object)
    content = content_groups(table, spam, cfg.lsh_bands, cfg.lsh_rows)
    mail = campaign_content(table, spam, cfg.lsh_bands, cfg.lsh_rows,
                            cfg.campaign_min_spam_share, cfg.campaign_min_jaccard)
    rows = RowInputs(feature_matrix(table, content), spam, _col(table, "ip_key"),
                     _col(table, "f_asn"), _server(table), sha,
                     table.column("client_ip").is_valid().to_numpy(zero_copy_only=False),
                     _col(table, "day_num"), dense(pc.fill_null(table.column("client_cc"), ""))[0],
                     _col(table, "f_header"), _col(table, "prefix_key"))
    matches = match_signatures(table, sigs)
    clusters = build_clusters(rows, matches, cfg, lambda classes: pool_labels(
        mail, table.column("url_domains"), rows.day, classes, _pool_rules(cfg)))
    result = assign(clusters, matches, rows.x, rows.ip, spam, cfg.cluster_confidence)
    labels = _campaigns(table, mail, result.index, clusters.labels, cfg)
    table = table.append_column("campaign_id", pa.array(campaign_ids(labels, sha), pa.string()))
    _write(store, table, result, clusters)
    return _summary(table, spam, result, clusters, time.perf_counter() - started)


def _server(table: pa.Table) -> np.ndarray:
    """Rows sent by a mail server (``hostnames``): speaking SMTP like one and named like
    one; or, for mail without a recorded SMTP session, named like one in its Received
    header."""
    server = _col(table, "server_like").astype(bool)
    rows = pa.array(np.flatnonzero(server))
    server[server] = server_named(table.column("client_helo").take(rows),
                                  table.column("client_rdns").take(rows))
    archived = np.flatnonzero(~table.column("smtp_dialect_fp").is_valid().to_numpy(
        zero_copy_only=False))
    if len(archived):
        take = pa.array(archived)
        server[archived] = archive_servers(table.column("client_helo").take(take),
                                           table.column("client_rdns").take(take),
                                           table.column("client_ip").take(take))
    return server


def _campaigns(table: pa.Table, content: np.ndarray, botnet: np.ndarray, cluster: np.ndarray,
               cfg: AttributeConfig) -> np.ndarray:
    """Campaign label per row; the sender population of a row is its botnet and cluster."""
    sender, _ = pair_ids(botnet + 1, cluster + 1)
    return split_campaigns(content, table.column("url_domains"), _col(table, "day_num"),
                           sender, _pool_rules(cfg), cfg.campaign_max_gap_days,
                           table.column("subject"))


def _pool_rules(cfg: AttributeConfig) -> PoolRules:
    return PoolRules(max_shared_groups=cfg.max_groups_per_domain, gap_days=cfg.pool_gap_days,
                     family_links=cfg.template_family_links)


def _write(store: Store, table: pa.Table, result: Assignment, clusters) -> None:
    store.write_table("attribution", attribution_table(table, result))
    with_attr = table.append_column("botnet", pa.array(result.botnet, pa.string()))
    campaigns, daily = campaign_tables(with_attr)
    store.write_table("campaigns", campaigns)
    store.write_table("campaign_daily", daily)
    store.write_table("botnet_clusters", botnet_clusters_table(with_attr, clusters))


def _summary(table: pa.Table, spam: np.ndarray, result: Assignment, clusters,
             seconds: float) -> AttributionSummary:
    names, counts = np.unique(result.index[result.index >= 0], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    camp = table.column("campaign_id")
    return AttributionSummary(
        messages=table.num_rows, spam=int(spam.sum()),
        by_signature=int((result.method == "signature").sum()),
        by_cluster=int((result.method == "cluster").sum()),
        campaigns=len(camp.unique()) - int(camp.null_count > 0),
        clusters=clusters.reported,
        botnets={result.vocab[names[i]]: int(counts[i]) for i in order},
        seconds=round(seconds, 2))
