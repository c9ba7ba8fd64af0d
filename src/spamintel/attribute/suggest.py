"""Propose a signature from a discovered sender cluster: the traits nearly all of its
messages share become conditions, written as YAML an analyst edits and saves."""

from __future__ import annotations

import json
import math

import yaml

from spamintel.attribute._load import sender_events
from spamintel.attribute.signatures import parse_signature
from spamintel.model import TRAIT_NULL
from spamintel.store import Store

HEADER_TRAITS = ("header_order_fp", "message_id_shape", "date_shape", "x_mailer")
DIALECT_TRAITS = ("helo_verb", "helo_form", "mail_shape", "rcpt_shape", "data_shape",
                  "line_ending", "pipelining", "early_talker", "data_before_354")


class ClusterNotFound(LookupError):
    """No cluster of that id in the store's ``botnet_clusters`` table."""


def _covering(shares: dict[str, float], coverage: float, max_values: int) -> list[str] | None:
    picked, total = [], 0.0
    for value, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        picked.append(value)
        total += share
        if total >= coverage - 1e-9:
            return picked if len(picked) <= max_values else None
    return None


def _condition(values: list[str]) -> object | None:
    if values == [TRAIT_NULL]:
        return {"is_null": True}
    if TRAIT_NULL in values:
        return None
    return values[0] if len(values) == 1 else {"in": values}


def conditions_from_traits(traits: dict, coverage: float = 0.97, max_values: int = 6) -> dict:
    """The ``match`` mapping of a signature: traits covering ``coverage`` of the cluster."""
    match: dict[str, object] = {}
    dialect = traits.get("smtp_dialect") or {}
    for feature in DIALECT_TRAITS:
        values = _covering(dialect.get(feature, {}), coverage, 1)
        cond = _condition(values) if values else None
        if cond is not None:
            match[f"smtp_dialect.{feature}"] = _typed(cond)
    for column in HEADER_TRAITS:
        values = _covering(traits.get(column, {}), coverage, max_values)
        cond = _condition(values) if values else None
        if cond is not None:
            match[column] = cond
    rcpt = traits.get("rcpt_count") or {}
    if "p01" in rcpt and "p99" in rcpt:
        match["rcpt_count"] = {"range": [math.floor(rcpt["p01"]), math.ceil(rcpt["p99"])]}
    return match


def _typed(cond: object) -> object:
    if cond in ("true", "false"):
        return cond == "true"
    return cond


def suggest_signature(store: Store, cluster_id: str, coverage: float = 0.97) -> str:
    """A YAML signature proposed from cluster ``cluster_id`` of ``botnet_clusters``."""
    con = store.connect()
    if "botnet_clusters" not in store.table_names():
        raise ClusterNotFound("no botnet_clusters table: run the analysis first")
    row = con.execute("SELECT botnet, traits, ips, messages FROM botnet_clusters "
                      "WHERE cluster_id = ?", [cluster_id]).fetchone()
    if row is None:
        raise ClusterNotFound(f"no cluster {cluster_id!r} in botnet_clusters")
    botnet, traits, ips, messages = row
    family = botnet if botnet and not botnet.startswith("unknown-") else "CHANGE-ME"
    data = {"name": f"{(botnet or cluster_id).lower()}-suggested", "family": family,
            "confidence": 0.9,
            "description": f"Proposed from cluster {cluster_id} ({botnet}, {ips} IPs, "
                           f"{messages} messages); review before use.",
            "match": conditions_from_traits(json.loads(traits or "{}"), coverage)}
    sig = parse_signature(data, f"cluster {cluster_id}")
    hits = con.execute(f"SELECT count(*), count(*) FILTER (WHERE botnet = ?) "
                       f"FROM ({sender_events(con)}) WHERE {sig.sql()}", [botnet]).fetchone()
    head = (f"# Matches {hits[0]} messages in this store, {hits[1]} of them attributed "
            f"to {botnet}.\n")
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                                 default_flow_style=None)
