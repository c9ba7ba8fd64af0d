"""Monthly rates: spam rate of mixed feeds, virus and phishing as "1 in N", the share of
spam carrying a malicious link, the share of spam sent by botnets, and category shares.

Rates "of all mail" (spam, virus, phishing) need sensors that see all mail: the mixed
sensors named in the calibration, or else those where at least 1% of messages are ham.
Virus and phishing rates then combine the spam rate of those feeds with the share of spam
carrying malware or phishing over all sensors (see ``monthly_rates``).
Without any, virus and phishing rates are computed over all observed mail and say so in
``basis``, and the spam rate is left empty. Intervals are Wilson 95% score intervals.
"""

from __future__ import annotations

import math

from spamintel.analyze.estimate import Z95
from spamintel.analyze.series import BOTNET_SQL, VERDICT_SPAM_SQL, spam_sql

HAM_MIN_SHARE = 0.01


def wilson(k: int, n: int) -> tuple[float | None, float | None, float | None]:
    """Proportion ``k/n`` with its Wilson 95% interval (Nones when ``n`` is 0)."""
    if n <= 0:
        return None, None, None
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def mixed_sensors(con, configured: tuple[str, ...]) -> list[str]:
    """Sensors that see all mail: configured ones, or those with at least 1% ham."""
    if configured:
        return list(configured)
    rows = con.execute(f"""SELECT sensor FROM events GROUP BY sensor
        HAVING avg(CASE WHEN {VERDICT_SPAM_SQL} THEN 0 ELSE 1 END) >= {HAM_MIN_SHARE}
        ORDER BY sensor""").fetchall()
    return [r[0] for r in rows]


def _row(month, metric, value, low, high, k, n, basis):
    return {"month": month, "metric": metric, "value": value, "low": low, "high": high,
            "numerator": k, "denominator": n, "basis": basis}


def _one_in(month, metric, k, n, basis):
    p, lo, hi = wilson(k, n)
    if not p:
        return _row(month, metric, None, None, None, k, n, basis)
    return _row(month, metric, 1 / p, 1 / hi if hi else None, 1 / lo if lo else None, k, n,
                basis)


def _via_spam(month, metric, k_spam, spam_all, rate, basis):
    """1 in N of all mail as (share of spam, all sensors) × (spam rate, mixed feeds)."""
    p, lo, hi = wilson(k_spam, spam_all)
    if not p or rate[0] is None:
        return _row(month, metric, None, None, None, k_spam, spam_all, basis)
    value, low, high = p * rate[0], lo * rate[1], hi * rate[2]
    return _row(month, metric, 1 / value, 1 / high, 1 / low if low else None, k_spam,
                spam_all, basis)


def monthly_rates(con, mixed: list[str], botnet_share: dict[str, tuple[float, float]]
                  ) -> list[dict]:
    """Rate rows per month; ``botnet_share`` maps month to (botnet spam, all spam).

    With mixed feeds, virus and phishing rates of all mail are the share of spam carrying
    them (over every sensor: a far larger sample) times the mixed feeds' spam rate, on the
    premise that such mail arrives as spam; the direct count on the mixed feeds alone is
    kept as ``*_direct``.
    """
    where = "sensor IN (SELECT unnest(?))" if mixed else "TRUE"
    is_spam = spam_sql(mixed)
    phish_sql = "(is_phish OR verdict = 'phish')"
    basis = "mixed feeds: " + ", ".join(mixed) if mixed else "all observed mail"
    rows = []
    spam_all = {m: (n, v, ph) for m, n, v, ph in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE is_virus),
                   count(*) FILTER (WHERE {phish_sql})
            FROM events WHERE day IS NOT NULL AND {is_spam} GROUP BY 1""").fetchall()}
    for month, n, spam, virus, phish in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE {is_spam}),
                   count(*) FILTER (WHERE is_virus), count(*) FILTER (WHERE {phish_sql})
            FROM events WHERE day IS NOT NULL AND {where} GROUP BY 1 ORDER BY 1""",
            [mixed] if mixed else []).fetchall():
        rate = wilson(spam, n) if mixed else (None, None, None)
        rows.append(_row(month, "spam_rate", *rate, spam, n, basis))
        if mixed and month in spam_all:
            sn, sv, sp = spam_all[month]
            via = f"share of spam (all sensors) x spam rate ({basis})"
            rows.append(_via_spam(month, "virus_rate_1_in", sv, sn, rate, via))
            rows.append(_via_spam(month, "phishing_rate_1_in", sp, sn, rate, via))
            rows.append(_one_in(month, "virus_rate_1_in_direct", virus, n, basis))
            rows.append(_one_in(month, "phishing_rate_1_in_direct", phish, n, basis))
        else:
            rows.append(_one_in(month, "virus_rate_1_in", virus, n, basis))
            rows.append(_one_in(month, "phishing_rate_1_in", phish, n, basis))
    for month, spam, bad in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE has_malicious_link)
            FROM events WHERE day IS NOT NULL AND {is_spam} GROUP BY 1 ORDER BY 1""").fetchall():
        rows.append(_row(month, "malicious_link_share", *wilson(bad, spam), bad, spam,
                         "spam, all sensors"))
    for month, (bot, total) in sorted(botnet_share.items()):
        share = bot / total if total else None
        rows.append(_row(month, "botnet_share", share, None, None, bot, total,
                         "estimated world spam" if total else "no spam"))
    return rows + category_shares(con, mixed)


def category_shares(con, mixed: list[str]) -> list[dict]:
    """Share of spam per category and month (metric ``category:<name>``)."""
    rows = []
    for month, cat, k, n in con.execute(f"""
            SELECT m, c, k, sum(k) OVER (PARTITION BY m) FROM (
              SELECT strftime(day, '%Y-%m') m, coalesce(category, 'other') c, count(*) k
              FROM events WHERE day IS NOT NULL AND {spam_sql(mixed)} GROUP BY ALL)
            ORDER BY m, k DESC, c""").fetchall():
        p, lo, hi = wilson(int(k), int(n))
        rows.append(_row(month, f"category:{cat}", p, lo, hi, int(k), int(n), "spam, all sensors"))
    return rows


def observed_botnet_share(con, mixed: list[str]) -> dict[str, tuple[float, float]]:
    """Month -> (botnet spam, all spam) as observed (when there is no calibration)."""
    return {m: (float(b), float(t)) for m, b, t in con.execute(f"""
        SELECT strftime(day, '%Y-%m'), count(*) FILTER (WHERE {BOTNET_SQL} IS NOT NULL),
               count(*) FROM events WHERE day IS NOT NULL AND {spam_sql(mixed)} GROUP BY 1"""
        ).fetchall()}
