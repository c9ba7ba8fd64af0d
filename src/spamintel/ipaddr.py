"""One spelling for each client address, however a header or an MTA wrote it.

``2001:0DB8::1``, ``[IPv6:2001:db8::1]`` (RFC 5321 literal), ``IPV6:2001:db8::1`` (Postfix
XCLIENT) and ``2001:db8:0:0::1`` are one host; so are ``::ffff:192.0.2.1`` (what a
dual-stack socket reports for an IPv4 peer) and ``192.0.2.1``. Counting bots, keying
networks and listing addresses all compare these strings, so each address is stored as
``ipaddress`` writes it: dotted IPv4, compressed lower-case IPv6.
"""

from __future__ import annotations

import ipaddress
import re

from spamintel.memo import Memo

# Dotted IPv4 exactly as ipaddress accepts it (0-255, ASCII digits, no leading zero).
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PLAIN_IPV4 = re.compile(r"\.".join([_OCTET] * 4))
_PREFIX = re.compile(r"^\[?(?:ipv6:)?", re.I)
MAX_IP_TEXT = 45  # the longest text form of an IPv6 address


def ipv4_int(text: str) -> int | None:
    """The dotted IPv4 address ``text`` as an integer; None for anything else. Read with
    a regular expression: ``ipaddress`` takes ten times as long, and every message's
    client and hops are read."""
    m = _PLAIN_IPV4.fullmatch(text.strip())
    if m is None:
        return None
    a, b, c, d = m.groups()
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


def ipv6_address(text: str) -> ipaddress.IPv6Address | None:
    """The IPv6 address written in ``text`` (a zone allowed), or None."""
    text = text.strip()
    if ":" not in text or len(text) > MAX_IP_TEXT:
        return None
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        return None


def canonical_ip(text: str | None) -> str | None:
    """The address in its one spelling; text that is no address comes back as it was
    (stripped), so nothing a header said is lost."""
    if not text:
        return None
    text = text.strip()
    if _PLAIN_IPV4.fullmatch(text):
        return text
    return _CANONICAL[text]


def _canonical(text: str) -> str:
    bare = _PREFIX.sub("", text).rstrip("]")
    try:
        addr = ipaddress.ip_address(bare)
    except ValueError:
        return text
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


_CANONICAL = Memo(_canonical, 1 << 14, keep=lambda text: len(text) <= 60)


def ip_or_none(text: str | None) -> str | None:
    """The address in its one spelling when ``text`` is an IP address; None otherwise
    (a field's "unknown", Postfix's ``[UNAVAILABLE]``, an IPv6 address with a zone index:
    ``fe80::1%eth0`` names a link of the host that wrote it, and any text may follow the
    ``%``)."""
    spelled = canonical_ip(text)
    if not spelled or _PLAIN_IPV4.fullmatch(spelled):
        return spelled
    try:
        addr = ipaddress.ip_address(spelled)
    except ValueError:
        return None
    return None if getattr(addr, "scope_id", None) else spelled


def bot_host(address: str) -> str:
    """The host behind a client address, for counting bots: an IPv4 address is one host;
    an IPv6 host picks new addresses inside its /64 (privacy extensions), so its /64
    (``2001:db8:1:2::/64``) is one host. Text that is no address comes back as it was."""
    return _HOSTS[address] if ":" in address else address


def _host(address: str) -> str:
    try:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    except ValueError:
        return address


_HOSTS = Memo(_host, 1 << 14, keep=lambda text: len(text) <= 60)
