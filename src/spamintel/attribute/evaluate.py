"""Evaluation against a simulated world's ground truth (``W/truth/messages.parquet``).

This is the only module of the attribute stage that reads the truth; attribution itself
never does. ``python -m spamintel.attribute.evaluate --store S --truth W/truth/messages.parquet``
prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from spamintel.store import Store


def _pairs(counts: np.ndarray) -> float:
    return float((counts * (counts - 1) / 2).sum())


def pair_f1(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pair-counting precision, recall and F1 of a clustering against the truth."""
    _, p = np.unique(pred.astype(str), return_inverse=True)
    _, t = np.unique(truth.astype(str), return_inverse=True)
    _, joint = np.unique(np.stack([p, t], axis=1), axis=0, return_counts=True)
    tp = _pairs(joint)
    pp, tt = _pairs(np.bincount(p)), _pairs(np.bincount(t))
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _joined(store: Store, truth: Path):
    con = store.connect()
    return con.sql(f"""
        SELECT e.msg_sha256, TRY_CAST(e.day AS DATE) AS day, e.botnet AS pred,
               e.botnet_method AS method, e.campaign_id AS pred_campaign,
               t.botnet AS truth, t.campaign AS campaign
        FROM events e JOIN read_parquet('{str(truth).replace("'", "''")}') t
          ON t.msg_sha256 = e.msg_sha256""").to_arrow_table()


def is_family(labels: np.ndarray) -> np.ndarray:
    """Which truth labels name a botnet family (not legit, not a non-botnet source)."""
    s = labels.astype(str)
    return ~((s == "legit") | np.char.startswith(s, "nonbotnet") | (s == "None"))


def evaluate(store: Store, truth: Path) -> dict:
    """Attribution accuracy, false attribution, botnet share, ARI and campaign pair-F1."""
    t = _joined(store, truth)
    pred = np.asarray(t.column("pred").to_pylist(), dtype=object)
    true = np.asarray(t.column("truth").to_pylist(), dtype=object)
    fam = is_family(true)
    spam = true.astype(str) != "legit"
    named = np.array([p is not None for p in pred])
    pred_s = np.where(named, pred, "none").astype(str)
    out: dict[str, Any] = {
        "messages": int(len(t)), "family_messages": int(fam.sum()),
        "accuracy_families": _ratio((pred_s == true.astype(str)) & fam, fam),
        "false_attribution_nonbotnet": _ratio(named & spam & ~fam, spam & ~fam),
        "false_attribution_legit": _ratio(named & ~spam, ~spam),
        "botnet_share_pred": _ratio(named & spam, spam),
        "botnet_share_truth": _ratio(fam, spam)}
    out["ari_families"] = round(float(adjusted_rand_score(true[fam].astype(str),
                                                          pred_s[fam])), 4)
    out["ari_spam"] = round(float(adjusted_rand_score(
        np.where(fam, true, "none")[spam].astype(str), pred_s[spam])), 4)
    camp = np.asarray(t.column("campaign").to_pylist(), dtype=object)
    has = spam & np.array([c is not None for c in camp])
    pcamp = np.asarray(t.column("pred_campaign").to_pylist(), dtype=object)
    out["campaigns"] = pair_f1(pcamp[has], camp[has])
    out.update(_named_unnamed(true[fam].astype(str), pred_s[fam]))
    out["per_family"] = _per_family(true[fam].astype(str), pred_s[fam])
    days = np.asarray(t.column("day").to_pylist(), dtype=object)
    out["first_seen"] = _first_seen(true[fam].astype(str), pred_s[fam], days[fam], pred_s,
                                    days)
    return out


def _first_seen(true: np.ndarray, pred: np.ndarray, days: np.ndarray, pred_all: np.ndarray,
                days_all: np.ndarray) -> dict[str, dict[str, str | None]]:
    """Per family: its first day in the truth, the label most of its mail got, and the
    first day that label was given to any message (a new botnet should show within a day)."""
    out: dict[str, dict[str, str | None]] = {}
    for name in np.unique(true):
        sel = true == name
        values, counts = np.unique(pred[sel], return_counts=True)
        label = str(values[np.argmax(counts)])
        shown = [d for d in days_all[pred_all == label] if d is not None] \
            if label != "none" else []
        out[str(name)] = {"truth": str(min(d for d in days[sel] if d is not None)),
                          "label": label, "reported": str(min(shown)) if shown else None}
    return out


def _named_unnamed(true: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Accuracy on families the system knows by name (signatures), and for the others
    the share that lands in one consistent ``unknown-<n>`` cluster per family."""
    named = np.isin(true, np.unique(pred))
    hits = np.zeros(len(true), dtype=bool)
    for name in np.unique(true[~named]):
        sel = true == name
        values, counts = np.unique(pred[sel], return_counts=True)
        top = values[np.argmax(counts)]
        hits[sel] = (pred[sel] == top) & np.char.startswith(pred[sel], "unknown-")
    return {"accuracy_named_families": _ratio((pred == true) & named, named),
            "unnamed_families_found": _ratio(hits & ~named, ~named)}


def _ratio(num: np.ndarray, den: np.ndarray) -> float:
    return round(float(num.sum() / den.sum()), 4) if den.sum() else 0.0


def _per_family(true: np.ndarray, pred: np.ndarray) -> dict[str, dict]:
    out = {}
    for name in np.unique(true):
        sel = true == name
        values, counts = np.unique(pred[sel], return_counts=True)
        out[str(name)] = {"messages": int(sel.sum()),
                          "correct": round(float((pred[sel] == name).mean()), 4),
                          "top_predicted": str(values[np.argmax(counts)])}
    return out


def main() -> None:
    """Command-line entry: print the evaluation of a store against a truth table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--truth", required=True)
    args = ap.parse_args()
    print(json.dumps(evaluate(Store(args.store), Path(args.truth)), indent=2))


if __name__ == "__main__":
    main()
