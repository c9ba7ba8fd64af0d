"""Figures of one month, computed with SQL over the store's views."""

from __future__ import annotations

from datetime import date
from typing import Any

from spamintel.store import Store

TOP_N = 10


def month_bounds(month: str) -> tuple[date, date]:
    """First day of ``YYYY-MM`` and first day of the next month."""
    year, mon = (int(x) for x in month.split("-"))
    start = date(year, mon, 1)
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def _rows(con, sql: str, params: list) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def collect(store: Store, month: str) -> dict[str, Any]:
    """Daily volume, top ASNs, countries, URL domains and attachment types of a month."""
    start, end = month_bounds(month)
    con = store.connect()
    where = "day >= ? AND day < ?"
    p = [start, end]
    cls = "coalesce(verdict, label, 'unknown')"
    figures: dict[str, Any] = {"month": month}
    figures["totals"] = _rows(con, f"""
        SELECT count(*) AS messages, count(DISTINCT client_ip) AS client_ips,
               count(DISTINCT client_asn) AS asns, sum(size_bytes) AS bytes,
               count(*) FILTER (WHERE {cls} IN ('spam','phish','malware')) AS spam
        FROM events WHERE {where}""", p)[0]
    figures["daily"] = _rows(con, f"""
        SELECT day, {cls} AS class, count(*) AS messages FROM events
        WHERE {where} GROUP BY ALL ORDER BY day, class""", p)
    figures["top_asns"] = _rows(con, f"""
        SELECT client_asn AS asn, any_value(client_as_org) AS org, count(*) AS messages,
               count(DISTINCT client_ip) AS ips FROM events
        WHERE {where} AND client_asn IS NOT NULL GROUP BY client_asn
        ORDER BY messages DESC, asn LIMIT {TOP_N}""", p)
    figures["top_countries"] = _rows(con, f"""
        SELECT client_cc AS country, count(*) AS messages FROM events
        WHERE {where} AND client_cc IS NOT NULL GROUP BY ALL
        ORDER BY messages DESC, country LIMIT {TOP_N}""", p)
    figures["top_url_domains"] = _rows(con, f"""
        SELECT d AS domain, count(*) AS messages FROM
          (SELECT unnest(url_domains) AS d FROM events WHERE {where})
        GROUP BY ALL ORDER BY messages DESC, domain LIMIT {TOP_N}""", p)
    figures["top_attachment_types"] = _rows(con, f"""
        SELECT coalesce(a.ext, '(none)') AS ext, a.sniffed_type AS sniffed_type,
               count(*) AS attachments FROM
          (SELECT unnest(attachments) AS a FROM events WHERE {where})
        GROUP BY ALL ORDER BY attachments DESC, ext LIMIT {TOP_N}""", p)
    figures["quarantined"] = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    return figures
