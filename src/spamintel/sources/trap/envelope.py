"""Lenient parsing of MAIL FROM and RCPT TO arguments.

A trap wants what bots send, so it accepts the sloppy forms strict servers refuse:
``FROM: <x>``, ``from:x``, ``FROM : <x>``, unbalanced brackets, source routes, odd
characters. It only refuses a line that names no address keyword at all (RFC 5321
§4.1.1.2 / §4.1.1.3 would have it answer 501).
"""

from __future__ import annotations

import re

_KEYWORDS = {"MAIL": re.compile(r"^\s*FROM\s*:\s*(.*)$", re.I | re.S),
             "RCPT": re.compile(r"^\s*TO\s*:\s*(.*)$", re.I | re.S)}
MAX_ADDRESS = 512


def parse_path(verb: str, arg: str | None) -> tuple[str, list[str]] | None:
    """Address and parameters of a MAIL/RCPT argument, or None if the keyword is missing.

    The address loses its angle brackets and any source route (``<@a,@b:x@y>`` → ``x@y``);
    ``<>`` gives the null sender ``""``.
    """
    match = _KEYWORDS[verb].match(arg or "")
    if match is None:
        return None
    rest = match.group(1).strip()
    if rest.startswith("<"):
        close = rest.find(">")
        address = rest[1:close] if close >= 0 else rest[1:].split(" ", 1)[0]
        tail = rest[close + 1:] if close >= 0 else rest[1 + len(address):]
    else:
        address, _, tail = rest.partition(" ")
    if address.startswith("@") and ":" in address:
        address = address.split(":", 1)[1]
    return address.strip()[:MAX_ADDRESS], tail.split()


def domain_of(address: str) -> str:
    """Lower-case domain part of an address ('' when there is none)."""
    return address.rpartition("@")[2].strip().rstrip(".").lower() if "@" in address else ""
