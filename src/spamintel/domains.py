"""Host names and their registrable domains (Public Suffix List, offline): shared by
the stages that read URLs and host names (parse, classify, attribute)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from publicsuffixlist import PublicSuffixList

_BEFORE_PATH = re.compile(r"[^/?#]*")  # what precedes the path, query or fragment
_HOST = re.compile(r"[\w.-]*")  # letters of any script (IDN), digits, "_", ".", "-"
_PSL = PublicSuffixList()


def url_host(url: str) -> str | None:
    """Lower-case host of a URL (no port, no credentials), or None. A host written with
    percent escapes is read as a browser reads it (``%6dyhost.example`` is
    ``myhost.example``), and ends at the first character no host name holds
    (``www.a.example&nbsp;more`` is ``www.a.example``)."""
    rest = url.split("://", 1)[-1]
    host = _BEFORE_PATH.match(rest).group().rsplit("@", 1)[-1]  # type: ignore[union-attr]
    if "%" in host:
        host = unquote(host).rsplit("@", 1)[-1]
    host = _HOST.match(host).group().strip(".").lower()  # type: ignore[union-attr]
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
