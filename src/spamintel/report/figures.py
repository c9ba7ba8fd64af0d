"""Every figure of one month's report, from the store's views and analysis tables."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from spamintel.config import AnalyzeConfig
from spamintel.report import intel
from spamintel.report.methodology import methodology
from spamintel.report.narrative import narrative
from spamintel.report.traits import describe, parse_traits
from spamintel.store import Store, dict_rows
from spamintel.store.spam import mixed_sensors, spam_sql

TOP_N = 10
MIN_SENDER_SHARE = 0.01  # a campaign's botnets: those sending at least this share of it


_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


def normalize_month(month: str) -> str:
    """``month`` as ``YYYY-MM`` ("2011-3 " → "2011-03"); ValueError for anything else, so
    a mistyped month is an error rather than a report of nothing."""
    m = _MONTH.fullmatch(month)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"month must be YYYY-MM, not {month!r}")
    if not 1000 <= int(m.group(1)) <= 9998:  # its previous and next months must exist
        raise ValueError(f"month must lie in the years 1000 to 9998, not {month!r}")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """First day of ``YYYY-MM`` and first day of the next month."""
    year, mon = (int(x) for x in month.split("-"))
    start = date(year, mon, 1)
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def _traffic(con, p: list, mixed: tuple[str, ...]) -> dict[str, Any]:
    where = "day >= ? AND day < ?"
    cls = "coalesce(verdict, label, 'unknown')"
    is_spam = spam_sql(mixed)
    spam = f"{where} AND {is_spam}"
    return {
        "totals": dict_rows(con, f"""
            SELECT count(*) AS messages, count(DISTINCT client_ip) AS client_ips,
                   count(DISTINCT client_asn) AS asns, sum(size_bytes) AS bytes,
                   count(*) FILTER (WHERE {is_spam}) AS spam,
                   count(DISTINCT day) AS days_with_mail
            FROM events WHERE {where}""", p)[0],
        "daily_by_class": dict_rows(con, f"""
            SELECT day, {cls} AS class, count(*) AS messages FROM events
            WHERE {where} GROUP BY ALL ORDER BY day, class""", p),
        "top_asns": dict_rows(con, f"""
            SELECT client_asn AS asn, any_value(client_as_org) AS org, count(*) AS messages,
                   count(DISTINCT client_ip) AS ips,
                   count(*) / sum(count(*)) OVER () AS share FROM events
            WHERE {spam} AND client_asn IS NOT NULL GROUP BY client_asn
            ORDER BY messages DESC, asn LIMIT {TOP_N}""", p),
        **_countries(con, spam, p),
        "top_url_domains": dict_rows(con, f"""
            SELECT d AS domain, count(*) AS messages FROM
              (SELECT unnest(url_domains) AS d FROM events WHERE {spam})
            GROUP BY ALL ORDER BY messages DESC, domain LIMIT {TOP_N}""", p),
        "top_attachment_types": dict_rows(con, f"""
            SELECT coalesce(a.ext, '(none)') AS ext, a.sniffed_type AS sniffed_type,
                   count(*) AS attachments FROM
              (SELECT unnest(attachments) AS a FROM events WHERE {spam})
            GROUP BY ALL ORDER BY attachments DESC, ext LIMIT {TOP_N}""", p),
        "quarantined": con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
    }


def _countries(con, spam: str, p: list) -> dict[str, Any]:
    """The top source countries of spam, each with its share of all spam, and the share
    of spam whose country is not known (None without spam)."""
    rows = dict_rows(con, f"""
        SELECT coalesce(client_cc, '??') AS country, count(*) AS messages,
               count(*) / sum(count(*)) OVER () AS share FROM events WHERE {spam}
        GROUP BY ALL ORDER BY messages DESC, country""", p)
    unknown = [r["share"] for r in rows if r["country"] == "??"]
    return {"spam_countries": [r for r in rows if r["country"] != "??"][:TOP_N],
            "spam_country_unknown_share": unknown[0] if unknown else (0.0 if rows else None)}


def _campaigns(con, names: list[str], p: list) -> list[dict[str, Any]]:
    """The month's largest campaigns, each with its senders that month (``_senders``)."""
    return _senders(con, _campaignrows(con, names, p), p)


def _senders(con, rows: list[dict[str, Any]], p: list) -> list[dict[str, Any]]:
    """Add to each campaign row ``botnet_shares`` (every sender of the month with its share
    of the campaign's mail, ``None`` for mail attributed to no botnet; largest first) and
    set ``botnets`` to the botnets holding at least ``MIN_SENDER_SHARE`` of it, so a few
    stray misattributed messages do not list a botnet as a sender."""
    if not rows:
        return rows
    counts = con.execute("""
        SELECT campaign_id, botnet, count(*) AS n FROM events
        WHERE day >= ? AND day < ? AND list_contains(?, campaign_id)
        GROUP BY ALL ORDER BY campaign_id, n DESC, botnet NULLS LAST""",
                         [*p, [r["campaign_id"] for r in rows]]).fetchall()
    per: dict[str, list[tuple[str | None, int]]] = {}
    for cid, botnet, n in counts:
        per.setdefault(cid, []).append((botnet, n))
    for r in rows:
        senders = per.get(r["campaign_id"], [])
        total = sum(n for _, n in senders) or 1
        r["botnet_shares"] = [{"botnet": b, "share": n / total} for b, n in senders]
        r["botnets"] = [b for b, n in senders if b is not None and n / total >= MIN_SENDER_SHARE]
    return rows


def _campaignrows(con, names: list[str], p: list) -> list[dict[str, Any]]:
    if "campaign_daily" in names and "campaigns" in names:
        return dict_rows(con, f"""
            SELECT c.campaign_id, sum(d.messages) AS messages, any_value(c.category) AS category,
                   any_value(c.botnets) AS botnets, any_value(c.url_domains[1:5]) AS domains,
                   any_value(c.subject_example) AS subject, min(d.day) AS first_day,
                   max(d.day) AS last_day
            FROM campaign_daily d JOIN campaigns c USING (campaign_id)
            WHERE d.day >= ? AND d.day < ? GROUP BY c.campaign_id
            ORDER BY messages DESC, c.campaign_id LIMIT {TOP_N}""", p)
    return dict_rows(con, f"""
        SELECT campaign_id, count(*) AS messages, mode(category) AS category,
               list_distinct(list(botnet)) AS botnets, any_value(subject) AS subject,
               min(day) AS first_day, max(day) AS last_day
        FROM events WHERE day >= ? AND day < ? AND campaign_id IS NOT NULL
        GROUP BY campaign_id ORDER BY messages DESC, campaign_id LIMIT {TOP_N}""", p)


def _clusters(con, names: list[str], p: list) -> list[dict[str, Any]]:
    """The sender clusters that sent mail in the month, with the month's messages and
    sender IPs, and their traits (over the whole data) in words."""
    if "botnet_clusters" not in names:
        return []
    rows = dict_rows(con, f"""
        WITH month AS (SELECT botnet, count(DISTINCT client_ip) AS ips, count(*) AS messages
                       FROM events WHERE day >= ? AND day < ? AND botnet IS NOT NULL
                       GROUP BY botnet)
        SELECT c.cluster_id, c.botnet, c.signature, m.ips, m.messages, c.traits
        FROM botnet_clusters c JOIN month m USING (botnet)
        ORDER BY m.messages DESC, c.cluster_id LIMIT {TOP_N}""", p)
    for r in rows:
        r["traits"] = describe(parse_traits(r["traits"]))
    return rows


def _data_source(con, names: list[str], acfg: AnalyzeConfig | None) -> str | None:
    """What the sensors are when they are not real (a simulated world), as the analysis
    recorded it (or as ``acfg`` says, for a store analysed in memory); None for real."""
    if "analysis_run" in names:
        return intel.data_source(con)
    return (acfg.calibration.data_source or None) if acfg else None


def _covered(span: tuple[date, date] | None, start: date, end: date) -> dict[str, str | None]:
    """``first_day`` and ``last_day`` of the month that lie within the data's span (a day
    inside the span with no mail was seen empty, not missed); None when none does."""
    if span is not None:
        first, last = max(span[0], start), min(span[1], end - timedelta(days=1))
        if first <= last:
            return {"first_day": first.isoformat(), "last_day": last.isoformat()}
    return {"first_day": None, "last_day": None}


def _mixed(con, names: set[str] | frozenset[str] | list[str], acfg: AnalyzeConfig | None
           ) -> tuple[str, ...]:
    """The sensors that see all mail, as the analysis counted them (``analysis_run``), so
    the report's tables of spam take the same spam as its figures; without an analysis, the
    configured ones or those found in the data."""
    if "analysis_run" in names:
        row = con.execute("SELECT mixed_sensors FROM analysis_run").fetchone()
        if row is not None and row[0] is not None:
            return tuple(row[0])
    return tuple(mixed_sensors(con, acfg.calibration.mixed_sensors if acfg else ()))


def collect(store: Store, month: str, acfg: AnalyzeConfig | None = None) -> dict[str, Any]:
    """All figures of ``month``: traffic, headline, botnets, events, series, narrative."""
    month = normalize_month(month)
    start, end = month_bounds(month)
    con = store.connect(days=(start, end))
    p = [start, end]
    names = store.table_names()
    figures: dict[str, Any] = {"month": month, "previous_month": intel.previous_month(month),
                               "data_source": _data_source(con, names, acfg)}
    figures.update(_traffic(con, p, _mixed(con, names, acfg)))
    figures["totals"].update(_covered(intel.analysed_span(con) or store.day_span(), start, end))
    a = intel.load_analysis(store, acfg, con)
    figures["headline"] = intel.headline(a, month)
    figures["headline_previous"] = intel.headline(a, figures["previous_month"])
    figures["headline_change"] = intel.headline_change(figures["headline"],
                                                       figures["headline_previous"])
    figures["botnets"] = intel.botnets(a, month)
    figures["events"] = intel.events(a, month)
    figures["daily"], figures["daily_totals"] = intel.daily(a, month)
    figures["categories"] = intel.categories(a, month)
    figures["rates"] = intel.rates(a, month)
    figures["campaigns"] = _campaigns(con, names, p)
    figures["clusters"] = _clusters(con, names, p)
    figures["narrative"] = narrative(figures)
    figures["methodology"] = methodology(figures)
    return figures
