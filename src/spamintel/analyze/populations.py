"""Bot populations: distinct bot IPs per botnet and day (or month), churn, and an estimate
of the bots the sensors did not see.

How often the seen bots were seen tells how many were never seen. A period is cut into
sampling occasions, the days of a month or the hours of a day (those on which any spam
arrived), and ``Q1`` and ``Q2`` count the IPs seen on exactly one and exactly two of its
``T`` occasions. Chao's bias-corrected incidence estimator (Chao2) adds
``(T-1)/T * Q1 (Q1-1) / (2 (Q2+1))`` unseen bots to the ``S`` seen, with Chao's
log-normal 95% interval (never below ``S``). It assumes a closed population over the
period: with churn it counts every bot active at some time in it. Bots that send more are
likelier to be seen, and the light senders that are never seen leave no trace in ``Q1``
and ``Q2``, so the estimate is a lower bound where sending rates differ (Chao, 1987),
as they do in botnets; one IP can also hide several bots behind NAT or be reused by DHCP
churn. A bot is its IPv4 address, or the /64 of its IPv6 address (``ipaddr.bot_host``):
an IPv6 host takes new addresses inside its /64, and would otherwise count as many bots.
Spam per bot per minute is a day's world estimate over the month's estimated bots, per
minute of the day (``_rates_per_bot``).
"""

from __future__ import annotations

import math

from spamintel.analyze.estimate import Z95


def chao2(seen: int, q1: int, q2: int, occasions: int) -> tuple[float, float, float]:
    """Chao2 population estimate (bias-corrected) with its log-normal 95% interval, from
    ``seen`` IPs of which ``q1`` were seen on one and ``q2`` on two of ``occasions``."""
    a = (occasions - 1) / occasions if occasions > 1 else 0.0
    f0 = a * q1 * (q1 - 1) / (2 * (q2 + 1))
    if f0 <= 0:
        return float(seen), float(seen), float(seen)
    var = (f0 + a * a * q1 * (2 * q1 - 1) ** 2 / (4 * (q2 + 1) ** 2)
           + a * a * q1 * q1 * q2 * (q1 - 1) ** 2 / (4 * (q2 + 1) ** 4))
    c = math.exp(Z95 * math.sqrt(math.log(1 + var / f0 ** 2)))
    return float(seen + f0), float(seen + f0 / c), float(seen + f0 * c)


def _captures(con, grain: str) -> list[tuple]:
    """(period start, botnet, ips, occasions, q1, q2) per period: occasions are the days
    of a month or the hours of a day on which any spam arrived."""
    period = "day" if grain == "day" else "date_trunc('month', day)::DATE"
    occasion = "hour" if grain == "day" else "day"
    return con.execute(f"""
        WITH ip AS (
          SELECT {period} AS p, botnet, host, count(DISTINCT {occasion}) AS k
          FROM _spam WHERE botnet IS NOT NULL AND host IS NOT NULL GROUP BY ALL),
        occ AS (SELECT {period} AS p, count(DISTINCT {occasion}) AS t FROM _spam GROUP BY 1)
        SELECT p, botnet, count(*), any_value(t), count(*) FILTER (WHERE k = 1),
               count(*) FILTER (WHERE k = 2)
        FROM ip JOIN occ USING (p) GROUP BY ALL ORDER BY 1, 2""").fetchall()


def _churn(con) -> dict[tuple, tuple[int, float | None]]:
    """(day, botnet) -> (bots never seen before that day, share of yesterday's bots gone)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _ipday AS SELECT DISTINCT day, botnet, host
                   FROM _spam WHERE botnet IS NOT NULL AND host IS NOT NULL""")
    rows = con.execute("""
        WITH first AS (SELECT botnet, host, min(day) AS d0 FROM _ipday GROUP BY ALL),
        new AS (SELECT d0 AS day, botnet, count(*) AS n FROM first GROUP BY ALL),
        kept AS (SELECT y.day + 1 AS day, y.botnet, count(*) AS prev,
                        count(t.host) AS stay
                 FROM _ipday y LEFT JOIN _ipday t ON t.botnet = y.botnet
                      AND t.host = y.host AND t.day = y.day + 1 GROUP BY ALL)
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
        for start, botnet, ips, occasions, q1, q2 in _captures(con, grain):
            est, low, high = chao2(ips, q1, q2, occasions)
            row = {"period": grain, "start": start, "botnet": botnet, "ips_observed": ips,
                   "occasions": occasions, "seen_once": q1, "seen_twice": q2,
                   "estimate": est, "low": low, "high": high,
                   "method": "chao2:" + ("hours" if grain == "day" else "days"),
                   "new_ips": None, "churn": None, "spam_per_bot_per_min": None}
            if grain == "day":
                row["new_ips"], row["churn"] = churn.get((start, botnet), (0, None))
            rows.append(row)
    return _rates_per_bot(rows, daily_est)


def _rates_per_bot(rows: list[dict], daily_est: dict[tuple, float | None]) -> list[dict]:
    """Spam per bot per minute: a day's world spam over the bots of its month's estimate,
    and a month's mean over its days. A day's own estimate (its hours as occasions) sees
    too few bots twice to reach past the ones seen, so it would put a month's mail on a
    few per cent of its bots."""
    month_bots = {(r["start"], r["botnet"]): r["estimate"] for r in rows
                  if r["period"] == "month"}
    acc: dict[tuple, list[float]] = {}
    for r in rows:
        if r["period"] != "day":
            continue
        key = (r["start"].replace(day=1), r["botnet"])
        spam, bots = daily_est.get((r["start"], r["botnet"])), month_bots.get(key)
        if spam is not None and bots:
            r["spam_per_bot_per_min"] = spam / bots / 1440
            acc.setdefault(key, []).append(r["spam_per_bot_per_min"])
    for r in rows:
        vals = acc.get((r["start"], r["botnet"])) if r["period"] == "month" else None
        if vals:
            r["spam_per_bot_per_min"] = sum(vals) / len(vals)
    return rows
