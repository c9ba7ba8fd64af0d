"""Bot populations: distinct bot IPs per botnet and day (or month), churn, and an estimate
of the bots the sensors did not see, by capture–recapture.

Two capture occasions are formed from the data: the busiest sensor against all other
sensors when a botnet was seen by two or more, otherwise even against odd hours of the
same period. Chapman's estimator ``(n1+1)(n2+1)/(m+1) - 1`` gives the population, with
Chao's log-normal 95% interval (never below the count actually seen). Assumptions:
a closed population within the period and independent occasions; bots that send more
are likelier to be caught twice, which biases the estimate low (heterogeneity), and one
IP can hide several bots behind NAT or be reused by DHCP churn. Rates per bot are the
world estimate per day divided by the estimated bots, per minute of the day.
"""

from __future__ import annotations

import math

from spamintel.analyze.estimate import Z95


def chapman(n1: int, n2: int, m: int) -> tuple[float, float, float]:
    """Chapman population estimate with Chao's log-normal 95% interval."""
    seen = n1 + n2 - m
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    f0 = est - seen
    if f0 <= 0 or var <= 0:
        return float(max(est, seen)), float(seen), float(max(est, seen))
    c = math.exp(Z95 * math.sqrt(math.log(1 + var / f0 ** 2)))
    return float(est), float(seen + f0 / c), float(seen + f0 * c)


def _occasions(con) -> str:
    """SQL (per botnet) naming the busiest sensor, or NULL when a botnet has only one."""
    return """CREATE OR REPLACE TEMP TABLE _occ AS
        SELECT botnet, CASE WHEN count(DISTINCT sensor) > 1 THEN arg_max(sensor, n) END AS a
        FROM (SELECT botnet, sensor, count(*) AS n FROM _spam WHERE botnet IS NOT NULL
              GROUP BY ALL) GROUP BY botnet"""


def _captures(con, grain: str) -> list[tuple]:
    """(period start, botnet, ips, n1, n2, m, two_sensors) per period."""
    period = "day" if grain == "day" else "date_trunc('month', day)::DATE"
    con.execute(_occasions(con))
    return con.execute(f"""
        WITH ip AS (
          SELECT {period} AS p, s.botnet, client_ip,
                 bool_or(CASE WHEN o.a IS NULL THEN hour(hour) % 2 = 0 ELSE sensor = o.a END) x,
                 bool_or(CASE WHEN o.a IS NULL THEN hour(hour) % 2 = 1 ELSE sensor <> o.a END) y,
                 any_value(o.a IS NOT NULL) AS two
          FROM _spam s JOIN _occ o USING (botnet)
          WHERE s.botnet IS NOT NULL AND client_ip IS NOT NULL GROUP BY ALL)
        SELECT p, botnet, count(*), count(*) FILTER (WHERE x), count(*) FILTER (WHERE y),
               count(*) FILTER (WHERE x AND y), any_value(two)
        FROM ip GROUP BY ALL ORDER BY 1, 2""").fetchall()


def _churn(con) -> dict[tuple, tuple[int, float | None]]:
    """(day, botnet) -> (IPs never seen before that day, share of yesterday's IPs gone)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _ipday AS SELECT DISTINCT day, botnet, client_ip
                   FROM _spam WHERE botnet IS NOT NULL AND client_ip IS NOT NULL""")
    rows = con.execute("""
        WITH first AS (SELECT botnet, client_ip, min(day) AS d0 FROM _ipday GROUP BY ALL),
        new AS (SELECT d0 AS day, botnet, count(*) AS n FROM first GROUP BY ALL),
        kept AS (SELECT y.day + 1 AS day, y.botnet, count(*) AS prev,
                        count(t.client_ip) AS stay
                 FROM _ipday y LEFT JOIN _ipday t ON t.botnet = y.botnet
                      AND t.client_ip = y.client_ip AND t.day = y.day + 1 GROUP BY ALL)
        SELECT coalesce(n.day, k.day), coalesce(n.botnet, k.botnet), coalesce(n.n, 0),
               CASE WHEN k.prev > 0 THEN 1 - k.stay / k.prev END
        FROM new n FULL JOIN kept k ON n.day = k.day AND n.botnet = k.botnet""").fetchall()
    return {(d, b): (int(n), None if c is None else float(c)) for d, b, n, c in rows}


def populations(con, daily_est: dict[tuple, float | None]) -> list[dict]:
    """Population rows per day and per month and botnet.

    ``daily_est`` maps (day, botnet) to the world spam estimate of that day (or None),
    used for spam per bot per minute.
    """
    churn = _churn(con)
    rows = []
    for grain in ("day", "month"):
        for start, botnet, ips, n1, n2, m, two in _captures(con, grain):
            est, low, high = chapman(n1, n2, m)
            row = {"period": grain, "start": start, "botnet": botnet, "ips_observed": ips,
                   "n1": n1, "n2": n2, "recaptured": m, "estimate": est, "low": low,
                   "high": high, "method": "chapman:" + ("sensors" if two else "hours"),
                   "new_ips": None, "churn": None, "spam_per_bot_per_min": None}
            if grain == "day":
                row["new_ips"], row["churn"] = churn.get((start, botnet), (0, None))
                spam = daily_est.get((start, botnet))
                if spam is not None and est > 0:
                    row["spam_per_bot_per_min"] = spam / est / 1440
            rows.append(row)
    return _monthly_rates(rows)


def _monthly_rates(rows: list[dict]) -> list[dict]:
    """Month rows get the mean of their days' spam per bot per minute."""
    acc: dict[tuple, list[float]] = {}
    for r in rows:
        if r["period"] == "day" and r["spam_per_bot_per_min"] is not None:
            acc.setdefault((r["start"].replace(day=1), r["botnet"]), []).append(
                r["spam_per_bot_per_min"])
    for r in rows:
        vals = acc.get((r["start"], r["botnet"])) if r["period"] == "month" else None
        if vals:
            r["spam_per_bot_per_min"] = sum(vals) / len(vals)
    return rows
