"""The Received chain: parse hops and find the sending client at the organisation boundary.

Each Received header (RFC 5321 §4.4) is one hop, newest first. The sending client is
the ``from`` side of the first hop, walking down from the top, whose sender lies
outside the receiving organisation. The organisation is either configured
(``trusted_relays``: host suffixes and IPs/CIDRs) or detected as the registered domain
of the top hop's ``by`` host, plus private and loopback addresses.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from spamintel.ipaddr import MAX_IP_TEXT, ip_or_none, ipv4_int, ipv6_address
from spamintel.parse.dates import to_utc

_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_FROM = re.compile(r"^\s*from\s+(\S+)", re.I)
# "by" at the start, else after a blank or ")": two patterns, as the second then begins
# with a character set the search can skip ahead by (an alternation with "^" cannot).
_BY_AT_START = re.compile(r"by\s+([A-Za-z0-9._\-\[\]:]+)", re.I)
_BY = re.compile(r"[\s)]by\s+([A-Za-z0-9._\-\[\]:]+)", re.I)
# The comment after the HELO word's blanks, from the word's end: "from HELO (COMMENT)"
_COMMENT = re.compile(r"\s*+\(([^)]*+)\)")
_BRACKET_IP = re.compile(r"\[(?:IPv6:)?(" + _IPV4 + r"|[0-9A-Fa-f:]{3,})\]")
# No digit or dot before or after. The check on what precedes comes after the first digit
# (two characters back), so that the pattern begins with a digit and a search skips to one.
_BARE_IP = re.compile(r"(\d(?<![\d.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3})(?![\d.])")
# exim "(helo=x)" and qmail "(HELO x)" alike: "(helo" with blanks, "=" or both after it,
# then the name: a run that ")" closes after any blanks.
_HELO_OPEN = re.compile(r"\(\s*+helo(\s*+)(=?)\s*+", re.I)
_HELO_NAME = re.compile(r"([^)\s]++)(\s*+\))?")


class Hop(NamedTuple):
    """One Received hop: who handed the message over, who took it, and when.

    A named tuple: a message has several hops and a tuple builds several times faster
    than a frozen dataclass.
    """

    helo: str | None
    rdns: str | None
    ip: str | None
    by: str | None
    date_text: str = ""
    by_ip: str | None = None

    @property
    def when(self) -> datetime | None:
        """The hop's timestamp in UTC (parsed on demand: most hops never need it)."""
        return to_utc(self.date_text)


def parse_hop(value: str) -> Hop:
    """Parse one Received header value into a ``Hop`` (fields None when absent)."""
    head, _, date_part = value.rpartition(";")
    if not head:
        head, date_part = value, ""
    by = _BY_AT_START.match(head) or _BY.search(head)
    by_host = by.group(1).strip("[]").lower() if by else None
    from_part = head[: by.start()] if by else head
    helo, rdns, ip = _from_clause(from_part)
    by_ip = _by_address(head, by.end()) if by else None
    return Hop(helo, rdns, ip, by_host, date_part, by_ip)


_BY_ADDRESS = re.compile(r"\s*\(\s*\[?(?:IPv6:)?([0-9A-Fa-f:.]{2,45})\]?\s*\)")


def _by_address(head: str, at: int) -> str | None:
    """The receiving host's own address, written after its name ("by HOST (ADDR)")."""
    m = _BY_ADDRESS.match(head, at)
    return ip_or_none(m.group(1)) if m else None


class Hops(Sequence[Hop]):
    """A message's Received values, each parsed into a ``Hop`` only when first used:
    the client is usually found a hop or two from the top, and the hops below it
    (often forged) are never needed."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self._parsed: list[Hop] = []

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: int) -> Hop:  # type: ignore[override]
        if index < 0:
            index += len(self.values)
        while len(self._parsed) <= index < len(self.values):
            self._parsed.append(parse_hop(self.values[len(self._parsed)]))
        return self._parsed[index]

    def __iter__(self) -> Iterator[Hop]:
        # Sequence's own __iter__ stops on an IndexError: a raise per loop run to the end.
        # Hops parsed already are read from the list, the others parsed here in turn.
        parsed, values = self._parsed, self.values
        for index in range(len(values)):
            if index == len(parsed):
                parsed.append(parse_hop(values[index]))
            yield parsed[index]


def _from_clause(text: str) -> tuple[str | None, str | None, str | None]:
    m = _FROM.match(text)
    if m is None:
        return None, None, None
    helo = m.group(1)
    rdns = None
    # The address the MTA saw is in the comment after the HELO word; a HELO that is itself
    # an address literal ("from [1.2.3.4] ([5.6.7.8])") is only a claim (RFC 5321 §4.1.3).
    rest = text[m.end():]
    ipm = (_BRACKET_IP.search(rest) or _BARE_IP.search(rest) or _BRACKET_IP.match(helo)
           or _BARE_IP.match(helo))
    ip = ipm.group(1) if ipm else None
    words = (_comment(text, m) or "").split()
    # Exchange writes "from HELO (2603:10b6::28)": an IPv6 address where a PTR name goes
    v6_word = bool(words) and ipv6_address(words[0]) is not None
    if ip is None and v6_word:
        ip = words[0]
    helo_name = _helo_name(text)
    if helo_name:  # exim "(helo=x)" / qmail "(HELO x)": the first word is the rDNS or IP
        first_word = m.group(1).strip("[]")
        helo = helo_name
        rdns = None if _BARE_IP.fullmatch(first_word) or first_word == "unknown" else first_word
    elif words and not v6_word and not words[0].startswith("[") \
            and not _BARE_IP.fullmatch(words[0]):
        rdns = words[0]
    helo = helo.strip("[]") if helo and helo.startswith("[") else helo
    return helo, rdns, ip


def _comment(text: str, word: re.Match[str]) -> str | None:
    r"""The comment that ``^\s*from\s+\S+\s*\(([^)]*)\)`` finds, ``word`` being the
    ``_FROM`` match: the one after the word and its blanks, else one opened inside the
    word (the last "(" in it with a ")" somewhere after it), or None.

    Found directly: the pattern, giving the word back one character at a time, would
    read on from each "(" in the word to the end of the text (quadratic).
    """
    after = _COMMENT.match(text, word.end())
    if after:
        return after.group(1)
    last_close = text.rfind(")")
    opening = text.rfind("(", word.start(1) + 1, min(word.end(), last_close)) \
        if last_close >= 0 else -1
    return text[opening + 1:text.index(")", opening)] if opening >= 0 else None


def _helo_name(text: str) -> str | None:
    r"""The name that ``\(\s*helo\s*[=\s]\s*([^)\s]+)\s*\)`` finds, or None.

    In linear time: a name runs to the next blank or ")", so a run that no ")" closes
    fails for every "(helo" inside it as well and is read once (the pattern would read
    it again from each of them, and try every split of long blanks: quadratic).
    """
    dead = (0, 0)  # the longest-reaching name run [start, end) found not closed
    opening = _HELO_OPEN.search(text)  # a search a time: most texts have none (no finditer)
    while opening is not None:
        # the name after "=" and its blanks; else after the blanks (it may start with "=")
        starts = [opening.end()] if opening.group(2) else []
        if opening.group(1):
            starts.append(opening.start(2))
        for start in starts:
            if dead[0] <= start < dead[1]:
                continue
            name = _HELO_NAME.match(text, start)
            if name is not None and name.group(2) is not None:
                return name.group(1)
            if name is not None and name.end() > dead[1]:
                dead = (start, name.end())
        opening = _HELO_OPEN.search(text, opening.end())
    return None


_INTERNAL_V4 = tuple((int(n.network_address), int(n.broadcast_address)) for n in (
    ipaddress.IPv4Network(x) for x in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                       "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10")))
_INTERNAL_V6 = tuple(ipaddress.IPv6Network(x) for x in ("::1/128", "fc00::/7", "fe80::/10"))


def _is_private(ip: str | None) -> bool:
    """RFC 1918 / loopback / link-local / CGNAT: never a sending client on the Internet."""
    if not ip or len(ip) > MAX_IP_TEXT:  # longer text is no address (and is not cached)
        return False
    return _is_private_address(ip)


@lru_cache(maxsize=1 << 16)
def _is_private_address(ip: str) -> bool:
    n = ipv4_int(ip)
    if n is not None:
        return any(lo <= n <= hi for lo, hi in _INTERNAL_V4)
    addr = ipv6_address(ip)  # any other text is an IPv6 address or none
    return addr is not None and any(addr in net for net in _INTERNAL_V6)


class Boundary:
    """Decides whether a hop's sender belongs to the receiving organisation."""

    def __init__(self, trusted: tuple[str, ...], registered: Callable[[str], str | None]):
        self.suffixes = tuple(t.lower().lstrip(".") for t in trusted if not _is_net(t))
        self.nets = tuple(ipaddress.ip_network(t, strict=False) for t in trusted if _is_net(t))
        self.registered = registered

    def org_domains(self, hops: Sequence[Hop]) -> set[str]:
        """The receiving organisation's registered domains (auto mode: the top ``by``)."""
        if self.suffixes or self.nets:
            return set(self.suffixes)
        for hop in hops:  # the first hop naming its receiver; a loop, as no generator
            if hop.by:
                dom = self.registered(hop.by)
                return {dom} if dom else set()
        return set()

    def is_internal(self, hop: Hop, org: set[str]) -> bool:
        """True when the hop's sending side is inside the organisation."""
        if hop.ip is None and hop.helo is None:
            return True  # local submission ("by host id ...")
        if _is_private(hop.ip):
            return True
        if hop.ip and self.nets:
            try:
                addr = ipaddress.ip_address(hop.ip)
                if any(addr in n for n in self.nets):
                    return True
            except ValueError:
                pass
        if _in_org(hop.rdns, org):
            return True
        # The organisation's own relays pass mail among themselves over IPv6, greeting
        # with their own names (Exchange Online: five hops under outlook.com before the
        # one that took the mail from the Internet). A client on IPv4 that greets with
        # the organisation's name is only claiming it.
        return bool(hop.ip and ":" in hop.ip and _in_org(hop.helo, org))


def _in_org(host: str | None, org: set[str]) -> bool:
    """Whether ``host`` is one of the organisation's domains or a name under one."""
    host = (host or "").lower()
    if host:
        for dom in org:  # a loop: a generator costs more than the one domain it checks
            if host == dom or host.endswith("." + dom):
                return True
    return False


def _is_net(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
        return True
    except ValueError:
        return False


def _relays_onward(hop: Hop, below: Hop | None) -> bool:
    """Whether the sender of ``hop`` is the receiver of the hop below it, by IPv6 address
    and host name alike: a relay of the organisation's that the hop below shows taking
    the mail (Exchange Online's hosts greet as ``HOST.eurprd01.prod.exchangelabs.com``
    and receive as ``HOST.outlook.office365.com`` at one address).

    Only over IPv6, where the sender's greeting names the same host: a client on IPv4
    that writes a hop below naming itself the receiver is only claiming to be a relay.
    """
    if below is None or not below.by or not below.by_ip or not hop.ip or ":" not in hop.ip:
        return False
    label = _host_label(hop.helo)
    return (ip_or_none(hop.ip) == below.by_ip and label is not None
            and label == _host_label(below.by))


def _host_label(name: str | None) -> str | None:
    """The first label of a host name (None for no name or an address)."""
    label = (name or "").split(".", 1)[0].lower()
    return label if label and "." in (name or "") and not label.isdigit() else None


def find_client(hops: Sequence[Hop], boundary: Boundary) -> tuple[Hop | None, int]:
    """Return ``(boundary_hop, internal_hop_count)``: the hop naming the sending client."""
    org = boundary.org_domains(hops)
    for index, hop in enumerate(hops):
        if boundary.is_internal(hop, org):
            continue
        if not _relays_onward(hop, hops[index + 1] if index + 1 < len(hops) else None):
            return hop, index
    return None, len(hops)
