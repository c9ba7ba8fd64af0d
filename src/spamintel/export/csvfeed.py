"""CERT-style CSV of the bot IPs, after Spamhaus's botnet feed: one row an IP."""

from __future__ import annotations

import csv
import io

from spamintel.export.indicators import Indicators

HEADER = ("ip", "asn", "country", "lastseen", "botname", "firstseen", "messages")


def to_csv(indicators: Indicators) -> str:
    """Header line, then ``ip,asn,country,lastseen,botname,firstseen,messages`` per IP
    (times in Unix seconds, UTC)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(HEADER)
    for ip in indicators.ips:
        out.writerow((ip.value, ip.asn or "", ip.country or "", int(ip.last_seen.timestamp()),
                      ip.botnet or "", int(ip.first_seen.timestamp()), ip.messages))
    return buf.getvalue()
