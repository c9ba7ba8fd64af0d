"""Traits: what the members of a sender cluster have in common, as JSON an analyst reads
and ``signatures suggest`` turns into a rule.

For every trait column the share of the cluster's messages showing each of its most
common values; the SMTP dialect features unpacked from their JSON; recipients per
message as quantiles; and the campaigns and countries the cluster sends to and from.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb
import pyarrow as pa

from spamintel.model import TRAIT_NULL, TRAIT_TOP_VALUES

TRAIT_COLUMNS = ("smtp_dialect_fp", "header_order_fp", "message_id_shape", "date_shape",
                 "x_mailer", "boundary_shape", "content_type", "client_cc", "client_asn",
                 "campaign_id")


def _top_values(con: duckdb.DuckDBPyConnection, column: str) -> dict[int, dict[str, float]]:
    rows = con.execute(f"""
        WITH c AS (SELECT cluster, coalesce(CAST({column} AS VARCHAR), '{TRAIT_NULL}') AS v,
                          count(*) AS n FROM t WHERE cluster >= 0 GROUP BY ALL),
             r AS (SELECT *, n / sum(n) OVER (PARTITION BY cluster) AS share,
                          row_number() OVER (PARTITION BY cluster ORDER BY n DESC, v) AS k
                   FROM c)
        SELECT cluster, v, share FROM r WHERE k <= {TRAIT_TOP_VALUES}
        ORDER BY cluster, k""").fetchall()
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for cluster, value, share in rows:
        out[cluster][value] = round(float(share), 4)
    return out


def _dialect_features(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, dict[str, float]]]:
    rows = con.execute("""SELECT cluster, smtp_dialect, count(*) FROM t WHERE cluster >= 0
                          AND smtp_dialect IS NOT NULL GROUP BY ALL""").fetchall()
    totals = dict(con.execute("SELECT cluster, count(*) FROM t WHERE cluster >= 0 "
                              "GROUP BY ALL").fetchall())
    counts: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for cluster, text, n in rows:
        try:
            features = json.loads(text)
        except ValueError:
            continue
        if not isinstance(features, dict):
            continue
        for key, value in features.items():
            if isinstance(value, dict | list):
                value = json.dumps(value, sort_keys=True)
            sval = json.dumps(value) if isinstance(value, bool) or value is None else str(value)
            slot = counts[cluster][key]
            slot[sval] = slot.get(sval, 0) + n / totals[cluster]
    return {c: {k: dict(sorted(((v, round(s, 4)) for v, s in vals.items()),
                               key=lambda kv: -kv[1])[:TRAIT_TOP_VALUES])
                for k, vals in feats.items()} for c, feats in counts.items()}


def _rcpt_quantiles(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, float]]:
    rows = con.execute("""SELECT cluster, quantile_cont(rcpt_count, [0.01, 0.5, 0.99])
                          FROM t WHERE cluster >= 0 GROUP BY ALL""").fetchall()
    return {c: dict(zip(("p01", "median", "p99"), (round(float(x), 2) for x in q or []),
                        strict=False)) for c, q in rows}


def cluster_traits(table: pa.Table) -> dict[int, dict]:
    """Traits of every cluster in ``table`` (needs a ``cluster`` column, -1 = none)."""
    con = duckdb.connect()
    con.register("t", table)
    tops = {col: _top_values(con, col) for col in TRAIT_COLUMNS if col in table.column_names}
    dialect = _dialect_features(con)
    rcpt = _rcpt_quantiles(con)
    clusters = sorted(rcpt)
    return {c: {**{col: tops[col].get(c, {}) for col in tops},
                "smtp_dialect": dialect.get(c, {}), "rcpt_count": rcpt.get(c, {})}
            for c in clusters}
