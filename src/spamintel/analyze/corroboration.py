"""Spam at a mixed feed counted by corroboration: mail of campaigns the traps received.

A trap address never asked for mail, so a campaign seen at a trap is spam, whatever the
classifier says of its copies elsewhere. At a mixed feed, the mail of such campaigns is
counted as spam even where the classifier let it through, and wanted mail (an order
confirmation, a newsletter someone subscribed to), which is not sent to unused
addresses, stays out even where the classifier flags it.

What the count misses is spam of campaigns the traps did not see that month. Taking the
feed's spam as drawn from the same campaigns as the traps' (both are recipients of the
same broadcasts), the share of spam in campaigns the traps missed is the Good–Turing
missing mass of the trap sample: the share of trap messages that were the only trap
message of their campaign that month (a trap message without a campaign counts as one of
those). Its complement is the traps' coverage, and

    spam at the feed = corroborated messages / coverage.

Where a feed receives spam the traps never can (mail aimed at its own users), that count
reads low; the classifier's flagged share reads high by the wanted mail it flags. The
rates table keeps both (``analyze/rates.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from spamintel.store.spam import trap_sql


class Corroboration(NamedTuple):
    """One month's counts: mixed-feed mail, the part of it in campaigns the traps saw that
    month, trap messages, and trap messages alone in their campaign (once, twice)."""

    feed_messages: int
    corroborated: int
    trap_messages: int
    trap_singletons: int
    trap_doubletons: int

    @property
    def coverage(self) -> float:
        """Share of spam in campaigns the traps saw (Good–Turing): 1 - singletons / N."""
        if not self.trap_messages:
            return 0.0
        return 1.0 - self.trap_singletons / self.trap_messages

    @property
    def coverage_log_var(self) -> float:
        """Variance of log(coverage), from Esty's variance of the missing mass
        ((N1 (1 - N1/N) + 2 N2) / N^2) by the delta method."""
        n, n1, n2 = self.trap_messages, self.trap_singletons, self.trap_doubletons
        if not n or self.coverage <= 0:
            return float("inf")
        return (n1 * (1 - n1 / n) + 2 * n2) / (n * n) / self.coverage ** 2


def trap_corroboration(con, mixed: list[str]) -> dict[str, Corroboration]:
    """Month -> :class:`Corroboration` of the ``mixed`` feeds against the traps' campaigns
    of the same month (the ``events`` view with its ``campaign_id``)."""
    if not mixed:
        return {}
    rows = con.execute(f"""
        WITH trap AS (
          SELECT strftime(day, '%Y-%m') m, campaign_id, count(*) k FROM events
          WHERE day IS NOT NULL AND {trap_sql(mixed)} GROUP BY ALL),
        cover AS (
          SELECT m, sum(k) n, sum(CASE WHEN campaign_id IS NULL OR k = 1 THEN k ELSE 0 END) n1,
                 count(*) FILTER (WHERE campaign_id IS NOT NULL AND k = 2) n2
          FROM trap GROUP BY m),
        feed AS (
          SELECT strftime(e.day, '%Y-%m') m, count(*) n, count(t.campaign_id) corroborated
          FROM events e LEFT JOIN trap t
            ON t.m = strftime(e.day, '%Y-%m') AND t.campaign_id = e.campaign_id
          WHERE e.day IS NOT NULL AND e.sensor IN (SELECT unnest(?)) GROUP BY 1)
        SELECT feed.m, feed.n, feed.corroborated, coalesce(cover.n, 0), coalesce(cover.n1, 0),
               coalesce(cover.n2, 0)
        FROM feed LEFT JOIN cover USING (m)""", [mixed]).fetchall()
    return {m: Corroboration(*(int(v) for v in rest)) for m, *rest in rows}
