"""Whether a client that speaks SMTP like a mail server is also named like one.

A mail server (a webmail pool, a company's relay, a hijacked server sending through its
own MTA, a snowshoe range an operator set up) greets with its own host name, and its
address's reverse DNS names the same domain: operators set up forward-confirmed reverse
DNS because receivers reject mail without it. Bot software that imitates a mail server's
greeting (EHLO with a host name, ``SIZE=``/``BODY=`` parameters) runs on home and
office machines: it greets with a made-up name, while the address has no reverse DNS or
one of its ISP's names for dynamic lines. So a client counts as named like a mail
server when the registrable domain of its HELO name equals that of its reverse DNS.
Where no reverse DNS was recorded at all (``None``; e.g. mail read from an archive
whose receiving MTA did not write it) nothing contradicts the greeting, and the client
counts as a mail server as before; a reverse DNS recorded as ``unknown`` (the address
has none) counts against it.

On the TREC 2007 public corpus (real mail, first half) the client hop of 99.1% of the
ham with both names recorded (10,915 of 11,012) has a HELO in its reverse DNS's domain.

Mail read from an archive has no SMTP session, so nothing says how the client spoke;
only the names in its Received header remain. There a client counts as a mail server
when a reverse DNS was recorded, its HELO names that domain, and the reverse DNS is not
a home or dynamic line's (``dynamic_line``): some bot software greets with its own
address's reverse DNS (``dialpool-210-214-29-220.maa.sify.net``), which agrees with
itself but names a dial-up pool, while webmail pools, company relays and snowshoe ranges
greet with names such as ``mail-sor-f41.google.com``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.domains import registered_domain

NO_RDNS = "unknown"
# Labels (digits dropped) that name a home or dynamic line in an ISP's reverse DNS.
DYNAMIC_LABELS = frozenset({"dyn", "dynamic", "dynip", "dial", "dialup", "dialpool",
                            "dsl", "adsl", "vdsl", "xdsl", "ppp", "pppoe", "dhcp", "pool",
                            "cable", "cpe", "broadband", "hsd", "catv", "client"})


def _domain(name: str) -> str | None:
    host = name.strip().strip("[]").rstrip(".").lower()
    return registered_domain(host) if host else None


def named_like_server(helo: str | None, rdns: str | None) -> bool:
    """Whether HELO name ``helo`` and reverse DNS ``rdns`` agree on their registrable
    domain (True when no reverse DNS was recorded)."""
    if rdns is None:
        return True
    if not helo or rdns.strip().lower() == NO_RDNS:
        return False
    domain = _domain(rdns)
    return domain is not None and domain == _domain(helo)


def dynamic_line(rdns: str, ip: str | None) -> bool:
    """Whether reverse DNS name ``rdns`` names a home or dynamic line: it spells at least
    two octets of the IPv4 address ``ip``, or one of its labels is a dynamic-line word
    (``DYNAMIC_LABELS``)."""
    name = rdns.strip().rstrip(".").lower()
    parts = [p for p in re.split(r"[.\-_]+", name) if p]
    if any(p.strip("0123456789") in DYNAMIC_LABELS for p in parts):
        return True
    octets = ip.split(".") if ip and ip.count(".") == 3 else []
    return sum(o in parts for o in set(octets)) >= 2


def archive_server(helo: str | None, rdns: str | None, ip: str | None) -> bool:
    """Whether a client seen only in a Received header was a mail server (module doc)."""
    return (rdns is not None and named_like_server(helo, rdns)
            and not dynamic_line(rdns, ip))


def server_named(helo: pa.ChunkedArray | pa.Array, rdns: pa.ChunkedArray | pa.Array
                 ) -> np.ndarray:
    """``named_like_server`` per row, evaluated once per distinct (HELO, rDNS) pair."""
    key = pc.binary_join_element_wise(
        pc.fill_null(pc.utf8_lower(helo), ""),
        pc.if_else(pc.is_null(rdns), _ABSENT, pc.utf8_lower(rdns)), _SEP)
    return _per_distinct(key, _verdict, True)


def _per_distinct(key: pa.ChunkedArray | pa.Array, verdict: Callable[[str], bool],
                  null: bool) -> np.ndarray:
    """``verdict`` of each row's key, called once per distinct key (``null`` for null
    keys)."""
    encoded = _flat(key).dictionary_encode()
    values = np.array([verdict(v) for v in encoded.dictionary.to_pylist()] + [null],
                      dtype=bool)
    return values[encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(
        zero_copy_only=False)]


_SEP, _ABSENT = "\x00", "\x01"


def _verdict(key: str) -> bool:
    helo, rdns = key.split(_SEP, 1)
    return named_like_server(helo or None, None if rdns == _ABSENT else rdns)


def _flat(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def archive_servers(helo: pa.Array, rdns: pa.Array, ip: pa.Array) -> np.ndarray:
    """``archive_server`` per row: the names are compared once per distinct (HELO, rDNS)
    pair, and only the rows named like a server are checked for a home line, once per
    distinct (rDNS, IP) pair."""
    recorded = pc.is_valid(rdns).to_numpy(zero_copy_only=False)
    out = server_named(helo, rdns) & recorded
    rows = np.flatnonzero(out)
    if len(rows):
        take = pa.array(rows)
        key = pc.binary_join_element_wise(pc.utf8_lower(rdns.take(take)),
                                          pc.fill_null(ip.take(take), ""), _SEP)
        out[rows] = ~_per_distinct(key, _home_line, False)
    return out


def _home_line(key: str) -> bool:
    rdns, ip = key.split(_SEP, 1)
    return dynamic_line(rdns, ip or None)
