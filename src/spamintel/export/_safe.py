"""Checks that every value from hostile mail passes before it reaches a feed file.

A value that fails is skipped, never repaired: a blocklist entry that is not exactly what
the mail carried would list the wrong thing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

# RFC 1035 section 2.3.1 (letters, digits, hyphen; no hyphen at either end), 63 octets a
# label; punycode labels (``xn--``) fit the same rule.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_NAME_UNSAFE = re.compile(r"[^\w. -]")
MAX_NAME = 253  # RFC 1035 section 3.1: 255 octets in wire form


def safe_domain(value: object, max_length: int = MAX_NAME, min_labels: int = 2) -> str | None:
    """``value`` as a lower-case LDH domain name of ``min_labels`` labels or more, or None.

    Internationalised names are taken in their punycode form; an IP literal, a name with
    any other character (space, quote, newline, underscore, ``*``), an empty or too long
    label, or a name over ``max_length`` characters gives None.
    """
    if not isinstance(value, str):
        return None
    name = value.strip().rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = name.split(".")
    if len(name) > max_length or len(labels) < min_labels or labels[-1].isdigit():
        return None
    return name if all(_LABEL.fullmatch(label) for label in labels) else None


def safe_ip(value: object, excluded: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
            = ()) -> str | None:
    """``value`` in canonical form if it is a global unicast address outside ``excluded``.

    Global is ``ipaddress``'s ``is_global`` (IANA special-purpose registries: private,
    loopback, link-local, shared 100.64/10, documentation, benchmarking, reserved) with
    multicast also refused.
    """
    if not isinstance(value, str):
        return None
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if getattr(ip, "scope_id", None):  # a zone index: any text may follow the "%"
        return None
    if not ip.is_global or ip.is_multicast or any(ip in net for net in excluded):
        return None
    return str(ip)


def safe_sha256(value: object) -> str | None:
    """``value`` as 64 lower-case hex digits, or None."""
    if not isinstance(value, str):
        return None
    digest = value.strip().lower()
    return digest if _SHA256.fullmatch(digest) else None


def safe_country(value: object) -> str | None:
    """An ISO 3166 two-letter code, or None."""
    return value if isinstance(value, str) and _COUNTRY.fullmatch(value) else None


def safe_name(value: object) -> str | None:
    """A botnet name reduced to letters and digits of any script, ``. _ -`` and spaces (at
    most 64), or None.

    Names come from signatures and attribution, not from mail, but end in TXT records,
    CSV cells and comments, so the same rule applies to them.
    """
    if not isinstance(value, str):
        return None
    name = _NAME_UNSAFE.sub("", value).strip(" .-")[:64]
    return name or None


def relay_networks(relays: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                    ...]:
    """The IP addresses and CIDR blocks among ``trusted_relays`` (host names are left out:
    a sender chooses its own reverse DNS name)."""
    nets = []
    for entry in relays:
        try:
            nets.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(nets)
