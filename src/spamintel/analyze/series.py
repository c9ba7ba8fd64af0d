"""Observed spam per day and per hour, per sensor and botnet, straight from the events view.

What counts as spam: a classifier verdict of spam, phish or malware, a source label of spam
when there is no verdict, and everything a trap saw (a trap address never receives wanted
mail), except on the sensors known to see all mail (``spamintel.store.spam``). A botnet is any
``botnet`` value except empty ones, ``none``/``unknown`` and ``nonbotnet:*`` (spam known
not to come from a botnet).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from spamintel.fingerprint.stamps import ORDER_COUNTS_SQL, route_stamps
from spamintel.ipaddr import bot_host
from spamintel.store.spam import FLAGGED_SQL, sensor_in_sql, spam_sql, trap_sql

BOTNET_SQL = ("CASE WHEN botnet IS NULL OR botnet IN ('', 'none', 'unknown') OR "
              "starts_with(botnet, 'nonbotnet') THEN NULL ELSE botnet END")
_DIALECT = "CASE WHEN json_valid(smtp_dialect) THEN smtp_dialect END"
# The client's SMTP dialect as an analyst reads it: its greeting and MAIL command shapes.
DIALECT_SQL = (f"coalesce(json_extract_string({_DIALECT}, '$.helo_shape') || ' / ' || "
               f"json_extract_string({_DIALECT}, '$.mail_shape'), 'no SMTP session')")
# The header template: the order of the header fields a mailer writes, less the MIME fields,
# whose presence follows the body.
MIME_FIELDS = ("mime-version", "content-type", "content-transfer-encoding")
MIX_COLUMNS = ("category", "dialect", "template")
UNITS = {"messages": "1", "recipients": "greatest(coalesce(rcpt_count, 1), 1)"}
# Longest run of days without any event kept in the analysis's calendar.
MAX_GAP_DAYS = 62
# Fewest trap messages of a botnet in a month to measure the classifier's recall on it.
MIN_RECALL_MESSAGES = 50


def template_sql(order: str = "header_order") -> str:
    """SQL expression of the header template of an ``order`` expression (MIME fields out)."""
    return (f"coalesce(array_to_string(list_filter(string_split({order}, ':'), "
            f"lambda f: f NOT IN {MIME_FIELDS}), ':'), 'none')")


def unit_sql(unit: str) -> str:
    """SQL expression giving how much one event counts in ``unit``."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose from {', '.join(UNITS)}")
    return UNITS[unit]


@dataclass
class DailyCounts:
    """Spam counts keyed by (day, sensor, botnet-or-None): messages and amount in the unit."""

    days: list[date]
    sensors: list[str]
    botnets: list[str]
    messages: dict[tuple[date, str, str | None], int]
    amount: dict[tuple[date, str, str | None], float]
    clumping: dict[str | None, float] = field(default_factory=dict)


def _register_bot_host(con) -> None:
    """``bot_host(client_ip)`` in SQL (``spamintel.ipaddr.bot_host``), once a connection."""
    with contextlib.suppress(duckdb.NotImplementedException):  # registered before
        con.create_function("bot_host", bot_host, ["VARCHAR"], "VARCHAR")


def spam_view(con, unit: str, mixed: tuple[str, ...] | list[str] = ()) -> None:
    """Create the temporary view ``_spam`` (day, hour, minute, sensor, client_ip, host,
    category, dialect, template, botnet, amount). ``host`` is the bot behind the client
    (``ipaddr.bot_host``: an IPv6 client's /64). The template is the sender's: the
    store's route stamps (``fingerprint.stamps``) are taken off."""
    stamps = route_stamps(dict(con.execute(ORDER_COUNTS_SQL).fetchall()))
    _register_bot_host(con)
    con.execute(f"""CREATE OR REPLACE TEMP VIEW _spam AS
        SELECT day, date_trunc('hour', observed_at) AS hour,
               date_trunc('minute', observed_at) AS minute, sensor, client_ip,
               CASE WHEN contains(client_ip, ':') THEN bot_host(client_ip)
                    ELSE client_ip END AS host,
               coalesce(category, 'other') AS category, {DIALECT_SQL} AS dialect,
               {template_sql(stamps.sql("header_order"))} AS template,
               {BOTNET_SQL} AS botnet, {unit_sql(unit)} AS amount
        FROM events WHERE {spam_sql(mixed)} AND day IS NOT NULL""")


def period(con, max_gap: int = MAX_GAP_DAYS) -> list[date]:
    """Every day from the first to the last day with any event, except gaps of more than
    ``max_gap`` days without any event: a message whose clock read 1971 makes one more
    day of the analysis, not thirty-six years of empty ones (whose series every later
    step would carry). Shorter gaps, such as sensors down for a few weeks, stay as days."""
    days = [d for (d,) in con.execute("SELECT DISTINCT day FROM events WHERE day IS NOT NULL "
                                      "ORDER BY 1").fetchall()]
    out: list[date] = []
    for day in days:
        if out and 1 < (day - out[-1]).days <= max_gap + 1:
            out += [out[-1] + timedelta(k) for k in range(1, (day - out[-1]).days)]
        out.append(day)
    return out


def daily_counts(con) -> DailyCounts:
    """Spam per day, sensor and botnet from ``_spam`` (see ``spam_view``)."""
    rows = con.execute("SELECT day, sensor, botnet, count(*), sum(amount) FROM _spam "
                       "GROUP BY ALL").fetchall()
    messages = {(d, s, b): int(n) for d, s, b, n, _ in rows}
    amount = {(d, s, b): float(a) for d, s, b, _, a in rows}
    sensors = [r[0] for r in con.execute("SELECT DISTINCT sensor FROM events ORDER BY 1"
                                         ).fetchall()]
    botnets = sorted({b for _, _, b in messages if b is not None})
    return DailyCounts(period(con), sensors, botnets, messages, amount, clumping(con))


def clumping(con) -> dict[str | None, float]:
    """Botnet (None: non-botnet spam) -> messages a message comes with, on average, in
    its SMTP session (sum of k² over sum of k, for k messages one address sent one
    sensor in one minute; 1 without addresses). A bot that sends several messages per
    connection makes a day's count vary that many times more than Poisson's."""
    rows = con.execute("""SELECT botnet, sum(k * k) / sum(k) FROM (
        SELECT botnet, sensor, client_ip, minute, count(*) AS k FROM _spam
        WHERE client_ip IS NOT NULL GROUP BY ALL) GROUP BY botnet""").fetchall()
    return {b: max(float(c), 1.0) for b, c in rows}


def botnet_recall(con, mixed: tuple[str, ...] | list[str]) -> dict[str, dict[str, float]]:
    """Botnet -> month -> share of the botnet's trap mail that the classifier flags: the
    chance that its mail at a mixed feed counts as spam there. Months in which the traps
    saw fewer than ``MIN_RECALL_MESSAGES`` of its messages are left out. Without any trap
    mail, the recall is measured at the feeds themselves (``_recall_alongside``)."""
    if not mixed:
        return {}
    rows = con.execute(f"""SELECT {BOTNET_SQL} AS b, strftime(day, '%Y-%m'), count(*),
            count(*) FILTER (WHERE {FLAGGED_SQL})
        FROM events WHERE day IS NOT NULL AND {trap_sql(mixed)} GROUP BY ALL""").fetchall()
    if not rows:
        return _recall_alongside(con, mixed)
    out: dict[str, dict[str, float]] = {}
    for b, m, n, k in rows:
        if b is not None and n >= MIN_RECALL_MESSAGES:
            out.setdefault(b, {})[m] = k / n
    return out


def _recall_alongside(con, mixed: tuple[str, ...] | list[str]) -> dict[str, dict[str, float]]:
    """Botnet -> month -> recall at the mixed feeds, from the mail a bot sent a feed
    alongside its flagged mail: on a day an address sent a feed mail the classifier
    flagged and the attribute stage gave to one botnet, its other messages there that day
    are that botnet's too (a bot sends no wanted mail), flagged or not. Such an address is
    seen only because at least one of its messages was flagged, so the recall is the one
    under which the flagged counts, given at least one, are likeliest (``truncated_recall``).
    A feed holds few such addresses a month, so one recall per botnet is read over the
    whole period, when its addresses sent at least ``MIN_RECALL_MESSAGES`` messages beside
    the first, and given for every month they sent such mail. An address that sent one
    message says nothing."""
    rows = con.execute(f"""
        WITH m AS (SELECT {BOTNET_SQL} AS b, sensor, client_ip, day, {FLAGGED_SQL} AS f
                   FROM events WHERE day IS NOT NULL AND client_ip IS NOT NULL
                     AND {sensor_in_sql(mixed)}),
        s AS (SELECT day, count(*) AS k, count(*) FILTER (WHERE f) AS flagged,
                     count(DISTINCT b) FILTER (WHERE f) AS botnets,
                     any_value(b) FILTER (WHERE f AND b IS NOT NULL) AS b
              FROM m GROUP BY sensor, client_ip, day)
        SELECT b, strftime(day, '%Y-%m'), k, count(*), sum(flagged) FROM s
        WHERE botnets = 1 AND k >= 2 GROUP BY ALL""").fetchall()
    groups: dict[str, list[tuple[int, int, int]]] = {}
    months: dict[str, set[str]] = {}
    for b, month, k, n, flagged in rows:
        groups.setdefault(b, []).append((int(k), int(n), int(flagged)))
        months.setdefault(b, set()).add(month)
    return {b: dict.fromkeys(months[b], truncated_recall(g)) for b, g in groups.items()
            if sum((k - 1) * n for k, n, _ in g) >= MIN_RECALL_MESSAGES}


def truncated_recall(groups: list[tuple[int, int, int]]) -> float:
    """The per-message chance ``r`` of being flagged under which ``n`` senders of ``k``
    messages each, every one with at least one flagged, flag ``flagged`` messages in all,
    for each ``(k, n, flagged)`` (the likelihood of a zero-truncated binomial: the
    expected count ``n k r / (1 - (1 - r)^k)`` rises with ``r``, so the root is bisected)."""
    total = sum(f for _, _, f in groups)

    def expected(r: float) -> float:
        return sum(n * k * r / (1.0 - (1.0 - r) ** k) for k, n, _ in groups)

    lo, hi = 1e-9, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if expected(mid) < total else (lo, mid)
    return 0.5 * (lo + hi)


def active_sensors(con) -> dict[date, set[str]]:
    """Sensors that stored anything on each day (a silent sensor was down, not spam-free)."""
    out: dict[date, set[str]] = {}
    for day, sensor in con.execute("SELECT DISTINCT day, sensor FROM events "
                                   "WHERE day IS NOT NULL").fetchall():
        out.setdefault(day, set()).add(sensor)
    return out


def hourly_counts(con) -> list[tuple[datetime, str | None, int, float]]:
    """Spam per hour and botnet (sensors pooled): (hour, botnet, messages, amount)."""
    return [(h, b, int(n), float(a)) for h, b, n, a in con.execute(
        "SELECT hour, botnet, count(*), sum(amount) FROM _spam WHERE hour IS NOT NULL "
        "GROUP BY ALL ORDER BY 1").fetchall()]


def daily_mixes(con, columns: tuple[str, ...] = MIX_COLUMNS
                ) -> dict[str, dict[tuple[str, date], dict[str, int]]]:
    """Per ``_spam`` column (``category``, or the software that sent the mail, ``dialect``
    and header ``template``), spam messages per (botnet, day) and value of the column, all
    in one pass over the view."""
    unknown = [c for c in columns if c not in MIX_COLUMNS]
    if unknown or not columns:
        raise ValueError(f"no mix of {unknown!r}; choose from {', '.join(MIX_COLUMNS)}")
    sets = ", ".join(f"(botnet, day, {c})" for c in columns)
    rows = con.execute(f"SELECT botnet, day, {', '.join(columns)}, count(*), "
                       f"grouping({', '.join(columns)}) FROM _spam WHERE botnet IS NOT NULL "
                       f"GROUP BY GROUPING SETS ({sets})").fetchall()
    out: dict[str, dict[tuple[str, date], dict[str, int]]] = {c: {} for c in columns}
    for row in rows:
        b, d, values, n, absent = row[0], row[1], row[2:-2], row[-2], row[-1]
        k = next(i for i in range(len(columns)) if not absent >> (len(columns) - 1 - i) & 1)
        out[columns[k]].setdefault((b, d), {})[values[k]] = int(n)
    return out
