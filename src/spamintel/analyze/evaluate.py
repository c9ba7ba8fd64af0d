"""Evaluation of the analysis against a simulated world's ground truth (``W/truth/``).

Only evaluation code and tests import this module; the analysis itself never reads truth.
``truth_attribution`` builds a perfect ``attribution`` table from the truth, to measure the
estimators alone; ``score`` compares the analysis tables with the truth.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from spamintel.store import Store
from spamintel.store.spam import mixed_sensors, not_ham_sql

TOLERANCE = 0.05


def _joined(store: Store, truth_dir: Path) -> duckdb.DuckDBPyConnection:
    """A connection with the view ``joined``: each stored event's id and the botnet the
    analysis gave it (``found``), with its truth row (``botnet``, ``campaign``, ...)."""
    con = store.connect()
    con.execute(f"""CREATE TEMP VIEW joined AS
        SELECT e.event_id, e.botnet AS found, t.*
        FROM events e JOIN read_parquet('{truth_dir}/messages.parquet') t
        ON t.msg_sha256 = e.msg_sha256 AND t.sensor = e.sensor""")
    return con


def truth_attribution(store: Store, truth_dir: Path) -> pa.Table:
    """``attribution`` rows taken from the truth (labelled method ``truth``)."""
    return _joined(store, truth_dir).sql("""
        SELECT event_id, CASE WHEN botnet = 'legit' THEN NULL ELSE botnet END AS botnet,
               1.0::FLOAT AS botnet_confidence, 'truth' AS botnet_method,
               campaign AS campaign_id FROM joined""").to_arrow_table()


def truth_daily(truth_dir: Path) -> dict[tuple[date, str], float]:
    """True world spam per (day, botnet) plus ``"*"`` (all spam) and ``"-"`` (non-botnet)."""
    out: dict[tuple[date, str], float] = {}
    rows = duckdb.execute(f"""SELECT day, botnet, kind, sum(messages) FROM
        read_parquet('{truth_dir}/daily.parquet') WHERE kind <> 'legit' AND category IS NOT NULL
        GROUP BY ALL""").fetchall()
    for day, botnet, kind, v in rows:
        key = botnet if kind == "botnet" else "-"
        for k in (key, "*"):
            out[(day, k)] = out.get((day, k), 0.0) + float(v)
    return out


def discovered_names(store: Store, truth_dir: Path) -> dict[str, str]:
    """Each botnet the analysis found under a name no true botnet of the world has (an
    ``unknown-<n>``, or a known family's name where that family's software runs another
    botnet) → the true botnet that sent most of its mail (ties: the first name)."""
    rows = _joined(store, truth_dir).execute("""SELECT found, truth FROM (
        SELECT found, botnet AS truth, count(*) AS n FROM joined
        WHERE found NOT IN (SELECT DISTINCT botnet FROM joined) GROUP BY ALL)
        QUALIFY row_number() OVER (PARTITION BY found ORDER BY n DESC, truth) = 1
        """).fetchall()
    return {found: true for found, true in rows}


def _series(store: Store, column: str, names: dict[str, str] | None
            ) -> dict[tuple[str, date], tuple[float, float, float]]:
    """Per (series, day): the estimate ``column`` and the squared distances from it to the
    interval's bounds, classes ``names`` maps to one true botnet summed (bounds in
    quadrature). Series ``*`` is all spam, ``-`` non-botnet spam."""
    rows = store.connect().execute(
        f"SELECT day, scope, botnet, {column}, low, high FROM series_daily").fetchall()
    out: dict[tuple[str, date], tuple[float, float, float]] = {}
    for day, scope, botnet, est, low, high in rows:
        botnet = (names or {}).get(botnet, botnet)
        key = "*" if scope == "global" else ("-" if scope == "nonbotnet" else botnet)
        if est is not None:
            e, lo2, hi2 = out.get((key, day), (0.0, 0.0, 0.0))
            below = (est - low) ** 2 if low is not None else np.nan
            above = (high - est) ** 2 if high is not None else np.nan
            out[(key, day)] = (e + est, lo2 + below, hi2 + above)
    return out


def daily_accuracy(store: Store, truth_dir: Path, column: str = "estimated",
                   names: dict[str, str] | None = None) -> dict[str, dict[str, float]]:
    """Per series: share of days within ±5% of truth, median |error|, days compared.
    ``names`` maps series names to true botnet names (see ``discovered_names``)."""
    truth = truth_daily(truth_dir)
    errs: dict[str, list[float]] = {}
    for (key, day), (est, _, _) in _series(store, column, names).items():
        t = truth.get((day, key), 0.0)
        if t > 0:
            errs.setdefault(key, []).append(est / t - 1)
    out = {}
    for key, e in errs.items():
        a = np.abs(np.array(e))
        out[key] = {"within_5pct": float(np.mean(a <= TOLERANCE)),
                    "median_abs_error": float(np.median(a)), "days": len(e),
                    "mean_truth_per_day": float(np.mean([v for (d, k), v in truth.items()
                                                         if k == key]))}
    return out


def observed_accuracy(store: Store, truth_dir: Path, names: dict[str, str] | None = None
                      ) -> dict[str, dict[str, float]]:
    """Per true botnet: share of days on which the messages the analysis attributes to it
    are within ±5% of the messages it truly sent among those attribution reads (a trap's
    mail, a mixed feed's mail not called ham: ``store.spam``), median |error|, days
    compared (those it sent on). This is the sensors' view, before any scaling to world
    totals; a mixed feed's misses are the series' recall correction's. Classes ``names``
    maps to one true botnet count as it."""
    con = _joined(store, truth_dir)
    read = not_ham_sql(mixed_sensors(con, ()))
    rows = con.execute(f"""SELECT r.day, j.found, j.botnet, count(*) FROM joined j
        JOIN (SELECT event_id, day FROM events WHERE {read}) r USING (event_id)
        GROUP BY ALL""").fetchall()
    attributed: dict[tuple[str, date], int] = {}
    sent: dict[tuple[str, date], int] = {}
    for day, found, true, n in rows:
        if found is not None:
            key = ((names or {}).get(found, found), day)
            attributed[key] = attributed.get(key, 0) + n
        if true is not None and true != "legit" and not true.startswith("nonbotnet:"):
            sent[(true, day)] = sent.get((true, day), 0) + n
    errs: dict[str, list[float]] = {}
    for (botnet, day), n in sent.items():
        errs.setdefault(botnet, []).append(attributed.get((botnet, day), 0) / n - 1)
    return {botnet: {"within_5pct": float(np.mean(np.abs(e) <= TOLERANCE)),
                     "median_abs_error": float(np.median(np.abs(e))), "days": len(e)}
            for botnet, e in sorted(errs.items())}


def interval_coverage(store: Store, truth_dir: Path, names: dict[str, str] | None = None
                      ) -> dict[str, dict[str, float]]:
    """Per series: share of days whose true volume lies inside the estimate's interval
    (``low``..``high``), and the interval's median half-width relative to the estimate."""
    truth = truth_daily(truth_dir)
    hits: dict[str, list[tuple[bool, float]]] = {}
    for (key, day), (est, lo2, hi2) in _series(store, "estimated", names).items():
        t = truth.get((day, key), 0.0)
        if t > 0 and est > 0 and np.isfinite(lo2 + hi2):
            low, high = est - np.sqrt(lo2), est + np.sqrt(hi2)
            hits.setdefault(key, []).append((low <= t <= high, (high - low) / 2 / est))
    return {key: {"coverage": float(np.mean([h for h, _ in v])),
                  "median_half_width": float(np.median([w for _, w in v])), "days": len(v)}
            for key, v in hits.items()}


def scenario_targets(truth_dir: Path) -> list[dict[str, Any]]:
    """The calibration targets the scenario declares (published 2010-2011 figures)."""
    data = json.loads((truth_dir / "scenario.json").read_text(encoding="utf-8"))
    return data.get("calibration", [])
