"""rbldnsd ``ip4set`` data file of the bot IPs (a DNSBL zone's data).

Loaded with e.g. ``rbldnsd -b 127.0.0.1/5353 bl.example.org:ip4set:spamintel-bots.rbldnsd``;
a listed IP answers ``127.0.0.2`` with a TXT naming its botnet and last sighting.
"""

from __future__ import annotations

from datetime import datetime

from spamintel.export._zone import serial
from spamintel.export.indicators import Indicator, Indicators

A_VALUE = "127.0.0.2"
TEST_POINT = "127.0.0.2"  # RFC 5782 section 5: an IPv4 DNSBL lists it, and never 127.0.0.1
TTL = 3600


def to_rbldnsd(indicators: Indicators, *, zone: str, now: datetime) -> str:
    """The ip4set text: ``$SOA``/``$NS`` for ``zone``, a default value, the RFC 5782 test
    point, then one IPv4 address a line (sorted) with its own TXT (an ip4set holds no
    IPv6: those are left out and counted in the first line)."""
    ips = [ip for ip in indicators.ips if ":" not in ip.value]
    head = [
        f"# spamintel bot IPs seen {indicators.window.first}..{indicators.window.last}: "
        f"{len(ips)} listed, {len(indicators.ips) - len(ips)} IPv6 left out",
        f"$SOA {TTL} ns.{zone}. hostmaster.{zone}. {serial(now)} 3600 600 604800 {TTL}",
        f"$NS {TTL} ns.{zone}.",
        f":{A_VALUE}:Listed by spamintel: botnet activity from $",
        f"{TEST_POINT} :{A_VALUE}:Test entry (RFC 5782 section 5)",
    ]
    return "\n".join(head + [_line(ip) for ip in ips]) + "\n"


def _line(ip: Indicator) -> str:
    botnet = ip.botnet or "unknown"
    return (f"{ip.value} :{A_VALUE}:Listed by spamintel: botnet {botnet}, "
            f"last seen {ip.last_seen.date().isoformat()}")
