"""The dashboard's reads from the store's views and analysis tables.

Every value a user chooses is a bound parameter; no request text is formatted into SQL.
A table the store does not hold yet reads as no rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from spamintel.report.intel import has_view, parse_displaced
from spamintel.report.traits import describe, parse_traits
from spamintel.store import dict_rows

Con = duckdb.DuckDBPyConnection
Row = dict[str, Any]




def botnet_names(con: Con) -> list[str]:
    """Every botnet named in the daily series, the events or the sender clusters."""
    parts = [f"SELECT botnet FROM {t}" for t in ("series_daily", "botnet_events",
                                                  "botnet_clusters") if has_view(con, t)]
    if not parts:
        return []
    union = " UNION ".join(parts)
    return [r[0] for r in con.execute(
        f"SELECT DISTINCT botnet FROM ({union}) WHERE botnet IS NOT NULL ORDER BY botnet"
    ).fetchall()]


def daily(con: Con, start: date | None = None, end: date | None = None,
          botnet: str | None = None) -> list[Row]:
    """Daily series rows (global, non-botnet and per botnet) from ``start`` to ``end``
    inclusive, observed messages and the estimate with its interval."""
    if not has_view(con, "series_daily"):
        return []
    return dict_rows(con, """
        SELECT day, scope, botnet, observed, estimated, low, high, unit FROM series_daily
        WHERE (?::DATE IS NULL OR day >= ?::DATE) AND (?::DATE IS NULL OR day <= ?::DATE)
          AND (?::VARCHAR IS NULL OR botnet = ?::VARCHAR)
        ORDER BY day, scope, botnet NULLS FIRST""", [start, start, end, end, botnet, botnet])


def bots_daily(con: Con, botnet: str) -> list[Row]:
    """``botnet``'s bots per day: distinct IPs seen and the population estimate."""
    if not has_view(con, "populations"):
        return []
    return dict_rows(con, """
        SELECT start AS day, ips_observed, estimate, low, high, method FROM populations
        WHERE period = 'day' AND botnet = ? ORDER BY day""", [botnet])


def botnet_months(con: Con, botnet: str) -> list[Row]:
    """``botnet``'s spam per day (with interval) and bots, month by month."""
    if not (has_view(con, "estimates") and has_view(con, "populations")):
        return []
    return dict_rows(con, """
        SELECT e.month, e.observed_per_day, e.value AS spam_per_day, e.low, e.high, e.unit,
               p.estimate AS bots, p.low AS bots_low, p.high AS bots_high,
               p.ips_observed
        FROM estimates e LEFT JOIN populations p
          ON p.period = 'month' AND p.botnet = e.botnet
         AND strftime(p.start, '%Y-%m') = e.month
        WHERE e.scope = 'botnet' AND e.botnet = ? ORDER BY e.month""", [botnet])


def events(con: Con, type_: str | None = None, botnet: str | None = None,
           month: str | None = None) -> list[Row]:
    """Detected events, oldest first, optionally of one type, botnet or month; each
    with the botnets that took over after it (``displaced_to``)."""
    if not has_view(con, "botnet_events"):
        return []
    rows = dict_rows(con, """
        SELECT type, scope, botnet, date, event_time AS time, magnitude, magnitude_relative,
               level_before, level_after, global_change, confidence, unit, detail,
               displaced_to
        FROM botnet_events
        WHERE (?::VARCHAR IS NULL OR type = ?::VARCHAR)
          AND (?::VARCHAR IS NULL OR botnet = ?::VARCHAR)
          AND (?::VARCHAR IS NULL OR strftime(date, '%Y-%m') = ?::VARCHAR)
        ORDER BY date, type, botnet NULLS FIRST""",
                 [type_, type_, botnet, botnet, month, month])
    for r in rows:
        r["time"] = r["time"].isoformat() if r["time"] else None
        r["displaced_to"] = parse_displaced(r["displaced_to"])
    return rows


def campaigns(con: Con, month: str | None = None, botnet: str | None = None,
              limit: int = 50) -> list[Row]:
    """The largest campaigns (of ``month`` when given, counting that month's mail),
    optionally those ``botnet`` sent; subjects and domains are message text."""
    if not (has_view(con, "campaigns") and has_view(con, "campaign_daily")):
        return []
    return dict_rows(con, """
        SELECT c.campaign_id, sum(d.messages) AS messages, any_value(c.category) AS category,
               any_value(c.botnets) AS botnets, any_value(c.url_domains[1:10]) AS url_domains,
               any_value(len(c.url_domains)) AS n_url_domains,
               any_value(c.subject_example) AS subject, min(d.day) AS first_day,
               max(d.day) AS last_day
        FROM campaign_daily d JOIN campaigns c USING (campaign_id)
        WHERE (?::VARCHAR IS NULL OR strftime(d.day, '%Y-%m') = ?::VARCHAR)
          AND (?::VARCHAR IS NULL OR list_contains(c.botnets, ?::VARCHAR))
        GROUP BY c.campaign_id ORDER BY messages DESC, c.campaign_id LIMIT ?""",
                 [month, month, botnet, botnet, limit])


def clusters(con: Con, botnet: str) -> list[Row]:
    """``botnet``'s sender clusters with their traits (as stored, and in words)."""
    if not has_view(con, "botnet_clusters"):
        return []
    rows = dict_rows(con, """
        SELECT cluster_id, signature, ips, messages, first_seen, traits FROM botnet_clusters
        WHERE botnet = ? ORDER BY messages DESC, cluster_id""", [botnet])
    for r in rows:
        r["traits"] = parse_traits(r["traits"])
        r["summary"] = describe(r["traits"])
    return rows


def botnet_detail(con: Con, name: str) -> Row:
    """Everything the store says about botnet ``name``: monthly figures, daily series,
    bots per day, events, largest campaigns and sender clusters."""
    return {"name": name, "months": botnet_months(con, name),
            "daily": [r for r in daily(con, botnet=name) if r["scope"] == "botnet"],
            "bots": bots_daily(con, name), "events": events(con, botnet=name),
            "campaigns": campaigns(con, botnet=name, limit=20), "clusters": clusters(con, name)}
