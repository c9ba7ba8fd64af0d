"""``analyze``: attribution, then series, populations, estimates, rates and events, written
as analysis tables of the store.

Tables: ``series_daily`` (day × series, observed and world estimate with interval),
``series_hourly`` (hour × series, observed), ``populations`` (bots per day/month),
``estimates`` (monthly spam per day per series), ``rates`` (monthly rates and category
shares) and ``botnet_events`` (dated changes with displacement). Days on which no sensor
stored anything are missing data (a sensor outage or a gap in an archive), not silence:
change detection leaves them out.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from spamintel.analyze import changes, estimate, populations, rates, series
from spamintel.analyze import daily as daily_mod
from spamintel.analyze.uptime import sensor_uptime
from spamintel.config import AnalyzeConfig, Config
from spamintel.store import Store
from spamintel.store.spam import mixed_sensors


@dataclass
class AnalysisSummary:
    """What one analysis run produced."""

    days: int = 0
    botnets: list[str] = field(default_factory=list)
    events: int = 0
    calibration: str = "none"
    unit: str = "messages"
    mixed_sensors: list[str] = field(default_factory=list)
    estimated: bool = False  # some world estimate was made (a calibration covered data)
    tables: dict[str, int] = field(default_factory=dict)
    attribution: Any = None
    seconds: dict[str, float] = field(default_factory=dict)


def _attribute(store: Store, cfg: Config) -> Any:
    try:
        from spamintel.attribute import attribute
    except ImportError:
        return None
    return attribute(store, cfg.attribute, cfg.analyze.calibration.mixed_sensors)


def _series_set(days: list[date], daily: list[dict], hourly: list[tuple], mixes: dict,
                unit: str, coverage: dict[date, float] | None = None) -> changes.SeriesSet:
    """The inputs of change detection; ``mixes`` is ``series.daily_mixes``. Without world
    estimates a day's observed count is divided by its ``coverage`` (``daily.coverage``),
    so a day the sensors were down for part of does not read as a drop."""
    index = {d: i for i, d in enumerate(days)}
    coverage = coverage or {}
    per: dict[str, np.ndarray] = {}
    glob, seen_glob = np.zeros(len(days)), np.zeros(len(days))
    for r in daily:
        value = (r["raw_estimated"] if r["raw_estimated"] is not None
                 else r["observed"] / coverage.get(r["day"], 1.0))
        if r["scope"] == estimate.BOTNET:
            per.setdefault(r["botnet"], np.zeros(len(days)))[index[r["day"]]] = value
        elif r["scope"] == estimate.GLOBAL:
            glob[index[r["day"]]] = value
            seen_glob[index[r["day"]]] = r["messages"]
    hours: dict[str, dict] = {}
    for hour, botnet, n, _ in hourly:
        if botnet is not None:
            hours.setdefault(botnet, {})[hour] = float(n)
    mix = {c: {b: [mixes.get(c, {}).get((b, d), {}) for d in days] for b in per}
           for c in series.MIX_COLUMNS}
    pooled, pieces, pooled_glob = _pooled(days, daily)
    observed: dict[str, np.ndarray] = {b: np.zeros(len(days)) for b in per}
    behind: dict[str, np.ndarray] = {b: np.zeros(len(days)) for b in per}
    for r in daily:
        if r["scope"] == estimate.BOTNET:
            observed[r["botnet"]][index[r["day"]]] = r["messages"]
            behind[r["botnet"]][index[r["day"]]] = (
                r["calibrated_messages"] if r["raw_estimated"] is not None else r["messages"])
    dispersion = {r["botnet"]: r["dispersion"] for r in daily
                  if r["scope"] == estimate.BOTNET and r.get("dispersion")}
    return changes.SeriesSet(days, per, glob, hours, mix["category"], unit, pooled, pieces,
                             pooled_glob, observed, behind, dispersion, seen_glob,
                             mix["dialect"], mix["template"])


def _pooled(days: list[date], daily: list[dict]):
    """Pooled (smoothed) estimates and their pieces per botnet, and the global one."""
    index = {d: i for i, d in enumerate(days)}
    pooled: dict[str, np.ndarray] = {}
    pieces: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    glob = np.zeros(len(days))
    for r in daily:
        if r["estimated"] is None:
            continue
        i = index[r["day"]]
        if r["scope"] == estimate.GLOBAL:
            glob[i] = r["estimated"]
        elif r["scope"] == estimate.BOTNET:
            name = r["botnet"]
            if name not in pooled:
                pooled[name] = np.zeros(len(days))
                pieces[name] = (np.zeros(len(days), np.int64), np.ones(len(days), np.int64))
            pooled[name][i] = r["estimated"]
            pieces[name][0][i] = r["piece"] or 0
            pieces[name][1][i] = r["period"] or 1
    return pooled, pieces, (glob if glob.any() else None)


def _hourly_rows(hourly: list[tuple]) -> list[dict]:
    acc: dict[tuple, list] = {}
    for hour, botnet, n, a in hourly:
        for scope, name in ((estimate.GLOBAL, None),
                            (estimate.BOTNET, botnet) if botnet else (estimate.NONBOTNET, None)):
            v = acc.setdefault((hour, scope, name), [0, 0.0])
            v[0] += n
            v[1] += a
    return [{"hour": h, "scope": s, "botnet": b, "messages": v[0], "observed": v[1]}
            for (h, s, b), v in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                       kv[0][2] or ""))]


def _botnet_share(monthly: list[dict]) -> dict[str, tuple[float, float]]:
    out: dict[str, list[float]] = {}
    for r in monthly:
        v = r["value"] if r["value"] is not None else r["observed_per_day"]
        acc = out.setdefault(r["month"], [0.0, 0.0])
        if r["scope"] == estimate.BOTNET:
            acc[0] += v
        elif r["scope"] == estimate.GLOBAL:
            acc[1] += v
    return {m: (b, t) for m, (b, t) in out.items()}


def _event_rows(events: list[dict]) -> list[dict]:
    keys = ("event_id", "type", "scope", "botnet", "date", "event_time", "magnitude",
            "magnitude_relative", "level_before", "level_after", "global_change",
            "confidence", "unit", "detail")
    return [{**{k: e.get(k) for k in keys}, "displaced_to": json.dumps(e["displaced_to"])}
            for e in events]


def compute(store: Store, acfg: AnalyzeConfig, timer: dict[str, float] | None = None
            ) -> dict[str, list[dict]]:
    """All analysis tables as lists of rows (nothing written)."""
    timer = timer if timer is not None else {}
    t = time.perf_counter()
    cal = acfg.calibration
    con = store.connect()
    mixed = mixed_sensors(con, cal.mixed_sensors)
    series.spam_view(con, cal.unit, mixed)
    counts = series.daily_counts(con)
    scaler = estimate.make_scaler(cal, counts)
    active = series.active_sensors(con)
    uptime = sensor_uptime(con)
    daily = daily_mod.daily_estimates(counts, active, scaler, mixed=mixed,
                                      recall=series.botnet_recall(con, mixed), uptime=uptime)
    monthly = estimate.monthly_estimates(daily, scaler)
    hourly = series.hourly_counts(con)
    timer["series"] = time.perf_counter() - t
    est = {(r["day"], r["botnet"]): r["estimated"] for r in daily if r["scope"] == "botnet"}
    pops = populations.populations(con, est)
    timer["populations"] = time.perf_counter() - t - timer["series"]
    share = _botnet_share(monthly)
    rate_rows = rates.monthly_rates(con, mixed, share)
    covered = [d for d in counts.days if active.get(d)]
    part = {r["day"]: r["coverage"] for r in daily if r["scope"] == estimate.GLOBAL}
    sset = _series_set(covered, [r for r in daily if r["day"] in active], hourly,
                       series.daily_mixes(con), cal.unit, part)
    events = changes.detect(sset, acfg)
    timer["rates_events"] = time.perf_counter() - t - timer["series"] - timer["populations"]
    return {"series_daily": daily, "series_hourly": _hourly_rows(hourly),
            "populations": pops, "estimates": monthly, "rates": rate_rows,
            "botnet_events": _event_rows(events),
            "analysis_run": [{"calibration": scaler.mode, "mixed_sensors": list(mixed),
                              "unit": cal.unit, "data_source": cal.data_source or None}]}


SCHEMAS: dict[str, pa.Schema] = {
    # One row: how the analysis scaled (``shares``, ``reference`` or ``observed``), the
    # mixed feeds, the unit, and what the sensors are when not real (a simulated world).
    "analysis_run": pa.schema([
        ("calibration", pa.string()), ("mixed_sensors", pa.list_(pa.string())),
        ("unit", pa.string()), ("data_source", pa.string())]),
    "botnet_events": pa.schema([
        ("event_id", pa.string()), ("type", pa.string()), ("scope", pa.string()),
        ("botnet", pa.string()), ("date", pa.date32()),
        ("event_time", pa.timestamp("us", tz="UTC")),
        ("magnitude", pa.float64()), ("magnitude_relative", pa.float64()),
        ("level_before", pa.float64()), ("level_after", pa.float64()),
        ("global_change", pa.float64()), ("confidence", pa.float64()), ("unit", pa.string()),
        ("detail", pa.string()), ("displaced_to", pa.string())]),
}


def to_table(name: str, rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table (fixed schema where one is declared)."""
    if name in SCHEMAS:
        return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
    return pa.Table.from_pylist(rows)


def analyze(store: Store, cfg: Config | None = None) -> AnalysisSummary:
    """Run attribution (when available) and the analysis; write the result tables."""
    cfg = cfg or Config()
    summary = AnalysisSummary(unit=cfg.analyze.calibration.unit)
    t = time.perf_counter()
    if cfg.analyze.run_attribution:
        summary.attribution = _attribute(store, cfg)
    summary.seconds["attribute"] = time.perf_counter() - t
    tables = compute(store, cfg.analyze, summary.seconds)
    meta = tables["analysis_run"][0]
    summary.calibration, summary.mixed_sensors = meta["calibration"], meta["mixed_sensors"]
    for name, rows in tables.items():
        if rows or name in SCHEMAS:
            store.write_table(name, to_table(name, rows))
        else:
            store.drop_table(name)
        summary.tables[name] = len(rows)
    summary.days = len({r["day"] for r in tables["series_daily"]})
    summary.botnets = sorted({r["botnet"] for r in tables["series_daily"] if r["botnet"]})
    summary.events = len(tables["botnet_events"])
    summary.estimated = any(r["value"] is not None for r in tables["estimates"])
    summary.seconds["total"] = time.perf_counter() - t
    return summary
