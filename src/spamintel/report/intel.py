"""The intelligence figures of a month, read from the analysis tables.

Headline (with the previous month for comparison), top botnets, events, the daily
series per botnet, rates and categories. When the store has no analysis tables yet the
analysis is computed in memory (uncalibrated: observed figures only).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from spamintel.analyze import compute
from spamintel.config import AnalyzeConfig
from spamintel.store import Store, dict_rows

TABLES = ("series_daily", "populations", "estimates", "rates", "botnet_events")


def previous_month(month: str) -> str:
    """``YYYY-MM`` of the month before."""
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - (mon == 1)}-{(mon - 2) % 12 + 1:02d}"


def load_analysis(store: Store, acfg: AnalyzeConfig | None = None,
                  con: duckdb.DuckDBPyConnection | None = None) -> dict[str, list[dict]]:
    """Analysis tables as rows: stored ones (a table the analysis found no rows for is
    not stored), read on ``con`` when given, else computed now (nothing written) when
    the store was never analysed."""
    names = set(store.table_names())
    if "botnet_events" in names:  # every analysis writes it
        con = con or store.connect()
        out: dict[str, list[dict]] = {t: [] for t in TABLES}
        for t in TABLES:
            if t in names:
                out[t] = dict_rows(con, f"SELECT * FROM {t}")
        return out
    out = compute(store, acfg or AnalyzeConfig(run_attribution=False))
    out.pop("analysis_run", None)
    return out


def has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store holds view ``name`` (an analysis table, ``events``...)."""
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
                        [name]).fetchone()
    return bool(found and found[0])


def held_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The months (``YYYY-MM``) a report can cover, oldest first: those of the analysis's
    daily series (its calendar leaves long gaps out), else those with events."""
    source = "series_daily" if has_view(con, "series_daily") else "events"
    return [r[0] for r in con.execute(
        f"SELECT DISTINCT strftime(day, '%Y-%m') AS m FROM {source} "
        "WHERE day IS NOT NULL ORDER BY m").fetchall()]


def analysed_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """The first and last day of the analysis's calendar; None when not analysed."""
    if not has_view(con, "series_daily"):
        return None
    row = con.execute("SELECT min(day), max(day) FROM series_daily").fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


def data_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """What the sensors are when not real (a simulated world), as the analysis recorded
    it in ``analysis_run``; None for real sensors or a store not analysed."""
    if not has_view(con, "analysis_run"):
        return None
    row = con.execute("SELECT data_source FROM analysis_run LIMIT 1").fetchone()
    return row[0] if row else None


def parse_displaced(value: Any) -> list[Any]:
    """An event's stored ``displaced_to`` (JSON text, or a list already) as a list; ``[]``
    for none or for text that is not a JSON list."""
    if not isinstance(value, str):
        return list(value or [])
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _interval(row: dict | None, unit: str | None = None) -> dict[str, Any]:
    if row is None:
        return {"value": None, "low": None, "high": None, "unit": unit}
    if row.get("value") is None:
        return {"value": row.get("observed_per_day"), "low": None, "high": None,
                "unit": f"{row['unit']} observed", "basis": "observed"}
    return {"value": row["value"], "low": row["low"], "high": row["high"],
            "unit": row["unit"], "basis": "estimated"}


def _rate(rates: list[dict], month: str, metric: str) -> float | None:
    for r in rates:
        if r["month"] == month and r["metric"] == metric:
            return r["value"]
    return None


def headline(a: dict[str, list[dict]], month: str) -> dict[str, Any]:
    """Headline figures of ``month``."""
    glob = next((r for r in a["estimates"] if r["month"] == month and r["scope"] == "global"),
                None)
    rates = a["rates"]
    return {
        "spam_rate": _rate(rates, month, "spam_rate"),
        "global_spam_per_day": _interval(glob),
        "botnet_share": _rate(rates, month, "botnet_share"),
        "virus_rate_1_in": _rate(rates, month, "virus_rate_1_in"),
        "phishing_rate_1_in": _rate(rates, month, "phishing_rate_1_in"),
        "malicious_link_share": _rate(rates, month, "malicious_link_share"),
    }


def headline_change(now: dict[str, Any], prev: dict[str, Any]) -> dict[str, float | None]:
    """Month-over-month change: points for rates and shares, ratio-1 for volumes and 1-in-N."""
    def diff(a, b):
        return None if a is None or b is None else a - b

    def rel(a, b):
        return None if a is None or not b else a / b - 1

    spam_now, spam_prev = now["global_spam_per_day"], prev["global_spam_per_day"]
    return {
        "spam_rate_points": diff(now["spam_rate"], prev["spam_rate"]),
        # an estimate and a count of what the sensors saw are no change of each other
        "global_spam_per_day_relative": rel(spam_now["value"], spam_prev["value"])
        if spam_now.get("unit") == spam_prev.get("unit") else None,
        "botnet_share_points": diff(now["botnet_share"], prev["botnet_share"]),
        "virus_rate_1_in_relative": rel(now["virus_rate_1_in"], prev["virus_rate_1_in"]),
        "phishing_rate_1_in_relative": rel(now["phishing_rate_1_in"],
                                           prev["phishing_rate_1_in"]),
        "malicious_link_share_points": diff(now["malicious_link_share"],
                                            prev["malicious_link_share"]),
    }


def botnets(a: dict[str, list[dict]], month: str) -> list[dict[str, Any]]:
    """Botnets active in ``month``, largest first: bots, spam per day, share, change."""
    prev = previous_month(month)
    est = {(r["month"], r["scope"], r["botnet"]): r for r in a["estimates"]}
    glob = _interval(est.get((month, "global", None)))["value"]
    pops = {r["botnet"]: r for r in a["populations"] if r["period"] == "month"
            and r["start"].strftime("%Y-%m") == month}
    out = []
    for (m, scope, name), row in est.items():
        if m != month or scope != "botnet":
            continue
        spd = _interval(row)
        earlier = _interval(est.get((prev, "botnet", name)))
        before = earlier["value"] if earlier["unit"] == spd["unit"] else None
        pop = pops.get(name)
        out.append({
            "name": name,
            "bots": {"value": pop["estimate"], "low": pop["low"], "high": pop["high"],
                     "observed_ips": pop["ips_observed"], "method": pop["method"]}
            if pop else {"value": None, "low": None, "high": None},
            "spam_per_day": spd,
            "share": spd["value"] / glob if glob and spd["value"] is not None else None,
            "change_vs_previous_month": spd["value"] / before if before else None,
            "spam_per_bot_per_min": pop["spam_per_bot_per_min"] if pop else None,
        })
    return sorted([b for b in out if b["spam_per_day"]["value"]],
                  key=lambda b: -b["spam_per_day"]["value"])


def events(a: dict[str, list[dict]], month: str) -> list[dict[str, Any]]:
    """Events dated in ``month`` with their displacement."""
    out = []
    for e in a["botnet_events"]:
        if e["date"].strftime("%Y-%m") != month:
            continue
        displaced = parse_displaced(e["displaced_to"])
        out.append({"type": e["type"], "botnet": e["botnet"], "scope": e["scope"],
                    "date": e["date"].isoformat(),
                    "time": e["event_time"].isoformat() if e.get("event_time") else None,
                    "magnitude": e["magnitude"], "magnitude_relative": e["magnitude_relative"],
                    "level_before": e["level_before"], "level_after": e["level_after"],
                    "global_change": e["global_change"], "confidence": e["confidence"],
                    "unit": e["unit"], "detail": e["detail"], "displaced_to": displaced})
    return sorted(out, key=lambda e: (e["date"], e["type"]))


def daily(a: dict[str, list[dict]], month: str) -> tuple[list[dict], list[dict]]:
    """Per day and botnet (observed, estimated), and the global/non-botnet rows."""
    rows, other = [], []
    for r in a["series_daily"]:
        day: date = r["day"]
        if day.strftime("%Y-%m") != month:
            continue
        item = {"day": day.isoformat(), "botnet": r["botnet"], "observed": r["observed"],
                "estimated": r["estimated"], "low": r["low"], "high": r["high"],
                "unit": r["unit"]}
        if r["scope"] == "botnet":
            rows.append(item)
        else:
            other.append({**item, "series": r["scope"], "coverage": r.get("coverage")})
    return rows, other


def categories(a: dict[str, list[dict]], month: str) -> list[dict[str, Any]]:
    """Share of spam per category in ``month``."""
    return [{"category": r["metric"].removeprefix("category:"), "share": r["value"],
             "messages": int(r["numerator"] or 0)} for r in a["rates"]
            if r["month"] == month and r["metric"].startswith("category:")]


def rates(a: dict[str, list[dict]], month: str) -> list[dict[str, Any]]:
    """Rate rows of ``month`` (not categories), with intervals and their basis."""
    return [{k: r[k] for k in ("metric", "value", "low", "high", "numerator", "denominator",
                               "basis")}
            for r in a["rates"] if r["month"] == month and not r["metric"].startswith("cat")]
