"""rbldnsd data files of the bot IPs (a DNSBL zone's data): an ``ip4set`` of the IPv4
addresses and an ``ip6trie`` of the IPv6 ones by /64.

Loaded with e.g. ``rbldnsd -b 127.0.0.1/5353 bl.example.org:ip4set:spamintel-bots.rbldnsd
bl.example.org:ip6trie:spamintel-bots6.rbldnsd``; a listed IP answers ``127.0.0.2`` with a
TXT naming its botnet and last sighting. An IPv6 host takes new addresses inside its /64
(privacy extensions), so listing the address it used would miss its next one: the IPv6
zone lists the /64 (a bot is counted the same way, ``ipaddr.bot_host``).
"""

from __future__ import annotations

import ipaddress
from datetime import datetime

from spamintel.export._zone import serial
from spamintel.export.indicators import Indicator, Indicators
from spamintel.ipaddr import bot_host

A_VALUE = "127.0.0.2"
TEST_POINT = "127.0.0.2"  # RFC 5782 section 5: an IPv4 DNSBL lists it, and never 127.0.0.1
TEST_POINT6 = "::ffff:7f00:2"  # and an IPv6 one this, never ::ffff:7f00:1
TTL = 3600


def to_rbldnsd(indicators: Indicators, *, zone: str, now: datetime) -> str:
    """The ip4set text: ``$SOA``/``$NS`` for ``zone``, a default value, the RFC 5782 test
    point, then one IPv4 address a line (sorted) with its own TXT (an ip4set holds no
    IPv6: those are counted in the first line and go to ``to_rbldnsd6``'s file)."""
    ips = [ip for ip in indicators.ips if ":" not in ip.value]
    listed = (f"{len(ips)} listed, {len(indicators.ips) - len(ips)} IPv6 in the ip6trie "
              "file")
    return _zone(indicators, listed, zone, now, TEST_POINT,
                 [_line(ip.value, ip.botnet, ip.last_seen) for ip in ips])


def to_rbldnsd6(indicators: Indicators, *, zone: str, now: datetime) -> str:
    """The ip6trie text: the same directives, the RFC 5782 test point ``::ffff:7f00:2``,
    then one /64 a line (in numeric order) for the IPv6 bot addresses, its TXT naming the
    botnet with most messages from it, how many addresses it used and the last
    sighting."""
    networks: dict[str, list[Indicator]] = {}
    for ip in indicators.ips:
        if ":" in ip.value:
            networks.setdefault(bot_host(ip.value), []).append(ip)
    ordered = sorted(networks.items(), key=lambda kv: ipaddress.IPv6Network(kv[0]))
    listed = (f"{_count(len(ordered), '/64 network', 's')} listed, from "
              f"{_count(sum(map(len, networks.values())), 'IPv6 address', 'es')}")
    lines = [_line(net, _top_botnet(ips), max(ip.last_seen for ip in ips),
                   f", {_count(len(ips), 'address', 'es')}") for net, ips in ordered]
    return _zone(indicators, listed, zone, now, TEST_POINT6, lines)


def _count(n: int, noun: str, plural: str) -> str:
    return f"{n} {noun}{plural * (n != 1)}"


def _top_botnet(ips: list[Indicator]) -> str | None:
    """The botnet that sent most messages from ``ips`` (ties: the first name)."""
    messages: dict[str, int] = {}
    for ip in ips:
        messages[ip.botnet or ""] = messages.get(ip.botnet or "", 0) + ip.messages
    return min(messages, key=lambda b: (-messages[b], b)) or None


def _zone(indicators: Indicators, listed: str, zone: str, now: datetime, test_point: str,
          lines: list[str]) -> str:
    head = [
        f"# spamintel bot IPs seen {indicators.window.first}..{indicators.window.last}: "
        f"{listed}",
        f"$SOA {TTL} ns.{zone}. hostmaster.{zone}. {serial(now)} 3600 600 604800 {TTL}",
        f"$NS {TTL} ns.{zone}.",
        f":{A_VALUE}:Listed by spamintel: botnet activity from $",
        f"{test_point} :{A_VALUE}:Test entry (RFC 5782 section 5)",
    ]
    return "\n".join(head + lines) + "\n"


def _line(entry: str, botnet: str | None, last_seen: datetime, used: str = "") -> str:
    return (f"{entry} :{A_VALUE}:Listed by spamintel: botnet {botnet or 'unknown'}{used}, "
            f"last seen {last_seen.date().isoformat()}")
