"""Host names and their registrable domains (Public Suffix List, offline): shared by
the stages that read URLs and host names (parse, classify, attribute)."""

from __future__ import annotations

import re
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

_BEFORE_PATH = re.compile(r"[^/?#]*")  # what precedes the path, query or fragment
_PSL = PublicSuffixList()


def url_host(url: str) -> str | None:
    """Lower-case host of a URL (no port, no credentials), or None."""
    rest = url.split("://", 1)[-1]
    host = _BEFORE_PATH.match(rest).group().rsplit("@", 1)[-1]  # type: ignore[union-attr]
    host = host.split(":", 1)[0].strip(".").lower()
    return host or None


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str | None:
    """The registrable domain of a host (``a.b.example.co.uk`` → ``example.co.uk``).

    IP literals are returned as they are; hosts without a known suffix give None.
    """
    if not host:
        return None
    if host.replace(".", "").isdigit():
        return host
    try:
        return _PSL.privatesuffix(host.encode("idna").decode("ascii") if not host.isascii()
                                  else host)
    except (UnicodeError, ValueError):
        return None
