"""Signature matches per family: which families each message's signatures name.

Several families may match one message (shared templates are common: Bagle and Lethic
sent the same spam, and several botnets forge the same Outlook headers); the sender
cluster the message belongs to settles it (see ``naming`` and ``assign``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from spamintel.attribute._graph import dense
from spamintel.attribute.signatures import Signature


@dataclass(frozen=True)
class FamilyMatches:
    """Signature results: family names, per-row candidate mask and best confidence,
    and per family its most frequently matching signature."""

    families: list[str]
    mask: np.ndarray
    confidence: np.ndarray
    top_signature: list[str | None]


def match_signatures(table: pa.Table, sigs: list[Signature]) -> FamilyMatches:
    """Evaluate every signature on every row of ``table``.

    Rules run once per distinct combination of the columns they read (a few thousand
    even in millions of messages), in one SQL pass, and the answers are broadcast back.
    """
    families = sorted({s.family for s in sigs})
    n = table.num_rows
    mask = np.zeros((n, len(families)), dtype=bool)
    conf = np.zeros((n, len(families)), dtype=np.float32)
    top: list[str | None] = [None] * len(families)
    if not sigs or n == 0:
        return FamilyMatches(families, mask, conf, top)
    fields = sorted({f for s in sigs for f in s.fields()})
    con = duckdb.connect()
    con.register("t", table.select(fields))
    key = con.sql(f"SELECT hash({', '.join(fields)}) FROM t").to_arrow_table().column(0)
    ids, _ = dense(key.to_numpy(zero_copy_only=False))
    _, first = np.unique(ids, return_index=True)
    con.register("d", table.select(fields).take(pa.array(first)))
    cols = ", ".join(f"{s.sql()} AS s{i}" for i, s in enumerate(sigs))
    hits = con.sql(f"SELECT {cols} FROM d").to_arrow_table()
    best = np.zeros(len(families))
    for i, sig in enumerate(sigs):
        col = hits.column(i).to_numpy(zero_copy_only=False).astype(bool)[ids]
        f = families.index(sig.family)
        mask[:, f] |= col
        conf[col, f] = np.maximum(conf[col, f], sig.confidence)
        if col.sum() > best[f]:
            best[f], top[f] = col.sum(), sig.name
    return FamilyMatches(families, mask, conf, top)
